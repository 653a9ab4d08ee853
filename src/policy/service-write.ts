// Whether a bucket policy lets an AWS service deliver files into it (CloudTrail's logs, later
// Config's snapshots...): the check shared by the embedded bucket store and the external
// (S3-compatible endpoint) one, so both judge alike. The service is the caller's to name.
import { PolicyParseError, parsedResourcePolicy } from './document.js';
import { evaluateResourcePolicy, type RequestPrincipal } from './evaluate.js';

const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/**
 * The service needs s3:GetBucketAcl on the bucket and s3:PutObject under `keyPrefix` (written with
 * the `bucket-owner-full-control` ACL), with aws:SourceArn / aws:SourceAccount set to its resource's.
 * A bucket with no policy, or one that cannot be read, grants nothing.
 */
export function serviceMayWrite(bucket: string, policyText: string | undefined, keyPrefix: string, writer: ServiceWriter): boolean {
  if (!policyText) return false;
  let doc;
  try {
    doc = parsedResourcePolicy(policyText);
  } catch (e) {
    if (e instanceof PolicyParseError) return false;
    throw e;
  }
  const principal: RequestPrincipal = { type: 'AWSService', service: writer.service, arn: writer.service, accountId: '' };
  const context = { 'aws:SourceArn': writer.sourceArn, 'aws:SourceAccount': writer.sourceAccount };
  const acl = evaluateResourcePolicy({ action: 's3:GetBucketAcl', resource: bucketArn(bucket), principal, context }, doc);
  const put = evaluateResourcePolicy({
    action: 's3:PutObject', resource: `${bucketArn(bucket)}/${keyPrefix}*`, principal,
    context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
  }, doc);
  return acl === 'Allow' && put === 'Allow';
}

/** An AWS service writing for one of its resources: the principal and the aws:Source* keys a policy sees. */
export interface ServiceWriter {
  /** The service principal, e.g. `cloudtrail.amazonaws.com`. */
  service: string;
  /** The resource the service acts for (a trail's ARN): aws:SourceArn. */
  sourceArn: string;
  /** The account that resource belongs to: aws:SourceAccount. */
  sourceAccount: string;
}
