// Who may touch a bucket: the IAM action each S3 operation needs, and the bucket policy's say.
// The pipeline has already applied the caller's own IAM policies; here the bucket policy can deny
// anyone, and is the only way in for other accounts (and for service principals like CloudTrail).
import { AwsError } from '../../protocol/errors.js';
import { parsedResourcePolicy } from '../../policy/document.js';
import { evaluateResourcePolicy, type ContextValue, type Decision, type RequestPrincipal } from '../../policy/evaluate.js';
import type { Principal } from '../../common/principal.js';
import type { CallContext } from '../../core/service.js';
import type { Bucket } from './store.js';

/** The IAM action an operation is authorized as, where it differs from `s3:<Operation>`. */
export const IAM_ACTIONS: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  HeadBucket: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  DeleteObjects: 's3:DeleteObject',
  CopyObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  UploadPartCopy: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  ListParts: 's3:ListMultipartUploadParts',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  // Bucket sub-resources: IAM names several after the configuration, and deletes are puts.
  ListObjectVersions: 's3:ListBucketVersions',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  DeleteBucketCors: 's3:PutBucketCORS',
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
  DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
  GetBucketReplication: 's3:GetReplicationConfiguration',
  PutBucketReplication: 's3:PutReplicationConfiguration',
  DeleteBucketReplication: 's3:PutReplicationConfiguration',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  DeleteBucketEncryption: 's3:PutEncryptionConfiguration',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  DeleteBucketOwnershipControls: 's3:PutBucketOwnershipControls',
  DeleteBucketTagging: 's3:PutBucketTagging',
  GetObjectLockConfiguration: 's3:GetBucketObjectLockConfiguration',
  GetBucketAccelerateConfiguration: 's3:GetAccelerateConfiguration',
  GetBucketNotificationConfiguration: 's3:GetBucketNotification',
};

export function iamActionOf(opName: string): string {
  return IAM_ACTIONS[opName] ?? `s3:${opName}`;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

export function requestPrincipalOf(p: Principal): RequestPrincipal {
  return p.type === 'AWSService'
    ? { arn: p.arn, accountId: p.accountId, type: 'AWSService', service: p.service }
    : { arn: p.arn, accountId: p.accountId, type: p.type };
}

/** The bucket policy's decision for a request; ImplicitDeny when the bucket has none. */
export function bucketPolicyDecision(bucket: Bucket, principal: RequestPrincipal | undefined, action: string, resource: string, context: Record<string, ContextValue>): Decision {
  if (!bucket.policy) return 'ImplicitDeny';
  return evaluateResourcePolicy({ action, resource, principal, context }, parsedResourcePolicy(bucket.policy));
}

/** Policy management stays open to the owner's root even past a Deny, as in AWS (no lock-outs). */
const ROOT_ALWAYS = new Set(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']);

/**
 * Throws AccessDenied unless the caller may perform `action` on `resource` of `bucket`: an explicit
 * Deny in the bucket policy refuses anyone; another account needs an Allow from the policy. Also
 * enforces `x-amz-expected-bucket-owner`.
 */
export function assertBucketAccess(ctx: CallContext, bucket: Bucket, action: string, resource: string,
  extra: Record<string, ContextValue> = {}, expectedOwner?: unknown): void {
  if (typeof expectedOwner === 'string' && expectedOwner !== bucket.owner) throw accessDenied();
  const p = ctx.principal;
  const sameAccount = p.accountId === bucket.owner;
  if (sameAccount && p.type === 'Root' && ROOT_ALWAYS.has(action)) return;
  const now = ctx.clock.now();
  const decision = bucketPolicyDecision(bucket, requestPrincipalOf(p), action, resource, {
    'aws:SourceIp': ctx.via?.invokedBy ? undefined : ctx.sourceIp,
    'aws:SecureTransport': 'false',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:UserAgent': ctx.userAgent,
    'aws:RequestedRegion': ctx.region,
    'aws:ResourceAccount': bucket.owner,
    'aws:ViaAWSService': ctx.via?.invokedBy ? 'true' : 'false',
    ...extra,
  });
  if (decision === 'ExplicitDeny') throw accessDenied();
  if (!sameAccount && decision !== 'Allow') throw accessDenied();
}

export function accessDenied(): AwsError {
  return new AwsError('AccessDenied', 'Access Denied', 403);
}
