// The embedded S3 as a BucketStorage capability: whether an AWS service may deliver files into a
// bucket by its policy, and the writes it then makes, with no record of their own (a service's
// deliveries are not the bucket owner's API calls). Who the service is, is the caller's business.
import type { BucketStorage, Grant, PutOptions } from '../../core/capabilities.js';
import type { ServiceWriter } from '../../policy/service-write.js';
import type { ObjectStore } from '../../storage/objects.js';
import type { Clock } from '../../common/runtime.js';
import type { BucketStore } from './store.js';
import { serviceMayWrite } from '../../policy/service-write.js';

export class EmbeddedBucketSink implements BucketStorage {
  constructor(private readonly buckets: BucketStore, private readonly objects: ObjectStore, private readonly clock: Clock) {}

  async serviceWriteGrant(bucket: string, keyPrefix: string, writer: ServiceWriter): Promise<Grant> {
    const found = await this.buckets.get(bucket);
    if (!found) return 'missing';
    return serviceMayWrite(bucket, found.policy, keyPrefix, writer) ? 'allowed' : 'refused';
  }

  async putObject(bucket: string, key: string, body: Buffer, opts: PutOptions): Promise<void> {
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
