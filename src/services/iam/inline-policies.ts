// Inline policies embedded in a user, group or role: put, get (URL-encoded, as IAM returns them),
// delete, list. One set of functions serves all three through holders.ts.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import { checkPolicyText, encodeDocument, inlineKey, pages, policySize } from './common.js';
import { GROUP_HOLDER, loadHolder, ROLE_HOLDER, USER_HOLDER, type HolderInput, type HolderKind } from './holders.js';

function noSuchPolicy(h: HolderKind, name: string): AwsError {
  return new AwsError('NoSuchEntity', `The ${h.noun} policy with name ${name} cannot be found.`);
}

async function holderFor(h: HolderKind, deps: IamDeps, input: HolderInput, ctx: CallContext) {
  const holder = await loadHolder(h, deps, input, ctx.accountId);
  ctx.addResource(h.resourceType, holder.arn);
  return holder;
}

function put(h: HolderKind, deps: IamDeps) {
  return async (input: HolderInput & { PolicyName: string; PolicyDocument: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    checkPolicyText(input.PolicyDocument, 'identity');
    const policies = { ...holder.inlinePolicies };
    // Re-putting a policy under another case of its name replaces it rather than adding a twin.
    const existing = inlineKey(policies, input.PolicyName);
    if (existing !== undefined) delete policies[existing];
    policies[input.PolicyName] = input.PolicyDocument;
    const total = Object.values(policies).reduce((n, text) => n + policySize(text), 0);
    if (total > h.inlineQuota) {
      throw new AwsError('LimitExceeded', `Maximum policy size of ${h.inlineQuota} bytes exceeded for ${h.noun} ${holder.name}`);
    }
    await holder.save({ inlinePolicies: policies });
  };
}

function get(h: HolderKind, deps: IamDeps) {
  return async (input: HolderInput & { PolicyName: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    const key = inlineKey(holder.inlinePolicies, input.PolicyName);
    if (key === undefined) throw noSuchPolicy(h, input.PolicyName);
    return { [h.nameMember]: holder.name, PolicyName: key, PolicyDocument: encodeDocument(holder.inlinePolicies[key]) };
  };
}

function remove(h: HolderKind, deps: IamDeps) {
  return async (input: HolderInput & { PolicyName: string }, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    const key = inlineKey(holder.inlinePolicies, input.PolicyName);
    if (key === undefined) throw noSuchPolicy(h, input.PolicyName);
    const policies = { ...holder.inlinePolicies };
    delete policies[key];
    await holder.save({ inlinePolicies: policies });
  };
}

function list(h: HolderKind, deps: IamDeps, operation: string) {
  return async (input: HolderInput, ctx: CallContext) => {
    const holder = await holderFor(h, deps, input, ctx);
    const page = pages.list(operation, input, ctx, Object.keys(holder.inlinePolicies), (n) => n.toLowerCase(), { parent: holder.arn });
    return page.output(page.items);
  };
}

export function inlinePolicyHandlers(deps: IamDeps): Record<string, Handler> {
  const U = USER_HOLDER;
  const R = ROLE_HOLDER;
  const G = GROUP_HOLDER;
  return {
    PutUserPolicy: put(U, deps), GetUserPolicy: get(U, deps), DeleteUserPolicy: remove(U, deps), ListUserPolicies: list(U, deps, 'ListUserPolicies'),
    PutRolePolicy: put(R, deps), GetRolePolicy: get(R, deps), DeleteRolePolicy: remove(R, deps), ListRolePolicies: list(R, deps, 'ListRolePolicies'),
    PutGroupPolicy: put(G, deps), GetGroupPolicy: get(G, deps), DeleteGroupPolicy: remove(G, deps), ListGroupPolicies: list(G, deps, 'ListGroupPolicies'),
  };
}
