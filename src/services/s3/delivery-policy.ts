// Whether a bucket policy lets CloudTrail deliver: the check CreateTrail/UpdateTrail run, shared by
// the embedded bucket sink and the external (S3-compatible endpoint) one so both judge alike.
import type { DeliveryCheck } from '../../trail/sinks.js';
import { PolicyParseError } from '../../policy/document.js';
import { evaluateResourcePolicy, type RequestPrincipal } from '../../policy/evaluate.js';
import { bucketArn, parsedPolicy } from './access.js';

export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';

const cloudTrail: RequestPrincipal = { type: 'AWSService', service: CLOUDTRAIL_SERVICE, arn: CLOUDTRAIL_SERVICE, accountId: '' };

export function missingBucket(bucket: string): DeliveryCheck {
  return { ok: false, code: 'S3BucketDoesNotExistException', message: `S3 bucket does not exist: ${bucket}` };
}

function insufficient(bucket: string): DeliveryCheck {
  return { ok: false, code: 'InsufficientS3BucketPolicyException', message: `Incorrect S3 bucket policy is detected for bucket: ${bucket}` };
}

/**
 * CloudTrail needs s3:GetBucketAcl on the bucket and s3:PutObject under `keyPrefix` (written with
 * the `bucket-owner-full-control` ACL), with aws:SourceArn / aws:SourceAccount set to the trail's.
 */
export function deliveryAllowed(bucket: string, policyText: string | undefined, keyPrefix: string,
  source: { trailArn: string; accountId: string }): DeliveryCheck {
  if (!policyText) return insufficient(bucket);
  let doc;
  try {
    doc = parsedPolicy(policyText);
  } catch (e) {
    if (e instanceof PolicyParseError) return insufficient(bucket);
    throw e;
  }
  const context = { 'aws:SourceArn': source.trailArn, 'aws:SourceAccount': source.accountId };
  const acl = evaluateResourcePolicy({ action: 's3:GetBucketAcl', resource: bucketArn(bucket), principal: cloudTrail, context }, doc);
  const put = evaluateResourcePolicy({
    action: 's3:PutObject', resource: `${bucketArn(bucket)}/${keyPrefix}*`, principal: cloudTrail,
    context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
  }, doc);
  return acl === 'Allow' && put === 'Allow' ? { ok: true } : insufficient(bucket);
}
