// Tests of the Slack peer's posting side and its test controls: chat.* methods, the three-step
// file upload, waitForPost/waitForUpload, failNext (rate limits, errors, dropped connections)
// and the call log other tests assert on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSlackPeer, UPLOAD_URL_METHOD, type SlackPeer } from './peer.js';
import { ACME, api, apiJson, setup, TEAM } from './peer-client.js';

test('chat.postMessage returns increasing ts values and records the post', async (t) => {
  const { peer, token } = await setup(t);
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
  const first = await api(peer, 'chat.postMessage', { channel: 'C001', text: 'one', blocks: JSON.stringify(blocks) }, token);
  const second = await apiJson(peer, 'chat.postMessage', { channel: '#alerts', text: 'two', thread_ts: String(first.body.ts) }, token);
  assert.equal(first.body.ok, true);
  assert.match(String(first.body.ts), /^\d{10}\.\d{6}$/);
  assert.ok(Number(second.body.ts) > Number(first.body.ts));
  assert.equal(second.body.channel, 'C002', 'a channel name resolves to its id');
  const message = first.body.message as { text: string; user: string; bot_id: string; blocks: unknown };
  assert.deepEqual([message.text, message.user, message.bot_id, message.blocks], ['one', peer.bot(TEAM).userId, peer.bot(TEAM).botId, blocks]);
  assert.deepEqual(peer.posted().map((p) => [p.method, p.channel, p.text, p.thread_ts]), [
    ['chat.postMessage', 'C001', 'one', undefined],
    ['chat.postMessage', 'C002', 'two', first.body.ts],
  ]);
  assert.deepEqual(peer.posted()[0]?.blocks, blocks, 'form-encoded blocks are stored parsed');
});

test('chat.postMessage error codes', async (t) => {
  const { peer, token } = await setup(t, { ...ACME, scopes: ['chat:write'] });
  const post = async (params: Record<string, string>): Promise<string | undefined> =>
    (await api(peer, 'chat.postMessage', params, token)).body.error;
  assert.equal(await post({ channel: 'C999', text: 'x' }), 'channel_not_found');
  assert.equal(await post({ channel: 'G002', text: 'x' }), 'channel_not_found', 'private channels the bot is not in are invisible');
  assert.equal(await post({ channel: 'C004', text: 'x' }), 'is_archived');
  assert.equal(await post({ channel: 'C005', text: 'x' }), 'not_in_channel', 'no chat:write.public in these scopes');
  assert.equal(await post({ channel: 'C001' }), 'no_text');
  assert.equal(await post({ channel: 'C001', blocks: '[not json' }), 'invalid_blocks_format');
  assert.equal(await post({ channel: 'C001', text: 'x'.repeat(40_001) }), 'msg_too_long');
  assert.deepEqual(peer.posted(), [], 'failed posts are not recorded as posted');
});

test('posting to a user id or DM channel lands in the DM channel', async (t) => {
  const { peer, token } = await setup(t);
  const res = await api(peer, 'chat.postMessage', { channel: 'U001', text: 'dm' }, token);
  assert.equal(res.body.channel, peer.dmChannel('U001'));
  assert.equal((await api(peer, 'chat.postMessage', { channel: peer.dmChannel('U002'), text: 'dm' }, token)).body.ok, true);
});

