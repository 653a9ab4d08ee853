// The embedded S3 as trail delivery's BucketSink: CloudTrail checks a bucket's policy before it
// accepts a trail, then writes log and digest files as the service, with no record of its own
// (CloudTrail's deliveries are not the bucket owner's API calls).
import type { BucketSink, DeliveryCheck } from '../../trail/sinks.js';
import type { ObjectStore } from '../../storage/objects.js';
import type { Clock } from '../types.js';
import type { BucketStore } from './store.js';
import { deliveryAllowed, missingBucket } from './delivery-policy.js';

export class EmbeddedBucketSink implements BucketSink {
  constructor(private readonly buckets: BucketStore, private readonly objects: ObjectStore, private readonly clock: Clock) {}

  async checkDelivery(bucket: string, keyPrefix: string, source: { trailArn: string; accountId: string }): Promise<DeliveryCheck> {
    const found = await this.buckets.get(bucket);
    if (!found) return missingBucket(bucket);
    return deliveryAllowed(bucket, found.policy, keyPrefix, source);
  }

  async putObject(bucket: string, key: string, body: Buffer, opts: { contentType: string; contentEncoding?: string; metadata?: Record<string, string> }): Promise<void> {
    if (!(await this.buckets.get(bucket))) throw new Error(`S3 bucket ${bucket} does not exist`);
    await this.objects.put(bucket, key, body, {
      contentType: opts.contentType,
      contentEncoding: opts.contentEncoding,
      // Header names travel lower-cased, so metadata is stored the way S3 would return it.
      metadata: Object.fromEntries(Object.entries(opts.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      lastModified: this.clock.now(),
    });
  }

  async bucketRegion(bucket: string): Promise<string | undefined> {
    return (await this.buckets.get(bucket))?.region;
  }
}
