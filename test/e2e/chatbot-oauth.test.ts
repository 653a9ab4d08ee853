// The Slack install end to end against the local Slack peer: authorize URL → redirect with a code →
// workspace listed → channels listed, then the CloudTrail records of DescribeSlackWorkspaces and
// DescribeSlackChannels checked against the seed document's examples; then Slack's failure modes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { signedFetch, errorCodeOf, errorMessageOf, type Credentials } from './signed-fetch.js';
import { startSlackPeer, DEFAULT_BOT_SCOPES, type SlackPeer } from '../slack-peer/peer.js';
import { createLogger } from '../../src/common/runtime.js';

const REGION = 'us-east-2';
const CLIENT = { clientId: '1111.2222', clientSecret: 'peer-client-secret' };
const UA = 'aws-internal/3 aws-sdk-java/1.11.590 Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.212-b03 java/1.8.0_212 vendor/Oracle_Corporation';

// The seed's two example records, verbatim but for the elided team id.
const SEED_IDENTITY = {
  type: 'AssumedRole', principalId: 'AIDACKCEVSQ6C2EXAMPLE:jdoe', arn: 'arn:aws:sts::111122223333:assumed-role/user/jdoe',
  accountId: '111122223333', accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  sessionContext: {
    attributes: { mfaAuthenticated: 'false', creationDate: '2019-08-01T17:24:13Z' },
    sessionIssuer: { type: 'Role', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: 'arn:aws:iam::111122223333:role/user', accountId: '111122223333', userName: 'jdoe' },
  },
};
const seedRecord = (eventName: string, requestParameters: unknown) => ({
  eventVersion: '1.05', userIdentity: SEED_IDENTITY, eventTime: '2019-08-01T23:16:02Z', eventSource: 'chatbot.amazonaws.com', eventName,
  awsRegion: 'us-east-2', sourceIPAddress: '10.24.34.3', userAgent: UA, requestParameters, responseElements: null,
  requestID: '543db7ab-b4b2-11e9-8925-d139e92a1fe8', eventID: '5b2805a5-3e06-4437-a7a2-b5fdb5cbb4e2', readOnly: true,
  eventType: 'AwsApiCall', recipientAccountId: '111122223333',
});
const SEED_CHANNELS = seedRecord('DescribeSlackChannels', { SlackTeamId: 'XXXXXXXX', MaxResults: 1000 });
const SEED_WORKSPACES = seedRecord('DescribeSlackWorkspaces', null);

type Json = Record<string, unknown>;

/** Every key the seed has, at every depth, is in the record. */
function assertKeysCovered(seed: unknown, rec: unknown, at = '$'): void {
  if (!seed || typeof seed !== 'object' || Array.isArray(seed)) return;
  assert.ok(rec && typeof rec === 'object', `${at} should be an object`);
  for (const [k, v] of Object.entries(seed)) {
    assert.ok(k in (rec as Json), `${at}.${k} is missing`);
    assertKeysCovered(v, (rec as Json)[k], `${at}.${k}`);
  }
}

let srv: TestServer;
let peer: SlackPeer;
let skewMs = 0;
const logLines: string[] = [];
let session: Credentials;
let roleId = '';

async function call(op: string, body: Json, creds: Credentials = session) {
  const a = await signedFetch({
    url: srv.url, path: `/${op}`, service: 'chatbot', region: REGION, credentials: creds,
    headers: { 'content-type': 'application/json', 'user-agent': UA }, body: JSON.stringify(body),
  });
  return { ...a, json: a.text ? JSON.parse(a.text) as Json : {}, code: a.status >= 300 ? errorCodeOf(a) : undefined, message: errorMessageOf(a) };
}

async function startInstall(creds: Credentials = session) {
  const r = await call('get-slack-oauth-parameters', {}, creds);
  assert.equal(r.status, 200, r.text);
  return { state: String(r.json.State), url: new URL(String(r.json.AuthorizationUrl)), expiresAt: Number(r.json.ExpiresAt) };
}

