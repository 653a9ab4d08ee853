import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUTTON_KIND, ChatNotifier, type ActionButtonDoc } from './notifier.js';
import type { ChannelConfig, ChannelCustomAction, ChatDirectory, NotificationTargets, SlackPoster } from '../core/chat-directory.js';
import { createLogger, type Ids } from '../common/runtime.js';
import { migrate, openSqlite } from '../storage/sqlite.js';
import { SqliteDocumentStore, documentMigrations } from '../storage/sqlite-documents.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:alerts';
const config = (name: string, channel: string): ChannelConfig => ({
  accountId: '111122223333', configurationArn: `arn:aws:chatbot::111122223333:chat-configuration/slack-channel/${name}`, configurationName: name,
  teamId: 'T1', channelId: channel, iamRoleArn: 'arn:aws:iam::111122223333:role/r', guardrailPolicyArns: [], userAuthorizationRequired: false, loggingLevel: 'NONE',
});

function setup(targets: NotificationTargets, poster: Partial<SlackPoster>, actions: ChannelCustomAction[] = [], failActions = false) {
  const marked: string[] = [];
  const logs: string[] = [];
  const directory = {
    workspace: async () => ({ teamId: 'T1', teamName: 'T', botToken: 'xoxb-1', needsReauthorization: false }),
    notificationTargets: async () => targets,
    markNeedsReauthorization: async (team: string, code: string, token: string) => { marked.push(`${team}:${code}:${token}`); },
    customActions: async () => { if (failActions) throw new Error('store down'); return actions; },
  } as unknown as ChatDirectory;
  const db = openSqlite(':memory:', { synchronous: 'normal' });
  migrate(db, documentMigrations);
  const documents = new SqliteDocumentStore(db);
  let id = 0;
  const notifier = new ChatNotifier({ directory, poster: poster as SlackPoster, documents, ids: { uuid: () => `id-${++id}` } as unknown as Ids, logger: createLogger('debug', (l) => logs.push(l)) });
  return { notifier, marked, logs, documents };
}

const custom = (description: string, threadId?: string) => JSON.stringify({ version: '1.0', source: 'custom', content: { description }, metadata: threadId ? { threadId } : undefined });
const notification = (message: string) => ({ topicArn: TOPIC, messageId: 'm1', message, timestamp: new Date() });

test('every listed channel gets the message; thread ids are per configuration and remembered', async () => {
  const posts: { channel: string; text: string; thread_ts?: string }[] = [];
  let n = 0;
  const { notifier } = setup({ slack: [config('a', 'C1'), config('b', 'C2')], chimeWebhookUrls: [] }, {
    post: async (_t, m) => { posts.push(m); return { ts: `100.${++n}` }; },
  });
  await notifier.deliver(notification(custom('first', 'th')));
  await notifier.deliver(notification(custom('second', 'th')));
  await notifier.deliver(notification(custom('unthreaded')));
  const inC1 = posts.filter((p) => p.channel === 'C1');
  assert.deepEqual(inC1.map((p) => p.text), ['first', 'second', 'unthreaded']);
  assert.equal(inC1[0].thread_ts, undefined);
  assert.ok(inC1[1].thread_ts, 'the second threaded message replies');
  assert.equal(inC1[2].thread_ts, undefined);
  const inC2 = posts.filter((p) => p.channel === 'C2');
  assert.notEqual(inC2[1].thread_ts, inC1[1].thread_ts, 'each channel keeps its own thread');
});

test('unsupported messages post nothing and say why in the log', async () => {
  let posted = 0;
  const { notifier, logs } = setup({ slack: [config('a', 'C1')], chimeWebhookUrls: [] }, { post: async () => { posted++; return { ts: '1' }; } });
  await notifier.deliver(notification('plain words'));
  assert.equal(posted, 0);
  assert.ok(logs.some((l) => /does not deliver/.test(l) && /not JSON/.test(l)));
});

test('a revoked token marks the workspace; one failing channel does not stop the others', async () => {
  const posts: string[] = [];
  const { notifier, marked } = setup({ slack: [config('a', 'C1'), config('b', 'C2')], chimeWebhookUrls: [] }, {
    post: async (_t, m) => {
      if (m.channel === 'C1') throw Object.assign(new Error('An API error occurred: token_revoked'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'token_revoked' } });
      posts.push(m.channel);
      return { ts: '1' };
    },
  });
  await notifier.deliver(notification(custom('x')));
  assert.deepEqual(posts, ['C2']);
  assert.deepEqual(marked, ['T1:token_revoked:xoxb-1'], 'the failing token is named, so a newer install is not condemned');
});

