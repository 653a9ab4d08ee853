// Object-level S3 operations: put, get (with byte ranges and conditions), head, copy, delete one
// or many. These are data events; each names the object and its bucket.
import { AwsError } from '../../protocol/errors.js';
import type { ObjectMeta, ObjectWrite } from '../../storage/objects.js';
import { fileBehind, sliceStandIn, type SpooledFile } from '../../protocol/payload.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, objectArn } from './access.js';
import type { Bucket } from './store.js';
import { noSuchKey, quoted, requireBucket, str, touchBucket, touchObject, type Input, type S3Deps } from './common.js';
import { parseTaggingHeader } from './config-checks.js';

const CHECKSUM_MEMBERS = { CRC32: 'ChecksumCRC32', CRC32C: 'ChecksumCRC32C', SHA1: 'ChecksumSHA1', SHA256: 'ChecksumSHA256' } as const;

export function objectHandlers(deps: S3Deps): Record<string, Handler> {
  /** The bucket, once the caller may do `action` on `key` in it. */
  const reach = async (ctx: CallContext, bucketName: unknown, key: string, action: string, input: Input, extra: Record<string, string> = {}): Promise<Bucket> => {
    const bucket = await requireBucket(deps, bucketName);
    assertBucketAccess(ctx, bucket, action, objectArn(bucket.name, key), extra, input.ExpectedBucketOwner);
    return bucket;
  };

  /** GetObject and HeadObject: the object's metadata, once the caller may read it and its preconditions hold. */
  const readable = async (input: Input, ctx: CallContext) => {
    const key = objectKey(input.Key);
    const bucket = await reach(ctx, input.Bucket, key, 's3:GetObject', input);
    touchObject(ctx, bucket, key);
    const head = await deps.objects.head(bucket.name, key);
    if (!head) throw noSuchKey(key);
    checkReadPreconditions(head, input);
    return { key, bucket, head };
  };

  const copy = async (input: Input, ctx: CallContext) => {
    const key = objectKey(input.Key);
    const source = parseCopySource(String(input.CopySource));
    const from = await reach(ctx, source.bucket, source.key, 's3:GetObject', {});
    // Reading the source is a permission of its own: the pipeline authorized only the destination.
    await ctx.authorize('s3:GetObject', objectArn(from.name, source.key));
    const to = await reach(ctx, input.Bucket, key, 's3:PutObject', input, aclContext(input));
    const replace = input.MetadataDirective === 'REPLACE';
    if (!replace && from.name === to.name && source.key === key) {
      throw new AwsError('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.", 400);
    }
    // The source is streamed from its open file into the new object: never whole in memory.
    const found = await deps.objects.open(from.name, source.key);
    if (!found) throw noSuchKey(source.key);
    let meta: ObjectMeta;
    try {
      const write = replace ? writeOf(input, ctx) : { ...found.meta, lastModified: ctx.clock.now() };
      // Tags follow the source unless the copy asks for new ones (x-amz-tagging-directive: REPLACE).
      write.tags = input.TaggingDirective === 'REPLACE' ? tagsOf(input) : found.meta.tags;
      meta = await deps.objects.put(to.name, key, found.slice, write);
    } finally {
      await found.slice.handle.close();
    }
    ctx.addResource('AWS::S3::Object', objectArn(from.name, source.key));
    touchObject(ctx, to, key);
    return { CopyObjectResult: { ETag: quoted(meta.etag), LastModified: meta.lastModified }, ServerSideEncryption: 'AES256' };
  };

  return {
    async PutObject(input: Input, ctx: CallContext) {
      const key = objectKey(input.Key);
      const bucket = await reach(ctx, input.Bucket, key, 's3:PutObject', input, aclContext(input));
      const body = uploadedBody(input.Body);
      const size = Buffer.isBuffer(body) ? body.length : body.size;
      if (size > deps.maxObjectBytes) {
        throw new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { ProposedSize: String(size), MaxSizeAllowed: String(deps.maxObjectBytes) });
      }
      await checkWritePreconditions(deps, bucket, key, input);
      const meta = await deps.objects.put(bucket.name, key, body, writeOf(input, ctx));
      touchObject(ctx, bucket, key);
      return { ETag: quoted(meta.etag), ...checksumOutput(meta), ServerSideEncryption: 'AES256' };
    },

    CopyObject: copy,

    async GetObject(input: Input, ctx: CallContext) {
      const { key, bucket, head } = await readable(input, ctx);
      const range = str(input.Range) ? parseRange(String(input.Range), head.size) : undefined;
      // Over the wire the object is streamed from its open file; chattrail's own callers (the
      // console's file browser) get the bytes.
      const found = ctx.via ? await deps.objects.get(bucket.name, key, range) : await deps.objects.open(bucket.name, key, range);
      if (!found) throw noSuchKey(key);
      const length = 'slice' in found ? found.slice.length : found.body.length;
      const out: Input = { ...headersOf(found.meta, input, !range), Body: 'slice' in found ? sliceStandIn(found.slice) : found.body, ContentLength: length };
      if (range) out.ContentRange = `bytes ${range.start}-${range.start + length - 1}/${found.meta.size}`;
      return out;
    },

    async HeadObject(input: Input, ctx: CallContext) {
      const { head } = await readable(input, ctx);
      return { ...headersOf(head, input, true), ContentLength: head.size };
    },

    async DeleteObject(input: Input, ctx: CallContext) {
      const key = objectKey(input.Key);
      const bucket = await reach(ctx, input.Bucket, key, 's3:DeleteObject', input);
      await deps.objects.delete(bucket.name, key);
      touchObject(ctx, bucket, key);
      return {};
    },

    async DeleteObjects(input: Input, ctx: CallContext) {
      const bucket = await requireBucket(deps, input.Bucket);
      const del = (input.Delete ?? {}) as { Objects?: { Key?: string }[]; Quiet?: boolean };
      const items = del.Objects ?? [];
      if (items.length === 0 || items.length > 1000) {
        throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      }
      const Deleted: Input[] = [];
      const Errors: Input[] = [];
      for (const { Key } of items) {
        const key = String(Key ?? '');
        try {
          // Each key is authorized on its own (the resolver left it to here): a refused key is an
          // AccessDenied in Errors, and the others are still deleted, as S3 does.
          await ctx.authorize('s3:DeleteObject', objectArn(bucket.name, key));
          assertBucketAccess(ctx, bucket, 's3:DeleteObject', objectArn(bucket.name, key), {}, input.ExpectedBucketOwner);
          await deps.objects.delete(bucket.name, key);
          if (!del.Quiet) Deleted.push({ Key: key });
        } catch (e) {
          if (!(e instanceof AwsError)) throw e;
          Errors.push({ Key: key, Code: e.code, Message: e.message });
        }
      }
      touchBucket(ctx, bucket);
      return { Deleted: Deleted.length ? Deleted : undefined, Errors: Errors.length ? Errors : undefined };
    },
  };
}

