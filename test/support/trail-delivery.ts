// In-memory BucketSink and TopicSink with switchable failures, and a fresh store folder: what the
// delivery unit tests run against (the e2e tests use the real S3 and SNS services).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BucketSink, DeliveryCheck, TopicSink } from '../../src/services/cloudtrail/delivery/sinks.js';
import { openEmbeddedStores, type Stores } from '../../src/storage/stores.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

export interface StoredObject { body: Buffer; contentType: string; contentEncoding?: string; metadata: Record<string, string> }

export class FakeBuckets implements BucketSink {
  readonly objects = new Map<string, StoredObject>();
  puts = 0;
  /** `missing`: no bucket; `denied`: policy refuses; `down`: writes throw. */
  mode: 'ok' | 'missing' | 'denied' | 'down' = 'ok';
  /** Fail the n-th put from now (1-based) after storing it, as a crash after the write would. */
  failAfterStoring?: number;

  async checkDelivery(bucket: string): Promise<DeliveryCheck> {
    if (this.mode === 'missing') return { ok: false, code: 'S3BucketDoesNotExistException', message: `S3 bucket does not exist: ${bucket}` };
    if (this.mode === 'denied') return { ok: false, code: 'InsufficientS3BucketPolicyException', message: `Incorrect S3 bucket policy is detected for bucket: ${bucket}` };
    return { ok: true };
  }

  async putObject(bucket: string, key: string, body: Buffer, opts: { contentType: string; contentEncoding?: string; metadata?: Record<string, string> }): Promise<void> {
    if (this.mode === 'down') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    this.objects.set(`${bucket}/${key}`, { body, contentType: opts.contentType, contentEncoding: opts.contentEncoding, metadata: opts.metadata ?? {} });
    this.puts++;
    if (this.failAfterStoring !== undefined && --this.failAfterStoring === 0) {
      this.failAfterStoring = undefined;
      throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' });
    }
  }

  async bucketRegion(): Promise<string | undefined> {
    return this.mode === 'missing' ? undefined : 'us-east-1';
  }

  /** Every record of every log file, by requestID → how many times it was delivered. */
  deliveredRecords(): Map<string, number> {
    const seen = new Map<string, number>();
    for (const [k, o] of this.objects) {
      if (!k.includes('/CloudTrail/')) continue;
      const doc = JSON.parse(zlib.gunzipSync(o.body).toString('utf8')) as { Records: { requestID: string }[] };
      for (const r of doc.Records) seen.set(r.requestID, (seen.get(r.requestID) ?? 0) + 1);
    }
    return seen;
  }
}

export class FakeTopics implements TopicSink {
  readonly published: { topicArn: string; message: string }[] = [];
  denied = false;

  async checkPublish(): Promise<DeliveryCheck> {
    return this.denied ? { ok: false, code: 'InsufficientSnsTopicPolicyException', message: 'SNS Topic does not exist or the topic policy is incorrect!' } : { ok: true };
  }

  async publish(topicArn: string, message: string): Promise<string> {
    this.published.push({ topicArn, message });
    return String(this.published.length);
  }
}

export function tempStores(): Stores & { dir: string; reopen(): Stores } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-delivery-'));
  const open = () => openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  const stores = open();
  return Object.assign(stores, { dir, reopen: open });
}

let counter = 0;

/** A stored event as the recorder would make it, with a recognizable requestID. */
export function fakeEvent(over: Partial<StoredEvent> & { requestId?: string } = {}): StoredEvent {
  const n = ++counter;
  const requestID = over.requestId ?? `req-${n}`;
  const base = {
    eventId: `evt-${n}`, accountId: '123456789012', region: 'us-east-1', eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, n % 60)),
    eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', readOnly: true, management: true, resources: [],
  };
  const e = { ...base, ...over };
  const record = over.record ?? JSON.stringify({
    eventVersion: '1.11', eventTime: e.eventTime.toISOString(), eventSource: e.eventSource, eventName: e.eventName, awsRegion: e.region,
    requestID, eventID: e.eventId, readOnly: e.readOnly, eventType: 'AwsApiCall', managementEvent: e.management, recipientAccountId: e.accountId,
    eventCategory: e.management ? 'Management' : 'Data',
  });
  return { ...e, record };
}
