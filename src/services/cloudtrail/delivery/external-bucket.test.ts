// The external bucket sink against a real S3 implementation (moto_server on a random loopback
// port): delivery checks by bucket policy, writes with metadata, bucket regions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../../test/support/ports.js';
import { S3Client, CreateBucketCommand, PutBucketPolicyCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { ExternalS3Sink } from './external-bucket.js';
import { cloudTrailBuckets, type BucketSink } from './sinks.js';

const ACCOUNT = '123456789012';
const source = { trailArn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`, accountId: ACCOUNT };
const prefix = `AWSLogs/${ACCOUNT}/`;
const credentials = { accessKeyId: 'AKIAMOTOTESTKEY00000', secretAccessKey: 'moto-secret' };

let moto: ChildProcess;
let endpoint: string;
let storage: ExternalS3Sink;
/** The external store as trail delivery asks it (as cloudtrail.amazonaws.com, in CloudTrail's words). */
let sink: BucketSink;
let client: S3Client;


async function waitUntilUp(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > end) throw new Error(`moto_server did not answer at ${url} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

before(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: true });
  await waitUntilUp(`${endpoint}/moto-api/`, 60_000);
  storage = new ExternalS3Sink({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  sink = cloudTrailBuckets(storage)!;
  client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
  const west = new S3Client({ endpoint, region: 'us-west-2', credentials, forcePathStyle: true });
  await west.send(new CreateBucketCommand({ Bucket: 'west-logs', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
  west.destroy();
});

after(() => {
  storage?.close();
  client?.destroy();
  // Only the process group this test started.
  if (moto?.pid) process.kill(-moto.pid, 'SIGTERM');
});

test('delivery checks: missing bucket, no policy, the CloudTrail policy', async () => {
  assert.equal((await sink.checkDelivery('no-such-bucket', prefix, source) as { code?: string }).code, 'S3BucketDoesNotExistException');
  assert.equal((await sink.checkDelivery('trail-logs', prefix, source) as { code?: string }).code, 'InsufficientS3BucketPolicyException');
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::trail-logs' },
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::trail-logs/${prefix}*`, Condition: { StringEquals: { 'aws:SourceArn': source.trailArn } } },
    ],
  });
  await client.send(new PutBucketPolicyCommand({ Bucket: 'trail-logs', Policy: policy }));
  assert.deepEqual(await sink.checkDelivery('trail-logs', prefix, source), { ok: true });
  assert.equal((await sink.checkDelivery('trail-logs', 'elsewhere/', source)).ok, false);
});

test('writes keep bytes, encoding and metadata; regions come from GetBucketLocation', async () => {
  const key = `${prefix}CloudTrail-Digest/us-east-1/2024/01/01/d.json.gz`;
  await sink.putObject('trail-logs', key, Buffer.from([0x1f, 0x8b, 0, 1]), { contentType: 'application/json', contentEncoding: 'gzip', metadata: { signature: 'cafe', 'signature-algorithm': 'SHA256withRSA' } });
  const got = await client.send(new GetObjectCommand({ Bucket: 'trail-logs', Key: key }));
  assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), Buffer.from([0x1f, 0x8b, 0, 1]));
  assert.deepEqual(got.Metadata, { signature: 'cafe', 'signature-algorithm': 'SHA256withRSA' });
  assert.equal(got.ContentEncoding, 'gzip');
  await assert.rejects(sink.putObject('no-such-bucket', 'k', Buffer.from('x'), { contentType: 'text/plain' }));
  assert.equal(await sink.bucketRegion('trail-logs'), 'us-east-1');
  assert.equal(await sink.bucketRegion('west-logs'), 'us-west-2');
  assert.equal(await sink.bucketRegion('no-such-bucket'), undefined);
});
