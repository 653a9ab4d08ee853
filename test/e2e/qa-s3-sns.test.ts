// End-to-end QA of the embedded S3 and SNS as the AWS CLI meets them: CLI copies recorded as
// CopyObject, S3's host-id shape and SSE header, N. Virginia's CreateBucket legacy, SNS duplicate
// tag keys, and Unsubscribe of a subscription that is already gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

interface Rec {
  eventName: string;
  errorCode?: string;
  requestParameters: Record<string, string> | null;
  additionalEventData?: Record<string, unknown>;
  requestID?: string;
}

describe('qa: s3 and sns through the AWS CLI', () => {
  let srv: TestServer;
  let work: string;
  let receiver: http.Server;
  let hookUrl: string;
  const received: Record<string, string>[] = [];

  async function recordsSince(seq: number, source: string): Promise<Rec[]> {
    const events = await srv.app.stores.events.readAfter(seq, 10_000);
    return events.filter((e) => e.eventSource === source).map((e) => JSON.parse(e.record) as Rec);
  }

  before(async () => {
    srv = await startTestServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-s3-sns-'));
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, string>);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await srv.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('aws s3 cp between keys is recorded as CopyObject, with S3-shaped host ids and SSE on reads', async () => {
    const local = path.join(work, 'a+b c.txt');
    fs.writeFileSync(local, 'copied bytes');
    assert.equal((await srv.aws(['s3', 'mb', 's3://qa-copy'])).code, 0);
    const seq = await srv.app.stores.events.lastSeq();
    assert.equal((await srv.aws(['s3', 'cp', local, 's3://qa-copy/src/a+b c.txt'])).code, 0);
    const cp = await srv.aws(['s3', 'cp', 's3://qa-copy/src/a+b c.txt', 's3://qa-copy/dst/ü 100%.txt']);
    assert.equal(cp.code, 0, cp.stderr);
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'qa-copy', '--key', 'dst/ü 100%.txt']);
    assert.equal(head.json.ContentLength, 12);
    assert.equal(head.json.ServerSideEncryption, 'AES256');

    const records = await recordsSince(seq, 's3.amazonaws.com');
    const copy = records.find((r) => r.eventName === 'CopyObject');
    assert.ok(copy, `a CopyObject record among ${records.map((r) => r.eventName).join(', ')}`);
    assert.equal(copy.requestParameters?.key, 'dst/ü 100%.txt');
    assert.equal(decodeURIComponent(copy.requestParameters?.['x-amz-copy-source'] ?? ''), 'qa-copy/src/a+b c.txt');
    assert.equal(records.filter((r) => r.eventName === 'PutObject').length, 1, 'only the upload is a PutObject');
    assert.match(String(copy.additionalEventData?.['x-amz-id-2']), /^[A-Za-z0-9+/]{75}=$/);
    assert.match(String(copy.requestID), /^[A-Z0-9]{16}$/, 'S3 request ids are 16 upper-case alphanumerics');
  });

  test('CreateBucket again: N. Virginia answers 200 for your own bucket, other regions BucketAlreadyOwnedByYou', async () => {
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'qa-east'])).code, 0);
    const again = await srv.aws(['s3api', 'create-bucket', '--bucket', 'qa-east']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.Location, '/qa-east');
    const west = ['s3api', 'create-bucket', '--bucket', 'qa-west', '--create-bucket-configuration', 'LocationConstraint=us-west-2'];
    assert.equal((await srv.aws(west, { region: 'us-west-2' })).code, 0);
    assert.equal(cliErrorCode(await srv.aws(west, { region: 'us-west-2' })), 'BucketAlreadyOwnedByYou');
  });

  test('SNS: duplicate tag keys are refused; Unsubscribe twice succeeds twice', async () => {
    const topic = (await srv.aws(['sns', 'create-topic', '--name', 'qa-topic'])).json.TopicArn as string;
    const dup = await srv.aws(['sns', 'tag-resource', '--resource-arn', topic, '--tags', 'Key=team,Value=a', 'Key=team,Value=b']);
    assert.equal(cliErrorCode(dup), 'InvalidParameter');
    assert.match(dup.stderr, /Duplicated keys are not allowed/);

    const sub = await srv.aws(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'http', '--notification-endpoint', hookUrl, '--return-subscription-arn']);
    const arn = sub.json.SubscriptionArn as string;
    for (let i = 0; i < 100 && !received.some((m) => m.Type === 'SubscriptionConfirmation'); i++) await new Promise((r) => setTimeout(r, 20));
    const conf = received.find((m) => m.Type === 'SubscriptionConfirmation');
    assert.ok(conf, 'the endpoint got a SubscriptionConfirmation');
    assert.equal((await fetch(conf.SubscribeURL)).status, 200);
    assert.equal((await srv.aws(['sns', 'unsubscribe', '--subscription-arn', arn])).code, 0);
    const again = await srv.aws(['sns', 'unsubscribe', '--subscription-arn', arn]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(cliErrorCode(await srv.aws(['sns', 'get-subscription-attributes', '--subscription-arn', arn])), 'NotFound');
  });
});