test('chat.update edits a posted message; chat.postEphemeral targets one user', async (t) => {
  const { peer, token } = await setup(t);
  const posted = await api(peer, 'chat.postMessage', { channel: 'C001', text: 'working…' }, token);
  const ts = String(posted.body.ts);
  const updated = await api(peer, 'chat.update', { channel: 'C001', ts, text: 'done' }, token);
  assert.deepEqual([updated.body.ok, updated.body.ts, updated.body.text], [true, ts, 'done']);
  assert.equal((await api(peer, 'chat.update', { channel: 'C001', ts: '1.000000', text: 'x' }, token)).body.error, 'message_not_found');
  assert.equal((await api(peer, 'chat.update', { channel: 'C002', ts, text: 'x' }, token)).body.error, 'message_not_found');
  const ephemeral = await api(peer, 'chat.postEphemeral', { channel: 'C001', user: 'U002', text: 'only bob' }, token);
  assert.match(String(ephemeral.body.message_ts), /^\d{10}\.\d{6}$/);
  assert.equal((await api(peer, 'chat.postEphemeral', { channel: 'C001', user: 'U404', text: 'x' }, token)).body.error, 'user_not_found');
  assert.deepEqual(peer.posted().map((p) => [p.method, p.ts === ts, p.text, p.user]), [
    ['chat.postMessage', true, 'working…', undefined],
    ['chat.update', true, 'done', undefined],
    ['chat.postEphemeral', false, 'only bob', 'U002'],
  ]);
  const ephemeralTs = String(ephemeral.body.message_ts);
  assert.equal((await api(peer, 'chat.update', { channel: 'C001', ts: ephemeralTs, text: 'x' }, token)).body.error, 'message_not_found');
});

test('waitForPost sees posts made before and after it is called, and times out with what it saw', async (t) => {
  const { peer, token } = await setup(t);
  await api(peer, 'chat.postMessage', { channel: 'C001', text: 'early' }, token);
  assert.equal((await peer.waitForPost((p) => p.text === 'early', 100)).channel, 'C001');
  const later = peer.waitForPost((p) => p.text === 'later', 1000);
  setTimeout(() => void api(peer, 'chat.postMessage', { channel: 'C002', text: 'later' }, token), 20);
  assert.equal((await later).channel, 'C002');
  await assert.rejects(peer.waitForPost((p) => p.text === 'never', 50), /no matching post within 50ms; saw .*"early"/);
});

async function uploadFile(peer: SlackPeer, token: string, bytes: Buffer, multipart: boolean): Promise<string> {
  const url = await api(peer, 'files.getUploadURLExternal', { filename: 'events.json', length: String(bytes.length) }, token);
  assert.equal(url.body.ok, true, url.body.error);
  const uploadUrl = String(url.body.upload_url);
  assert.ok(uploadUrl.startsWith(`${peer.origin}/upload/`), 'the upload URL points back at the peer');
  // Copied into a plain Uint8Array: fetch's types do not take a Buffer that may sit on a SharedArrayBuffer.
  const data = new Uint8Array(bytes);
  const body = multipart ? new FormData() : data;
  // @slack/web-api v7 sends the bytes as a multipart field named "body" with the filename "Untitled".
  if (body instanceof FormData) body.append('body', new Blob([data]), 'Untitled');
  const res = await fetch(uploadUrl, { method: 'POST', body });
  assert.equal(await res.text(), `OK - ${bytes.length}`);
  return String(url.body.file_id);
}

test('files upload in three steps, raw or multipart', async (t) => {
  const { peer, token } = await setup(t);
  const raw = Buffer.from('{"Records":[]}');
  const rawId = await uploadFile(peer, token, raw, false);
  const formId = await uploadFile(peer, token, Buffer.from('second file'), true);
  const done = await api(peer, 'files.completeUploadExternal', {
    files: JSON.stringify([{ id: rawId, title: 'Trail events' }, { id: formId }]),
    channel_id: 'C002', initial_comment: 'here you go', thread_ts: '1700000000.000100',
  }, token);
  assert.equal(done.body.ok, true, done.body.error);
  assert.deepEqual((done.body.files as { id: string; title: string }[]).map((f) => [f.id, f.title]), [[rawId, 'Trail events'], [formId, 'events.json']]);
  const files = peer.uploadedFiles();
  assert.deepEqual(files.map((f) => [f.fileId, f.channel, f.initial_comment, f.thread_ts, f.content?.toString()]), [
    [rawId, 'C002', 'here you go', '1700000000.000100', raw.toString()],
    [formId, 'C002', 'here you go', '1700000000.000100', 'second file'],
  ]);
  assert.equal((await peer.waitForUpload((f) => f.fileId === formId, 50)).length, 11);
});

