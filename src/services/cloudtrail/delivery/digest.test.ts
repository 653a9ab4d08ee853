import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { LogDelivery } from './deliver.js';
import { DigestDelivery, stringToSign, type DigestEnv } from './digest.js';
import { SigningKeys, fingerprintOf } from './signing-keys.js';
import { FakeBuckets, FakeTopics, fakeEvent, tempStores } from '../../../../test/support/trail-delivery.js';
import { trailKey, type TrailDoc } from '../trails-model.js';
import { randomIds } from '../../../common/runtime.js';
import { SecretBox } from '../../../storage/secrets.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

interface Digest {
  digestStartTime: string; digestEndTime: string; digestS3Bucket: string; digestS3Object: string;
  digestPublicKeyFingerprint: string; previousDigestSignature: string | null; previousDigestS3Object: string | null;
  previousDigestHashValue: string | null; logFiles: { s3Object: string; hashValue: string }[];
}

test('digests are signed, chained, cover each delivered log file once, and verify with the listed public key', async () => {
  const stores = tempStores();
  dirs.push(stores.dir);
  let now = Date.UTC(2025, 4, 1, 12, 0, 0);
  const clock = { now: () => new Date(now) };
  const sink = new FakeBuckets();
  const keys = new SigningKeys(stores.documents, new SecretBox(crypto.randomBytes(32)), clock);
  const env: DigestEnv = {
    documents: stores.documents, events: stores.events, clock, ids: randomIds, sink: () => sink, topics: () => new FakeTopics(),
    orgs: async () => undefined, maxEventsPerPass: 100, maxRecordsPerFile: 100, keys, digestWindowMs: 60_000,
  };
  const t: TrailDoc = {
    trailId: 't-9', name: 'signed', accountId: '123456789012', homeRegion: 'us-east-1', s3BucketName: 'logs',
    includeGlobalServiceEvents: true, isMultiRegionTrail: true, logFileValidationEnabled: true, isOrganizationTrail: false,
    tags: [], isLogging: true, logging: [{ startSeq: 0 }], createdAt: clock.now(),
  };
  await stores.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  const logs = new LogDelivery(env);
  const digests = new DigestDelivery(env);
  assert.equal(await digests.deliver(t, undefined), now + 60_000, 'the home chain starts now, its first digest is due in one window');
  await stores.events.append(fakeEvent({ region: 'us-east-1' }));
  await stores.events.append(fakeEvent({ region: 'eu-west-1' }));
  await logs.deliver(t);
  now += 61_000;
  await digests.deliver(t, undefined);
  now += 61_000;
  await digests.deliver(t, undefined); // an empty window still gets a digest

  const digestKeys = [...sink.objects.keys()].filter((k) => k.includes('CloudTrail-Digest')).sort();
  const east = digestKeys.filter((k) => k.includes('/us-east-1/'));
  assert.equal(east.length, 2);
  assert.equal(digestKeys.filter((k) => k.includes('/eu-west-1/')).length, 2, 'a region with delivered files gets its own chain');
  assert.match(east[0], /^logs\/AWSLogs\/123456789012\/CloudTrail-Digest\/us-east-1\/2025\/05\/01\/123456789012_CloudTrail-Digest_us-east-1_signed_us-east-1_20250501T120101Z\.json\.gz$/);

  const [pub] = await keys.list('us-east-1', new Date(0), new Date(now));
  const publicKey = crypto.createPublicKey({ key: pub.publicKeyDer, format: 'der', type: 'pkcs1' });
  assert.equal(pub.fingerprint, fingerprintOf(pub.publicKeyDer));
  const read = (k: string) => {
    const o = sink.objects.get(k)!;
    const raw = zlib.gunzipSync(o.body);
    return { raw, d: JSON.parse(raw.toString('utf8')) as Digest, meta: o.metadata };
  };
  const first = read(east[0]);
  const second = read(east[1]);
  for (const { raw, d, meta } of [first, second]) {
    assert.equal(meta['signature-algorithm'], 'SHA256withRSA');
    assert.equal(d.digestPublicKeyFingerprint, pub.fingerprint);
    const hash = crypto.createHash('sha256').update(raw).digest('hex');
    const toSign = stringToSign(d.digestEndTime, d.digestS3Bucket, d.digestS3Object, hash, d.previousDigestSignature);
    assert.ok(crypto.verify('sha256', Buffer.from(toSign), publicKey, Buffer.from(meta.signature, 'hex')), 'signature verifies');
  }
  assert.equal(first.d.previousDigestSignature, null);
  assert.equal(second.d.previousDigestSignature, first.meta.signature);
  assert.equal(second.d.previousDigestS3Object, first.d.digestS3Object);
  assert.equal(second.d.previousDigestHashValue, crypto.createHash('sha256').update(first.raw).digest('hex'));
  assert.equal(second.d.digestStartTime, first.d.digestEndTime);
  assert.equal(first.d.logFiles.length, 1);
  assert.deepEqual(second.d.logFiles, []);
  const log = sink.objects.get(`logs/${first.d.logFiles[0].s3Object}`)!;
  assert.equal(first.d.logFiles[0].hashValue, crypto.createHash('sha256').update(zlib.gunzipSync(log.body)).digest('hex'));
  await stores.close();
});
