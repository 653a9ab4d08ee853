// The shapes of S3's request identifiers: `x-amz-request-id` is 16 upper-case alphanumerics (the
// record's requestID), `x-amz-id-2` a 76-character base64 host id (additionalEventData's too).
import type { Ids } from '../../common/runtime.js';

/** A request id as S3 issues them (`CNQERR2V8EZYW5P0`), for the pipeline to use for S3 calls. */
export function s3RequestId(ids: Pick<Ids, 'alnum'>): string {
  return ids.alnum(16);
}

export { s3HostId } from '../../protocol/request-ids.js';
