// Trail tags (AddTags, RemoveTags, ListTags by trail ARN) and ListPublicKeys, the public halves of
// the per-region keys that sign digest files, as validate-logs reads them.
import { AwsError } from '../../protocol/errors.js';
import { checkTag, mergeTags as sharedMerge, removeTags, validateTags as sharedValidate, type TagPolicy } from '../shared/tags.js';
import type { CallContext } from '../../core/service.js';
import type { Pages } from '../shared/pagination.js';
import type { SigningKeys } from './delivery/signing-keys.js';
import { isArn, parseTrailArn, trailArn, type Tag, type TrailDoc } from './trails-model.js';
import type { TrailStore } from './trails-store.js';

/** CloudTrail's tag rules, each refusal with the code and wording CloudTrail gives it. */
const TAGS: TagPolicy = {
  maxTags: 50,
  replaced: 'in-place',
  errors: {
    duplicate: () => new AwsError('InvalidTagParameterException', 'Duplicate tag keys are not allowed in one request.'),
    reserved: ({ key }) => new AwsError('InvalidTagParameterException', `Tag key ${key} is invalid: the aws: prefix is reserved.`),
    characters: ({ key }) => new AwsError('InvalidTagParameterException', `Tag key ${key} contains characters that are not allowed.`),
    tooMany: ({ max }) => new AwsError('TagsLimitExceededException', `The number of tags on the resource exceeds the limit of ${max}.`),
  },
};

/** The lengths, checked before model validation so that CloudTrail's own exception answers them. */
const LENGTHS: TagPolicy = {
  maxTags: TAGS.maxTags,
  errors: {
    keyTooLong: ({ key }) => new AwsError('InvalidTagParameterException', `Tag key ${key.slice(0, 32)}... is too long: at most 128 characters.`),
    valueTooLong: ({ key }) => new AwsError('InvalidTagParameterException', `Tag value for key ${key} is too long: at most 256 characters.`),
  },
};

export function validateTags(tags: Tag[]): void {
  sharedValidate(tags, TAGS);
}

/**
 * Tag lengths, which the model states as constraints but CloudTrail reports as
 * InvalidTagParameterException; runs before model validation (`input` is not validated yet).
 */
export function precheckTags(tags: unknown): void {
  if (!Array.isArray(tags)) return;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  for (const t of tags as { Key?: unknown; Value?: unknown }[]) {
    const key = text(t?.Key);
    // A missing or non-string key is the model's to refuse; only its value's length is ours.
    checkTag({ Key: key ?? String(t?.Key), Value: text(t?.Value) }, key === undefined ? { ...LENGTHS, maxKeyLength: Infinity } : LENGTHS);
  }
}

/** Adds or replaces tags, enforcing the 50-tag limit on the result. */
export function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  return sharedMerge(current, added.map((t) => (t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value })), { ...TAGS, errors: { tooMany: TAGS.errors.tooMany } });
}

async function trailOf(store: TrailStore, ctx: CallContext, resourceId: string, access: 'read' | 'write'): Promise<TrailDoc> {
  if (!isArn(resourceId)) throw new AwsError('CloudTrailARNInvalidException', `ARN ${resourceId} is invalid.`);
  const p = parseTrailArn(resourceId);
  const t = await store.get(p.accountId, p.region, p.name);
  if (!t || (t.accountId !== ctx.accountId && access === 'write')) {
    throw new AwsError('ResourceNotFoundException', `Resource ${resourceId} not found.`);
  }
  if (t.accountId !== ctx.accountId) await store.resolve(ctx, resourceId, 'read');
  ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
  return t;
}

interface TagsInput { ResourceId: string; TagsList: Tag[] }

export function tagHandlers(store: TrailStore, keys: SigningKeys, pages: Pages) {
  return {
    async AddTags(input: TagsInput, ctx: CallContext) {
      validateTags(input.TagsList);
      const t = await trailOf(store, ctx, input.ResourceId, 'write');
      await store.update(t, (cur) => ({ ...cur, tags: mergeTags(cur.tags, input.TagsList) }));
      return {};
    },

    async RemoveTags(input: TagsInput, ctx: CallContext) {
      const t = await trailOf(store, ctx, input.ResourceId, 'write');
      // A tag is removed when its key matches and, if a value is given, the value too.
      await store.update(t, (cur) => ({ ...cur, tags: removeTags(cur.tags, input.TagsList) }));
      return {};
    },

    async ListTags(input: { ResourceIdList: string[] }, ctx: CallContext) {
      if (input.ResourceIdList.length > 20) throw new AwsError('InvalidParameterException', 'You can list tags of up to 20 resources at a time.');
      // At most 20 resources, in the order asked: always one page of CloudTrail's 50.
      const page = pages.list('ListTags', input, ctx, input.ResourceIdList, (id) => id, { parent: input.ResourceIdList.join('\u0000'), resume: 'position' });
      const out = [];
      for (const id of page.items) {
        const t = await trailOf(store, ctx, id, 'read');
        out.push({ ResourceId: id, TagsList: t.tags });
      }
      return page.output(out);
    },

    async ListPublicKeys(input: { StartTime?: Date; EndTime?: Date }, ctx: CallContext) {
      if (input.StartTime && input.EndTime && input.StartTime > input.EndTime) {
        throw new AwsError('InvalidTimeRangeException', 'Start time must be earlier than end time.');
      }
      // A region that has never signed a digest still has a key to show, as in CloudTrail.
      await keys.current(ctx.region);
      const end = input.EndTime ?? ctx.clock.now();
      const start = input.StartTime ?? end;
      // Keys rotate yearly, so a range holds far fewer than a page of 50.
      const page = pages.list('ListPublicKeys', input, ctx, await keys.list(ctx.region, start, end), (k) => k.fingerprint, { parent: ctx.region, resume: 'position' });
      return page.output(
        // `Value` is a blob, so the wire carries base64(DER) once: SDKs hand out the DER bytes, and the
        // AWS CLI (which leaves blobs undecoded) base64-decodes the text itself in validate-logs.
        page.items.map((k) => ({
          Value: k.publicKeyDer,
          ValidityStartTime: k.validFrom,
          ValidityEndTime: k.validTo,
          Fingerprint: k.fingerprint,
        })),
      );
    },
  };
}
