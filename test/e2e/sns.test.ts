// End-to-end: the embedded SNS driven by the AWS CLI and SDK v3 — topics, the http subscription
// handshake, signed notifications verified with the certificate from SigningCertURL, topic
// policies across accounts, and the TopicSink trails publish through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient, CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createAccount, userIdFor } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import { cloudTrailTopics } from '../../src/services/cloudtrail/delivery/sinks.js';

interface Received { headers: http.IncomingHttpHeaders; body: string; json: Record<string, string> }

/** A subscriber endpoint that records what SNS posts to it. */
class Inbox {
  readonly got: Received[] = [];
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      let json: Record<string, string> = {};
      try { json = JSON.parse(body) as Record<string, string>; } catch { /* raw delivery */ }
      this.got.push({ headers: req.headers, body, json });
      res.writeHead(200);
      res.end();
    });
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sns`;
  }
  async next(type: string, ms = 5000): Promise<Received> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.got.findIndex((m) => m.headers['x-amz-sns-message-type'] === type);
      if (i >= 0) return this.got.splice(i, 1)[0];
      if (Date.now() > end) throw new Error(`no ${type} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  close() { return new Promise<void>((r) => this.server.close(() => r())); }
}

/** Verifies a message the way SNS's own validators do, with the certificate at SigningCertURL. */
async function verifySignature(msg: Record<string, string>): Promise<boolean> {
  const pem = await (await fetch(msg.SigningCertURL)).text();
  const cert = new crypto.X509Certificate(pem);
  const fields = msg.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = fields.filter((f) => msg[f] !== undefined).map((f) => `${f}\n${msg[f]}\n`).join('');
  return crypto.verify(msg.SignatureVersion === '1' ? 'sha1' : 'sha256', Buffer.from(text), cert.publicKey, Buffer.from(msg.Signature, 'base64'));
}

