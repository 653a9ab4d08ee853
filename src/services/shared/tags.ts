// Tag validation, merging and removal for every service that tags resources. The rules are AWS's
// (lengths in characters, the tag character set, the reserved `aws:` prefix, a count per resource);
// each service states which it enforces, its limits, and the error code and message of each refusal.
import type { AwsError } from '../../protocol/errors.js';

/** A tag as most AWS models shape it; CloudTrail's Value is optional. */
export interface TagLike { Key: string; Value?: string }

/** What a refusal can be about, in the order the checks run. */
export type TagProblem = 'tooMany' | 'duplicate' | 'emptyKey' | 'keyTooLong' | 'valueTooLong' | 'reserved' | 'characters';

export interface TagProblemDetail {
  key: string;
  value?: string;
  /** The number of tags the resource would carry (tooMany). */
  count: number;
  max: number;
}

/**
 * A service's tag rules. A problem without an entry in `errors` is not checked (a duplicate key
 * without one: the later value wins), so each service refuses exactly what it always refused.
 */
export interface TagPolicy {
  maxTags: number;
  maxKeyLength?: number;
  maxValueLength?: number;
  /** IAM: `Team` and `team` are one key. */
  caseInsensitiveKeys?: boolean;
  /** Where a replaced key's tag goes: kept in its place (Map semantics) or moved to the end. */
  replaced?: 'in-place' | 'appended';
  errors: Partial<Record<TagProblem, (d: TagProblemDetail) => AwsError>>;
}

export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
/** The tag character set every AWS model that declares one uses (letters, spaces, digits, `_.:/=+-@`). */
export const TAG_CHARACTERS = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

const chars = (s: string | undefined) => (s === undefined ? 0 : [...s].length);

function refuse(policy: TagPolicy, problem: TagProblem, d: Omit<TagProblemDetail, 'max'> & { max?: number }): void {
  const make = policy.errors[problem];
  if (make) throw make({ max: policy.maxTags, ...d });
}

function keyOf(policy: TagPolicy, key: string): string {
  return policy.caseInsensitiveKeys ? key.toLowerCase() : key;
}

/** One tag's own checks: empty key, lengths, the reserved prefix, the character set. */
export function checkTag(t: TagLike, policy: TagPolicy): void {
  const d = { key: t.Key, value: t.Value, count: 0 };
  if (t.Key.length === 0) refuse(policy, 'emptyKey', d);
  if (chars(t.Key) > (policy.maxKeyLength ?? TAG_KEY_MAX)) refuse(policy, 'keyTooLong', d);
  if (chars(t.Value) > (policy.maxValueLength ?? TAG_VALUE_MAX)) refuse(policy, 'valueTooLong', d);
  if (t.Key.toLowerCase().startsWith('aws:')) refuse(policy, 'reserved', d);
  if (!TAG_CHARACTERS.test(t.Key)) refuse(policy, 'characters', d);
}

/** The tags of one request: no key twice (when the policy refuses it), each tag valid. */
export function validateTags(tags: readonly TagLike[], policy: TagPolicy): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = keyOf(policy, t.Key);
    if (seen.has(k)) refuse(policy, 'duplicate', { key: t.Key, value: t.Value, count: tags.length });
    seen.add(k);
  }
  for (const t of tags) checkTag(t, policy);
}

/** Refuses a resource that would carry more tags than the policy allows. */
export function checkTagCount(count: number, policy: TagPolicy): void {
  if (count > policy.maxTags) refuse(policy, 'tooMany', { key: '', count });
}

/**
 * `current` with `added` applied: the request validated, one tag per key, the later value winning,
 * and the resource's limit enforced on the result.
 */
export function mergeTags<T extends TagLike>(current: readonly T[], added: readonly T[], policy: TagPolicy): T[] {
  validateTags(added, policy);
  const byKey = new Map<string, T>();
  for (const t of current) byKey.set(keyOf(policy, t.Key), t);
  for (const t of added) {
    const k = keyOf(policy, t.Key);
    if (policy.replaced === 'appended') byKey.delete(k);
    byKey.set(k, t);
  }
  const merged = [...byKey.values()];
  checkTagCount(merged.length, policy);
  return merged;
}

/** A whole tag set replacing the old one (S3's PutBucketTagging): the count first, then each tag. */
export function replaceTags<T extends TagLike>(tags: readonly T[], policy: TagPolicy): T[] {
  checkTagCount(tags.length, policy);
  validateTags(tags, policy);
  return [...tags];
}

/**
 * `current` without the tags named: a key removes its tag, a tag with a Value removes it only
 * when the value matches too (CloudTrail's RemoveTags).
 */
export function removeTags<T extends TagLike>(current: readonly T[], remove: readonly (string | TagLike)[], policy: Pick<TagPolicy, 'caseInsensitiveKeys'> = {}): T[] {
  const k = (key: string) => (policy.caseInsensitiveKeys ? key.toLowerCase() : key);
  const drops = (t: T) => remove.some((r) => (typeof r === 'string'
    ? k(r) === k(t.Key)
    : k(r.Key) === k(t.Key) && (r.Value === undefined || r.Value === t.Value)));
  return current.filter((t) => !drops(t));
}

/** Lambda's and other maps of tags as a list, in the map's order. */
export function tagsFromMap(map: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
}

export function tagsToMap(tags: readonly TagLike[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value ?? '']));
}
