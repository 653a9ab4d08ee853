// Permissions boundaries: Put/Delete<User|Role>PermissionsBoundary are one pair of operations on two
// kinds of holder. Setting one checks the policy exists; removing an absent one is not an error.
import type { CallContext, Handler } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import { loadHolder, type HolderInput, type HolderKind } from './holders.js';
import { requireBoundary } from './policy-lookup.js';

export function boundaryHandlers(deps: IamDeps, kind: HolderKind): { put: Handler; remove: Handler } {
  return {
    async put(input: HolderInput & { PermissionsBoundary: string }, ctx: CallContext) {
      const holder = await loadHolder(kind, deps, input, ctx.accountId);
      ctx.addResource(kind.resourceType, holder.arn);
      await requireBoundary(deps.identity, ctx.accountId, input.PermissionsBoundary);
      ctx.addResource('AWS::IAM::Policy', input.PermissionsBoundary);
      await holder.save({ permissionsBoundary: input.PermissionsBoundary });
    },
    async remove(input: HolderInput, ctx: CallContext) {
      const holder = await loadHolder(kind, deps, input, ctx.accountId);
      ctx.addResource(kind.resourceType, holder.arn);
      await holder.save({ permissionsBoundary: undefined });
    },
  };
}