describe('sns', () => {
  let srv: TestServer;
  const inbox = new Inbox();
  before(async () => {
    srv = await startTestServer();
    await inbox.start();
  });
  after(async () => {
    await srv.stop();
    await inbox.close();
  });

  test('topics: create (idempotent), list, get/set attributes, errors, delete', async () => {
    const created = await srv.aws(['sns', 'create-topic', '--name', 'orders', '--attributes', 'DisplayName=Orders', '--tags', 'Key=team,Value=core']);
    assert.equal(created.code, 0, created.stderr);
    const arn = created.json.TopicArn as string;
    assert.equal(arn, `arn:aws:sns:us-east-1:${srv.admin.accountId}:orders`);
    const again = await srv.aws(['sns', 'create-topic', '--name', 'orders', '--attributes', 'DisplayName=Orders']);
    assert.equal(again.json.TopicArn, arn, 'CreateTopic is idempotent by name');
    const clash = await srv.aws(['sns', 'create-topic', '--name', 'orders', '--attributes', 'DisplayName=Other']);
    assert.equal(cliErrorCode(clash), 'InvalidParameter');
    assert.match(clash.stderr, /Topic already exists with different attributes/);
    const badFifo = await srv.aws(['sns', 'create-topic', '--name', 'jobs.fifo']);
    assert.equal(cliErrorCode(badFifo), 'InvalidParameter');

    const listed = await srv.aws(['sns', 'list-topics']);
    assert.deepEqual(listed.json.Topics, [{ TopicArn: arn }]);
    const attrs = (await srv.aws(['sns', 'get-topic-attributes', '--topic-arn', arn])).json.Attributes;
    assert.equal(attrs.Owner, srv.admin.accountId);
    assert.equal(attrs.DisplayName, 'Orders');
    assert.equal(attrs.SubscriptionsPending, '0');
    const policy = JSON.parse(attrs.Policy);
    assert.equal(policy.Statement[0].Condition.StringEquals['AWS:SourceOwner'], srv.admin.accountId);
    assert.equal(JSON.parse(attrs.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries, 3);

    assert.equal((await srv.aws(['sns', 'set-topic-attributes', '--topic-arn', arn, '--attribute-name', 'DisplayName', '--attribute-value', 'Renamed'])).code, 0);
    assert.equal((await srv.aws(['sns', 'get-topic-attributes', '--topic-arn', arn])).json.Attributes.DisplayName, 'Renamed');
    const badPolicy = await srv.aws(['sns', 'set-topic-attributes', '--topic-arn', arn, '--attribute-name', 'Policy', '--attribute-value', '{"Statement": nope']);
    assert.equal(cliErrorCode(badPolicy), 'InvalidParameter');
    assert.match(badPolicy.stderr, /Invalid parameter: Policy Error: null/);

    const missing = await srv.aws(['sns', 'get-topic-attributes', '--topic-arn', `${arn}-nope`]);
    assert.equal(cliErrorCode(missing), 'NotFound');
    assert.match(missing.stderr, /Topic does not exist/);

    assert.equal((await srv.aws(['sns', 'delete-topic', '--topic-arn', arn])).code, 0);
    assert.deepEqual((await srv.aws(['sns', 'list-topics'])).json.Topics, []);

    const records = (await srv.app.stores.events.readAfter(0, 1000)).map((e) => JSON.parse(e.record));
    const create = records.find((r) => r.eventName === 'CreateTopic' && !r.errorCode);
    assert.equal(create.eventSource, 'sns.amazonaws.com');
    assert.deepEqual(create.resources, [{ accountId: srv.admin.accountId, type: 'AWS::SNS::Topic', ARN: arn }]);
    assert.equal(create.responseElements.topicArn, arn);
  });

  test('ListTopics pages by 100 (SDK v3), and the CLI follows NextToken', async () => {
    const sns = new SNSClient(srv.sdkConfig());
    for (let i = 0; i < 103; i++) await sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, '0')}` }));
    const first = await sns.send(new ListTopicsCommand({}));
    assert.equal(first.Topics?.length, 100);
    assert.ok(first.NextToken);
    const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    assert.equal(second.Topics?.length, 3);
    assert.equal(second.NextToken, undefined);
    const all = await srv.aws(['sns', 'list-topics']);
    assert.equal(all.json.Topics.length, 103);
    sns.destroy();
  });

  test('http subscription: confirmation handshake, signed notifications, unsubscribe', async () => {
    const arn = (await srv.aws(['sns', 'create-topic', '--name', 'alerts'])).json.TopicArn as string;
    const sub = await srv.aws(['sns', 'subscribe', '--topic-arn', arn, '--protocol', 'http', '--notification-endpoint', inbox.url]);
    assert.equal(sub.json.SubscriptionArn, 'pending confirmation');

    const conf = await inbox.next('SubscriptionConfirmation');
    assert.equal(conf.headers['x-amz-sns-topic-arn'], arn);
    assert.equal(conf.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(conf.json.Type, 'SubscriptionConfirmation');
    assert.equal(conf.json.SignatureVersion, '2');
    assert.ok(await verifySignature(conf.json), 'confirmation signature verifies');
    const pending = await srv.aws(['sns', 'list-subscriptions-by-topic', '--topic-arn', arn]);
    assert.equal(pending.json.Subscriptions[0].SubscriptionArn, 'PendingConfirmation');

    const confirmed = await fetch(conf.json.SubscribeURL);
    assert.equal(confirmed.status, 200);
    const subArn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(await confirmed.text())?.[1];
    assert.ok(subArn?.startsWith(`${arn}:`));
    const attrs = (await srv.aws(['sns', 'get-topic-attributes', '--topic-arn', arn])).json.Attributes;
    assert.equal(attrs.SubscriptionsConfirmed, '1');

    const pub = await srv.aws(['sns', 'publish', '--topic-arn', arn, '--subject', 'Disk', '--message', 'disk full\non web-1',
      '--message-attributes', '{"severity":{"DataType":"String","StringValue":"high"}}']);
    assert.equal(pub.code, 0, pub.stderr);
    const note = await inbox.next('Notification');
    assert.equal(note.headers['x-amz-sns-message-id'], pub.json.MessageId);
    assert.equal(note.headers['x-amz-sns-subscription-arn'], subArn);
    assert.equal(note.json.MessageId, pub.json.MessageId);
    assert.equal(note.json.Message, 'disk full\non web-1');
    assert.equal(note.json.Subject, 'Disk');
    assert.deepEqual(note.json.MessageAttributes, { severity: { Type: 'String', Value: 'high' } });
    assert.ok(await verifySignature(note.json), 'notification signature verifies');
    assert.ok(!(await verifySignature({ ...note.json, Message: 'forged' })), 'a changed message does not verify');

    // The TopicSink publishes as CloudTrail, to the same subscribers.
    const sink = cloudTrailTopics(srv.app.modules.find((m) => m.topics)!.topics)!;
    const id = await sink.publish(arn, '{"s3Bucket":"b","s3ObjectKey":["k"]}');
    const fromSink = await inbox.next('Notification');
    assert.equal(fromSink.json.MessageId, id);
    assert.ok(await verifySignature(fromSink.json));

    assert.equal((await srv.aws(['sns', 'unsubscribe', '--subscription-arn', subArn!])).code, 0);
    const bye = await inbox.next('UnsubscribeConfirmation');
    assert.ok(await verifySignature(bye.json));
    await srv.aws(['sns', 'publish', '--topic-arn', arn, '--message', 'after unsubscribe']);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(inbox.got.filter((m) => m.headers['x-amz-sns-message-type'] === 'Notification').length, 0, 'no delivery after unsubscribe');
    assert.deepEqual((await srv.aws(['sns', 'list-subscriptions'])).json.Subscriptions, []);
  });

  test('topic policy: other accounts and CloudTrail need the policy to allow them', async () => {
    const arn = (await srv.aws(['sns', 'create-topic', '--name', 'shared'])).json.TopicArn as string;
    const other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
    const denied = await srv.aws(['sns', 'publish', '--topic-arn', arn, '--message', 'hi'], { creds: other });
    assert.equal(cliErrorCode(denied), 'AuthorizationError');
    assert.match(denied.stderr, new RegExp(`not authorized to perform: SNS:Publish on resource: ${arn} because no resource-based policy`));

    const sink = cloudTrailTopics(srv.app.modules.find((m) => m.topics)!.topics)!;
    const trailArn = `arn:aws:cloudtrail:us-east-1:${srv.admin.accountId}:trail/main`;
    const source = { trailArn, accountId: srv.admin.accountId };
    assert.deepEqual((await sink.checkPublish(arn, source)).ok, false);
    assert.equal((await sink.checkPublish(`${arn}-gone`, source) as { code: string }).code, 'InsufficientSnsTopicPolicyException');

    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: 'sns:Publish', Resource: arn },
        { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'SNS:Publish', Resource: arn, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } },
      ],
    };
    const set = await srv.aws(['sns', 'set-topic-attributes', '--topic-arn', arn, '--attribute-name', 'Policy', '--attribute-value', JSON.stringify(policy)]);
    assert.equal(set.code, 0, set.stderr);
    const allowed = await srv.aws(['sns', 'publish', '--topic-arn', arn, '--message', 'hi'], { creds: other });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.json.MessageId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await sink.checkPublish(arn, source), { ok: true });
    assert.equal((await sink.checkPublish(arn, { ...source, trailArn: `${trailArn}-other` })).ok, false);
  });

  test('an IAM user without SNS permissions is refused with SNS:<Action> in the message', async () => {
    const accountId = srv.admin.accountId;
    const userName = 'nobody';
    await srv.app.identity.createUser(accountId, { userName, userId: userIdFor(randomIds), arn: `arn:aws:iam::${accountId}:user/${userName}`, path: '/', createDate: new Date(), tags: [], inlinePolicies: {}, attachedPolicies: [] });
    const key = { accessKeyId: `AKIA${randomIds.alnum(16)}`, secretAccessKey: randomIds.secret(40) };
    await srv.app.identity.putAccessKey({ accessKeyId: key.accessKeyId, sealedSecret: srv.app.identity.box.seal(key.secretAccessKey), accountId, userName, status: 'Active', createDate: new Date() });
    const r = await srv.aws(['sns', 'list-topics'], { creds: key });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`not authorized to perform: SNS:ListTopics on resource: arn:aws:sns:us-east-1:${accountId}:\\* because no identity-based policy allows the SNS:ListTopics action`));
  });
});
