// ListObjectVersions on chattrail's unversioned buckets (versioning never Enabled): every object is
// its key's one and latest version, `VersionId "null"`, with no delete markers. Paging follows
// S3's key-marker / version-id-marker pair; with a delimiter, keys collapse into CommonPrefixes.
import { AwsError } from '../../protocol/errors.js';
import type { ListEntry } from '../../storage/objects.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, bucketArn } from './access.js';
import { ownerOf, quoted, requireBucket, str, type Input, type S3Deps } from './common.js';

const MAX_KEYS = 1000;

export function versionHandlers(deps: S3Deps): Record<string, Handler> {
  return {
    async ListObjectVersions(input: Input, ctx: CallContext) {
      const bucket = await requireBucket(deps, input.Bucket);
      const maxKeys = typeof input.MaxKeys === 'number' ? input.MaxKeys : MAX_KEYS;
      if (!Number.isInteger(maxKeys) || maxKeys < 0) {
        throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: String(input.MaxKeys) });
      }
      if (input.EncodingType !== undefined && input.EncodingType !== 'url') {
        throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: String(input.EncodingType) });
      }
      const prefix = str(input.Prefix) ?? '';
      const delimiter = str(input.Delimiter) || undefined;
      const context: Record<string, string> = { 's3:max-keys': String(maxKeys) };
      if (input.Prefix !== undefined) context['s3:prefix'] = prefix;
      if (input.Delimiter !== undefined) context['s3:delimiter'] = String(input.Delimiter);
      assertBucketAccess(ctx, bucket, 's3:ListBucketVersions', bucketArn(bucket.name), context, input.ExpectedBucketOwner);
      const keyMarker = str(input.KeyMarker) || undefined;
      const versionMarker = checkVersionMarker(keyMarker, str(input.VersionIdMarker) || undefined);
      ctx.addResource('AWS::S3::Object', `${bucketArn(bucket.name)}/${prefix}`);
      ctx.addResource('AWS::S3::Bucket', bucketArn(bucket.name), bucket.owner);

      // A key has one version, so "after version null of K" and "after K" are the same place.
      const page = await deps.objects.list(bucket.name, { prefix, delimiter, after: keyMarker, maxKeys: Math.min(maxKeys, MAX_KEYS) });
      const enc = encoder(input.EncodingType === 'url');
      const owner = ownerOf(bucket.owner);
      const versions = page.entries.flatMap((e) => (e.kind === 'object' ? [{
        ETag: quoted(e.meta.etag), ChecksumAlgorithm: e.meta.checksums ? Object.keys(e.meta.checksums) : undefined,
        Size: e.meta.size, StorageClass: 'STANDARD', Key: enc(e.meta.key), VersionId: 'null', IsLatest: true,
        LastModified: e.meta.lastModified, Owner: owner,
      }] : []));
      const prefixes = page.entries.flatMap((e) => (e.kind === 'prefix' ? [{ Prefix: enc(e.prefix) }] : []));
      const last: ListEntry | undefined = page.entries.at(-1);
      return {
        Name: bucket.name, Prefix: enc(prefix), KeyMarker: enc(keyMarker ?? ''), VersionIdMarker: versionMarker ?? '',
        MaxKeys: Math.min(maxKeys, MAX_KEYS), Delimiter: delimiter === undefined ? undefined : enc(delimiter), IsTruncated: page.truncated,
        NextKeyMarker: page.truncated && last ? enc(last.kind === 'object' ? last.meta.key : last.prefix) : undefined,
        NextVersionIdMarker: page.truncated && last?.kind === 'object' ? 'null' : undefined,
        Versions: versions.length ? versions : undefined,
        CommonPrefixes: prefixes.length ? prefixes : undefined,
        EncodingType: input.EncodingType === 'url' ? 'url' : undefined,
      };
    },
  };
}

/** S3's rules for version-id-marker: only with a key marker, and only an id that can exist ("null" here). */
export function checkVersionMarker(keyMarker: string | undefined, versionMarker: string | undefined): string | undefined {
  if (versionMarker === undefined) return undefined;
  if (keyMarker === undefined) {
    throw new AwsError('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', 400, { ArgumentName: 'version-id-marker', ArgumentValue: versionMarker });
  }
  if (versionMarker !== 'null') {
    throw new AwsError('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'version-id-marker', ArgumentValue: versionMarker });
  }
  return versionMarker;
}

/** `encoding-type=url`: names percent-encoded (slashes kept), as ListObjects does. */
function encoder(url: boolean): (s: string) => string {
  return url ? (s) => encodeURIComponent(s).replace(/%2F/g, '/') : (s) => s;
}
