// Attaching managed policies (AWS managed or the account's own) to users, groups and roles, detaching
// them, listing them. Keeps each customer policy's attachmentCount in step; cached permissions
// follow the documents' changes (auth/authorize.ts).
import type { CallContext, Handler } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import { iamErrors, pages } from './common.js';
import { findPolicy, parsePolicyArn, policyNameOf, type PolicyView } from './policy-lookup.js';
import { GROUP_HOLDER, loadHolder, ROLE_HOLDER, USER_HOLDER, type HolderInput, type HolderKind } from './holders.js';

const ATTACHED_QUOTA = 10;

/** Customer policies count their attachments (GetPolicy, DeletePolicy's conflict check). */
async function countAttachment(deps: IamDeps, ctx: CallContext, policy: PolicyView, delta: number): Promise<void> {
  if (!policy.stored) return;
  const p = policy.stored;
  await deps.identity.putPolicy(ctx.accountId, { ...p, attachmentCount: Math.max(0, p.attachmentCount + delta) });
}

async function holderFor(h: HolderKind, deps: IamDeps, input: HolderInput, ctx: CallContext) {
  const holder = await loadHolder(h, deps, input, ctx.accountId);
  ctx.addResource(h.resourceType, holder.arn);
  return holder;
}

function attach(h: HolderKind, deps: IamDeps) {
  return async (input: HolderInput & { PolicyArn: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    if (!parsePolicyArn(input.PolicyArn)) throw iamErrors.invalidArn(input.PolicyArn);
    const policy = await findPolicy(deps.identity, ctx.accountId, input.PolicyArn);
    if (!policy) throw iamErrors.notAttachable(input.PolicyArn);
    ctx.addResource('AWS::IAM::Policy', policy.arn);
    // Attaching twice is not an error in IAM, and changes nothing.
    if (holder.attachedPolicies.includes(policy.arn)) return;
    if (holder.attachedPolicies.length >= ATTACHED_QUOTA) throw iamErrors.quota(h.attachedQuotaName, ATTACHED_QUOTA);
    await holder.save({ attachedPolicies: [...holder.attachedPolicies, policy.arn] });
    await countAttachment(deps, ctx, policy, +1);
  };
}

function detach(h: HolderKind, deps: IamDeps) {
  return async (input: HolderInput & { PolicyArn: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    // Exact, as everywhere a policy ARN is matched: a variant names no attached policy.
    const attached = holder.attachedPolicies.find((a) => a === input.PolicyArn);
    if (!attached) throw iamErrors.policyNotFound(input.PolicyArn);
    ctx.addResource('AWS::IAM::Policy', attached);
    await holder.save({ attachedPolicies: holder.attachedPolicies.filter((a) => a !== attached) });
    const policy = await findPolicy(deps.identity, ctx.accountId, attached);
    if (policy) await countAttachment(deps, ctx, policy, -1);
  };
}

/** A policy ARN is `...:policy<path><name>`: its path lies between `:policy` and the name. */
function pathOf(arn: string): string {
  return arn.slice(arn.indexOf(':policy/') + ':policy'.length, arn.lastIndexOf('/') + 1);
}

function list(h: HolderKind, deps: IamDeps, operation: string) {
  return async (input: HolderInput & { PathPrefix?: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    const prefix = input.PathPrefix ?? '/';
    const arns = holder.attachedPolicies.filter((arn) => pathOf(arn).startsWith(prefix));
    const page = pages.list(operation, input, ctx, arns, (arn) => `${policyNameOf(arn).toLowerCase()} ${arn}`, { parent: holder.arn });
    return page.output(page.items.map((arn) => ({ PolicyName: policyNameOf(arn), PolicyArn: arn })));
  };
}

export function attachmentHandlers(deps: IamDeps): Record<string, Handler> {
  const U = USER_HOLDER;
  const R = ROLE_HOLDER;
  const G = GROUP_HOLDER;
  return {
    AttachUserPolicy: attach(U, deps), DetachUserPolicy: detach(U, deps), ListAttachedUserPolicies: list(U, deps, 'ListAttachedUserPolicies'),
    AttachRolePolicy: attach(R, deps), DetachRolePolicy: detach(R, deps), ListAttachedRolePolicies: list(R, deps, 'ListAttachedRolePolicies'),
    AttachGroupPolicy: attach(G, deps), DetachGroupPolicy: detach(G, deps), ListAttachedGroupPolicies: list(G, deps, 'ListAttachedGroupPolicies'),
  };
}
