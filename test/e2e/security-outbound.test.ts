// End-to-end: SNS http(s) subscriptions reach only addresses the operator allows. By default a
// tenant cannot make chattrail POST to loopback, private or metadata addresses, under any spelling
// of the address or behind a DNS name; with CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS it can.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient, SubscribeCommand, CreateTopicCommand, ConfirmSubscriptionCommand, PublishCommand } from '@aws-sdk/client-sns';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

/** An "internal admin" service on loopback: records every request it gets. */
class InternalService {
  readonly got: { url: string; type?: string; body: string }[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      this.got.push({ url: req.url ?? '', type: req.headers['x-amz-sns-message-type'] as string | undefined, body });
      res.end('ok');
    });
  });
  port = 0;
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async waitFor(type: string, ms = 5000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = this.got.find((g) => g.type === type);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }
  close() { return new Promise<void>((r) => this.server.close(() => r())); }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security: outbound calls to tenant-supplied endpoints', () => {
  const internal = new InternalService();
  let strict: TestServer;
  let open: TestServer;
  before(async () => {
    await internal.start();
    // '' is the default (unset): the harness otherwise allows loopback for the SNS tests.
    strict = await startTestServer({ CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: '' });
    open = await startTestServer({ CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8' });
  });
  after(async () => {
    await strict.stop();
    await open.stop();
    await internal.close();
  });

  test('the reproduction: subscribing a loopback endpoint is refused, and nothing is POSTed', async () => {
    const topic = await strict.aws(['sns', 'create-topic', '--name', 'ssrf']);
    assert.equal(topic.code, 0, topic.stderr);
    const r = await strict.aws(['sns', 'subscribe', '--topic-arn', topic.json.TopicArn, '--protocol', 'http',
      '--notification-endpoint', `http://127.0.0.1:${internal.port}/internal/admin`]);
    assert.equal(cliErrorCode(r), 'InvalidParameter');
    assert.match(r.stderr, /Unreachable Endpoint/);
    assert.equal(internal.got.length, 0);
  });

  test('other spellings of loopback, private and metadata addresses are refused too', async () => {
    const sns = new SNSClient(strict.sdkConfig());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ssrf-spellings' }));
    const p = internal.port;
    const endpoints = [
      `http://2130706433:${p}/`, `http://0x7f.1:${p}/`, `http://0177.0.0.1:${p}/`, `http://127.1:${p}/`, `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::1]:${p}/`, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[::ffff:a9fe:a9fe]/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://100.100.100.200/', `https://user:pw@127.0.0.1:${p}/`,
    ];
    for (const Endpoint of endpoints) {
      await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: Endpoint.startsWith('https') ? 'https' : 'http', Endpoint })),
        (e: { name?: string; message?: string }) => e.name === 'InvalidParameterException' && /Unreachable Endpoint/.test(e.message ?? ''), Endpoint);
    }
    assert.equal(internal.got.length, 0);
  });

  test('a DNS name that resolves to loopback is accepted, but the confirmation is never delivered', async () => {
    const sns = new SNSClient(strict.sdkConfig());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ssrf-dns' }));
    const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `http://localhost:${internal.port}/internal/admin` }));
    assert.equal(sub.SubscriptionArn, 'pending confirmation');
    await sleep(1500);
    assert.equal(internal.got.length, 0, 'chattrail did not POST to an address behind a name');
  });

  test('allowed by the operator, the same loopback endpoint is confirmed and delivered to', async () => {
    const sns = new SNSClient(open.sdkConfig());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'allowed' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `http://localhost:${internal.port}/internal/hook` }));
    const confirmation = await internal.waitFor('SubscriptionConfirmation');
    assert.ok(confirmation, 'the confirmation arrived');
    assert.equal(confirmation.url, '/internal/hook');
    const { Token } = JSON.parse(confirmation.body) as { Token: string };
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'to an allowed private endpoint' }));
    const note = await internal.waitFor('Notification');
    assert.ok(note, 'the notification arrived');
    assert.equal((JSON.parse(note.body) as { Message: string }).Message, 'to an allowed private endpoint');
    // 127.0.0.0/8 is allowed, the rest of the private space is not.
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: 'http://169.254.169.254/' })), /Unreachable Endpoint/);
  });
});
