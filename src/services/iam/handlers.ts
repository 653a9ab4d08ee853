// Every IAM operation chattrail serves, gathered from the files that own them, with writes
// serialized per account (see AccountLocks for why) and re-checked against the entities they were
// authorized on, and GetSessionToken credentials refused.
import { AwsError } from '../../protocol/errors.js';
import { AUTHORIZED_PER_ITEM, type CallContext, type Handler, type ResourceResolver } from '../../core/service.js';
import { isReadOnly } from '../../records/record.js';
import type { IamDeps } from './deps.js';
import { AccountLocks } from './common.js';
import { userHandlers } from './users.js';
import { accessKeyHandlers } from './access-keys.js';
import { roleHandlers } from './roles.js';
import { inlinePolicyHandlers } from './inline-policies.js';
import { attachmentHandlers } from './attachments.js';
import { policyHandlers } from './policies.js';
import { accountHandlers } from './account.js';
import { groupHandlers } from './groups.js';
import { loginProfileHandlers } from './login-profiles.js';
import { instanceProfileHandlers } from './instance-profiles.js';
import { authorizationDetailHandlers } from './authorization-details.js';
import { iamRecording } from './recording.js';
import { iamResolver } from './resources.js';

export function iamHandlers(deps: IamDeps): Record<string, Handler> {
  const all: Record<string, Handler> = {
    ...userHandlers(deps),
    ...accessKeyHandlers(deps),
    ...roleHandlers(deps),
    ...inlinePolicyHandlers(deps),
    ...attachmentHandlers(deps),
    ...policyHandlers(deps),
    ...accountHandlers(deps),
    ...groupHandlers(deps),
    ...loginProfileHandlers(deps),
    ...instanceProfileHandlers(deps),
    ...authorizationDetailHandlers(deps),
  };
  const locks = new AccountLocks();
  const resolve = iamResolver(deps.identity);
  const out: Record<string, Handler> = {};
  for (const [op, handler] of Object.entries(all)) {
    // Reads run freely; writes of one account wait for each other.
    const run: Handler = isReadOnly(op, iamRecording)
      ? handler
      : (input: Record<string, unknown>, ctx: CallContext) => locks.run(ctx.accountId, async () => {
        await stillAsAuthorized(resolve, op, input, ctx);
        return handler(input, ctx);
      });
    out[op] = async (input: Record<string, unknown>, ctx: CallContext) => {
      refuseTokenSessions(ctx);
      return run(input, ctx);
    };
  }
  return out;
}

/**
 * Under the account's write lock, the entities must still be the ones the call was authorized on:
 * a delete and re-create at another path between authorization and the write would otherwise
 * change an entity no policy was evaluated against.
 */
async function stillAsAuthorized(resolve: ResourceResolver, op: string, input: Record<string, unknown>, ctx: CallContext): Promise<void> {
  const authorized = ctx.resolved;
  if (!authorized?.length) return;
  const now = await resolve(op, input, ctx);
  if (now === AUTHORIZED_PER_ITEM || now.length !== authorized.length || now.some((r, i) => r.arn !== authorized[i].arn)) {
    throw new AwsError('ConcurrentModification', 'The entity changed while this request was being authorized. Retry the request.', 409);
  }
}

/**
 * IAM refuses GetSessionToken credentials obtained without MFA (chattrail has no MFA devices, so
 * all of them), and says so the way AWS does: as if the token were unknown.
 */
function refuseTokenSessions(ctx: CallContext): void {
  const p = ctx.principal;
  if ((p.type === 'IAMUser' || p.type === 'Root') && p.sessionCreatedAt !== undefined) {
    throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid', 403);
  }
}
