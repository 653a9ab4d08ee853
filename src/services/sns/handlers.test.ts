// The SNS handlers against a real document store, with deliveries captured instead of sent: the
// input rules Publish and Subscribe enforce, FIFO topics, per-protocol messages, raw delivery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores, type Stores } from '../../storage/stores.js';
import { randomIds, systemClock } from '../../common/runtime.js';
import type { Principal } from '../../common/principal.js';
import { isAwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { SnsStore } from './store.js';
import { SnsEngine } from './engine.js';
import { SnsSigner } from './signing.js';
import type { OutgoingMessage } from './messages.js';
import { topicHandlers } from './topics.js';
import { subscriptionHandlers } from './subscriptions.js';
import { publishHandlers } from './publish.js';

const ACCOUNT = '123456789012';
const user: Principal = { type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/u`, userName: 'u', userId: 'AIDAX', accessKeyId: 'AKIAX' };
let dir: string;
let stores: Stores;
let engine: SnsEngine;
let handlers: Record<string, Handler>;
const sent: OutgoingMessage[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sns-handlers-'));
  stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  const store = new SnsStore(stores.documents);
  const signer = SnsSigner.load(dir, new Date());
  engine = new SnsEngine({ store, clock: systemClock, ids: randomIds, deliverer: { deliver: (m) => { sent.push(m); } }, signer: () => signer, baseUrl: () => 'http://ct.test' });
  const deps = { store, engine };
  handlers = { ...topicHandlers(deps), ...subscriptionHandlers(deps), ...publishHandlers(deps) };
});
after(async () => {
  await stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function ctx(region = 'us-east-1'): CallContext {
  return {
    requestId: 'r', principal: user, accountId: ACCOUNT, region, sourceIp: '127.0.0.1', userAgent: 't', clock: systemClock, ids: randomIds,
    stores, homeRegion: 'us-east-1', addResource: () => undefined, annotate: () => undefined, authorize: async () => undefined,
  };
}
const call = async (op: string, input: object, c = ctx()) => ((await handlers[op](input, c)) ?? {}) as Record<string, string>;
async function fails(op: string, input: object, code: string, message?: RegExp, c = ctx()): Promise<void> {
  await assert.rejects(call(op, input, c), (e: unknown) => {
    assert.ok(isAwsError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Subscribes and confirms with the token from the captured SubscriptionConfirmation. */
async function confirmedSubscription(topicArn: string, protocol: string, endpoint: string, attributes?: Record<string, string>): Promise<string> {
  await call('Subscribe', { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, Attributes: attributes });
  const conf = JSON.parse(sent.filter((m) => m.url === endpoint).pop()!.body) as { Token: string };
  return engine.confirm(topicArn, conf.Token, false, false);
}

test('Publish refuses what SNS refuses', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'checks' });
  await fails('Publish', { Message: 'x' }, 'InvalidParameter', /TopicArn or TargetArn Reason: no value/);
  await fails('Publish', { TopicArn, Message: 'x', Subject: '' }, 'InvalidParameter', /^Invalid parameter: Subject$/);
  await fails('Publish', { TopicArn, Message: 'x', Subject: 'two\nlines' }, 'InvalidParameter', /Subject/);
  await fails('Publish', { TopicArn, Message: '' }, 'InvalidParameter', /Empty message/);
  await fails('Publish', { TopicArn, Message: 'x'.repeat(262145) }, 'InvalidParameter', /Message too long/);
  await fails('Publish', { TopicArn, Message: '{"http":"h"}', MessageStructure: 'json' }, 'InvalidParameter', /No default entry/);
  await fails('Publish', { TopicArn, Message: 'x', MessageAttributes: { a: { DataType: 'Blob', StringValue: 'v' } } }, 'ParameterValueInvalid');
  await fails('Publish', { TopicArn, Message: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } }, 'ParameterValueInvalid');
  await fails('Publish', { TopicArn: `${TopicArn}x`, Message: 'x' }, 'NotFound');
  await fails('Publish', { TopicArn: TopicArn.replace('us-east-1', 'eu-west-1'), Message: 'x' }, 'InvalidParameter', /TopicArn/);
});

test('FIFO topics need a group id and deduplication, number their messages, and take no http subscribers', async () => {
  await fails('CreateTopic', { Name: 'plain', Attributes: { FifoTopic: 'true' } }, 'InvalidParameter', /Fifo Topic names must end with .fifo/);
  const { TopicArn } = await call('CreateTopic', { Name: 'jobs.fifo', Attributes: { FifoTopic: 'true' } });
  await fails('Publish', { TopicArn, Message: 'x' }, 'InvalidParameter', /MessageGroupId parameter is required/);
  await fails('Publish', { TopicArn, Message: 'x', MessageGroupId: 'g' }, 'InvalidParameter', /ContentBasedDeduplication/);
  const a = await call('Publish', { TopicArn, Message: 'x', MessageGroupId: 'g', MessageDeduplicationId: '1' });
  const b = await call('Publish', { TopicArn, Message: 'y', MessageGroupId: 'g', MessageDeduplicationId: '2' });
  assert.match(a.SequenceNumber, /^\d{20}$/);
  assert.ok(BigInt(b.SequenceNumber) > BigInt(a.SequenceNumber));
  await fails('Subscribe', { TopicArn, Protocol: 'http', Endpoint: 'http://x.test/' }, 'InvalidParameter');
  const attrs = (await call('GetTopicAttributes', { TopicArn }) as unknown as { Attributes: Record<string, string> }).Attributes;
  assert.equal(attrs.FifoTopic, 'true');
  assert.equal(attrs.ContentBasedDeduplication, 'false');
});

test('Subscribe checks protocol, endpoint and attributes, and is idempotent once confirmed', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'subs' });
  await fails('Subscribe', { TopicArn, Protocol: 'carrier-pigeon', Endpoint: 'x' }, 'InvalidParameter', /does not support this protocol string: carrier-pigeon/);
  await fails('Subscribe', { TopicArn, Protocol: 'email', Endpoint: 'a@b.test' }, 'InvalidParameter', /http and https endpoints only/);
  await fails('Subscribe', { TopicArn, Protocol: 'https', Endpoint: 'http://x.test/' }, 'InvalidParameter', /Endpoint must match the specified protocol/);
  await fails('Subscribe', { TopicArn, Protocol: 'http', Endpoint: 'http://x.test/', Attributes: { FilterPolicy: '{}' } }, 'InvalidParameter', /FilterPolicy/);
  const arn = await confirmedSubscription(TopicArn, 'http', 'http://idem.test/');
  assert.equal((await call('Subscribe', { TopicArn, Protocol: 'http', Endpoint: 'http://idem.test/' })).SubscriptionArn, arn);
  await fails('ConfirmSubscription', { TopicArn, Token: 'f00' }, 'InvalidParameter', /Token/);
});

test('MessageStructure json sends each protocol its own message; raw delivery sends the bare message', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'fanout' });
  await confirmedSubscription(TopicArn, 'http', 'http://plain.test/');
  await confirmedSubscription(TopicArn, 'https', 'https://secure.test/');
  await confirmedSubscription(TopicArn, 'http', 'http://raw.test/', { RawMessageDelivery: 'true' });
  sent.length = 0;
  const { MessageId } = await call('Publish', { TopicArn, Message: JSON.stringify({ default: 'd', https: 's' }), MessageStructure: 'json' });
  const byUrl = Object.fromEntries(sent.map((m) => [m.url, m]));
  assert.equal(JSON.parse(byUrl['http://plain.test/'].body).Message, 'd');
  assert.equal(JSON.parse(byUrl['https://secure.test/'].body).Message, 's');
  assert.equal(byUrl['http://raw.test/'].body, 'd');
  assert.equal(byUrl['http://raw.test/'].headers['x-amz-sns-rawdelivery'], 'true');
  assert.equal(byUrl['http://plain.test/'].headers['x-amz-sns-message-id'], MessageId);
});

test('AuthenticateOnUnsubscribe stops unsigned unsubscribes; the UnsubscribeConfirmation token restores', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'guarded' });
  await call('Subscribe', { TopicArn, Protocol: 'http', Endpoint: 'http://g.test/' });
  const token = (JSON.parse(sent.pop()!.body) as { Token: string }).Token;
  const arn = (await call('ConfirmSubscription', { TopicArn, Token: token, AuthenticateOnUnsubscribe: 'true' })).SubscriptionArn;
  await assert.rejects(engine.unsubscribe(arn, undefined), (e: unknown) => isAwsError(e) && e.code === 'AuthorizationError');
  await call('Unsubscribe', { SubscriptionArn: arn });
  const bye = JSON.parse(sent.pop()!.body) as { Type: string; Token: string; SubscribeURL: string };
  assert.equal(bye.Type, 'UnsubscribeConfirmation');
  assert.ok(bye.SubscribeURL.startsWith('http://ct.test/_chattrail/sns/confirm?TopicArn='));
  await fails('GetSubscriptionAttributes', { SubscriptionArn: arn }, 'NotFound');
  assert.equal(await engine.confirm(TopicArn, bye.Token, false, false), arn);
  const attrs = (await call('GetSubscriptionAttributes', { SubscriptionArn: arn }) as unknown as { Attributes: Record<string, string> }).Attributes;
  assert.equal(attrs.PendingConfirmation, 'false');
});

test('tags: a key named twice in one request is refused, keys are replaced in place, 50 at most', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'tagged' });
  await fails('TagResource', { ResourceArn: TopicArn, Tags: [{ Key: 'dup', Value: '1' }, { Key: 'dup', Value: '2' }] }, 'InvalidParameter', /^Invalid parameter: Duplicated keys are not allowed\.$/);
  await fails('CreateTopic', { Name: 'tagged-dup', Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '1' }] }, 'InvalidParameter', /Duplicated keys/);
  await call('TagResource', { ResourceArn: TopicArn, Tags: [{ Key: 'a', Value: '1' }] });
  await call('TagResource', { ResourceArn: TopicArn, Tags: [{ Key: 'a', Value: '2' }] });
  assert.deepEqual((await call('ListTagsForResource', { ResourceArn: TopicArn })).Tags, [{ Key: 'a', Value: '2' }]);
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await fails('TagResource', { ResourceArn: TopicArn, Tags: many }, 'TagLimitExceeded');
  await fails('CreateTopic', { Name: 'too-many-tags', Tags: [...many, { Key: 'one-more', Value: 'v' }] }, 'TagLimitExceeded');
});

test('Unsubscribe of a subscription that is already gone succeeds, as in SNS', async () => {
  const { TopicArn } = await call('CreateTopic', { Name: 'unsub-twice' });
  const arn = await confirmedSubscription(TopicArn, 'http', 'http://twice.test/');
  await call('Unsubscribe', { SubscriptionArn: arn });
  await call('Unsubscribe', { SubscriptionArn: arn });
  await call('Unsubscribe', { SubscriptionArn: `${TopicArn}:00000000-0000-0000-0000-000000000000` });
  await fails('Unsubscribe', { SubscriptionArn: 'not-an-arn' }, 'InvalidParameter');
  await fails('GetSubscriptionAttributes', { SubscriptionArn: arn }, 'NotFound');
});
