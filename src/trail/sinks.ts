// What trail delivery needs from S3 and SNS, as narrow interfaces: the embedded services implement
// them, and so does the AWS SDK v3 client for an external S3-compatible endpoint.

export type DeliveryCheck =
  | { ok: true }
  | { ok: false; code: 'S3BucketDoesNotExistException' | 'InsufficientS3BucketPolicyException' | 'InsufficientSnsTopicPolicyException' | 'InvalidSnsTopicNameException'; message: string };

export interface BucketSink {
  /**
   * Whether CloudTrail may write under `keyPrefix` (e.g. `prefix/AWSLogs/123456789012/`) of `bucket`:
   * the bucket exists and its policy grants cloudtrail.amazonaws.com s3:PutObject there (and
   * s3:GetBucketAcl on the bucket), honouring aws:SourceArn / aws:SourceAccount conditions.
   */
  checkDelivery(bucket: string, keyPrefix: string, source: { trailArn: string; accountId: string }): Promise<DeliveryCheck>;
  /** Writes an object atomically, as cloudtrail.amazonaws.com. Throws on failure (retried by the caller). */
  putObject(bucket: string, key: string, body: Buffer, opts: { contentType: string; contentEncoding?: string; metadata?: Record<string, string> }): Promise<void>;
  /** The region a bucket lives in (GetBucketLocation), undefined when it does not exist. */
  bucketRegion(bucket: string): Promise<string | undefined>;
}

export interface TopicSink {
  /** Whether the topic exists and its policy lets cloudtrail.amazonaws.com publish (SNS:Publish). */
  checkPublish(topicArn: string, source: { trailArn: string; accountId: string }): Promise<DeliveryCheck>;
  /** Publishes as cloudtrail.amazonaws.com; returns the MessageId. */
  publish(topicArn: string, message: string, subject?: string): Promise<string>;
}
