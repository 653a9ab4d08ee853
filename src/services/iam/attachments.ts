// Attaching managed policies (AWS managed or the account's own) to users and roles, detaching
// them, listing them. Keeps each customer policy's attachmentCount in step, and tells the
// authorizer to forget cached permissions after every change.
import type { CallContext, Handler } from '../types.js';
import type { IamDeps } from './index.js';
import { iamErrors, paginate, requireRole, requireUser } from './common.js';
import { findPolicy, policyNameOf, type PolicyView } from './policy-lookup.js';

const ATTACHED_QUOTA = 10;

interface Holder {
  nameMember: 'UserName' | 'RoleName';
  resourceType: string;
  /** IAM's quota name in its LimitExceeded message. */
  quotaName: string;
  load(deps: IamDeps, accountId: string, name: string): Promise<{ name: string; arn: string; attachedPolicies: string[] }>;
  save(deps: IamDeps, accountId: string, name: string, attachedPolicies: string[]): Promise<void>;
}

const USER: Holder = {
  nameMember: 'UserName', resourceType: 'AWS::IAM::User', quotaName: 'PoliciesPerUser',
  async load(deps, accountId, name) {
    const u = await requireUser(deps.identity, accountId, name);
    return { name: u.userName, arn: u.arn, attachedPolicies: u.attachedPolicies };
  },
  async save(deps, accountId, name, attachedPolicies) {
    const u = await requireUser(deps.identity, accountId, name);
    await deps.identity.putUser(accountId, { ...u, attachedPolicies });
  },
};

const ROLE: Holder = {
  nameMember: 'RoleName', resourceType: 'AWS::IAM::Role', quotaName: 'PoliciesPerRole',
  async load(deps, accountId, name) {
    const r = await requireRole(deps.identity, accountId, name);
    return { name: r.roleName, arn: r.arn, attachedPolicies: r.attachedPolicies };
  },
  async save(deps, accountId, name, attachedPolicies) {
    const r = await requireRole(deps.identity, accountId, name);
    await deps.identity.putRole(accountId, { ...r, attachedPolicies });
  },
};

type In = Record<string, string | number | undefined>;

/** Customer policies count their attachments (GetPolicy, DeletePolicy's conflict check). */
async function countAttachment(deps: IamDeps, ctx: CallContext, policy: PolicyView, delta: number): Promise<void> {
  if (!policy.stored) return;
  const p = policy.stored;
  await deps.identity.putPolicy(ctx.accountId, { ...p, attachmentCount: Math.max(0, p.attachmentCount + delta) });
}

function attach(h: Holder, deps: IamDeps) {
  return async (input: In & { PolicyArn: string }, ctx: CallContext) => {
    const holder = await h.load(deps, ctx.accountId, String(input[h.nameMember]));
    ctx.addResource(h.resourceType, holder.arn);
    const policy = await findPolicy(deps.identity, ctx.accountId, input.PolicyArn);
    if (!policy) throw iamErrors.notAttachable(input.PolicyArn);
    ctx.addResource('AWS::IAM::Policy', policy.arn);
    // Attaching twice is not an error in IAM, and changes nothing.
    if (holder.attachedPolicies.includes(policy.arn)) return;
    if (holder.attachedPolicies.length >= ATTACHED_QUOTA) throw iamErrors.quota(h.quotaName, ATTACHED_QUOTA);
    await h.save(deps, ctx.accountId, holder.name, [...holder.attachedPolicies, policy.arn]);
    await countAttachment(deps, ctx, policy, +1);
    deps.authorizer.invalidate();
  };
}

function detach(h: Holder, deps: IamDeps) {
  return async (input: In & { PolicyArn: string }, ctx: CallContext) => {
    const holder = await h.load(deps, ctx.accountId, String(input[h.nameMember]));
    ctx.addResource(h.resourceType, holder.arn);
    const attached = holder.attachedPolicies.find((a) => a.toLowerCase() === input.PolicyArn.toLowerCase());
    if (!attached) throw iamErrors.policyNotFound(input.PolicyArn);
    ctx.addResource('AWS::IAM::Policy', attached);
    await h.save(deps, ctx.accountId, holder.name, holder.attachedPolicies.filter((a) => a !== attached));
    const policy = await findPolicy(deps.identity, ctx.accountId, attached);
    if (policy) await countAttachment(deps, ctx, policy, -1);
    deps.authorizer.invalidate();
  };
}

function list(h: Holder, deps: IamDeps) {
  return async (input: In & { PathPrefix?: string; Marker?: string; MaxItems?: number }, ctx: CallContext) => {
    const holder = await h.load(deps, ctx.accountId, String(input[h.nameMember]));
    ctx.addResource(h.resourceType, holder.arn);
    const prefix = input.PathPrefix ?? '/';
    // A policy ARN is `...:policy<path><name>`: its path is what lies between `policy` and the name.
    const pathOf = (arn: string) => arn.slice(arn.indexOf(':policy/') + ':policy'.length, arn.lastIndexOf('/') + 1);
    const arns = holder.attachedPolicies.filter((arn) => pathOf(arn).startsWith(prefix));
    const page = paginate(arns, (arn) => `${policyNameOf(arn).toLowerCase()} ${arn}`, input.Marker, input.MaxItems);
    const AttachedPolicies = page.items.map((arn) => ({ PolicyName: policyNameOf(arn), PolicyArn: arn }));
    return { AttachedPolicies, IsTruncated: page.IsTruncated, Marker: page.Marker };
  };
}

export function attachmentHandlers(deps: IamDeps): Record<string, Handler> {
  return {
    AttachUserPolicy: attach(USER, deps), DetachUserPolicy: detach(USER, deps), ListAttachedUserPolicies: list(USER, deps),
    AttachRolePolicy: attach(ROLE, deps), DetachRolePolicy: detach(ROLE, deps), ListAttachedRolePolicies: list(ROLE, deps),
  };
}
