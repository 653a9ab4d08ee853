// The live feed behind Event history's live mode: waits end on the first matching event, filters
// by account, region, management events and the lookup attribute, and report gaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveFeed, matchesLive } from './live.js';
import type { LookupAttributeKey, StoredEvent } from '../storage/event-store.js';

function ev(n: number, over: Partial<StoredEvent> = {}): StoredEvent {
  return {
    eventId: `e${n}`, accountId: '111111111111', region: 'us-east-1', eventTime: new Date(n * 1000), eventName: 'CreateUser',
    eventSource: 'iam.amazonaws.com', username: 'admin', accessKeyId: 'AKIA1', readOnly: false, management: true,
    resources: [{ type: 'AWS::IAM::User', name: 'arn:aws:iam::111111111111:user/bob' }], record: '{}', ...over,
  };
}
const FILTER = { accountId: '111111111111', region: 'us-east-1' };

test('without a cursor, the answer is the current cursor at once', async () => {
  const feed = new LiveFeed();
  feed.push(ev(1));
  assert.deepEqual(await feed.wait(FILTER, undefined, 10_000), { cursor: 1, events: [], gap: false });
});

test('a wait ends with the first matching event, newest first', async () => {
  const feed = new LiveFeed();
  const waiting = feed.wait(FILTER, 0, 10_000);
  feed.push(ev(1, { region: 'eu-west-1' }));
  feed.push(ev(2, { accountId: '222222222222' }));
  feed.push(ev(3, { management: false }));
  feed.push(ev(4));
  const a = await waiting;
  assert.deepEqual(a.events.map((e) => e.eventId), ['e4']);
  assert.equal(a.cursor, 4);
  feed.push(ev(5));
  feed.push(ev(6));
  assert.deepEqual((await feed.wait(FILTER, 4, 10_000)).events.map((e) => e.eventId), ['e6', 'e5']);
});

test('a wait with nothing new ends empty after its time', async () => {
  const feed = new LiveFeed();
  const a = await feed.wait(FILTER, 0, 20);
  assert.deepEqual(a, { cursor: 0, events: [], gap: false });
});

test('close ends every pending wait', async () => {
  const feed = new LiveFeed();
  const waiting = feed.wait(FILTER, 0, 60_000);
  feed.close();
  assert.deepEqual((await waiting).events, []);
});

test('the lookup attribute filters as LookupEvents does', () => {
  const e = ev(1);
  const f = (key: LookupAttributeKey, value: string) => matchesLive(e, { ...FILTER, attribute: { key, value } });
  assert.equal(f('EventName', 'CreateUser'), true);
  assert.equal(f('EventName', 'DeleteUser'), false);
  assert.equal(f('Username', 'admin'), true);
  assert.equal(f('ReadOnly', 'false'), true);
  assert.equal(f('ReadOnly', 'true'), false);
  assert.equal(f('ResourceType', 'AWS::IAM::User'), true);
  assert.equal(f('ResourceName', 'arn:aws:iam::111111111111:user/bob'), true);
  assert.equal(f('ResourceName', 'bob'), false);
  assert.equal(f('AccessKeyId', 'AKIA1'), true);
  assert.equal(f('EventSource', 'sts.amazonaws.com'), false);
  assert.equal(f('EventId', 'e1'), true);
});

test('events that left the ring are reported as a gap', async () => {
  const feed = new LiveFeed();
  for (let i = 1; i <= 5_010; i++) feed.push(ev(i));
  const a = await feed.wait(FILTER, 3, 10);
  assert.equal(a.gap, true);
  const b = await feed.wait(FILTER, 5_005, 10);
  assert.equal(b.gap, false);
  assert.equal(b.events.length, 5);
});
