// Request identifiers whose shape is a protocol's own: S3 pairs its 16-character request id with a
// 76-character base64 host id (`x-amz-id-2`), in responses and in the record alike.
import crypto from 'node:crypto';

/**
 * The `x-amz-id-2` that goes with a request id: 56 bytes in base64, like S3's. Derived from the
 * request id, so the response header and the record agree without carrying extra state.
 */
export function s3HostId(requestId: string): string {
  return crypto.createHash('sha512').update(`chattrail-s3-host:${requestId}`).digest().subarray(0, 56).toString('base64');
}
