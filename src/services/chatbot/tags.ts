// Tags on Chatbot resources: a resource holds at most one value per key, whether the tags came
// with the create call or through TagResource (a later value for the same key wins).
import { AwsError } from '../../protocol/errors.js';
import { MAX_TAGS } from './deps.js';
import type { Tag } from './records.js';

/** `current` with `added` applied in order: one entry per key, the last value given wins. */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.TagKey, t]));
  for (const t of added) byKey.set(t.TagKey, t);
  return [...byKey.values()];
}

/** The tags a create call stores (duplicates merged), refused with `code` beyond AWS's limit. */
export function tagsForCreate(tags: readonly Tag[] | undefined, code: string): Tag[] {
  const merged = mergeTags([], tags ?? []);
  if (merged.length > MAX_TAGS) throw new AwsError(code, `A Chatbot resource can have at most ${MAX_TAGS} tags; ${merged.length} were given.`);
  return merged;
}
