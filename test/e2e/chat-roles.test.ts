// User roles in chat end to end, as AWS Chatbot documents them: a member without a role is
// prompted with a link; on the console page they choose a role, Slack's authorization confirms who
// they are, and their next command runs as that role (records show its chatbot-session); an
// administrator unmaps them with DeleteSlackUserIdentity; UserAuthorizationRequired toggles at once.
// A channel configured by two accounts runs each member's commands in the account they chose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, sendEvent } from '../slack-peer/events.js';
import { signedFetch } from './signed-fetch.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0ROLES';
const CLIENT = { clientId: 'cid.roles', clientSecret: 'csecret-roles' };
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
let roleConfigArn: string;
let B: AdminCredentials;
const asB = () => ({ creds: { accessKeyId: B.accessKeyId, secretAccessKey: B.secretAccessKey } });
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function ok(args: string[], region = 'us-east-2', who?: AdminCredentials) {
  const r = await srv.aws(args, { region, ...(who ? { creds: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey } } : {}) });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

let tsCounter = 1710000000;
async function ask(channel: string, text: string, user: string) {
  const ts = `${++tsCounter}.000200`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user, text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000);
}

async function lookup(region: string, name: string, who?: AdminCredentials) {
  const r = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`], region, who);
  return (r.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The console's session for the admin: cookie and CSRF token. */
async function consoleSession(): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${srv.url}/console/api/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey }),
  });
  assert.equal(r.status, 200);
  const { csrfToken } = await r.json() as { csrfToken: string };
  return { cookie: /chattrail_session=[^;]+/.exec(r.headers.get('set-cookie') ?? '')![0], csrf: csrfToken };
}

async function chooseRole(s: { cookie: string; csrf: string }, configurationArn: string, roleArn: string) {
  const r = await fetch(`${srv.url}/console/api/chat/user-role`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    body: JSON.stringify({ channelConfigurationArn: configurationArn, roleArn }),
  });
  return { status: r.status, body: await r.json() as { ok: boolean; authorizationUrl?: string; error?: { code: string } } };
}

/** Slack's authorization page, approved by `slackUser`: the redirect back to chattrail. */
async function approveInSlack(authorizationUrl: string, slackUser: string, team = TEAM) {
  const u = new URL(authorizationUrl);
  const code = peer.issueOAuthCode(team, { ...CLIENT, redirectUri: u.searchParams.get('redirect_uri') ?? undefined, userId: slackUser });
  const r = await fetch(`${srv.url}/slack/oauth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(u.searchParams.get('state')!)}`);
  return { status: r.status, html: await r.text() };
}

function buttonUrls(blocks: unknown): string[] {
  return [...JSON.stringify(blocks ?? []).matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Roles', channels: [{ id: 'C0ROLE', name: 'roles' }, { id: 'C0MULTI', name: 'multi' }],
    users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0BOB', name: 'bob' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: CLIENT.clientId,
    CHATTRAIL_SLACK_CLIENT_SECRET: CLIENT.clientSecret, CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, CLIENT);
  for (const role of ['channel-ro', 'bob-role']) {
    await ok(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust]);
    await ok(['iam', 'attach-role-policy', '--role-name', role, '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  }
  const created = await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0ROLE',
    '--configuration-name', 'roles', '--iam-role-arn', `arn:aws:iam::${account}:role/channel-ro`, '--user-authorization-required']);
  roleConfigArn = created.ChannelConfiguration.ChatConfigurationArn;
  // A second account authorizes the same workspace and configures the same channel, after account A.
  B = await createAccount(srv.app.identity, randomIds, systemClock, 'tenant-b');
  await authorizeWorkspaceAs(B);
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0MULTI',
    '--configuration-name', 'multi-a', '--iam-role-arn', `arn:aws:iam::${account}:role/channel-ro`]);
  await ok(['iam', 'create-role', '--role-name', 'b-chat', '--assume-role-policy-document', trust], 'us-east-2', B);
  await ok(['iam', 'attach-role-policy', '--role-name', 'b-chat', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'], 'us-east-2', B);
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0MULTI',
    '--configuration-name', 'multi-b', '--iam-role-arn', `arn:aws:iam::${B.accountId}:role/b-chat`], 'us-east-2', B);
});

async function authorizeWorkspaceAs(who: AdminCredentials): Promise<void> {
  const credentials = { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey };
  const call = (path: string, body: unknown) => signedFetch({
    url: srv.url, method: 'POST', path, service: 'chatbot', region: 'us-east-2', credentials, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const params = await call('/get-slack-oauth-parameters', {});
  assert.equal(params.status, 200, params.text);
  const { AuthorizationUrl, State } = JSON.parse(params.text) as { AuthorizationUrl: string; State: string };
  const code = peer.issueOAuthCode(TEAM, { ...CLIENT, redirectUri: new URL(AuthorizationUrl).searchParams.get('redirect_uri') ?? undefined });
  assert.equal((await call('/redeem-slack-oauth-code', { Code: code, State })).status, 200);
}

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('a member without a user role is prompted with the link to choose one, and nothing runs', async () => {
  const reply = await ask('C0ROLE', 'sns list-topics', 'U0BOB');
  assert.match(reply.text ?? '', /link their own IAM role/);
  assert.match(reply.text ?? '', /Let's get started/);
  const urls = buttonUrls(reply.blocks);
  assert.equal(urls.length, 1);
  assert.equal(urls[0], `${srv.url}/console/chat/user-role?configuration=${encodeURIComponent(roleConfigArn)}`);
  assert.equal((await lookup('us-east-2', 'ListTopics')).length, 0, 'no call was made');
});

test('the member chooses a role in the console, Slack confirms who they are, and the next command runs as that role', async () => {
  const s = await consoleSession();
  const missing = await chooseRole(s, roleConfigArn, `arn:aws:iam::${account}:role/no-such-role`);
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error?.code, 'NoSuchEntity');
  const foreign = await chooseRole(s, roleConfigArn, 'arn:aws:iam::999999999999:role/bob-role');
  assert.equal(foreign.status, 400);

  const chosen = await chooseRole(s, roleConfigArn, `arn:aws:iam::${account}:role/bob-role`);
  assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
  const authorize = new URL(chosen.body.authorizationUrl!);
  assert.equal(authorize.searchParams.get('user_scope'), 'identity.basic');
  assert.equal(authorize.searchParams.get('team'), TEAM);
  const approved = await approveInSlack(chosen.body.authorizationUrl!, 'U0BOB');
  assert.equal(approved.status, 200, approved.html);
  assert.match(approved.html, /User role saved/);
  // The link works once.
  assert.equal((await approveInSlack(chosen.body.authorizationUrl!, 'U0ALICE')).status, 400);

  const ids = await ok(['chatbot', 'describe-slack-user-identities', '--chat-configuration-arn', roleConfigArn]);
  assert.deepEqual(ids.SlackUserIdentities.map((i: { SlackUserId: string; IamRoleArn: string }) => [i.SlackUserId, i.IamRoleArn]),
    [['U0BOB', `arn:aws:iam::${account}:role/bob-role`]]);
  assert.equal(ids.SlackUserIdentities[0].AwsUserIdentity, `arn:aws:iam::${account}:user/${srv.admin.userName}`, 'who chose it');

  const reply = await ask('C0ROLE', 'sns list-topics --region us-west-2', 'U0BOB');
  assert.match(reply.text ?? '', /list-topics \(us-west-2\)/);
  const assume = (await lookup('us-east-2', 'AssumeRole')).find((r) => r.requestParameters.roleArn === `arn:aws:iam::${account}:role/bob-role`);
  assert.ok(assume, 'AssumeRole of bob-role recorded in the processing region');
  assert.equal(assume.userIdentity.invokedBy, 'chatbot.amazonaws.com');
  assert.equal(assume.requestParameters.roleSessionName, 'chatbot-session');
  const list = (await lookup('us-west-2', 'ListTopics')).find((r) => r.userIdentity.type === 'AssumedRole');
  assert.ok(list, 'ListTopics recorded in us-west-2');
  assert.equal(list.userIdentity.arn, `arn:aws:sts::${account}:assumed-role/bob-role/chatbot-session`);
  assert.equal(list.recipientAccountId, account);
  assert.equal(list.awsRegion, 'us-west-2');
});

test('@aws switch-role shows the member\'s role and links to choose another', async () => {
  const reply = await ask('C0ROLE', 'switch-role', 'U0BOB');
  assert.match(reply.text ?? '', /choose the account you want to switch roles for/);
  assert.match(reply.text ?? '', new RegExp(`Account ${account} \\(configuration roles\\): your user role is \`role/bob-role\``));
  assert.deepEqual(buttonUrls(reply.blocks), [`${srv.url}/console/chat/user-role?configuration=${encodeURIComponent(roleConfigArn)}`]);
  const alice = await ask('C0ROLE', '@aws switch-role', 'U0ALICE');
  assert.match(alice.text ?? '', /you have no user role yet \(this channel requires one\)/);
});

