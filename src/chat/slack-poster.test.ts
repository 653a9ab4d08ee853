// The poster on the one Slack client against the local Slack peer: posts, updates and uploads
// arrive; 5xx answers are retried with backoff, 429s wait out Retry-After, both within bounds;
// a revoked token is told apart so the workspace can be marked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebApiSlackPoster, slackAuthFailure } from './slack-poster.js';
import { SLACK_RETRY_POLICY, SlackCallError } from '../slack/client.js';
import { createLogger } from '../common/runtime.js';
import { startSlackPeer, UPLOAD_URL_METHOD, type SlackPeer } from '../../test/slack-peer/peer.js';

let peer: SlackPeer;
let poster: WebApiSlackPoster;
let token: string;
const callsOf = (method: string) => peer.calls.filter((c) => c.method === method).length;

before(async () => {
  peer = await startSlackPeer();
  token = peer.addWorkspace({ teamId: 'T0POST', teamName: 'Post', channels: [{ id: 'C1', name: 'one' }] });
  poster = new WebApiSlackPoster(peer.url, createLogger('error'));
});
after(async () => { await peer?.close(); });

test('a post, its update and a thread upload all reach Slack', async () => {
  const { ts } = await poster.post(token, { channel: 'C1', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
  assert.ok(ts);
  const posted = await peer.waitForPost((p) => p.ts === ts);
  assert.equal(posted.text, 'hello');
  assert.deepEqual(posted.blocks, [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }], 'blocks arrive as structures, not text');
  await poster.update(token, { channel: 'C1', ts, text: 'edited' });
  await peer.waitForPost((p) => p.method === 'chat.update' && p.text === 'edited');
  await poster.upload(token, { channel: 'C1', thread_ts: ts, filename: 'out.json', content: '{"a":1}' });
  const file = await peer.waitForUpload((f) => f.filename === 'out.json');
  assert.equal(file.content?.toString(), '{"a":1}');
});

test('5xx answers are retried with backoff, up to the policy\'s retries', async () => {
  const before = callsOf('chat.postMessage');
  peer.failNext('chat.postMessage', { status: 503 });
  assert.ok((await poster.post(token, { channel: 'C1', text: 'after a 503' })).ts);
  assert.equal(callsOf('chat.postMessage') - before, 2);
  peer.failNext('chat.postMessage', { status: 500, times: SLACK_RETRY_POLICY.retries + 1 });
  const e = await poster.post(token, { channel: 'C1', text: 'never' }).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof SlackCallError && e.kind === 'network', String(e));
  assert.equal(callsOf('chat.postMessage') - before, 2 + SLACK_RETRY_POLICY.retries + 1);
  peer.failNext(UPLOAD_URL_METHOD, { status: 502 });
  await poster.upload(token, { channel: 'C1', filename: 'retried.txt', content: 'x' });
  await peer.waitForUpload((f) => f.filename === 'retried.txt' && f.completed);
});

test('a 429 waits out Retry-After and then posts once', async () => {
  const before = callsOf('chat.postMessage');
  peer.failNext('chat.postMessage', { retryAfter: 1 });
  const t0 = Date.now();
  await poster.post(token, { channel: 'C1', text: 'after a 429' });
  assert.ok(Date.now() - t0 >= 950);
  assert.equal(callsOf('chat.postMessage') - before, 2);
  assert.equal(peer.posted().filter((p) => p.text === 'after a 429').length, 1);
});

test('a revoked token is an auth failure the directory can act on; others are not', async () => {
  const other = peer.addWorkspace({ teamId: 'T0GONE', teamName: 'Gone', channels: [{ id: 'C9', name: 'nine' }] });
  const missing = await poster.post(other, { channel: 'C404', text: 'x' }).then(() => undefined, (x: unknown) => x);
  assert.equal(slackAuthFailure(missing), undefined);
  assert.equal((missing as SlackCallError).slackError, 'channel_not_found');
  peer.revokeToken(other);
  const revoked = await poster.post(other, { channel: 'C9', text: 'x' }).then(() => undefined, (x: unknown) => x);
  assert.equal(slackAuthFailure(revoked), 'token_revoked');
});
