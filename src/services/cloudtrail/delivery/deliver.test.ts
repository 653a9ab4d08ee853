import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { LogDelivery, failureCode, nextRange, type DeliveryEnv } from './deliver.js';
import { readState } from './state.js';
import { FakeBuckets, FakeTopics, fakeEvent, tempStores } from '../../../../test/support/trail-delivery.js';
import { trailKey, type TrailDoc } from '../trails-model.js';
import { randomIds } from '../../../common/runtime.js';
import type { Stores } from '../../../storage/stores.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function trail(over: Partial<TrailDoc> = {}): TrailDoc {
  return {
    trailId: 't-1', name: 'audit', accountId: '123456789012', homeRegion: 'us-east-1', s3BucketName: 'logs',
    includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: false, isOrganizationTrail: false,
    tags: [], isLogging: true, logging: [{ startSeq: 0 }], createdAt: new Date(), ...over,
  };
}

function envOf(stores: Stores, sink: FakeBuckets, topics = new FakeTopics()): DeliveryEnv {
  return {
    documents: stores.documents, events: stores.events, clock: { now: () => new Date() }, ids: randomIds,
    sink: () => sink, topics: () => topics, orgs: async () => undefined, maxEventsPerPass: 10, maxRecordsPerFile: 4,
  };
}

async function append(stores: Stores, n: number, over = {}): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => stores.events.append(fakeEvent(over))));
}

async function drain(d: LogDelivery, t: TrailDoc): Promise<void> {
  while ((await d.deliver(t)) === 'more');
}

test('nextRange walks logging spans and skips what was recorded while stopped', () => {
  const spans = [{ startSeq: 0, stopSeq: 5 }, { startSeq: 9 }];
  assert.deepEqual(nextRange(spans, 0, 20), { from: 0, to: 5 });
  assert.deepEqual(nextRange(spans, 5, 20), { from: 9, to: 20 });
  assert.equal(nextRange(spans, 20, 20), undefined);
  assert.deepEqual(nextRange([{ startSeq: 0, stopSeq: 5 }], 0, 3), { from: 0, to: 3 });
});

test('every event lands in exactly one file despite a failed write, a restart and new events', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  const sink = new FakeBuckets();
  const t = trail();
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  await append(stores, 10);
  sink.failAfterStoring = 2; // the second file is written, then the write reports an error
  await assert.rejects(new LogDelivery(envOf(stores, sink)).deliver(t));
  const pending = (await readState(stores.documents, t))!.intent!;
  assert.equal(pending.files.length, 3, '10 events, 4 per file');
  await append(stores, 7); // arrives before the retry: must not change the pending batch

  // A restart: close and reopen the stores, then a fresh delivery replays the intent.
  await stores.close();
  const reopened = stores.reopen();
  const d = new LogDelivery(envOf(reopened, sink));
  await drain(d, t);
  const keysAfter = [...sink.objects.keys()];
  for (const f of pending.files) assert.ok(keysAfter.includes(`logs/${f.key}`), 'the replay reused the intent keys');
  const delivered = sink.deliveredRecords();
  assert.equal(delivered.size, 17);
  assert.ok([...delivered.values()].every((n) => n === 1), 'no record delivered twice');
  const state = (await readState(reopened.documents, t))!;
  assert.equal(state.intent, undefined);
  assert.equal(state.cursor, await reopened.events.lastSeq());
  assert.ok(state.status.latestDeliveryTime);
  await reopened.close();
});

test('delivery failures carry the code GetTrailStatus shows; nothing is lost when the bucket comes back', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  const sink = new FakeBuckets();
  const t = trail();
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  await append(stores, 3);
  const d = new LogDelivery(envOf(stores, sink));
  for (const [mode, code] of [['missing', 'NoSuchBucket'], ['denied', 'AccessDenied'], ['down', 'ECONNREFUSED']] as const) {
    sink.mode = mode;
    await assert.rejects(d.deliver(t), (e: unknown) => failureCode(e) === code);
  }
  assert.equal(sink.objects.size, 0);
  sink.mode = 'ok';
  await drain(d, t);
  assert.equal(sink.deliveredRecords().size, 3);
  await stores.close();
});

test('only events inside logging spans are delivered, in files on the CloudTrail layout', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  const sink = new FakeBuckets();
  await append(stores, 2, { requestId: 'before' });
  const start = await stores.events.lastSeq();
  await append(stores, 1, { requestId: 'during' });
  await append(stores, 1, { requestId: 'other-region', region: 'eu-west-1' });
  const stop = await stores.events.lastSeq();
  await append(stores, 1, { requestId: 'after' });
  const t = trail({ s3KeyPrefix: 'p/q', logging: [{ startSeq: start, stopSeq: stop }] });
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  await drain(new LogDelivery(envOf(stores, sink)), t);
  assert.deepEqual([...sink.deliveredRecords().keys()], ['during']);
  const [key] = [...sink.objects.keys()];
  assert.match(key, /^logs\/p\/q\/AWSLogs\/123456789012\/CloudTrail\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/123456789012_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Z0-9]{16}\.json\.gz$/);
  const obj = sink.objects.get(key)!;
  assert.equal(obj.contentEncoding, 'gzip');
  const body = zlib.gunzipSync(obj.body).toString('utf8');
  assert.ok(body.startsWith('{"Records":[{') && body.endsWith('}]}'));
  await stores.close();
});

test('each delivered file is announced on the trail topic; a refused publish is retried', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  const sink = new FakeBuckets();
  const topics = new FakeTopics();
  const t = trail({ snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:trail-news' });
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  await append(stores, 5);
  const d = new LogDelivery(envOf(stores, sink, topics));
  await drain(d, t);
  topics.denied = true;
  await assert.rejects(d.notify(t));
  assert.equal((await readState(stores.documents, t))!.status.latestNotificationError, 'AuthorizationError');
  topics.denied = false;
  await d.notify(t);
  const keys = [...sink.objects.keys()].map((k) => k.slice('logs/'.length)).sort();
  assert.deepEqual(topics.published.map((p) => JSON.parse(p.message) as { s3Bucket: string; s3ObjectKey: string[] })
    .map((m) => { assert.equal(m.s3Bucket, 'logs'); return m.s3ObjectKey[0]; }).sort(), keys);
  assert.equal(keys.length, 2);
  const status = (await readState(stores.documents, t))!.status;
  assert.equal(status.latestNotificationError, undefined);
  assert.ok(status.latestNotificationTime);
  await stores.close();
});
