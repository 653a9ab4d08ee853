// Tests of the Slack peer's identity and workspace methods: tokens, OAuth codes, conversation
// paging, scopes. Other tests trust the peer to behave like Slack, so each behaviour they lean
// on is pinned here, error paths included (posting, uploads and failures: peer-messages.test.ts).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_BOT_SCOPES, type SlackPeer } from './peer.js';
import { ACME, api, apiJson, setup, TEAM, type SlackBody } from './peer-client.js';

const CLIENT = { clientId: '111.222', clientSecret: 's3cret' };

test('url ends with /api/ so a client can append method names', async (t) => {
  const { peer } = await setup(t);
  assert.match(peer.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
});

test('auth.test accepts the bot token from the Authorization header or the token field', async (t) => {
  const { peer, token } = await setup(t);
  const viaHeader = await api(peer, 'auth.test', {}, token);
  assert.equal(viaHeader.body.ok, true);
  assert.equal(viaHeader.body.team_id, TEAM);
  assert.equal(viaHeader.body.user_id, peer.bot(TEAM).userId);
  assert.equal(viaHeader.body.url, 'https://acme-corp.slack.com/');
  assert.match(viaHeader.headers.get('x-oauth-scopes') ?? '', /chat:write/);
  const viaField = await api(peer, 'auth.test', { token });
  assert.equal(viaField.body.ok, true);
  assert.equal(peer.calls.at(-1)?.token, token);
  assert.equal(peer.calls.at(-1)?.params.token, undefined, 'the token is recorded apart from params');
});

test('bad tokens get not_authed, invalid_auth and token_revoked', async (t) => {
  const { peer, token } = await setup(t);
  assert.equal((await api(peer, 'auth.test')).body.error, 'not_authed');
  assert.equal((await api(peer, 'auth.test', {}, 'xoxb-1-2-nope')).body.error, 'invalid_auth');
  peer.revokeToken(token);
  const revoked = await api(peer, 'auth.test', {}, token);
  assert.equal(revoked.status, 200, 'Slack reports auth errors with HTTP 200');
  assert.equal(revoked.body.error, 'token_revoked');
  assert.throws(() => peer.revokeToken('xoxb-never-issued'), /never issued/);
});

test('JSON bodies need the Authorization header; a token inside the JSON is ignored', async (t) => {
  const { peer, token } = await setup(t);
  assert.equal((await apiJson(peer, 'auth.test', {}, token)).body.ok, true);
  assert.equal((await apiJson(peer, 'auth.test', { token })).body.error, 'not_authed');
  const res = await fetch(`${peer.url}auth.test`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{oops',
  });
  assert.equal(((await res.json()) as SlackBody).error, 'invalid_json');
});

test('unknown methods and paths', async (t) => {
  const { peer, token } = await setup(t);
  const res = await api(peer, 'chat.scheduleMessage', {}, token);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { ok: false, error: 'unknown_method' });
  assert.equal((await fetch(`${peer.origin}/elsewhere`, { method: 'POST' })).status, 404);
});

