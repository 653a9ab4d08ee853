// The S3 model as chattrail serves it: botocore's model, with the routing ambiguities of its
// shared URI templates resolved (PutObject/CopyObject/UploadPart all are `PUT /{Bucket}/{Key+}`)
// and a few request facts every S3 record needs (Host, query-string auth) bound as input members.
import { loadModel, ServiceModel, type MemberRef, type Operation, type Shape } from '../../protocol/model.js';

/**
 * Fixed query parameters that tell operations sharing a template apart. SDK v3 sends
 * `x-id=<Operation>` (rewrite adds it to the AWS CLI's copies); multipart calls always carry
 * `uploadId` / `partNumber`.
 */
const DISAMBIGUATE: Record<string, string> = {
  CopyObject: '/{Bucket}/{Key+}?x-id=CopyObject',
  UploadPart: '/{Bucket}/{Key+}?partNumber&uploadId',
  UploadPartCopy: '/{Bucket}/{Key+}?partNumber&uploadId&x-id=UploadPartCopy',
  AbortMultipartUpload: '/{Bucket}/{Key+}?uploadId',
  ListParts: '/{Bucket}/{Key+}?uploadId',
  CompleteMultipartUpload: '/{Bucket}/{Key+}?uploadId',
  ListDirectoryBuckets: '/?x-id=ListDirectoryBuckets',
  // Deprecated twins of the *Configuration operations share their URIs; S3 serves both as the
  // newer one, so the old names are made unreachable (no client sends this x-id).
  GetBucketLifecycle: '/{Bucket}?lifecycle&x-id=GetBucketLifecycle',
  PutBucketLifecycle: '/{Bucket}?lifecycle&x-id=PutBucketLifecycle',
  GetBucketNotification: '/{Bucket}?notification&x-id=GetBucketNotification',
  PutBucketNotification: '/{Bucket}?notification&x-id=PutBucketNotification',
};

/** Headers only `rewrite` sets (any a client sends are dropped): a failed body check, read back
 * post-authentication, and the decoded body's size for the record. */
export const BODY_ERROR_HEADER = 'x-chattrail-body-error';
export const BYTES_IN_HEADER = 'x-chattrail-bytes-in';

/** Input members chattrail adds to every S3 operation (never part of AWS's model). */
export const EXTRA_MEMBERS: Record<string, MemberRef> = {
  Host: { shape: 'ChattrailString', location: 'header', locationName: 'Host' },
  PresignedCredential: { shape: 'ChattrailString', location: 'querystring', locationName: 'X-Amz-Credential' },
  PresignedV2AccessKey: { shape: 'ChattrailString', location: 'querystring', locationName: 'AWSAccessKeyId' },
  BodyError: { shape: 'ChattrailString', location: 'header', locationName: BODY_ERROR_HEADER },
  BytesIn: { shape: 'ChattrailString', location: 'header', locationName: BYTES_IN_HEADER },
};

let cached: ServiceModel | undefined;

export function s3Model(): ServiceModel {
  if (cached) return cached;
  const base = loadModel('s3');
  const operations: Record<string, Operation> = {};
  const shapes: Record<string, Shape> = { ChattrailString: { type: 'string' } };
  for (const [name, op] of base.operations) {
    const requestUri = DISAMBIGUATE[name] ?? op.http.requestUri;
    operations[name] = { ...op, http: { ...op.http, requestUri } };
    if (!op.input) continue;
    const shape = base.shape(op.input.shape);
    if (shapes[op.input.shape]) continue;
    shapes[op.input.shape] = {
      ...shape,
      members: { ...shape.members, ...EXTRA_MEMBERS },
    };
  }
  cached = ServiceModel.withExtension(base, { operations, shapes });
  return cached;
}