const redirect = (query: Record<string, string>) => fetch(`${srv.url}/slack/oauth/callback?${new URLSearchParams(query)}`);
const codeFor = (teamId: string) => peer.issueOAuthCode(teamId, { ...CLIENT, redirectUri: `${srv.url}/slack/oauth/callback` });

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: 'T0SEED', teamName: 'Seed Corp', channels: [
    { id: 'C0GENERAL', name: 'general' }, { id: 'C0RANDOM', name: 'random' }, { id: 'G0OPS', name: 'ops', is_private: true },
    { id: 'G0HIDDEN', name: 'hidden', is_private: true, is_member: false }, { id: 'C0OLD', name: 'old', is_archived: true },
  ] });
  peer.addWorkspace({ teamId: 'T0BIG', teamName: 'Big', channels: Array.from({ length: 250 }, (_, n) => ({ id: `C${String(n).padStart(4, '0')}`, name: `chan-${n}` })) });
  srv = await startTestServer({
    CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: CLIENT.clientId, CHATTRAIL_SLACK_CLIENT_SECRET: CLIENT.clientSecret,
    CHATTRAIL_SLACK_SIGNING_SECRET: 'peer-signing-secret',
  }, { clock: { now: () => new Date(Date.now() + skewMs) }, logger: createLogger('debug', (l) => logLines.push(l)) });
  // The seed's caller: session jdoe of role `user`, an administrator.
  const acct = srv.admin.accountId;
  roleId = 'AROAEXAMPLEROLEUSER01';
  await srv.app.identity.createRole(acct, {
    roleName: 'user', roleId, arn: `arn:aws:iam::${acct}:role/user`, path: '/', createDate: new Date(), maxSessionDuration: 3600,
    assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] }),
    tags: [], inlinePolicies: {}, attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
  });
  const sts = new STSClient(srv.sdkConfig(REGION));
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/user`, RoleSessionName: 'jdoe' }));
  session = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

describe('Slack OAuth install, end to end', () => {
  let describeChannelsId: string | undefined;
  let describeWorkspacesId: string | undefined;

  it('authorize URL → redirect with code → workspace listed → channels listed', async () => {
    const { state, url, expiresAt } = await startInstall();
    assert.equal(url.origin + url.pathname, `${peer.origin}/oauth/v2/authorize`);
    assert.equal(url.searchParams.get('client_id'), CLIENT.clientId);
    assert.deepEqual(url.searchParams.get('scope')!.split(','), [...DEFAULT_BOT_SCOPES]);
    assert.equal(url.searchParams.get('redirect_uri'), `${srv.url}/slack/oauth/callback`);
    assert.equal(url.searchParams.get('state'), state);
    const ttl = expiresAt * 1000 - Date.now();
    assert.ok(ttl > 8 * 60_000 && ttl <= 10 * 60_000, `state expiry ${ttl} ms away`);

    const page = await redirect({ code: codeFor('T0SEED'), state });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(html, /Seed Corp \(T0SEED\) is now authorized for AWS account \d{12}/);

    const ws = await srv.aws(['chatbot', 'describe-slack-workspaces'], { region: REGION, creds: session });
    assert.equal(ws.code, 0, ws.stderr);
    assert.deepEqual(ws.json.SlackWorkspaces, [{ SlackTeamId: 'T0SEED', SlackTeamName: 'Seed Corp', State: 'ENABLED' }]);

    // The seed's DescribeSlackWorkspaces has no parameters at all; make that exact call as well.
    const wsRaw = await call('describe-slack-workspaces', {});
    assert.equal(wsRaw.status, 200, wsRaw.text);
    describeWorkspacesId = wsRaw.requestId;

    const ch = await call('describe-slack-channels', { SlackTeamId: 'T0SEED', MaxResults: 1000 });
    assert.equal(ch.status, 200, ch.text);
    describeChannelsId = ch.requestId;
    assert.deepEqual(ch.json.SlackChannels, [
      { SlackChannelId: 'C0GENERAL', SlackChannelName: 'general', IsPrivate: false },
      { SlackChannelId: 'C0RANDOM', SlackChannelName: 'random', IsPrivate: false },
      { SlackChannelId: 'G0OPS', SlackChannelName: 'ops', IsPrivate: true },
    ]);
    assert.equal(ch.json.NextToken, undefined);
    const list = peer.calls.filter((c) => c.method === 'conversations.list').at(-1)!;
    assert.equal(list.token, peer.bot('T0SEED').token, 'conversations.list used the stored bot token');
  });

  it('records DescribeSlackWorkspaces and DescribeSlackChannels as the seed shows them', async () => {
    const r = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=chatbot.amazonaws.com'], { region: REGION });
    assert.equal(r.code, 0, r.stderr);
    const records = (r.json.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Json);
    const acct = srv.admin.accountId;
    for (const [seed, requestId, params] of [
      [SEED_WORKSPACES, describeWorkspacesId, null],
      [SEED_CHANNELS, describeChannelsId, { SlackTeamId: 'T0SEED', MaxResults: 1000 }],
    ] as const) {
      const rec = records.find((x) => x.requestID === requestId);
      assert.ok(rec, `no record for ${seed.eventName} ${requestId}`);
      assertKeysCovered(seed, rec);
      // Values that do not depend on the caller, time or ids are the seed's.
      for (const k of ['eventSource', 'eventName', 'awsRegion', 'responseElements', 'readOnly', 'eventType', 'userAgent'] as const) {
        assert.deepEqual(rec[k], seed[k], k);
      }
      assert.deepEqual(rec.requestParameters, params);
      assert.match(String(rec.eventVersion), /^1\.\d+$/);
      assert.match(String(rec.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(String(rec.eventID), /^[0-9a-f-]{36}$/);
      assert.equal(rec.sourceIPAddress, '127.0.0.1');
      assert.equal(rec.recipientAccountId, acct);
      const id = rec.userIdentity as Json & { sessionContext: { attributes: Json; sessionIssuer: Json } };
      assert.equal(id.type, 'AssumedRole');
      assert.equal(id.principalId, `${roleId}:jdoe`);
      assert.equal(id.arn, `arn:aws:sts::${acct}:assumed-role/user/jdoe`);
      assert.equal(id.accountId, acct);
      assert.equal(id.accessKeyId, session.accessKeyId);
      assert.equal(id.sessionContext.attributes.mfaAuthenticated, 'false');
      assert.match(String(id.sessionContext.attributes.creationDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(id.sessionContext.sessionIssuer, { type: 'Role', principalId: roleId, arn: `arn:aws:iam::${acct}:role/user`, accountId: acct, userName: 'user' });
    }
    // The redirect redeemed the code as the caller bound to the state, through the recorder.
    const redeem = records.find((x) => x.eventName === 'RedeemSlackOAuthCode' && !x.errorCode);
    assert.ok(redeem);
    assert.equal((redeem.userIdentity as Json).arn, `arn:aws:sts::${acct}:assumed-role/user/jdoe`);
    assert.equal((redeem.requestParameters as Json).Code, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.deepEqual(redeem.responseElements, { SlackTeamId: 'T0SEED', SlackTeamName: 'Seed Corp' });
    assert.equal(redeem.readOnly, false);
    assert.equal(records.find((x) => x.eventName === 'GetSlackOAuthParameters')?.readOnly, true);
    assert.ok(!r.stdout.includes('xoxb-'), 'no bot token in any record');
  });
});

describe('Slack OAuth: state and code problems', () => {
  it('refuses a state redeemed by another caller, and keeps it usable for its own', async () => {
    const { state } = await startInstall();
    const code = codeFor('T0SEED');
    const admin = { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey };
    const other = await call('redeem-slack-oauth-code', { Code: code, State: state }, admin);
    assert.equal(other.status, 400);
    assert.equal(other.code, 'InvalidRequestException');
    assert.match(other.message!, /issued to another caller/);
    const own = await call('redeem-slack-oauth-code', { Code: code, State: state });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json, { SlackTeamId: 'T0SEED', SlackTeamName: 'Seed Corp' });
    const again = await call('redeem-slack-oauth-code', { Code: code, State: state });
    assert.equal(again.code, 'InvalidParameterException');
    assert.match(again.message!, /already been used/);
  });

  it('answers a reused code with InvalidParameterException and spends the state', async () => {
    const first = await startInstall();
    const code = codeFor('T0SEED');
    assert.equal((await call('redeem-slack-oauth-code', { Code: code, State: first.state })).status, 200);
    const second = await startInstall();
    const reused = await call('redeem-slack-oauth-code', { Code: code, State: second.state });
    assert.equal(reused.code, 'InvalidParameterException');
    assert.match(reused.message!, /invalid_code/);
    assert.equal((await call('redeem-slack-oauth-code', { Code: codeFor('T0SEED'), State: second.state })).code, 'InvalidParameterException');
  });

  it('rejects forged, malformed and expired states, on the API and on the redirect page', async () => {
    const forged = await call('redeem-slack-oauth-code', { Code: 'x', State: 'AAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
    assert.equal(forged.code, 'InvalidParameterException');
    const page = await redirect({ code: 'x', state: 'garbage' });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /not issued by chattrail/);
    const missing = await call('redeem-slack-oauth-code', { State: 'AAAA.BBBB' });
    assert.equal(missing.code, 'InvalidParameterException');
    assert.match(missing.message!, /code/i);

    const { state } = await startInstall();
    skewMs = 11 * 60_000;
    try {
      const late = await call('redeem-slack-oauth-code', { Code: codeFor('T0SEED'), State: state });
      assert.equal(late.code, 'InvalidParameterException');
      assert.match(late.message!, /expired/);
    } finally {
      skewMs = 0;
    }
  });

  it('shows why when the user cancels on Slack, and spends the state', async () => {
    const { state } = await startInstall();
    const page = await redirect({ error: 'access_denied', state });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /access_denied/);
    const later = await call('redeem-slack-oauth-code', { Code: codeFor('T0SEED'), State: state });
    assert.equal(later.code, 'InvalidParameterException');
  });
});

describe('Slack failures', () => {
  it('honours a short Retry-After on oauth.v2.access and refuses to wait for a long one', async () => {
    const { state } = await startInstall();
    const code = codeFor('T0SEED');
    peer.failNext('oauth.v2.access', { retryAfter: 1 });
    const t0 = Date.now();
    const ok = await call('redeem-slack-oauth-code', { Code: code, State: state });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(Date.now() - t0 >= 900, 'waited out Retry-After');

    const next = await startInstall();
    const code2 = codeFor('T0SEED');
    peer.failNext('oauth.v2.access', { retryAfter: 1800 });
    const t1 = Date.now();
    const limited = await call('redeem-slack-oauth-code', { Code: code2, State: next.state });
    assert.ok(Date.now() - t1 < 5000, 'did not wait 30 minutes');
    assert.equal(limited.status, 429);
    assert.equal(limited.code, 'ServiceUnavailableException');
    assert.match(limited.message!, /try again in 1800 seconds/);
    // Nothing was spent: the same code and state work once Slack lets us through.
    assert.equal((await call('redeem-slack-oauth-code', { Code: code2, State: next.state })).status, 200);
  });

  it('reports a network failure clearly and stores nothing', async () => {
    peer.addWorkspace({ teamId: 'T0NET', teamName: 'Net', channels: [] });
    const { state } = await startInstall();
    const code = codeFor('T0NET');
    peer.failNext('oauth.v2.access', { dropConnection: true, times: 3 });
    const r = await call('redeem-slack-oauth-code', { Code: code, State: state });
    assert.equal(r.status, 500);
    assert.equal(r.code, 'RedeemSlackOAuthCodeException');
    assert.match(r.message!, /could not reach Slack.*nothing was changed/);
    const ws = await call('describe-slack-workspaces', {});
    assert.ok(!(ws.json.SlackWorkspaces as Json[]).some((w) => w.SlackTeamId === 'T0NET'), 'no half-stored workspace');
    const retry = await call('redeem-slack-oauth-code', { Code: code, State: state });
    assert.equal(retry.status, 200, retry.text);
  });

  it('pages DescribeSlackChannels through Slack cursors, and validates its input', async () => {
    const { state } = await startInstall();
    assert.equal((await call('redeem-slack-oauth-code', { Code: codeFor('T0BIG'), State: state })).status, 200);
    const seen: string[] = [];
    let token: unknown;
    const sizes: number[] = [];
    do {
      const r = await call('describe-slack-channels', { SlackTeamId: 'T0BIG', MaxResults: 120, ...(token ? { NextToken: token } : {}) });
      assert.equal(r.status, 200, r.text);
      const chans = r.json.SlackChannels as { SlackChannelId: string }[];
      sizes.push(chans.length);
      seen.push(...chans.map((c) => c.SlackChannelId));
      token = r.json.NextToken;
    } while (token);
    assert.deepEqual(sizes, [120, 120, 10]);
    assert.equal(new Set(seen).size, 250);
    const before = peer.calls.filter((c) => c.method === 'conversations.list').length;
    const all = await call('describe-slack-channels', { SlackTeamId: 'T0BIG', MaxResults: 300 });
    assert.equal((all.json.SlackChannels as unknown[]).length, 250);
    const slackCalls = peer.calls.filter((c) => c.method === 'conversations.list').slice(before);
    assert.deepEqual(slackCalls.map((c) => Number(c.params.limit)), [200, 100], 'one answer, two Slack pages');
    assert.ok(slackCalls[1].params.cursor, 'second Slack call passed the cursor');

    const big = await call('describe-slack-channels', { SlackTeamId: 'T0BIG', MaxResults: 1001 });
    assert.equal(big.code, 'InvalidParameterException');
    const bad = await call('describe-slack-channels', { SlackTeamId: 'T0BIG', NextToken: 'bm90LWEtdG9rZW4' });
    assert.equal(bad.code, 'InvalidParameterException');
    const unknown = await call('describe-slack-channels', { SlackTeamId: 'T0NOPE' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, 'ResourceNotFoundException');
  });

  it('honours Retry-After on conversations.list within a bound', async () => {
    peer.failNext('conversations.list', { retryAfter: 1 });
    const ok = await call('describe-slack-channels', { SlackTeamId: 'T0SEED' });
    assert.equal(ok.status, 200, ok.text);
    peer.failNext('conversations.list', { retryAfter: 30 });
    const limited = await call('describe-slack-channels', { SlackTeamId: 'T0SEED' });
    assert.equal(limited.code, 'ServiceUnavailableException');
  });

  it('marks a workspace whose token was revoked, and a new install repairs it', async () => {
    peer.revokeToken(peer.bot('T0SEED').token);
    const r = await call('describe-slack-channels', { SlackTeamId: 'T0SEED' });
    assert.equal(r.code, 'InvalidRequestException');
    assert.match(r.message!, /token_revoked.*authorized again/);
    const ws = await srv.aws(['chatbot', 'describe-slack-workspaces'], { region: REGION });
    const seed = (ws.json.SlackWorkspaces as Json[]).find((w) => w.SlackTeamId === 'T0SEED')!;
    assert.equal(seed.State, 'DISABLED');
    assert.match(String(seed.StateReason), /token_revoked/);
    const create = await srv.aws(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', 'T0SEED', '--slack-channel-id', 'C0GENERAL',
      '--iam-role-arn', `arn:aws:iam::${srv.admin.accountId}:role/user`, '--configuration-name', 'revoked'], { region: REGION });
    assert.equal(cliErrorCode(create), 'InvalidRequestException');

    const { state } = await startInstall();
    assert.equal((await call('redeem-slack-oauth-code', { Code: codeFor('T0SEED'), State: state })).status, 200);
    const again = await call('describe-slack-channels', { SlackTeamId: 'T0SEED' });
    assert.equal(again.status, 200, again.text);
    assert.equal(peer.calls.filter((c) => c.method === 'conversations.list').at(-1)!.token, peer.bot('T0SEED').token, 'the new token is used');
  });

  it('never writes a bot token to the log or the database in clear', () => {
    // Every token chattrail ever held: the current ones and any it used before a revocation.
    const tokens = [...new Set([...['T0SEED', 'T0BIG', 'T0NET'].map((t) => peer.bot(t).token), ...peer.calls.flatMap((c) => (c.token ? [c.token] : []))])];
    assert.ok(tokens.length >= 4);
    for (const line of logLines) for (const t of tokens) assert.ok(!line.includes(t), `token in log: ${line}`);
    for (const f of fs.readdirSync(srv.dataDir).filter((n) => n.startsWith('chattrail.db'))) {
      const bytes = fs.readFileSync(path.join(srv.dataDir, f));
      for (const t of tokens) assert.ok(!bytes.includes(Buffer.from(t)), `token in clear in ${f}`);
    }
  });
});

describe('without a Slack app configured', () => {
  let bare: TestServer;
  before(async () => { bare = await startTestServer(); });
  after(async () => { await bare?.stop(); });

  it('GetSlackOAuthParameters says which settings to set', async () => {
    const a = await signedFetch({
      url: bare.url, path: '/get-slack-oauth-parameters', service: 'chatbot', region: REGION, body: '{}',
      credentials: { accessKeyId: bare.admin.accessKeyId, secretAccessKey: bare.admin.secretAccessKey }, headers: { 'content-type': 'application/json' },
    });
    assert.equal(a.status, 400);
    assert.equal(errorCodeOf(a), 'InvalidRequestException');
    assert.match(errorMessageOf(a)!, /CHATTRAIL_SLACK_CLIENT_ID and CHATTRAIL_SLACK_CLIENT_SECRET/);
  });
});
