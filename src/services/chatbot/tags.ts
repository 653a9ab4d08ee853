// Tags on Chatbot resources: a resource holds at most one value per key, whether the tags came
// with the create call or through TagResource (a later value for the same key wins). Chatbot names
// the members TagKey/TagValue; the rules are the shared ones (src/services/shared/tags.ts).
import { AwsError } from '../../protocol/errors.js';
import { mergeTags as sharedMergeTags, removeTags as sharedRemoveTags, type TagPolicy } from '../shared/tags.js';
import { MAX_TAGS } from './deps.js';
import type { Tag } from './records.js';

const asShared = (t: Tag) => ({ Key: t.TagKey, Value: t.TagValue });
const asChatbot = (t: { Key: string; Value?: string }): Tag => ({ TagKey: t.Key, TagValue: t.Value ?? '' });

/** No duplicate refusal: a key given twice keeps its last value, in the place it first had. */
function policy(tooMany: NonNullable<TagPolicy['errors']['tooMany']>): TagPolicy {
  return { maxTags: MAX_TAGS, replaced: 'in-place', errors: { tooMany } };
}

/**
 * TagResource: `current` with `added` applied in order (the last value given wins), refused with
 * TooManyTagsException beyond AWS's limit.
 */
export function tagResource(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const tooMany = () => new AwsError('TooManyTagsException', `A Chatbot resource can have at most ${MAX_TAGS} tags.`);
  return sharedMergeTags(current.map(asShared), added.map(asShared), policy(tooMany)).map(asChatbot);
}

export function untagResource(current: readonly Tag[], keys: readonly string[]): Tag[] {
  return sharedRemoveTags(current.map(asShared), keys).map(asChatbot);
}

/** The tags a create call stores (duplicates merged), refused with `code` beyond AWS's limit. */
export function tagsForCreate(tags: readonly Tag[] | undefined, code: string): Tag[] {
  const tooMany = ({ count }: { count: number }) => new AwsError(code, `A Chatbot resource can have at most ${MAX_TAGS} tags; ${count} were given.`);
  return sharedMergeTags([], (tags ?? []).map(asShared), policy(tooMany)).map(asChatbot);
}
