// What every S3 handler shares: its dependencies, bucket lookup with S3's error bodies, canonical
// owner ids, and the additionalEventData every S3 record carries.
import crypto from 'node:crypto';
import { AwsError } from '../../protocol/errors.js';
import type { ObjectStore } from '../../storage/objects.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { BucketStore, Bucket } from './store.js';
import { s3HostId } from './ids.js';
import { Pages } from '../shared/pagination.js';

export interface S3Deps {
  buckets: BucketStore;
  objects: ObjectStore;
  /** Largest object accepted by PutObject (and a completed multipart upload). */
  maxObjectBytes: number;
}

export type Input = Record<string, unknown>;

export async function requireBucket(deps: S3Deps, name: unknown): Promise<Bucket> {
  const bucket = typeof name === 'string' ? await deps.buckets.get(name) : undefined;
  if (!bucket) throw noSuchBucket(String(name));
  return bucket;
}

export function noSuchBucket(name: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

export function noSuchKey(key: string): AwsError {
  return new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

/** S3 identifies owners by a 64-hex canonical user id; ours is derived from the account id. */
export function canonicalIdOf(accountId: string): string {
  return crypto.createHash('sha256').update(`chattrail-s3-owner:${accountId}`).digest('hex');
}

export function ownerOf(accountId: string): { ID: string } {
  return { ID: canonicalIdOf(accountId) };
}

/** `"<md5>"`, the form S3 puts in ETag headers and listings. */
export function quoted(etag: string): string {
  return `"${etag}"`;
}

/** Data events name the object, then the bucket with its owner. */
export function touchObject(ctx: CallContext, bucket: Bucket, key: string): void {
  ctx.addResource('AWS::S3::Object', `arn:aws:s3:::${bucket.name}/${key}`);
  ctx.addResource('AWS::S3::Bucket', `arn:aws:s3:::${bucket.name}`, bucket.owner);
}

export function touchBucket(ctx: CallContext, bucket: Bucket): void {
  ctx.addResource('AWS::S3::Bucket', `arn:aws:s3:::${bucket.name}`, bucket.owner);
}

/** How many bytes an answer puts on the wire, for the record (0 for HEAD). */
export type ResponseSizer = (opName: string, output: Input | undefined, error: AwsError | undefined, requestId: string) => number;

/**
 * Wraps a handler so its record carries S3's additionalEventData, in CloudTrail's order. The
 * CipherSuite key is left out: chattrail serves plain HTTP (TLS terminates in front of it, if any).
 */
export function withEventData(opName: string, handler: Handler, size: ResponseSizer): Handler {
  return async (input: Input, ctx: CallContext) => {
    const data: Record<string, unknown> = {
      SignatureVersion: input.PresignedV2AccessKey ? 'SigV2' : 'SigV4',
      bytesTransferredIn: Number(input.BytesIn ?? 0),
      AuthenticationMethod: input.PresignedCredential || input.PresignedV2AccessKey ? 'QueryString' : 'AuthHeader',
      'x-amz-id-2': s3HostId(ctx.requestId),
      bytesTransferredOut: 0,
    };
    try {
      const out = ((await handler(input, ctx)) ?? {}) as Input;
      data.bytesTransferredOut = size(opName, out, undefined, ctx.requestId);
      return out;
    } catch (e) {
      if (e instanceof AwsError) data.bytesTransferredOut = size(opName, undefined, e, ctx.requestId);
      throw e;
    } finally {
      ctx.annotate({ additionalEventData: data });
    }
  };
}

/**
 * S3's opaque continuation tokens (ListObjectsV2, ListBuckets) on the shared paging
 * (src/services/shared/pagination.ts): 1000 keys (10000 buckets) a page at most; a token of another
 * listing is InvalidArgument. ListObjects' and ListObjectVersions' markers are keys, not tokens.
 */
export const pages = new Pages({
  service: 's3', defaultLimit: 1000, maxLimit: 1000, operations: { ListBuckets: { defaultLimit: 10000, maxLimit: 10000 } },
  badToken: () => new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' }),
});

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
