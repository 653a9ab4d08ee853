import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { DeliveryLoop } from './loop.js';
import { SigningKeys } from './signing-keys.js';
import { readState } from './state.js';
import { FakeBuckets, FakeTopics, fakeEvent, tempStores } from '../../../../test/support/trail-delivery.js';
import { trailKey, type TrailDoc } from '../trails-model.js';
import { createLogger, randomIds, systemClock } from '../../../common/runtime.js';
import { SecretBox } from '../../../storage/secrets.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const until = async (what: string, fn: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('a recorded event is delivered within a window even while the next digest is an hour away; failures back off and recover', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  const sink = new FakeBuckets();
  const keys = new SigningKeys(stores.documents, new SecretBox(crypto.randomBytes(32)), systemClock);
  const t: TrailDoc = {
    trailId: 't-loop', name: 'looped', accountId: '123456789012', homeRegion: 'us-east-1', s3BucketName: 'logs',
    includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: true, isOrganizationTrail: false,
    tags: [], isLogging: true, logging: [{ startSeq: 0 }], createdAt: new Date(),
  };
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  const loop = new DeliveryLoop({
    documents: stores.documents, events: stores.events, clock: systemClock, ids: randomIds, sink: () => sink, topics: () => new FakeTopics(),
    orgs: async () => undefined, keys, maxEventsPerPass: 100, maxRecordsPerFile: 100, digestWindowMs: 3_600_000,
  }, createLogger('error', () => undefined), { windowMs: 50, maxBackoffMs: 200 });
  loop.start();
  try {
    await until('the home digest chain', async () => !!(await readState(stores.documents, t))?.chains['123456789012/us-east-1']);
    await stores.events.append(fakeEvent({ requestId: 'first' }));
    loop.wake();
    await until('the first event delivered', () => sink.deliveredRecords().has('first'), 1000);

    sink.mode = 'down';
    await stores.events.append(fakeEvent({ requestId: 'second' }));
    loop.wake();
    await until('the failure in the status', async () => (await readState(stores.documents, t))?.status.latestDeliveryError === 'ECONNREFUSED');
    sink.mode = 'ok';
    await until('the retry', () => sink.deliveredRecords().has('second'), 2000);
    assert.deepEqual([...sink.deliveredRecords().values()], [1, 1]);
    assert.equal((await readState(stores.documents, t))?.status.latestDeliveryError, undefined);
  } finally {
    await loop.stop();
    await stores.close();
  }
});