test('files upload errors', async (t) => {
  const { peer, token } = await setup(t);
  assert.equal((await api(peer, 'files.getUploadURLExternal', { filename: 'a.txt' }, token)).body.error, 'invalid_arguments');
  const url = await api(peer, 'files.getUploadURLExternal', { filename: 'a.txt', length: '3' }, token);
  const notUploaded = await api(peer, 'files.completeUploadExternal', { files: JSON.stringify([{ id: url.body.file_id }]) }, token);
  assert.equal(notUploaded.body.error, 'file_not_found', 'bytes never reached the upload URL');
  assert.equal((await api(peer, 'files.completeUploadExternal', { files: '[]' }, token)).body.error, 'invalid_arguments');
  assert.equal((await fetch(`${peer.origin}/upload/v1/F0NOPE`, { method: 'POST', body: 'x' })).status, 404);
  assert.deepEqual(peer.uploadedFiles(), []);
});

test('failNext answers 429 with Retry-After, then lets calls through', async (t) => {
  const { peer, token } = await setup(t);
  peer.failNext('chat.postMessage', { retryAfter: 3, times: 2 });
  for (let i = 0; i < 2; i++) {
    const limited = await api(peer, 'chat.postMessage', { channel: 'C001', text: 'x' }, token);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.deepEqual(limited.body, { ok: false, error: 'ratelimited' });
  }
  assert.equal((await api(peer, 'chat.postMessage', { channel: 'C001', text: 'x' }, token)).body.ok, true);
  assert.equal((await api(peer, 'auth.test', {}, token)).body.ok, true, 'other methods were never affected');
  assert.deepEqual(peer.calls.map((c) => [c.method, c.status, c.error]), [
    ['chat.postMessage', 429, 'ratelimited'],
    ['chat.postMessage', 429, 'ratelimited'],
    ['chat.postMessage', 200, undefined],
    ['auth.test', 200, undefined],
  ]);
  assert.equal(peer.posted().length, 1);
});

test('failNext injects Slack errors and HTTP statuses, queued in order', async (t) => {
  const { peer, token } = await setup(t);
  peer.failNext('auth.test', { error: 'invalid_auth' });
  peer.failNext('auth.test', { status: 503 });
  peer.failNext('auth.test', { error: 'ratelimited' });
  const first = await api(peer, 'auth.test', {}, token);
  assert.deepEqual([first.status, first.body.error], [200, 'invalid_auth']);
  const second = await api(peer, 'auth.test', {}, token);
  assert.deepEqual([second.status, second.body.error], [503, 'internal_error']);
  const third = await api(peer, 'auth.test', {}, token);
  assert.deepEqual([third.status, third.headers.get('retry-after')], [429, '1']);
  assert.equal((await api(peer, 'auth.test', {}, token)).body.ok, true);
});

test('failNext can drop the connection, for the upload URL too', async (t) => {
  const { peer, token } = await setup(t);
  peer.failNext('conversations.list', { dropConnection: true });
  await assert.rejects(api(peer, 'conversations.list', {}, token), TypeError);
  assert.equal((await api(peer, 'conversations.list', {}, token)).body.ok, true);
  assert.deepEqual(peer.calls.map((c) => [c.method, c.error, c.token]), [
    ['conversations.list', 'dropped', token],
    ['conversations.list', undefined, token],
  ]);
  const url = await api(peer, 'files.getUploadURLExternal', { filename: 'a.txt', length: '1' }, token);
  peer.failNext(UPLOAD_URL_METHOD, { status: 500 });
  assert.equal((await fetch(String(url.body.upload_url), { method: 'POST', body: 'a' })).status, 500);
  assert.equal((await fetch(String(url.body.upload_url), { method: 'POST', body: 'a' })).status, 200);
});

test('calls record params as sent and the time from the injected clock', async (t) => {
  const now = new Date('2024-05-01T12:00:00Z');
  const peer = await startSlackPeer({ clock: () => now });
  t.after(() => peer.close());
  const token = peer.addWorkspace(ACME);
  await api(peer, 'conversations.list', { limit: '5', types: 'public_channel' }, token);
  assert.deepEqual(peer.calls, [{
    method: 'conversations.list', params: { limit: '5', types: 'public_channel' }, token, at: now, status: 200,
  }]);
});
