import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatNotifier } from './notifier.js';
import { NotificationDrops, NOTIFICATIONS_PER_SECOND, dropCounts, dropsKey, reasonOf } from './drops.js';
import type { ChannelConfig, ChatDirectory, SlackPoster } from '../core/chat-directory.js';
import { createLogger, type Clock, type Ids } from '../common/runtime.js';
import { migrate, openSqlite } from '../storage/sqlite.js';
import { SqliteDocumentStore, documentMigrations } from '../storage/sqlite-documents.js';

const ARN = 'arn:aws:chatbot::111122223333:chat-configuration/slack-channel/ops';
const config: ChannelConfig = {
  accountId: '111122223333', configurationArn: ARN, configurationName: 'ops', teamId: 'T1', channelId: 'C1',
  iamRoleArn: 'arn:aws:iam::111122223333:role/r', guardrailPolicyArns: [], userAuthorizationRequired: false, loggingLevel: 'NONE',
};

function setup(now: { t: number }) {
  const db = openSqlite(':memory:', { synchronous: 'normal' });
  migrate(db, documentMigrations);
  const documents = new SqliteDocumentStore(db);
  const logs: string[] = [];
  const logger = createLogger('debug', (l) => logs.push(l));
  const clock = { now: () => new Date(now.t) } as Clock;
  const drops = new NotificationDrops({ documents, clock, logger });
  const posts: string[] = [];
  const directory = {
    workspace: async () => ({ teamId: 'T1', teamName: 'T', botToken: 'xoxb-1', needsReauthorization: false }),
    notificationTargets: async () => ({ slack: [config], chimeWebhookUrls: [] }),
    customActions: async () => [],
  } as unknown as ChatDirectory;
  const poster = { post: async (_t: string, m: { text: string }) => { posts.push(m.text); return { ts: '1.1' }; } } as unknown as SlackPoster;
  let id = 0;
  const notifier = new ChatNotifier({ directory, poster, documents, ids: { uuid: () => `id-${++id}` } as unknown as Ids, logger, drops });
  return { notifier, drops, documents, posts, logs };
}
const custom = (d: string) => JSON.stringify({ version: '1.0', source: 'custom', content: { description: d } });
const n = (message: string, i = 0) => ({ topicArn: 'arn:aws:sns:us-east-1:111122223333:t', messageId: `m${i}`, message, timestamp: new Date() });

test('a configuration takes ten notifications a second; the rest of that second are dropped, logged and counted', async () => {
  const now = { t: Date.UTC(2025, 0, 1, 0, 0, 0, 100) };
  const { notifier, documents, posts, logs } = setup(now);
  await Promise.all(Array.from({ length: 13 }, (_, i) => notifier.deliver(n(custom(`n${i}`), i))));
  assert.equal(posts.length, NOTIFICATIONS_PER_SECOND);
  await new Promise((r) => setImmediate(r));
  const counts = await dropCounts(documents, ARN);
  assert.equal(counts.total, 3);
  assert.deepEqual(counts.byReason, { throttled: 3 });
  assert.equal(logs.filter((l) => l.includes('notification dropped') && l.includes('throttled')).length, 3);
  now.t += 1000;
  await notifier.deliver(n(custom('next second'), 99));
  assert.equal(posts.at(-1), 'next second', 'the next second takes notifications again');
});

test('a message AWS Chatbot does not deliver is counted for every configuration of the topic, by reason', async () => {
  const { notifier, documents, posts } = setup({ t: 0 });
  await notifier.deliver(n('plain text'));
  await notifier.deliver(n(JSON.stringify({ hello: 'world' })));
  await notifier.deliver(n(JSON.stringify({ version: '1.0', source: 'custom', content: {} })));
  assert.equal(posts.length, 0);
  const counts = await dropCounts(documents, ARN);
  assert.deepEqual(counts.byReason, { 'not-json': 1, 'unknown-schema': 1, 'invalid-custom': 1 });
  assert.equal(counts.last?.reason, 'invalid-custom');
  assert.match(counts.last?.detail ?? '', /content.description/);
});

test('reasons and keys', () => {
  assert.equal(reasonOf('the message is not JSON; ...'), 'not-json');
  assert.equal(reasonOf('custom notifications need "version": "1.0"'), 'invalid-custom');
  assert.equal(reasonOf('the JSON is neither ...'), 'unknown-schema');
  assert.deepEqual(dropsKey(ARN), { kind: 'chat-notification-drops', accountId: '111122223333', region: 'global', id: 'chat-configuration/slack-channel/ops' });
});
