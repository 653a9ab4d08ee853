// ListObjects (V1: Marker/NextMarker) and ListObjectsV2 (opaque continuation tokens, StartAfter,
// KeyCount), with Prefix, Delimiter/CommonPrefixes, MaxKeys and `encoding-type=url`.
// V1's Marker is a key the client may choose (`--marker p/b`), not a token, so V1 pages itself;
// V2's tokens are the shared paging's (src/services/shared/pagination.ts), bound to their bucket.
import { AwsError } from '../../protocol/errors.js';
import type { ListEntry, ObjectMeta } from '../../storage/objects.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, bucketArn } from './access.js';
import { ownerOf, pages, quoted, requireBucket, str, type Input, type S3Deps } from './common.js';
import type { Bucket } from './store.js';

const MAX_KEYS = 1000;

export function listHandlers(deps: S3Deps): Record<string, Handler> {
  const start = async (input: Input, ctx: CallContext) => {
    const bucket = await requireBucket(deps, input.Bucket);
    const maxKeys = typeof input.MaxKeys === 'number' ? input.MaxKeys : MAX_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: String(input.MaxKeys) });
    if (input.EncodingType !== undefined && input.EncodingType !== 'url') {
      throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: String(input.EncodingType) });
    }
    const context: Record<string, string> = { 's3:max-keys': String(maxKeys) };
    if (input.Prefix !== undefined) context['s3:prefix'] = String(input.Prefix);
    if (input.Delimiter !== undefined) context['s3:delimiter'] = String(input.Delimiter);
    assertBucketAccess(ctx, bucket, 's3:ListBucket', bucketArn(bucket.name), context, input.ExpectedBucketOwner);
    const prefix = str(input.Prefix) ?? '';
    ctx.addResource('AWS::S3::Object', `${bucketArn(bucket.name)}/${prefix}`);
    ctx.addResource('AWS::S3::Bucket', bucketArn(bucket.name), bucket.owner);
    return { bucket, maxKeys: Math.min(maxKeys, MAX_KEYS), prefix, delimiter: str(input.Delimiter) || undefined, url: input.EncodingType === 'url' };
  };

  return {
    async ListObjects(input: Input, ctx: CallContext) {
      const { bucket, maxKeys, prefix, delimiter, url } = await start(input, ctx);
      const page = await deps.objects.list(bucket.name, { prefix, delimiter, after: str(input.Marker), maxKeys });
      const enc = encoder(url);
      const last = page.entries.at(-1);
      return {
        Name: bucket.name, Prefix: enc(prefix), Marker: enc(str(input.Marker) ?? ''), MaxKeys: maxKeys,
        Delimiter: delimiter === undefined ? undefined : enc(delimiter), IsTruncated: page.truncated,
        // S3 returns NextMarker only with a delimiter; without one, clients resume after the last key.
        NextMarker: page.truncated && delimiter !== undefined && last ? enc(last.kind === 'object' ? last.meta.key : last.prefix) : undefined,
        ...entriesOf(page.entries, bucket, enc, true),
        EncodingType: url ? 'url' : undefined,
      };
    },

    async ListObjectsV2(input: Input, ctx: CallContext) {
      const { bucket, maxKeys, prefix, delimiter, url } = await start(input, ctx);
      // A token carries the store's cursor (it resumes past a whole common prefix); the first page
      // starts after StartAfter, a key.
      const page = await pages.read('ListObjectsV2', input, ctx, async (cursor, limit) => {
        const p = await deps.objects.list(bucket.name, { prefix, delimiter, after: cursor ?? str(input.StartAfter), afterIsCursor: cursor !== undefined, maxKeys: limit });
        return { items: p.entries, next: p.truncated && p.cursor ? p.cursor : undefined, more: p.truncated };
      }, { parent: bucket.name, validKey: (k) => k !== '' && /^[0-9a-f]*g?$/.test(k) });
      const enc = encoder(url);
      return {
        Name: bucket.name, Prefix: enc(prefix), MaxKeys: maxKeys, KeyCount: page.items.length,
        Delimiter: delimiter === undefined ? undefined : enc(delimiter),
        ContinuationToken: str(input.ContinuationToken), StartAfter: str(input.StartAfter) === undefined ? undefined : enc(String(input.StartAfter)),
        ...page.output(entriesOf(page.items, bucket, enc, input.FetchOwner === true)),
        EncodingType: url ? 'url' : undefined,
      };
    },
  };
}

function entriesOf(entries: ListEntry[], bucket: Bucket, enc: (s: string) => string, withOwner: boolean) {
  const contents = entries.flatMap((e) => (e.kind === 'object' ? [objectEntry(e.meta, bucket, enc, withOwner)] : []));
  const prefixes = entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: enc(e.prefix) }] : []));
  return { Contents: contents.length ? contents : undefined, CommonPrefixes: prefixes.length ? prefixes : undefined };
}

function objectEntry(meta: ObjectMeta, bucket: Bucket, enc: (s: string) => string, withOwner: boolean): Input {
  return {
    Key: enc(meta.key), LastModified: meta.lastModified, ETag: quoted(meta.etag), Size: meta.size, StorageClass: 'STANDARD',
    ChecksumAlgorithm: meta.checksums ? Object.keys(meta.checksums) : undefined,
    Owner: withOwner ? ownerOf(bucket.owner) : undefined,
  };
}

/** `encoding-type=url`: names percent-encoded (slashes kept), so any byte survives XML. */
function encoder(url: boolean): (s: string) => string {
  return url ? (s) => encodeURIComponent(s).replace(/%2F/g, '/') : (s) => s;
}
