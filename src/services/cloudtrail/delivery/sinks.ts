// What trail delivery needs from S3 and SNS, in CloudTrail's words: the checks CreateTrail and
// UpdateTrail run (with CloudTrail's error codes and messages) and the writes delivery makes. They
// are adapters over the caller-neutral capabilities (core/capabilities.ts) the embedded S3, an
// external S3-compatible endpoint and the embedded SNS offer, asked as cloudtrail.amazonaws.com.
import type { BucketStorage, Grant, PutOptions, TopicPublisher } from '../../../core/capabilities.js';
import type { ServiceWriter } from '../../../policy/service-write.js';
import { servicePrincipals } from '../../../common/service-principals.js';

export type DeliveryCheck =
  | { ok: true }
  | { ok: false; code: 'S3BucketDoesNotExistException' | 'InsufficientS3BucketPolicyException' | 'InsufficientSnsTopicPolicyException' | 'InvalidSnsTopicNameException'; message: string };

/** The trail a delivery is for: its ARN is the aws:SourceArn, its account the aws:SourceAccount. */
export interface TrailSource {
  trailArn: string;
  accountId: string;
}

export interface BucketSink {
  /**
   * Whether CloudTrail may write under `keyPrefix` (e.g. `prefix/AWSLogs/123456789012/`) of `bucket`:
   * the bucket exists and its policy grants cloudtrail.amazonaws.com s3:PutObject there (and
   * s3:GetBucketAcl on the bucket), honouring aws:SourceArn / aws:SourceAccount conditions.
   */
  checkDelivery(bucket: string, keyPrefix: string, source: TrailSource): Promise<DeliveryCheck>;
  /** Writes an object atomically, as cloudtrail.amazonaws.com. Throws on failure (retried by the caller). */
  putObject(bucket: string, key: string, body: Buffer, opts: PutOptions): Promise<void>;
  /** The region a bucket lives in (GetBucketLocation), undefined when it does not exist. */
  bucketRegion(bucket: string): Promise<string | undefined>;
}

export interface TopicSink {
  /** Whether the topic exists and its policy lets cloudtrail.amazonaws.com publish (SNS:Publish). */
  checkPublish(topicArn: string, source: TrailSource): Promise<DeliveryCheck>;
  /** Publishes as cloudtrail.amazonaws.com; returns the MessageId. */
  publish(topicArn: string, message: string, subject?: string): Promise<string>;
}

/** CloudTrail writing for a trail: the principal and aws:Source* keys bucket and topic policies see. */
export function cloudTrailWriter(source: TrailSource): ServiceWriter {
  return { service: servicePrincipals.cloudtrail, sourceArn: source.trailArn, sourceAccount: source.accountId };
}

/** A bucket's grant in CloudTrail's words (CreateTrail's errors). */
export function bucketDeliveryCheck(bucket: string, grant: Grant): DeliveryCheck {
  if (grant === 'missing') return { ok: false, code: 'S3BucketDoesNotExistException', message: `S3 bucket does not exist: ${bucket}` };
  if (grant === 'refused') return { ok: false, code: 'InsufficientS3BucketPolicyException', message: `Incorrect S3 bucket policy is detected for bucket: ${bucket}` };
  return { ok: true };
}

const NO_TOPIC = 'SNS Topic does not exist or the topic policy is incorrect!';

/** A bucket store as CloudTrail sees it; undefined when there is none. */
export function cloudTrailBuckets(storage: BucketStorage | undefined): BucketSink | undefined {
  if (!storage) return undefined;
  return {
    checkDelivery: async (bucket, keyPrefix, source) => bucketDeliveryCheck(bucket, await storage.serviceWriteGrant(bucket, keyPrefix, cloudTrailWriter(source))),
    putObject: (bucket, key, body, opts) => storage.putObject(bucket, key, body, opts),
    bucketRegion: (bucket) => storage.bucketRegion(bucket),
  };
}

/** A topic publisher as CloudTrail sees it; undefined when there is none. */
export function cloudTrailTopics(publisher: TopicPublisher | undefined): TopicSink | undefined {
  if (!publisher) return undefined;
  return {
    async checkPublish(topicArn, source) {
      const grant = await publisher.servicePublishGrant(topicArn, cloudTrailWriter(source));
      if (grant === 'invalid') return { ok: false, code: 'InvalidSnsTopicNameException', message: `SNS Topic name ${topicArn} is not valid.` };
      return grant === 'allowed' ? { ok: true } : { ok: false, code: 'InsufficientSnsTopicPolicyException', message: NO_TOPIC };
    },
    publish: (topicArn, message, subject) => publisher.publish(topicArn, message, subject),
  };
}
