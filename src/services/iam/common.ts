// What every IAM handler file shares: IAM's error wording, ARNs, its page sizes and Marker error, tag
// lists, policy-text checks and the per-account write lock. Nothing here knows one operation.
import { AwsError } from '../../protocol/errors.js';
import { parsePolicyDocument, PolicyParseError, type PolicyKind } from '../../policy/document.js';
import type { CallContext } from '../../core/service.js';
import { mergeTags as sharedMergeTags, removeTags as sharedRemoveTags, type TagPolicy } from '../shared/tags.js';
import { Pages } from '../shared/pagination.js';
import type { IamGroup, IamRole, IamUser, IdentityStore } from '../../identity/store.js';

export type Tag = { Key: string; Value: string };

/** IAM's own words for the errors clients see most, so scripts matching on them keep working. */
export const iamErrors = {
  noSuchUser: (name: string) => new AwsError('NoSuchEntity', `The user with name ${name} cannot be found.`),
  userExists: (name: string) => new AwsError('EntityAlreadyExists', `User with name ${name} already exists.`),
  noSuchRole: (name: string) => new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`),
  roleExists: (name: string) => new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`),
  policyNotFound: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} was not found.`),
  notAttachable: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`),
  noSuchKey: (id: string) => new AwsError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`),
  invalidArn: (arn: string) => new AwsError('InvalidInput', `ARN ${arn} is not valid.`),
  quota: (name: string, limit: number) => new AwsError('LimitExceeded', `Cannot exceed quota for ${name}: ${limit}`),
  mustDelete: (what: string) => new AwsError('DeleteConflict', `Cannot delete entity, must ${what} first.`),
  noSuchGroup: (name: string) => new AwsError('NoSuchEntity', `The group with name ${name} cannot be found.`),
  groupExists: (name: string) => new AwsError('EntityAlreadyExists', `Group with name ${name} already exists.`),
  noSuchInstanceProfile: (name: string) => new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`),
  instanceProfileExists: (name: string) => new AwsError('EntityAlreadyExists', `Instance Profile ${name} already exists.`),
  needsUserName: () => new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials'),
};

export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}
export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}
export function groupArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:group${path}${name}`;
}
export function instanceProfileArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:instance-profile${path}${name}`;
}
export function policyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`;
}

/** IAM dates have whole seconds; entities made outside these handlers (the first admin) may not. */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** Now, to the second, so the wire, the record and later reads all show the same date. */
export function nowSeconds(ctx: CallContext): Date {
  return wholeSeconds(ctx.clock.now());
}

export async function requireUser(identity: IdentityStore, accountId: string, name: string): Promise<IamUser> {
  const user = await identity.getUser(accountId, name);
  if (!user) throw iamErrors.noSuchUser(name);
  return user;
}

export async function requireRole(identity: IdentityStore, accountId: string, name: string): Promise<IamRole> {
  const role = await identity.getRole(accountId, name);
  if (!role) throw iamErrors.noSuchRole(name);
  return role;
}

export async function requireGroup(identity: IdentityStore, accountId: string, name: string): Promise<IamGroup> {
  const group = await identity.getGroup(accountId, name);
  if (!group) throw iamErrors.noSuchGroup(name);
  return group;
}

/** The user an operation with an optional UserName acts on: the named one, else the calling IAM
 * user; undefined means the root user (access keys of the account itself). */
export function targetUserName(input: { UserName?: string }, ctx: CallContext): string | undefined {
  if (input.UserName !== undefined) return input.UserName;
  const p = ctx.principal;
  if (p.type === 'IAMUser') return p.userName;
  if (p.type === 'Root') return undefined;
  throw iamErrors.needsUserName();
}

/** Parses a policy the caller sent; IAM answers a bad one with MalformedPolicyDocument and the parser's words. */
export function checkPolicyText(text: string, kind: PolicyKind): void {
  try {
    parsePolicyDocument(text, kind);
  } catch (e) {
    if (e instanceof PolicyParseError) throw new AwsError('MalformedPolicyDocument', e.message);
    throw e;
  }
}

/** IAM's size quotas count characters other than whitespace. */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/** IAM hands policy documents back URL-encoded (GetUserPolicy, GetRole...); SDKs decode them. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

/** Case-insensitive lookup of an inline policy name, as IAM treats them. */
export function inlineKey(policies: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(policies).find((k) => k.toLowerCase() === lower);
}

/**
 * IAM's listings (src/services/shared/pagination.ts): 100 a page unless MaxItems says otherwise,
 * in the order of a unique key per listing, so deletions between calls neither skip nor repeat.
 * A Marker of another listing (or account) is refused as IAM refuses it: ValidationError.
 */
export const pages = new Pages({ service: 'iam', defaultLimit: 100, badToken: () => new AwsError('ValidationError', 'Invalid Marker.') });

/** IAM tag keys are case-insensitive, so `Team` replaces `team`; a resource holds at most 50. */
const TAGS: TagPolicy = {
  maxTags: 50,
  caseInsensitiveKeys: true,
  replaced: 'appended',
  errors: {
    duplicate: () => new AwsError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'),
    tooMany: ({ max }) => new AwsError('LimitExceeded', `The number of tags has reached the maximum limit of ${max}.`),
  },
};

/** Adds or replaces tags; IAM tag keys are case-insensitive, so `Team` replaces `team`. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  return sharedMergeTags(existing, added.map((t) => ({ Key: t.Key, Value: t.Value })), TAGS);
}

export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  return sharedRemoveTags(existing, keys, TAGS);
}

/** Tags as IAM returns them: omitted when there are none. */
export function tagsOut(tags: Tag[]): Tag[] | undefined {
  return tags.length ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined;
}

/** The permissions boundary member of a user or role, as IAM returns it. */
export function boundaryOut(arn: string | undefined) {
  return arn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn } : undefined;
}

/**
 * Serializes IAM writes per account. Checks such as "at most two access keys" or "name not
 * taken" read then write; without this, two concurrent requests could both pass the check.
 * In-process only: enough for one chattrail server.
 */
export class AccountLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(accountId) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(accountId, tail);
    // Forget the chain once it drains so idle accounts hold no memory.
    void tail.then(() => { if (this.tails.get(accountId) === tail) this.tails.delete(accountId); });
    return result;
  }
}
