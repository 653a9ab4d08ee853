// Bucket sub-resources that provisioning tools (Terraform, CDK, CloudFormation) read on every
// refresh and write on apply: versioning, CORS, website, lifecycle, replication, encryption, public
// access block, ownership controls, tags, and the always-empty logging/accelerate/notification/
// request-payment/object-lock answers. Management events; each names its bucket once it succeeded.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, bucketArn, iamActionOf } from './access.js';
import type { Bucket, BucketConfig } from './store.js';
import { requireBucket, touchBucket, type Input, type S3Deps } from './common.js';
import {
  checkCors, checkEncryption, checkLifecycle, checkOwnership, checkTags, checkWebsite, publicAccessBlockOf, type Tag,
} from './config-checks.js';

type Doc = Record<string, unknown>;

/** What S3 gives every bucket since 2023 until the owner changes it. */
export const DEFAULT_ENCRYPTION = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] };
export const DEFAULT_PUBLIC_ACCESS_BLOCK = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const DEFAULT_OWNERSHIP = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
const DEFAULT_MIN_OBJECT_SIZE = 'all_storage_classes_128K';

function notConfigured(code: string, message: string, bucket: Bucket): AwsError {
  return new AwsError(code, message, 404, { BucketName: bucket.name });
}

export function configHandlers(deps: S3Deps): Record<string, Handler> {
  /** The bucket, once the caller may perform `op` on it; its config, never undefined. */
  const open = async (op: string, input: Input, ctx: CallContext): Promise<{ bucket: Bucket; config: BucketConfig }> => {
    const bucket = await requireBucket(deps, input.Bucket);
    assertBucketAccess(ctx, bucket, iamActionOf(op), bucketArn(bucket.name), {}, input.ExpectedBucketOwner);
    return { bucket, config: bucket.config ?? {} };
  };
  /** Stores one sub-resource and names the bucket in the record. */
  const save = async <K extends keyof BucketConfig>(ctx: CallContext, bucket: Bucket, key: K, value: BucketConfig[K] | undefined) => {
    await deps.buckets.setConfig(bucket.name, key, value);
    touchBucket(ctx, bucket);
    return {};
  };
  /** A Get answering `value`, or S3's "not configured" error when there is none. */
  const getter = (op: string, read: (c: BucketConfig) => Doc | undefined | null, code?: string, message?: string): Handler =>
    async (input: Input, ctx: CallContext) => {
      const { bucket, config } = await open(op, input, ctx);
      const value = read(config);
      if ((value === undefined || value === null) && code) throw notConfigured(code, message ?? '', bucket);
      touchBucket(ctx, bucket);
      return value ?? {};
    };
  /** A Delete that forgets (or, for S3's defaults, explicitly removes) one sub-resource. */
  const deleter = <K extends keyof BucketConfig>(op: string, key: K, value?: BucketConfig[K]): Handler =>
    async (input: Input, ctx: CallContext) => {
      const { bucket } = await open(op, input, ctx);
      return save(ctx, bucket, key, value);
    };

  return {
    GetBucketVersioning: getter('GetBucketVersioning', (c) => c.versioning),
    async PutBucketVersioning(input: Input, ctx: CallContext) {
      const { bucket, config } = await open('PutBucketVersioning', input, ctx);
      const wanted = (input.VersioningConfiguration ?? {}) as { Status?: string; MFADelete?: string };
      const mfaChange = wanted.MFADelete === 'Enabled' || (wanted.MFADelete === 'Disabled' && config.versioning?.MFADelete === 'Enabled');
      if (mfaChange && typeof input.MFA !== 'string') throw new AwsError('AccessDenied', 'Mfa Authentication must be used for this request', 403);
      if (mfaChange) throw new AwsError('NotImplemented', 'chattrail cannot verify MFA tokens, so MFA delete cannot be enabled', 501);
      // One object per key is all the object store keeps: an Enabled bucket would lose overwritten versions.
      if (wanted.Status === 'Enabled') {
        throw new AwsError('NotImplemented', 'chattrail keeps one version per key: versioning Status=Enabled is not implemented (Suspended is)', 501);
      }
      const next = { ...config.versioning };
      if (wanted.Status !== undefined) next.Status = wanted.Status;
      if (wanted.MFADelete !== undefined) next.MFADelete = wanted.MFADelete;
      return save(ctx, bucket, 'versioning', next);
    },

    GetBucketCors: getter('GetBucketCors', (c) => (c.cors ? { CORSRules: c.cors } : undefined), 'NoSuchCORSConfiguration', 'The CORS configuration does not exist'),
    async PutBucketCors(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketCors', input, ctx);
      const rules = ((input.CORSConfiguration as Doc | undefined)?.CORSRules ?? []) as Doc[];
      checkCors(rules);
      return save(ctx, bucket, 'cors', rules);
    },
    DeleteBucketCors: deleter('DeleteBucketCors', 'cors'),

    GetBucketWebsite: getter('GetBucketWebsite', (c) => c.website, 'NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration'),
    async PutBucketWebsite(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketWebsite', input, ctx);
      const site = (input.WebsiteConfiguration ?? {}) as Doc;
      checkWebsite(site);
      return save(ctx, bucket, 'website', site);
    },
    DeleteBucketWebsite: deleter('DeleteBucketWebsite', 'website'),

    GetBucketLifecycleConfiguration: getter('GetBucketLifecycleConfiguration',
      (c) => (c.lifecycle ? { Rules: c.lifecycle.Rules, TransitionDefaultMinimumObjectSize: c.lifecycle.TransitionDefaultMinimumObjectSize ?? DEFAULT_MIN_OBJECT_SIZE } : undefined),
      'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist'),
    async PutBucketLifecycleConfiguration(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketLifecycleConfiguration', input, ctx);
      const rules = ((input.LifecycleConfiguration as Doc | undefined)?.Rules ?? []) as Doc[];
      checkLifecycle(rules);
      const size = typeof input.TransitionDefaultMinimumObjectSize === 'string' ? input.TransitionDefaultMinimumObjectSize : DEFAULT_MIN_OBJECT_SIZE;
      await save(ctx, bucket, 'lifecycle', { Rules: rules, TransitionDefaultMinimumObjectSize: size });
      return { TransitionDefaultMinimumObjectSize: size };
    },
    DeleteBucketLifecycle: deleter('DeleteBucketLifecycle', 'lifecycle'),

    GetBucketReplication: getter('GetBucketReplication', () => undefined, 'ReplicationConfigurationNotFoundError', 'The replication configuration was not found'),
    async PutBucketReplication(input: Input, ctx: CallContext) {
      await open('PutBucketReplication', input, ctx);
      // Replication needs versioning Enabled, which chattrail does not offer.
      throw new AwsError('InvalidRequest', "Versioning must be 'Enabled' on the bucket to apply a replication configuration", 400);
    },
    async DeleteBucketReplication(input: Input, ctx: CallContext) {
      const { bucket } = await open('DeleteBucketReplication', input, ctx);
      touchBucket(ctx, bucket);
      return {};
    },

    GetBucketEncryption: getter('GetBucketEncryption', (c) => ({ ServerSideEncryptionConfiguration: c.encryption ?? DEFAULT_ENCRYPTION })),
    async PutBucketEncryption(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketEncryption', input, ctx);
      const config = (input.ServerSideEncryptionConfiguration ?? {}) as Doc;
      checkEncryption(config);
      return save(ctx, bucket, 'encryption', config);
    },
    // S3 cannot be left unencrypted: deleting the configuration restores SSE-S3.
    DeleteBucketEncryption: deleter('DeleteBucketEncryption', 'encryption'),

    GetPublicAccessBlock: getter('GetPublicAccessBlock',
      (c) => (c.publicAccessBlock === null ? null : { PublicAccessBlockConfiguration: c.publicAccessBlock ?? DEFAULT_PUBLIC_ACCESS_BLOCK }),
      'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'),
    async PutPublicAccessBlock(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutPublicAccessBlock', input, ctx);
      return save(ctx, bucket, 'publicAccessBlock', publicAccessBlockOf((input.PublicAccessBlockConfiguration ?? {}) as Doc));
    },
    DeletePublicAccessBlock: deleter('DeletePublicAccessBlock', 'publicAccessBlock', null),

    GetBucketOwnershipControls: getter('GetBucketOwnershipControls',
      (c) => (c.ownershipControls === null ? null : { OwnershipControls: c.ownershipControls ?? DEFAULT_OWNERSHIP }),
      'OwnershipControlsNotFoundError', 'The bucket ownership controls were not found'),
    async PutBucketOwnershipControls(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketOwnershipControls', input, ctx);
      const controls = (input.OwnershipControls ?? {}) as Doc;
      checkOwnership(controls);
      return save(ctx, bucket, 'ownershipControls', controls);
    },
    DeleteBucketOwnershipControls: deleter('DeleteBucketOwnershipControls', 'ownershipControls', null),

    GetBucketTagging: getter('GetBucketTagging', (c) => (c.tags?.length ? { TagSet: c.tags } : undefined), 'NoSuchTagSet', 'The TagSet does not exist'),
    async PutBucketTagging(input: Input, ctx: CallContext) {
      const { bucket } = await open('PutBucketTagging', input, ctx);
      const tags = checkTags(((input.Tagging as Doc | undefined)?.TagSet ?? []) as Tag[], 'bucket');
      return save(ctx, bucket, 'tags', tags.length ? tags : undefined);
    },
    DeleteBucketTagging: deleter('DeleteBucketTagging', 'tags'),

    // Settings chattrail has no way to change: the answers of a bucket that never had them.
    GetBucketLogging: getter('GetBucketLogging', () => ({})),
    GetBucketRequestPayment: getter('GetBucketRequestPayment', () => ({ Payer: 'BucketOwner' })),
    GetBucketAccelerateConfiguration: getter('GetBucketAccelerateConfiguration', () => ({})),
    GetBucketNotificationConfiguration: getter('GetBucketNotificationConfiguration', () => ({})),
    GetObjectLockConfiguration: getter('GetObjectLockConfiguration', () => undefined, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket'),
  };
}
