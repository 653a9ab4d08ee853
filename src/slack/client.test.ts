// SlackApi against the local Slack peer: answers mapped, Retry-After honoured within its bound,
// network and auth failures typed, and the authorize URL placed next to the Web API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlackApi, SlackCallError } from './client.js';
import { createLogger } from '../common/runtime.js';
import { startSlackPeer, type SlackPeer } from '../../test/slack-peer/peer.js';

const CLIENT = { clientId: '9.9', clientSecret: 'shh' };
let peer: SlackPeer;
let api: SlackApi;
const logLines: string[] = [];

async function failure(p: Promise<unknown>): Promise<SlackCallError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SlackCallError, `expected SlackCallError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: 'T0UNIT', teamName: 'Unit', channels: [{ id: 'C1', name: 'one' }, { id: 'C2', name: 'two', is_private: true }] });
  api = new SlackApi({ apiUrl: peer.url, logger: createLogger('debug', (l) => logLines.push(l)), maxRateLimitWaitMs: 1500 });
});
after(async () => { await peer?.close(); });

describe('SlackApi', () => {
  it('exchanges an OAuth code for the bot token and the workspace', async () => {
    const code = peer.issueOAuthCode('T0UNIT', { ...CLIENT, redirectUri: 'http://x/cb' });
    const a = await api.oauthAccess({ ...CLIENT, code, redirectUri: 'http://x/cb' });
    assert.equal(a.teamId, 'T0UNIT');
    assert.equal(a.teamName, 'Unit');
    assert.equal(a.botToken, peer.bot('T0UNIT').token);
    assert.equal(a.botUserId, peer.bot('T0UNIT').userId);
    assert.ok(a.scopes.includes('channels:read'));
    const reused = await failure(api.oauthAccess({ ...CLIENT, code, redirectUri: 'http://x/cb' }));
    assert.equal(reused.kind, 'platform');
    assert.equal(reused.slackError, 'invalid_code');
  });

  it('lists channels a page at a time with Slack cursors', async () => {
    const token = peer.bot('T0UNIT').token;
    const first = await api.listChannels(token, 1);
    assert.deepEqual(first.channels.map((c) => c.id), ['C1']);
    assert.ok(first.nextCursor);
    const second = await api.listChannels(token, 1, first.nextCursor);
    assert.deepEqual(second.channels, [{ id: 'C2', name: 'two', isPrivate: true, isArchived: false, isMember: true }]);
    assert.equal(second.nextCursor, undefined);
  });

  it('waits out a Retry-After within its bound, and fails fast beyond it', async () => {
    const token = peer.bot('T0UNIT').token;
    peer.failNext('auth.test', { retryAfter: 1 });
    const t0 = Date.now();
    await api.call('auth.test', token);
    assert.ok(Date.now() - t0 >= 950);
    peer.failNext('auth.test', { retryAfter: 1, times: 2 });
    const twice = await failure(api.call('auth.test', token));
    assert.equal(twice.kind, 'ratelimited', 'two waits of 1 s exceed the 1.5 s budget');
    assert.equal(twice.retryAfter, 1);
    peer.failNext('auth.test', { retryAfter: 120 });
    const t1 = Date.now();
    const long = await failure(api.call('auth.test', token));
    assert.ok(Date.now() - t1 < 1000);
    assert.equal(long.retryAfter, 120);
  });

  it('types network failures (after its short retries) and revoked tokens', async () => {
    const token = peer.bot('T0UNIT').token;
    const before = peer.calls.length;
    peer.failNext('auth.test', { dropConnection: true, times: 3 });
    const net = await failure(api.call('auth.test', token));
    assert.equal(net.kind, 'network');
    assert.equal(peer.calls.length - before, 3, 'one try and two retries');
    peer.failNext('auth.test', { dropConnection: true });
    assert.equal((await api.call('auth.test', token)).ok, true, 'a single blip is retried');
    peer.revokeToken(token);
    const revoked = await failure(api.call('auth.test', token));
    assert.equal(revoked.kind, 'auth');
    assert.equal(revoked.slackError, 'token_revoked');
    for (const line of logLines) assert.ok(!line.includes(token), 'tokens never reach the log');
  });

  it('puts the authorize page next to the Web API', () => {
    const real = new SlackApi({ apiUrl: 'https://slack.com/api/', logger: createLogger('error') });
    const u = new URL(real.authorizeUrl({ clientId: 'c', scopes: ['a:b', 'c:d'], redirectUri: 'https://h/cb', state: 's' }));
    assert.equal(`${u.origin}${u.pathname}`, 'https://slack.com/oauth/v2/authorize');
    assert.equal(u.searchParams.get('scope'), 'a:b,c:d');
    assert.equal(u.searchParams.get('redirect_uri'), 'https://h/cb');
  });
});