test('oauth.v2.access exchanges a code once, with Basic client auth', async (t) => {
  const { peer, token } = await setup(t);
  const code = peer.issueOAuthCode(TEAM, CLIENT);
  const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
  const exchange = async (): Promise<SlackBody> => {
    const res = await fetch(`${peer.url}oauth.v2.access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ code }).toString(),
    });
    return (await res.json()) as SlackBody;
  };
  const first = await exchange();
  assert.deepEqual(first, {
    ok: true,
    app_id: 'A0CHATTRAIL',
    authed_user: { id: 'U001' },
    scope: DEFAULT_BOT_SCOPES.join(','),
    token_type: 'bot',
    access_token: token,
    bot_user_id: peer.bot(TEAM).userId,
    team: { id: TEAM, name: 'Acme Corp' },
    enterprise: null,
    is_enterprise_install: false,
  });
  assert.deepEqual(await exchange(), { ok: false, error: 'invalid_code' });
});

test('oauth.v2.access checks client id, secret, code and redirect_uri', async (t) => {
  const { peer } = await setup(t);
  const redirectUri = 'https://chattrail.example/slack/oauth/callback';
  const code = peer.issueOAuthCode(TEAM, { ...CLIENT, redirectUri });
  const form = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, code, redirect_uri: redirectUri };
  assert.equal((await api(peer, 'oauth.v2.access', { ...form, client_id: '999.999' })).body.error, 'invalid_client_id');
  assert.equal((await api(peer, 'oauth.v2.access', { ...form, client_secret: 'wrong' })).body.error, 'bad_client_secret');
  assert.equal((await api(peer, 'oauth.v2.access', { ...form, code: 'made-up' })).body.error, 'invalid_code');
  assert.equal((await api(peer, 'oauth.v2.access', { ...form, redirect_uri: 'https://evil.example/cb' })).body.error, 'bad_redirect_uri');
  // Failed attempts do not spend the code.
  assert.equal((await api(peer, 'oauth.v2.access', form)).body.ok, true);
  assert.equal((await api(peer, 'oauth.v2.access', form)).body.error, 'invalid_code');
});

test('a code is only good for the client it was issued to', async (t) => {
  const { peer } = await setup(t);
  const code = peer.issueOAuthCode(TEAM, CLIENT);
  peer.issueOAuthCode(TEAM, { clientId: '333.444', clientSecret: 'other' });
  const res = await api(peer, 'oauth.v2.access', { client_id: '333.444', client_secret: 'other', code });
  assert.equal(res.body.error, 'invalid_code');
  assert.throws(() => peer.issueOAuthCode(TEAM, { clientId: CLIENT.clientId, clientSecret: 'changed' }), /different secret/);
  assert.throws(() => peer.issueOAuthCode('T0NOPE', CLIENT), /addWorkspace/);
});

test('reinstalling after revocation issues a new working token', async (t) => {
  const { peer, token } = await setup(t);
  peer.revokeToken(token);
  const code = peer.issueOAuthCode(TEAM, CLIENT);
  const res = await api(peer, 'oauth.v2.access', { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, code });
  const fresh = String(res.body.access_token);
  assert.notEqual(fresh, token);
  assert.match(fresh, /^xoxb-\d+-\d+-\w{24}$/);
  assert.equal((await api(peer, 'auth.test', {}, fresh)).body.ok, true);
  assert.equal((await api(peer, 'auth.test', {}, token)).body.error, 'token_revoked');
  assert.equal(peer.bot(TEAM).token, fresh);
});

async function listAll(peer: SlackPeer, token: string, params: Record<string, string>): Promise<{ ids: string[]; cursors: string[] }> {
  const ids: string[] = [];
  const cursors: string[] = [];
  let cursor = '';
  for (let page = 0; page < 20; page++) {
    const res = await api(peer, 'conversations.list', { ...params, ...(cursor ? { cursor } : {}) }, token);
    assert.equal(res.body.ok, true, res.body.error);
    ids.push(...(res.body.channels as { id: string }[]).map((c) => c.id));
    cursor = (res.body.response_metadata as { next_cursor: string }).next_cursor;
    if (!cursor) return { ids, cursors };
    cursors.push(cursor);
  }
  throw new Error('pagination never ended');
}

test('conversations.list pages with opaque cursors and lists public channels by default', async (t) => {
  const { peer, token } = await setup(t);
  const { ids, cursors } = await listAll(peer, token, { limit: '2' });
  assert.deepEqual(ids, ['C001', 'C002', 'C003', 'C004', 'C005']);
  assert.equal(cursors.length, 2);
  for (const cursor of cursors) assert.doesNotMatch(cursor, /C00\d/, 'cursor should not expose ids');
  const one = await api(peer, 'conversations.list', {}, token);
  assert.equal((one.body.channels as unknown[]).length, 5, 'default limit (100) fits all');
  assert.equal((one.body.response_metadata as { next_cursor: string }).next_cursor, '');
});

test('conversations.list filters by types and exclude_archived, and hides private channels the bot is not in', async (t) => {
  const { peer, token } = await setup(t);
  const { ids } = await listAll(peer, token, { types: 'public_channel,private_channel', exclude_archived: 'true', limit: '3' });
  assert.deepEqual(ids, ['C001', 'C002', 'C003', 'C005', 'G001']);
  const priv = await apiJson(peer, 'conversations.list', { types: 'private_channel', exclude_archived: true }, token);
  const channels = priv.body.channels as { id: string; is_private: boolean; is_channel: boolean }[];
  assert.deepEqual(channels.map((c) => [c.id, c.is_private, c.is_channel]), [['G001', true, true]]);
});

test('conversations.list rejects bad cursors, limits and types', async (t) => {
  const { peer, token } = await setup(t);
  assert.equal((await api(peer, 'conversations.list', { cursor: 'bm9wZQ==' }, token)).body.error, 'invalid_cursor');
  assert.equal((await api(peer, 'conversations.list', { limit: '0' }, token)).body.error, 'invalid_limit');
  assert.equal((await api(peer, 'conversations.list', { limit: 'ten' }, token)).body.error, 'invalid_limit');
  assert.equal((await api(peer, 'conversations.list', { types: 'channels' }, token)).body.error, 'invalid_types');
});

test('methods need their scopes and say which is missing', async (t) => {
  const { peer, token } = await setup(t, { ...ACME, scopes: ['channels:read'] });
  const res = await api(peer, 'conversations.list', { types: 'private_channel' }, token);
  assert.deepEqual(res.body, { ok: false, error: 'missing_scope', needed: 'groups:read', provided: 'channels:read' });
  assert.equal((await api(peer, 'chat.postMessage', { channel: 'C001', text: 'hi' }, token)).body.error, 'missing_scope');
  assert.equal((await api(peer, 'conversations.list', {}, token)).body.ok, true);
});

test('team.info, users.info and conversations.info', async (t) => {
  const { peer, token } = await setup(t);
  const team = await api(peer, 'team.info', {}, token);
  const { id, name, domain } = team.body.team as { id: string; name: string; domain: string };
  assert.deepEqual({ id, name, domain }, { id: TEAM, name: 'Acme Corp', domain: 'acme-corp' });
  assert.equal((await api(peer, 'team.info', { team: 'T0OTHER' }, token)).body.error, 'team_not_found');
  const alice = await api(peer, 'users.info', { user: 'U001' }, token);
  assert.equal((alice.body.user as { name: string }).name, 'alice');
  assert.equal((await api(peer, 'users.info', { user: 'U999' }, token)).body.error, 'user_not_found');
  const info = await api(peer, 'conversations.info', { channel: 'G001' }, token);
  assert.equal((info.body.channel as { name: string }).name, 'secret-ops');
  assert.equal((await api(peer, 'conversations.info', { channel: 'G002' }, token)).body.error, 'channel_not_found');
});

/** The manifest sits at the repository root; tests may run from a build folder, so search upwards from cwd. */
function readManifest(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'slack-app-manifest.yaml');
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (dirname(dir) === dir) throw new Error('slack-app-manifest.yaml not found above the working directory');
  }
}

test('the peer grants by default exactly the bot scopes slack-app-manifest.yaml asks for', () => {
  const lines = readManifest().split('\n');
  const start = lines.findIndex((line) => /^\s+bot:\s*$/.test(line));
  assert.ok(start > 0, 'oauth_config.scopes.bot not found');
  const scopes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+([\w:.]+)/.exec(line);
    if (item?.[1]) scopes.push(item[1]);
    else if (!/^\s*#/.test(line)) break;
  }
  assert.deepEqual(scopes, [...DEFAULT_BOT_SCOPES]);
});