test('an administrator unmaps a user: the next command asks for a role again', async () => {
  const gone = await srv.aws(['chatbot', 'delete-slack-user-identity', '--chat-configuration-arn', roleConfigArn, '--slack-team-id', TEAM, '--slack-user-id', 'U0BOB'], { region: 'us-east-2' });
  assert.equal(gone.code, 0, gone.stderr);
  const again = await srv.aws(['chatbot', 'delete-slack-user-identity', '--chat-configuration-arn', roleConfigArn, '--slack-team-id', TEAM, '--slack-user-id', 'U0BOB'], { region: 'us-east-2' });
  assert.equal(cliErrorCode(again), 'ResourceNotFoundException');
  const rec = (await lookup('us-east-2', 'DeleteSlackUserIdentity')).find((r) => r.errorCode === undefined);
  assert.ok(rec, 'DeleteSlackUserIdentity recorded');
  assert.equal(rec.userIdentity.accountId, account);
  assert.equal(rec.awsRegion, 'us-east-2');

  const reply = await ask('C0ROLE', 'sns list-topics', 'U0BOB');
  assert.match(reply.text ?? '', /link their own IAM role/);
  assert.equal(buttonUrls(reply.blocks).length, 1);
});

test('UserAuthorizationRequired toggled with update-slack-channel-configuration governs the next command', async () => {
  await ok(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', roleConfigArn, '--slack-channel-id', 'C0ROLE', '--no-user-authorization-required']);
  const open = await ask('C0ROLE', 'sts get-caller-identity', 'U0BOB');
  assert.match(open.text ?? '', /assumed-role\/channel-ro\/chatbot-session/);
  await ok(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', roleConfigArn, '--slack-channel-id', 'C0ROLE', '--user-authorization-required']);
  const closed = await ask('C0ROLE', 'sts get-caller-identity', 'U0BOB');
  assert.match(closed.text ?? '', /link their own IAM role/);
});

test('a channel two accounts configure: each member runs in the account they chose, recorded there', async () => {
  const first = await ask('C0MULTI', 'sts get-caller-identity', 'U0ALICE');
  assert.match(first.text ?? '', new RegExp(`arn:aws:sts::${account}:assumed-role/channel-ro/chatbot-session`), 'the oldest configuration is the default');

  const list = await ask('C0MULTI', 'set default-account', 'U0ALICE');
  assert.match(list.text ?? '', new RegExp(`${account} \\(configuration multi-a\\) ← your default`));
  assert.match(list.text ?? '', new RegExp(`${B.accountId} \\(configuration multi-b\\)`));
  assert.match((await ask('C0MULTI', 'set default-account 12345', 'U0ALICE')).text ?? '', /Usage: `@aws set default-account <12-digit account ID>`/);
  assert.match((await ask('C0MULTI', 'set default-account 999999999999', 'U0ALICE')).text ?? '', /Account 999999999999 has no configuration for this channel/);
  const set = await ask('C0MULTI', 'set default-account ' + B.accountId, 'U0ALICE');
  assert.match(set.text ?? '', new RegExp(`now run in account ${B.accountId} \\(configuration multi-b\\)`));

  const inB = await ask('C0MULTI', 'sns list-topics --region us-west-2', 'U0ALICE');
  assert.match(inB.text ?? '', /list-topics \(us-west-2\)/);
  const listB = (await lookup('us-west-2', 'ListTopics', B)).find((r) => r.userIdentity.type === 'AssumedRole');
  assert.ok(listB, 'ListTopics recorded in account B, us-west-2');
  assert.equal(listB.userIdentity.arn, `arn:aws:sts::${B.accountId}:assumed-role/b-chat/chatbot-session`);
  assert.equal(listB.recipientAccountId, B.accountId);
  assert.equal(listB.awsRegion, 'us-west-2');
  const assumeB = (await lookup('us-east-2', 'AssumeRole', B)).find((r) => r.requestParameters?.roleArn === `arn:aws:iam::${B.accountId}:role/b-chat`);
  assert.ok(assumeB, 'AssumeRole of b-chat recorded in account B, in the processing region');
  assert.equal(assumeB.userIdentity.invokedBy, 'chatbot.amazonaws.com');
  assert.equal((await lookup('us-west-2', 'ListTopics')).filter((r) => String(r.userIdentity.arn).includes('b-chat')).length, 0, 'nothing of B in account A');

  // The choice is Alice's: Bob still runs in the default account; the remembered choice holds.
  assert.match((await ask('C0MULTI', 'sts get-caller-identity', 'U0BOB')).text ?? '', new RegExp(`arn:aws:sts::${account}:assumed-role/channel-ro/`));
  assert.match((await ask('C0MULTI', 'sts get-caller-identity', 'U0ALICE')).text ?? '', new RegExp(`arn:aws:sts::${B.accountId}:assumed-role/b-chat/`));

  // switch-role offers each account the channel reaches.
  const sw = await ask('C0MULTI', 'switch-role', 'U0ALICE');
  assert.equal(buttonUrls(sw.blocks).length, 2);
  assert.match(sw.text ?? '', new RegExp(`Account ${B.accountId} \\(configuration multi-b\\): you have no user role: commands use the channel role \`role/b-chat\``));
});

test('@aws preferences is kept per channel: thread updates also in the channel, or in threads only', async () => {
  const topic = (await ok(['sns', 'create-topic', '--name', 'role-alerts'])).TopicArn as string;
  await ok(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', roleConfigArn, '--slack-channel-id', 'C0ROLE', '--sns-topic-arns', topic]);
  const publish = (text: string) => ok(['sns', 'publish', '--topic-arn', topic, '--message',
    JSON.stringify({ version: '1.0', source: 'custom', content: { description: text }, metadata: { threadId: 'deploy-9' } })]);
  const broadcastOf = (text: string) => peer.calls.find((c) => c.method === 'chat.postMessage' && String(c.params.text ?? '').includes(text))?.params.reply_broadcast;

  const shown = await ask('C0ROLE', 'preferences', 'U0ALICE');
  assert.match(shown.text ?? '', /Notification updates: in the thread and also in the channel \(the default\)/);
  assert.match((await ask('C0ROLE', 'preferences colour blue', 'U0ALICE')).text ?? '', /Usage: `@aws preferences`/);

  await publish('step 1 of 3');
  const opener = await peer.waitForPost((p) => /step 1 of 3/.test(p.text ?? ''), 5000);
  await publish('step 2 of 3');
  const second = await peer.waitForPost((p) => /step 2 of 3/.test(p.text ?? ''), 5000);
  assert.equal(second.thread_ts, opener.ts);
  assert.equal(String(broadcastOf('step 2 of 3')), 'true', 'by default an update also shows in the channel');
  assert.equal(broadcastOf('step 1 of 3'), undefined, 'the opener is a channel message already');

  const set = await ask('C0ROLE', 'preferences notification-updates threads-only', 'U0BOB');
  assert.match(set.text ?? '', /<@U0BOB> set this channel's notification updates to appear in threads only/);
  assert.match((await ask('C0ROLE', 'preferences', 'U0ALICE')).text ?? '', /in threads only .* \(set by <@U0BOB>\)/);
  await publish('step 3 of 3');
  const third = await peer.waitForPost((p) => /step 3 of 3/.test(p.text ?? ''), 5000);
  assert.equal(third.thread_ts, opener.ts);
  assert.equal(broadcastOf('step 3 of 3'), undefined, 'threads only: the update stays in the thread');
  // Another channel keeps its own (default) preferences.
  assert.match((await ask('C0MULTI', 'preferences', 'U0ALICE')).text ?? '', /\(the default\)/);
});