/** An upload's bytes: in memory, or the spool file the pipeline wrote a large one to. */
export function uploadedBody(v: unknown): Buffer | SpooledFile {
  return fileBehind(v) ?? (Buffer.isBuffer(v) ? v : Buffer.alloc(0));
}

export function objectKey(v: unknown): string {
  const key = String(v ?? '');
  if (Buffer.byteLength(key) > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long', 400);
  return key;
}

function aclContext(input: Input): Record<string, string> {
  return typeof input.ACL === 'string' ? { 's3:x-amz-acl': input.ACL } : {};
}

/** What a PutObject (or a copy with REPLACE) keeps about the new object. */
export function writeOf(input: Input, ctx: CallContext): ObjectWrite {
  // aws-chunked is how the bytes travelled, not how they are stored.
  const encoding = str(input.ContentEncoding)?.split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked').join(', ');
  const checksums: Record<string, string> = {};
  for (const [alg, member] of Object.entries(CHECKSUM_MEMBERS)) if (typeof input[member] === 'string') checksums[alg] = input[member] as string;
  return {
    contentType: str(input.ContentType) ?? 'binary/octet-stream',
    contentEncoding: encoding || undefined,
    contentDisposition: str(input.ContentDisposition),
    contentLanguage: str(input.ContentLanguage),
    cacheControl: str(input.CacheControl),
    expires: str(input.Expires),
    metadata: (input.Metadata ?? {}) as Record<string, string>,
    checksums: Object.keys(checksums).length ? checksums : undefined,
    tags: tagsOf(input),
    lastModified: ctx.clock.now(),
  };
}

function tagsOf(input: Input): ObjectWrite['tags'] {
  const tags = typeof input.Tagging === 'string' ? parseTaggingHeader(input.Tagging) : [];
  return tags.length ? tags : undefined;
}

function checksumOutput(meta: ObjectMeta): Input {
  const out: Input = {};
  for (const [alg, member] of Object.entries(CHECKSUM_MEMBERS)) if (meta.checksums?.[alg]) out[member] = meta.checksums[alg];
  return out;
}

/** Response headers of GetObject/HeadObject; `response-*` query parameters override (presigned links). */
function headersOf(meta: ObjectMeta, input: Input, whole: boolean): Input {
  return {
    ETag: quoted(meta.etag), LastModified: meta.lastModified, AcceptRanges: 'bytes',
    // S3 encrypts every object at rest (SSE-S3) and says so on every read.
    ServerSideEncryption: 'AES256',
    ContentType: str(input.ResponseContentType) ?? meta.contentType,
    ContentEncoding: str(input.ResponseContentEncoding) ?? meta.contentEncoding,
    ContentDisposition: str(input.ResponseContentDisposition) ?? meta.contentDisposition,
    ContentLanguage: str(input.ResponseContentLanguage) ?? meta.contentLanguage,
    CacheControl: str(input.ResponseCacheControl) ?? meta.cacheControl,
    Expires: input.ResponseExpires instanceof Date ? input.ResponseExpires.toUTCString() : meta.expires,
    Metadata: Object.keys(meta.metadata).length ? meta.metadata : undefined,
    TagCount: meta.tags?.length || undefined,
    // A checksum describes the whole object: never send it with a range (clients would check it).
    ...(whole && input.ChecksumMode === 'ENABLED' ? checksumOutput(meta) : {}),
  };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range). Unparseable ranges are ignored, as S3 does. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || (m[1] === '' && Number(m[2]) === 0)) {
    throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: header, ActualObjectSize: String(size) });
  }
  return { start, end };
}