test('Chime webhooks get {"Content": text}', async () => {
  const sent: { url: string; body: string }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => { sent.push({ url, body: String(init.body) }); return new Response('', { status: 200 }); }) as unknown as typeof fetch;
  const { notifier } = setup({ slack: [], chimeWebhookUrls: [{ configurationArn: 'c', url: 'https://hooks.chime.example/incomingwebhooks/x?token=y' }] }, {});
  (notifier as unknown as { deps: { fetch: typeof fetch } }).deps.fetch = fetchFn;
  await notifier.deliver(notification(custom('to chime')));
  assert.deepEqual(sent, [{ url: 'https://hooks.chime.example/incomingwebhooks/x?token=y', body: '{"Content":"to chime"}' }]);
});

test('concurrent messages of one thread: one opener, the rest reply to it', async () => {
  const posts: { channel: string; text: string; thread_ts?: string }[] = [];
  let n = 0;
  const { notifier } = setup({ slack: [config('a', 'C1')], chimeWebhookUrls: [] }, {
    post: async (_t, m) => { await new Promise((r) => setTimeout(r, 5)); posts.push(m); return { ts: `200.${++n}` }; },
  });
  await Promise.all([1, 2, 3, 4].map((i) => notifier.deliver(notification(custom(`part ${i}`, 'burst')))));
  const openers = posts.filter((p) => !p.thread_ts);
  assert.equal(openers.length, 1, `one opener, got ${JSON.stringify(posts)}`);
  const replies = posts.filter((p) => p.thread_ts);
  assert.equal(replies.length, 3);
  assert.ok(replies.every((p) => p.thread_ts === '200.1'), 'every reply is in the opener\'s thread');
});

test('a thread opened in another channel is not reused after the configuration moved', async () => {
  const posts: { channel: string; thread_ts?: string }[] = [];
  let n = 0;
  const targets: NotificationTargets = { slack: [config('a', 'C1')], chimeWebhookUrls: [] };
  const { notifier } = setup(targets, { post: async (_t, m) => { posts.push(m); return { ts: `300.${++n}` }; } });
  await notifier.deliver(notification(custom('one', 'moving')));
  targets.slack = [config('a', 'C9')];
  await notifier.deliver(notification(custom('two', 'moving')));
  assert.deepEqual(posts.map((p) => [p.channel, p.thread_ts]), [['C1', undefined], ['C9', undefined]]);
});

test('matching custom actions add buttons whose clicks are stored; a failure to read them costs only the buttons', async () => {
  const posts: { channel: string; blocks?: unknown[] }[] = [];
  const describe: ChannelCustomAction = {
    arn: 'arn:aws:chatbot::111122223333:custom-action/describe', actionName: 'describe', commandText: 'cloudwatch describe-alarms --alarm-names $AlarmName',
    attachments: [{ notificationType: 'CloudWatch', buttonText: 'Describe', criteria: [{ operator: 'HAS_VALUE', variableName: 'AlarmName' }], variables: {} }],
  };
  const alarm = JSON.stringify({ AlarmName: 'Hot', NewStateValue: 'ALARM' });
  const { notifier, documents } = setup({ slack: [config('a', 'C1')], chimeWebhookUrls: [] }, { post: async (_t, m) => { posts.push(m); return { ts: '1' }; } }, [describe]);
  await notifier.deliver(notification(alarm));
  const actions = (posts[0].blocks ?? []).at(-1) as { type: string; elements: { value: string; text: { text: string } }[] };
  assert.equal(actions.type, 'actions');
  assert.equal(actions.elements[0].text.text, 'Describe');
  const stored = await documents.get<ActionButtonDoc>({ kind: BUTTON_KIND, accountId: 'T1', region: 'global', id: actions.elements[0].value });
  assert.deepEqual(stored, { teamId: 'T1', channel: 'C1', configurationArn: config('a', 'C1').configurationArn, customActionArn: describe.arn, buttonText: 'Describe', variables: { AlarmName: 'Hot' } });
  await notifier.deliver(notification(JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'no buttons here' } })));
  assert.ok(!JSON.stringify(posts[1].blocks).includes('"actions"'), 'a custom notification does not match a CloudWatch attachment');

  const failing = setup({ slack: [config('a', 'C1')], chimeWebhookUrls: [] }, { post: async (_t, m) => { posts.push(m); return { ts: '2' }; } }, [describe], true);
  await failing.notifier.deliver(notification(alarm));
  assert.equal(posts.length, 3, 'still posted');
  assert.ok(failing.logs.some((l) => /custom action buttons not attached/.test(l) && /store down/.test(l)));
});
