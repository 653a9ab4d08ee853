// Object sub-resources: tags (Get/Put/DeleteObjectTagging) and the ACL (GetObjectAcl, always the
// owner's FULL_CONTROL: buckets are BucketOwnerEnforced). Data events naming object and bucket.
import { AwsError } from '../../protocol/errors.js';
import type { ObjectMeta } from '../../storage/objects.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, iamActionOf, objectArn } from './access.js';
import { noSuchKey, ownerOf, requireBucket, touchObject, type Input, type S3Deps } from './common.js';
import { checkTags, type Tag } from './config-checks.js';
import { objectKey } from './object-handlers.js';
import type { Bucket } from './store.js';

export function objectConfigHandlers(deps: S3Deps): Record<string, Handler> {
  /** The object's bucket and metadata, once the caller may perform `op` on it. */
  const open = async (op: string, input: Input, ctx: CallContext): Promise<{ bucket: Bucket; key: string; head: ObjectMeta }> => {
    const key = objectKey(input.Key);
    const bucket = await requireBucket(deps, input.Bucket);
    assertBucketAccess(ctx, bucket, iamActionOf(op), objectArn(bucket.name, key), {}, input.ExpectedBucketOwner);
    touchObject(ctx, bucket, key);
    checkVersionId(input.VersionId);
    const head = await deps.objects.head(bucket.name, key);
    if (!head) throw noSuchKey(key);
    return { bucket, key, head };
  };
  const setTags = async (bucket: Bucket, key: string, tags: Tag[]) => {
    if (!(await deps.objects.setTags(bucket.name, key, tags))) throw noSuchKey(key);
  };

  return {
    async GetObjectTagging(input: Input, ctx: CallContext) {
      const { head } = await open('GetObjectTagging', input, ctx);
      return { TagSet: head.tags ?? [] };
    },
    async PutObjectTagging(input: Input, ctx: CallContext) {
      const { bucket, key } = await open('PutObjectTagging', input, ctx);
      const tags = checkTags(((input.Tagging as { TagSet?: Tag[] } | undefined)?.TagSet ?? []), 'object');
      await setTags(bucket, key, tags);
      return {};
    },
    async DeleteObjectTagging(input: Input, ctx: CallContext) {
      const { bucket, key } = await open('DeleteObjectTagging', input, ctx);
      await setTags(bucket, key, []);
      return {};
    },
    async GetObjectAcl(input: Input, ctx: CallContext) {
      const { bucket } = await open('GetObjectAcl', input, ctx);
      const owner = ownerOf(bucket.owner);
      return { Owner: owner, Grants: [{ Grantee: { ...owner, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }] };
    },
  };
}

/** Objects in an unversioned bucket have the one version id "null"; anything else cannot exist. */
function checkVersionId(v: unknown): void {
  if (v === undefined || v === 'null') return;
  throw new AwsError('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'versionId', ArgumentValue: String(v) });
}