function checkReadPreconditions(meta: ObjectMeta, input: Input): void {
  const etag = quoted(meta.etag);
  const matches = (list: string) => list.split(',').some((t) => { const v = t.trim(); return v === '*' || v === etag || v === meta.etag; });
  const modified = Math.floor(meta.lastModified.getTime() / 1000) * 1000;
  if (typeof input.IfMatch === 'string' && !matches(input.IfMatch)) throw preconditionFailed('If-Match');
  if (input.IfUnmodifiedSince instanceof Date && modified > input.IfUnmodifiedSince.getTime() && input.IfMatch === undefined) throw preconditionFailed('If-Unmodified-Since');
  if (typeof input.IfNoneMatch === 'string' && matches(input.IfNoneMatch)) throw notModified(meta);
  if (input.IfModifiedSince instanceof Date && modified <= input.IfModifiedSince.getTime() && input.IfNoneMatch === undefined) throw notModified(meta);
}

/** Conditional writes: `If-None-Match: *` (create only) and `If-Match: <etag>` (replace only that). */
async function checkWritePreconditions(deps: S3Deps, bucket: Bucket, key: string, input: Input): Promise<void> {
  if (input.IfNoneMatch === undefined && input.IfMatch === undefined) return;
  const current = await deps.objects.head(bucket.name, key);
  if (input.IfNoneMatch === '*' && current) throw preconditionFailed('If-None-Match');
  if (typeof input.IfMatch === 'string' && (!current || (input.IfMatch !== quoted(current.etag) && input.IfMatch !== current.etag))) {
    if (!current) throw noSuchKey(key);
    throw preconditionFailed('If-Match');
  }
}

function preconditionFailed(condition: string): AwsError {
  return new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
}

/** A 304 has no body; its fields are the validators S3 still sends as headers. */
function notModified(meta: ObjectMeta): AwsError {
  return new AwsError('NotModified', 'Not Modified', 304, { ETag: quoted(meta.etag), 'Last-Modified': meta.lastModified.toUTCString() });
}

/** `bucket/key`, `/bucket/key`, URL-encoded, optionally `?versionId=...` (ignored: no versioning). */
export function parseCopySource(raw: string): { bucket: string; key: string } {
  const path = raw.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  const trimmed = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) throw new AwsError('InvalidArgument', 'Invalid copy source object key', 400, { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}
