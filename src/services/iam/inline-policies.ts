// Inline policies embedded in a user or a role: put, get (URL-encoded, as IAM returns them),
// delete, list. Users and roles differ only in names, quotas and wording, so one set of
// functions serves both through a small Holder description.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../types.js';
import type { IamDeps } from './index.js';
import { checkPolicyText, encodeDocument, inlineKey, paginate, policySize, requireRole, requireUser } from './common.js';

interface Holder {
  /** `user` or `role`, as IAM words its messages. */
  noun: 'user' | 'role';
  nameMember: 'UserName' | 'RoleName';
  resourceType: string;
  /** IAM's quota on the total size of one holder's inline policies. */
  sizeQuota: number;
  load(deps: IamDeps, accountId: string, name: string): Promise<{ name: string; arn: string; inlinePolicies: Record<string, string> }>;
  save(deps: IamDeps, accountId: string, name: string, inlinePolicies: Record<string, string>): Promise<void>;
}

const USER: Holder = {
  noun: 'user', nameMember: 'UserName', resourceType: 'AWS::IAM::User', sizeQuota: 2048,
  async load(deps, accountId, name) {
    const u = await requireUser(deps.identity, accountId, name);
    return { name: u.userName, arn: u.arn, inlinePolicies: u.inlinePolicies };
  },
  async save(deps, accountId, name, inlinePolicies) {
    const u = await requireUser(deps.identity, accountId, name);
    await deps.identity.putUser(accountId, { ...u, inlinePolicies });
  },
};

const ROLE: Holder = {
  noun: 'role', nameMember: 'RoleName', resourceType: 'AWS::IAM::Role', sizeQuota: 10240,
  async load(deps, accountId, name) {
    const r = await requireRole(deps.identity, accountId, name);
    return { name: r.roleName, arn: r.arn, inlinePolicies: r.inlinePolicies };
  },
  async save(deps, accountId, name, inlinePolicies) {
    const r = await requireRole(deps.identity, accountId, name);
    await deps.identity.putRole(accountId, { ...r, inlinePolicies });
  },
};

type In = Record<string, string | number | undefined> & { PolicyName?: string };

function noSuchPolicy(h: Holder, name: string): AwsError {
  return new AwsError('NoSuchEntity', `The ${h.noun} policy with name ${name} cannot be found.`);
}

async function loadFor(h: Holder, deps: IamDeps, input: In, ctx: CallContext) {
  const holder = await h.load(deps, ctx.accountId, String(input[h.nameMember]));
  ctx.addResource(h.resourceType, holder.arn);
  return holder;
}

function put(h: Holder, deps: IamDeps) {
  return async (input: In & { PolicyName: string; PolicyDocument: string }, ctx: CallContext) => {
    const holder = await loadFor(h, deps, input, ctx);
    checkPolicyText(input.PolicyDocument, 'identity');
    const policies = { ...holder.inlinePolicies };
    // Re-putting a policy under another case of its name replaces it rather than adding a twin.
    const existing = inlineKey(policies, input.PolicyName);
    if (existing !== undefined) delete policies[existing];
    policies[input.PolicyName] = input.PolicyDocument;
    const total = Object.values(policies).reduce((n, text) => n + policySize(text), 0);
    if (total > h.sizeQuota) {
      throw new AwsError('LimitExceeded', `Maximum policy size of ${h.sizeQuota} bytes exceeded for ${h.noun} ${holder.name}`);
    }
    await h.save(deps, ctx.accountId, holder.name, policies);
    deps.authorizer.invalidate();
  };
}

function get(h: Holder, deps: IamDeps) {
  return async (input: In & { PolicyName: string }, ctx: CallContext) => {
    const holder = await loadFor(h, deps, input, ctx);
    const key = inlineKey(holder.inlinePolicies, input.PolicyName);
    if (key === undefined) throw noSuchPolicy(h, input.PolicyName);
    return { [h.nameMember]: holder.name, PolicyName: key, PolicyDocument: encodeDocument(holder.inlinePolicies[key]) };
  };
}

function remove(h: Holder, deps: IamDeps) {
  return async (input: In & { PolicyName: string }, ctx: CallContext) => {
    const holder = await loadFor(h, deps, input, ctx);
    const key = inlineKey(holder.inlinePolicies, input.PolicyName);
    if (key === undefined) throw noSuchPolicy(h, input.PolicyName);
    const policies = { ...holder.inlinePolicies };
    delete policies[key];
    await h.save(deps, ctx.accountId, holder.name, policies);
    deps.authorizer.invalidate();
  };
}

function list(h: Holder, deps: IamDeps) {
  return async (input: In & { Marker?: string; MaxItems?: number }, ctx: CallContext) => {
    const holder = await loadFor(h, deps, input, ctx);
    const page = paginate(Object.keys(holder.inlinePolicies), (n) => n.toLowerCase(), input.Marker, input.MaxItems);
    return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
  };
}

export function inlinePolicyHandlers(deps: IamDeps): Record<string, Handler> {
  return {
    PutUserPolicy: put(USER, deps), GetUserPolicy: get(USER, deps), DeleteUserPolicy: remove(USER, deps), ListUserPolicies: list(USER, deps),
    PutRolePolicy: put(ROLE, deps), GetRolePolicy: get(ROLE, deps), DeleteRolePolicy: remove(ROLE, deps), ListRolePolicies: list(ROLE, deps),
  };
}
