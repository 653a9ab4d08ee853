// Trail tags (AddTags, RemoveTags, ListTags by trail ARN) and ListPublicKeys, the public halves of
// the per-region keys that sign digest files, as validate-logs reads them.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../types.js';
import type { SigningKeys } from '../../trail/delivery/signing-keys.js';
import { isArn, parseTrailArn, trailArn, type Tag, type TrailDoc } from './trails-model.js';
import type { TrailStore } from './trails-store.js';

const MAX_TAGS = 50;

export function validateTags(tags: Tag[]): void {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new AwsError('InvalidTagParameterException', 'Duplicate tag keys are not allowed in one request.');
  for (const k of keys) {
    if (k.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTagParameterException', `Tag key ${k} is invalid: the aws: prefix is reserved.`);
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(k)) throw new AwsError('InvalidTagParameterException', `Tag key ${k} contains characters that are not allowed.`);
  }
}

/**
 * Tag lengths, which the model states as constraints but CloudTrail reports as
 * InvalidTagParameterException; runs before model validation (`input` is not validated yet).
 */
export function precheckTags(tags: unknown): void {
  if (!Array.isArray(tags)) return;
  const chars = (v: unknown) => (typeof v === 'string' ? [...v].length : 0);
  for (const t of tags as { Key?: unknown; Value?: unknown }[]) {
    if (chars(t?.Key) > 128) throw new AwsError('InvalidTagParameterException', `Tag key ${String(t.Key).slice(0, 32)}... is too long: at most 128 characters.`);
    if (chars(t?.Value) > 256) throw new AwsError('InvalidTagParameterException', `Tag value for key ${String(t.Key)} is too long: at most 256 characters.`);
  }
}

/** Adds or replaces tags, enforcing the 50-tag limit on the result. */
export function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value });
  if (byKey.size > MAX_TAGS) throw new AwsError('TagsLimitExceededException', `The number of tags on the resource exceeds the limit of ${MAX_TAGS}.`);
  return [...byKey.values()];
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

export function tagHandlers(store: TrailStore, keys: SigningKeys) {
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
      const drop = (x: Tag) => input.TagsList.some((r) => r.Key === x.Key && (r.Value === undefined || r.Value === x.Value));
      await store.update(t, (cur) => ({ ...cur, tags: cur.tags.filter((x) => !drop(x)) }));
      return {};
    },

    async ListTags(input: { ResourceIdList: string[]; NextToken?: string }, ctx: CallContext) {
      if (input.ResourceIdList.length > 20) throw new AwsError('InvalidParameterException', 'You can list tags of up to 20 resources at a time.');
      const out = [];
      for (const id of input.ResourceIdList) {
        const t = await trailOf(store, ctx, id, 'read');
        out.push({ ResourceId: id, TagsList: t.tags });
      }
      return { ResourceTagList: out };
    },

    async ListPublicKeys(input: { StartTime?: Date; EndTime?: Date; NextToken?: string }, ctx: CallContext) {
      if (input.StartTime && input.EndTime && input.StartTime > input.EndTime) {
        throw new AwsError('InvalidTimeRangeException', 'Start time must be earlier than end time.');
      }
      if (input.NextToken) throw new AwsError('InvalidTokenException', 'The NextToken is not valid.');
      // A region that has never signed a digest still has a key to show, as in CloudTrail.
      await keys.current(ctx.region);
      const end = input.EndTime ?? ctx.clock.now();
      const start = input.StartTime ?? end;
      const list = await keys.list(ctx.region, start, end);
      return {
        // `Value` is a blob, so the wire carries base64(DER) once: SDKs hand out the DER bytes, and the
        // AWS CLI (which leaves blobs undecoded) base64-decodes the text itself in validate-logs.
        PublicKeyList: list.map((k) => ({
          Value: k.publicKeyDer,
          ValidityStartTime: k.validFrom,
          ValidityEndTime: k.validTo,
          Fingerprint: k.fingerprint,
        })),
      };
    },
  };
}
