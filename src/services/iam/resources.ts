// What each IAM operation acts on, resolved against the store before authorization: the stored
// entity's ARN (its path and case) for names IAM looks up case-insensitively, the exact policy ARN,
// and for creations the ARN the new entity will have.
import type { Principal } from '../../common/principal.js';
import type { CallContext, ResolvedResource, ResourceResolver } from '../../core/service.js';
import { UNSCOPED } from '../../core/service.js';
import type { IdentityStore } from '../../identity/store.js';
import { groupArn, iamErrors, instanceProfileArn, policyArn, roleArn, userArn } from './common.js';
import { parsePolicyArn } from './policy-lookup.js';

/** Operations whose missing UserName means "the caller": their resource is the caller's user. */
const CALLER_DEFAULT = new Set([
  'GetUser', 'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey',
  'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ListMFADevices',
]);
/** Listings address the path the caller asked about, e.g. `arn:aws:iam::<acct>:user/`. */
const LISTED: Record<string, string> = { ListUsers: 'user', ListRoles: 'role', ListGroups: 'group', ListInstanceProfiles: 'instance-profile' };

type Input = Record<string, unknown>;
const str = (input: Input, k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);

/** One entity kind addressed by name: how to find it stored, and its ARN when it does not exist. */
interface NamedKind {
  member: 'InstanceProfileName' | 'GroupName' | 'RoleName' | 'UserName';
  arnOf(accountId: string, path: string, name: string): string;
  stored(identity: IdentityStore, accountId: string, name: string): Promise<{ arn: string } | undefined>;
}

/** In the order an operation naming several acts on them: the container first (profile, group). */
const NAMED: readonly NamedKind[] = [
  { member: 'InstanceProfileName', arnOf: instanceProfileArn, stored: (i, a, n) => i.getInstanceProfile(a, n) },
  { member: 'GroupName', arnOf: groupArn, stored: (i, a, n) => i.getGroup(a, n) },
  { member: 'RoleName', arnOf: roleArn, stored: (i, a, n) => i.getRole(a, n) },
  { member: 'UserName', arnOf: userArn, stored: (i, a, n) => i.getUser(a, n) },
];

/** Creations act on the entity they make, at the path they give it. */
const CREATING: Record<string, NamedKind['member'] | 'PolicyName'> = {
  CreateUser: 'UserName', CreateRole: 'RoleName', CreateGroup: 'GroupName', CreateInstanceProfile: 'InstanceProfileName', CreatePolicy: 'PolicyName',
};

/** Renames need the action on the entity as it is and as it will be, as IAM requires. */
const RENAMING: Record<string, { kind: NamedKind['member']; newName: string }> = {
  UpdateUser: { kind: 'UserName', newName: 'NewUserName' },
  UpdateGroup: { kind: 'GroupName', newName: 'NewGroupName' },
};

export function iamResolver(identity: IdentityStore): ResourceResolver {
  /** The stored entity's ARN (names are case-insensitive in IAM), else the ARN a `/`-path entity would have. */
  const named = async (kind: NamedKind, accountId: string, name: string): Promise<ResolvedResource & { path: string; name: string }> => {
    const found = await kind.stored(identity, accountId, name);
    if (found) {
      const cut = found.arn.lastIndexOf('/');
      const path = found.arn.slice(found.arn.indexOf('/'), cut + 1);
      return { arn: found.arn, accountId, path, name: found.arn.slice(cut + 1) };
    }
    return { arn: kind.arnOf(accountId, '/', name), accountId, path: '/', name };
  };

  return async (op, input, ctx) => {
    const acct = ctx.accountId;
    const created = CREATING[op];
    if (created) return [{ arn: creationArn(op, input, acct, created), accountId: acct }];
    const renaming = RENAMING[op];
    if (renaming) {
      const kind = NAMED.find((k) => k.member === renaming.kind)!;
      const now = await named(kind, acct, str(input, kind.member) ?? '');
      const next = { arn: kind.arnOf(acct, str(input, 'NewPath') ?? now.path, str(input, renaming.newName) ?? now.name), accountId: acct };
      return next.arn === now.arn ? [now] : [now, next];
    }
    for (const kind of NAMED) {
      const name = str(input, kind.member);
      if (name !== undefined) return [await named(kind, acct, name)];
    }
    const policy = str(input, 'PolicyArn');
    if (policy !== undefined) return [{ arn: exactPolicyArn(policy), accountId: acct }];
    if (CALLER_DEFAULT.has(op)) return callerUser(identity, ctx.principal);
    if (op === 'GetAccessKeyLastUsed') return keyOwner(identity, ctx, str(input, 'AccessKeyId') ?? '');
    const listed = LISTED[op];
    if (listed) return [{ arn: `arn:aws:iam::${acct}:${listed}${str(input, 'PathPrefix') ?? '/'}`, accountId: acct }];
    return UNSCOPED;
  };
}

function creationArn(op: string, input: Input, accountId: string, member: string): string {
  const path = str(input, 'Path') ?? '/';
  const name = str(input, member) ?? '';
  if (op === 'CreatePolicy') return policyArn(accountId, path, name);
  return NAMED.find((k) => k.member === member)!.arnOf(accountId, path, name);
}

/**
 * A policy is addressed by its exact ARN, which the handlers match exactly; an ARN that is not an
 * IAM policy ARN of the aws partition is refused here, before it could be authorized as typed.
 */
function exactPolicyArn(arn: string): string {
  if (!parsePolicyArn(arn)) throw iamErrors.invalidArn(arn);
  return arn;
}

/** The calling IAM user as stored; other callers act on no user of their own (the handler says so). */
async function callerUser(identity: IdentityStore, p: Principal): Promise<readonly ResolvedResource[]> {
  if (p.type !== 'IAMUser') return UNSCOPED;
  const user = await identity.getUser(p.accountId, p.userName);
  return [{ arn: user?.arn ?? p.arn, accountId: p.accountId }];
}

/** GetAccessKeyLastUsed acts on the user owning the key (the account's root for its own keys). */
async function keyOwner(identity: IdentityStore, ctx: CallContext, accessKeyId: string): Promise<readonly ResolvedResource[]> {
  const key = accessKeyId ? await identity.getAccessKey(accessKeyId) : undefined;
  if (!key || key.accountId !== ctx.accountId || key.userName === undefined) return UNSCOPED;
  const user = await identity.getUser(key.accountId, key.userName);
  return [{ arn: user?.arn ?? userArn(key.accountId, '/', key.userName), accountId: key.accountId }];
}
