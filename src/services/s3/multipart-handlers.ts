// Multipart uploads, which the AWS CLI uses for files of 8 MB and more: create, upload parts,
// list them, complete (parts in order, 5 MiB minimum but the last) or abort.
import { AwsError } from '../../protocol/errors.js';
import type { Upload } from '../../storage/objects.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, objectArn } from './access.js';
import type { Bucket } from './store.js';
import { noSuchKey, quoted, requireBucket, touchObject, type Input, type S3Deps } from './common.js';
import { objectKey, parseCopySource, uploadedBody, writeOf } from './object-handlers.js';

const MIN_PART_BYTES = 5 * 1024 * 1024;

export function multipartHandlers(deps: S3Deps): Record<string, Handler> {
  /** The bucket and the upload, once the caller may do `action` on the upload's key. */
  const upload = async (input: Input, ctx: CallContext, action: string): Promise<{ bucket: Bucket; key: string; up: Upload }> => {
    const key = objectKey(input.Key);
    const bucket = await requireBucket(deps, input.Bucket);
    assertBucketAccess(ctx, bucket, action, objectArn(bucket.name, key), {}, input.ExpectedBucketOwner);
    touchObject(ctx, bucket, key);
    const up = await deps.objects.getUpload(bucket.name, String(input.UploadId ?? ''));
    if (!up || up.key !== key) throw noSuchUpload(String(input.UploadId ?? ''));
    return { bucket, key, up };
  };

  /** A part copied from (a byte range of) an existing object. */
  const partCopy = async (input: Input, ctx: CallContext) => {
    const { bucket, up } = await upload(input, ctx, 's3:PutObject');
    const n = partNumberOf(input);
    const source = parseCopySource(String(input.CopySource));
    const from = await requireBucket(deps, source.bucket);
    // The source is read: s3:GetObject on it, beyond the s3:PutObject the pipeline authorized.
    await ctx.authorize('s3:GetObject', objectArn(from.name, source.key));
    assertBucketAccess(ctx, from, 's3:GetObject', objectArn(from.name, source.key), {});
    const head = await deps.objects.head(from.name, source.key);
    if (!head) throw noSuchKey(source.key);
    const range = typeof input.CopySourceRange === 'string' ? copyRange(input.CopySourceRange, head.size) : undefined;
    // Streamed from the source's open file, as CopyObject does.
    const found = await deps.objects.open(from.name, source.key, range);
    if (!found) throw noSuchKey(source.key);
    const part = await deps.objects.putPart(bucket.name, up.uploadId, n, found.slice, ctx.clock.now())
      .finally(() => found.slice.handle.close());
    if (!part) throw noSuchUpload(up.uploadId);
    ctx.addResource('AWS::S3::Object', objectArn(from.name, source.key));
    return { CopyPartResult: { ETag: quoted(part.etag), LastModified: part.lastModified } };
  };

  return {
    UploadPartCopy: partCopy,

    async CreateMultipartUpload(input: Input, ctx: CallContext) {
      const key = objectKey(input.Key);
      const bucket = await requireBucket(deps, input.Bucket);
      const acl = typeof input.ACL === 'string' ? { 's3:x-amz-acl': input.ACL } : {};
      assertBucketAccess(ctx, bucket, 's3:PutObject', objectArn(bucket.name, key), acl, input.ExpectedBucketOwner);
      // Part checksums are checked as parts arrive; the joined object keeps none.
      const meta = { ...writeOf(input, ctx), checksums: undefined };
      const uploadId = await deps.objects.createUpload(bucket.name, key, meta);
      touchObject(ctx, bucket, key);
      return { Bucket: bucket.name, Key: key, UploadId: uploadId };
    },

    async UploadPart(input: Input, ctx: CallContext) {
      const { bucket, up } = await upload(input, ctx, 's3:PutObject');
      const n = partNumberOf(input);
      const part = await deps.objects.putPart(bucket.name, up.uploadId, n, uploadedBody(input.Body), ctx.clock.now());
      if (!part) throw noSuchUpload(up.uploadId);
      return { ETag: quoted(part.etag), ServerSideEncryption: 'AES256' };
    },

    async ListParts(input: Input, ctx: CallContext) {
      const { bucket, key, up } = await upload(input, ctx, 's3:ListMultipartUploadParts');
      const parts = Object.values(up.parts).sort((a, b) => a.partNumber - b.partNumber);
      return {
        Bucket: bucket.name, Key: key, UploadId: up.uploadId, IsTruncated: false, MaxParts: 1000, StorageClass: 'STANDARD',
        Parts: parts.map((p) => ({ PartNumber: p.partNumber, LastModified: p.lastModified, ETag: quoted(p.etag), Size: p.size })),
      };
    },

    async CompleteMultipartUpload(input: Input, ctx: CallContext) {
      const { bucket, key, up } = await upload(input, ctx, 's3:PutObject');
      const wanted = ((input.MultipartUpload as { Parts?: { PartNumber?: number; ETag?: string }[] } | undefined)?.Parts ?? []);
      if (wanted.length === 0) throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      let total = 0;
      wanted.forEach((w, i) => {
        if (i > 0 && Number(w.PartNumber) <= Number(wanted[i - 1].PartNumber)) {
          throw new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, { UploadId: up.uploadId });
        }
        const have = up.parts[String(w.PartNumber)];
        if (!have || String(w.ETag ?? '').replace(/"/g, '') !== have.etag) {
          throw new AwsError('InvalidPart', 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', 400, { UploadId: up.uploadId, PartNumber: String(w.PartNumber), ETag: String(w.ETag ?? '') });
        }
        if (i < wanted.length - 1 && have.size < MIN_PART_BYTES) {
          throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, { ProposedSize: String(have.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(w.PartNumber), ETag: have.etag });
        }
        total += have.size;
      });
      if (total > deps.maxObjectBytes) {
        throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { ProposedSize: String(total), MaxSizeAllowed: String(deps.maxObjectBytes) });
      }
      const meta = await deps.objects.completeUpload(bucket.name, up.uploadId, wanted.map((w) => Number(w.PartNumber)), ctx.clock.now());
      if (!meta) throw noSuchUpload(up.uploadId);
      return { Location: `/${bucket.name}/${encodeURIComponent(key).replace(/%2F/g, '/')}`, Bucket: bucket.name, Key: key, ETag: quoted(meta.etag) };
    },

    async AbortMultipartUpload(input: Input, ctx: CallContext) {
      const { bucket, up } = await upload(input, ctx, 's3:AbortMultipartUpload');
      await deps.objects.abortUpload(bucket.name, up.uploadId);
      return {};
    },
  };
}

function partNumberOf(input: Input): number {
  const n = Number(input.PartNumber);
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw new AwsError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, { ArgumentName: 'partNumber', ArgumentValue: String(input.PartNumber) });
  }
  return n;
}

/** `x-amz-copy-source-range: bytes=first-last`, both inside the source object. */
function copyRange(header: string, size: number): { start: number; end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
    throw new AwsError('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 400, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

function noSuchUpload(uploadId: string): AwsError {
  return new AwsError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: uploadId });
}
