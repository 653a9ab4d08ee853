// Issue 18, workstream B, end to end with real clients (AWS CLI, SDK v3, the Slack test peer, the
// console API): no tenant reaches another's roles through AWS Chatbot, a configuration's role is
// passed (iam:PassRole), the console's test panel stays within the signed-in user's rights, and a
// call on another account's resource is recorded in both accounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, AttachRolePolicyCommand, ListAttachedUserPoliciesCommand, ListAccessKeysCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { signedFetch, type Credentials } from './signed-fetch.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';
import { openChatbotStore } from '../../src/services/chatbot/module.js';
import type { ModuleDeps } from '../../src/core/module.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

const SECRET = 'security-signing-secret';
const TEAM = 'T0SEC';
const CHATBOT_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
let peer: SlackPeer;
let srv: TestServer;
let A: string;
let B: AdminCredentials;
let botUser: string;
let iamA: IAMClient;
let iamB: IAMClient;

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const credsOf = (k: { accessKeyId: string; secretAccessKey: string }): Credentials => ({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey });
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const configArn = (account: string, name: string) => `arn:aws:chatbot::${account}:chat-configuration/slack-channel/${name}`;

/** GetSlackOAuthParameters → Slack's approval → RedeemSlackOAuthCode, as `who` (an account's admin). */
async function authorizeWorkspace(who: Credentials): Promise<void> {
  const call = (path: string, body: unknown) => signedFetch({
    url: srv.url, method: 'POST', path, service: 'chatbot', region: 'us-east-1', credentials: who, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const params = await call('/get-slack-oauth-parameters', {});
  assert.equal(params.status, 200, params.text);
  const { AuthorizationUrl, State } = JSON.parse(params.text) as { AuthorizationUrl: string; State: string };
  const code = peer.issueOAuthCode(TEAM, { clientId: 'cid.sec', clientSecret: 'csecret', redirectUri: new URL(AuthorizationUrl).searchParams.get('redirect_uri') ?? undefined });
  assert.equal((await call('/redeem-slack-oauth-code', { Code: code, State })).status, 200);
}

/** A configuration as chattrail stored it before iam:PassRole was checked (the API now refuses to make it). */
async function storeLegacyConfiguration(account: string, name: string, channel: string, role: string): Promise<void> {
  const store = openChatbotStore({ config: srv.app.config, stores: srv.app.stores, logger: srv.app.logger } as unknown as ModuleDeps);
  const created = await store.slackConfigs.create(account, name, {
    SlackTeamName: 'Security', SlackTeamId: TEAM, SlackChannelId: channel, SlackChannelName: channel.toLowerCase(), ChatConfigurationArn: configArn(account, name),
    IamRoleArn: role, SnsTopicArns: [], ConfigurationName: name, LoggingLevel: 'NONE', GuardrailPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    UserAuthorizationRequired: false, Tags: [], State: 'ENABLED', AccountId: account, CreatedAt: new Date(),
  });
  assert.ok(created);
}

let tsCounter = 1700100000;
async function ask(channel: string, text: string, user = 'U0MALLORY') {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user, text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return { ts, reply: await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000) };
}

async function events(accountId: string, name: string): Promise<{ stored: StoredEvent; record: Rec }[]> {
  const found = await srv.app.stores.events.lookup({
    accountId, region: 'us-east-1', attribute: { key: 'EventName', value: name }, start: new Date(Date.now() - 600_000), end: new Date(Date.now() + 60_000), limit: 50,
  });
  return found.map((stored) => ({ stored, record: JSON.parse(stored.record) as Rec }));
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Security',
    channels: ['C0TENANT', 'C0LEGACY', 'C0GRANT', 'C0OTHER', 'C0OPS', 'C0BUILD'].map((id) => ({ id, name: id.toLowerCase() })),
    users: [{ id: 'U0MALLORY', name: 'mallory' }, { id: 'U0ALICE', name: 'alice' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-1', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.sec',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  A = srv.admin.accountId;
  B = await createAccount(srv.app.identity, randomIds, systemClock, 'tenant-b');
  iamA = new IAMClient(srv.sdkConfig('us-east-1'));
  iamB = new IAMClient(srv.sdkConfig('us-east-1', credsOf(B)));
  // Account A: the README's chatops role (trusts chatbot.amazonaws.com, AdministratorAccess) and a user to find.
  await iamA.send(new CreateRoleCommand({ RoleName: 'chatops', AssumeRolePolicyDocument: CHATBOT_TRUST }));
  await iamA.send(new AttachRolePolicyCommand({ RoleName: 'chatops', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  await iamA.send(new CreateUserCommand({ UserName: 'victim-user' }));
  await authorizeWorkspace(credsOf(srv.admin));
  await authorizeWorkspace(credsOf(B));
});

after(async () => {
  iamA?.destroy();
  iamB?.destroy();
  await srv?.stop();
  await peer?.close();
});

test('critical: account B cannot bind a channel to account A\'s role, on create or update', async () => {
  const asB = { creds: credsOf(B) };
  const hijack = await srv.aws(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0TENANT',
    '--configuration-name', 'hijack', '--iam-role-arn', roleArn(A, 'chatops')], asB);
  assert.equal(cliErrorCode(hijack), 'AccessDeniedException', hijack.stderr);
  assert.match(hijack.stderr, /Cross-account pass role is not allowed\./);

  // B's own role is fine, and cannot be swapped for A's afterwards.
  await iamB.send(new CreateRoleCommand({ RoleName: 'b-chat', AssumeRolePolicyDocument: CHATBOT_TRUST }));
  const own = await srv.aws(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0TENANT',
    '--configuration-name', 'tenant', '--iam-role-arn', roleArn(B.accountId, 'b-chat')], asB);
  assert.equal(own.code, 0, own.stderr);
  const swap = await srv.aws(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', configArn(B.accountId, 'tenant'),
    '--slack-channel-id', 'C0TENANT', '--iam-role-arn', roleArn(A, 'chatops')], asB);
  assert.equal(cliErrorCode(swap), 'AccessDeniedException', swap.stderr);
  const listed = await srv.aws(['chatbot', 'describe-slack-channel-configurations'], asB);
  assert.deepEqual(listed.json.SlackChannelConfigurations.map((c: Rec) => [c.ConfigurationName, c.IamRoleArn]), [['tenant', roleArn(B.accountId, 'b-chat')]]);

  // B's trail shows the attempts as refusals.
  const refused = (await events(B.accountId, 'CreateSlackChannelConfiguration')).filter((e) => e.record.errorCode === 'AccessDenied');
  assert.equal(refused.length, 1);
  assert.equal(refused[0].record.errorMessage, 'Cross-account pass role is not allowed.');
  assert.equal(refused[0].record.requestParameters, null);
});

test('critical: a configuration stored before the fix, naming A\'s role, runs nothing in A', async () => {
  await storeLegacyConfiguration(B.accountId, 'legacy', 'C0LEGACY', roleArn(A, 'chatops'));
  const { reply } = await ask('C0LEGACY', 'iam list-users');
  assert.match(reply.text ?? '', /could not assume the role/);
  assert.doesNotMatch(reply.text ?? '', /victim-user/);

  // A write asked for and confirmed fails the same way: A's admin keeps a single access key.
  const asked = await ask('C0LEGACY', 'iam create-access-key --user-name admin');
  const value = /"value":"([^"]+)"/.exec(JSON.stringify(asked.reply.blocks ?? []))?.[1];
  assert.ok(value, 'the write asks for confirmation');
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0MALLORY', channel: 'C0LEGACY', actionId: 'chattrail_confirm', value, messageTs: asked.reply.ts }));
  const ran = await peer.waitForPost((p) => p.thread_ts === asked.ts && /could not assume/.test(p.text ?? ''), 10_000);
  assert.doesNotMatch(ran.text ?? '', /SecretAccessKey|AccessKeyId/);
  assert.equal((await iamA.send(new ListAccessKeysCommand({ UserName: 'admin' }))).AccessKeyMetadata?.length, 1);

  // Chatbot's refused AssumeRole is in B's trail; nothing succeeded as A's role.
  const assumed = (await events(B.accountId, 'AssumeRole')).filter((e) => e.record.userIdentity.invokedBy === 'chatbot.amazonaws.com');
  assert.ok(assumed.length >= 2);
  assert.ok(assumed.every((e) => e.record.errorCode === 'AccessDenied'));
  assert.deepEqual((await events(A, 'AssumeRole')).filter((e) => e.record.errorCode === undefined), []);
});

test('a role of A whose trust names B\'s configuration serves it, and the AssumeRole is recorded in both accounts', async () => {
  const trust = JSON.stringify({
    Version: '2012-10-17', Statement: [{
      Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': B.accountId }, ArnLike: { 'aws:SourceArn': configArn(B.accountId, 'granted') } },
    }],
  });
  await iamA.send(new CreateRoleCommand({ RoleName: 'shared-ro', AssumeRolePolicyDocument: trust }));
  await iamA.send(new AttachRolePolicyCommand({ RoleName: 'shared-ro', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  await storeLegacyConfiguration(B.accountId, 'granted', 'C0GRANT', roleArn(A, 'shared-ro'));
  await storeLegacyConfiguration(B.accountId, 'other', 'C0OTHER', roleArn(A, 'shared-ro'));

  const { reply } = await ask('C0GRANT', 'sts get-caller-identity');
  assert.match(reply.text ?? '', new RegExp(`arn:aws:sts::${A}:assumed-role/shared-ro/chatbot-session`));
  // Another configuration of the same tenant is not the one the trust names.
  assert.match((await ask('C0OTHER', 'sts get-caller-identity')).reply.text ?? '', /could not assume the role/);

  // One AssumeRole, two records: B's (the configuration's account) and A's (the role's owner).
  const ok = (e: { record: Rec }) => e.record.errorCode === undefined && e.record.userIdentity.invokedBy === 'chatbot.amazonaws.com';
  const [inB] = (await events(B.accountId, 'AssumeRole')).filter(ok);
  const [inA] = (await events(A, 'AssumeRole')).filter(ok);
  assert.ok(inB && inA, 'recorded in both accounts');
  assert.equal(inB.record.recipientAccountId, B.accountId);
  assert.equal(inA.record.recipientAccountId, A);
  assert.ok(inA.record.sharedEventID);
  assert.equal(inA.record.sharedEventID, inB.record.sharedEventID);
  assert.notEqual(inA.record.eventID, inB.record.eventID);
  assert.equal(inA.record.requestParameters.roleArn, roleArn(A, 'shared-ro'));
  assert.deepEqual(inA.record.resources, [{ accountId: A, type: 'AWS::IAM::Role', ARN: roleArn(A, 'shared-ro') }]);
  // A's own Event history (AWS CLI, as A's admin) shows it.
  const seen = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventId,AttributeValue=${inA.record.eventID}`]);
  assert.equal(seen.json.Events.length, 1);
  assert.equal(JSON.parse(seen.json.Events[0].CloudTrailEvent).sharedEventID, inB.record.sharedEventID);
});

test('high: iam:PassRole decides which role a user may bind a channel to, within one account', async () => {
  await iamB.send(new CreateRoleCommand({ RoleName: 'b-admin', AssumeRolePolicyDocument: CHATBOT_TRUST }));
  await iamB.send(new AttachRolePolicyCommand({ RoleName: 'b-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  await iamB.send(new CreateUserCommand({ UserName: 'builder' }));
  const allow = (extra: object[] = []) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['chatbot:*', 'lambda:*'], Resource: '*' }, ...extra] });
  await iamB.send(new PutUserPolicyCommand({ UserName: 'builder', PolicyName: 'chat-and-lambda', PolicyDocument: allow() }));
  const key = (await iamB.send(new CreateAccessKeyCommand({ UserName: 'builder' }))).AccessKey!;
  const builder = { creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  const create = () => srv.aws(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0BUILD',
    '--configuration-name', 'builder', '--iam-role-arn', roleArn(B.accountId, 'b-admin')], builder);

  const refused = await create();
  assert.equal(cliErrorCode(refused), 'AccessDeniedException', refused.stderr);
  assert.match(refused.stderr, new RegExp(`user/builder is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${B.accountId}:role/b-admin`));
  // PassRole granted for Lambda only is not PassRole for Chatbot.
  const passTo = (service: string) => ({ Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn(B.accountId, 'b-admin'), Condition: { StringEquals: { 'iam:PassedToService': service } } });
  await iamB.send(new PutUserPolicyCommand({ UserName: 'builder', PolicyName: 'chat-and-lambda', PolicyDocument: allow([passTo('lambda.amazonaws.com')]) }));
  assert.equal(cliErrorCode(await create()), 'AccessDeniedException');
  await iamB.send(new PutUserPolicyCommand({ UserName: 'builder', PolicyName: 'chat-and-lambda', PolicyDocument: allow([passTo('chatbot.amazonaws.com')]) }));
  const made = await create();
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.json.ChannelConfiguration.IamRoleArn, roleArn(B.accountId, 'b-admin'));
});

test('high: the console\'s test panel asks before a write, and never lends the signed-in user the channel\'s rights', async () => {
  await srv.aws(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0OPS', '--configuration-name', 'ops', '--iam-role-arn', roleArn(A, 'chatops')]);
  await iamA.send(new CreateUserCommand({ UserName: 'ro' }));
  await iamA.send(new AttachUserPolicyCommand({ UserName: 'ro', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  const roKey = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'ro' }))).AccessKey!;
  const session = await signIn(roKey.AccessKeyId!, roKey.SecretAccessKey!);
  const attach = '@aws iam attach-user-policy --user-name ro --policy-arn arn:aws:iam::aws:policy/AdministratorAccess';
  const attached = async () => (await iamA.send(new ListAttachedUserPoliciesCommand({ UserName: 'ro' }))).AttachedPolicies?.map((p) => p.PolicyName);

  const asked = await session.test(configArn(A, 'ops'), attach);
  assert.equal(asked.status, 200);
  assert.equal(asked.body.confirmationRequired, true);
  assert.equal(asked.body.ok, false);
  assert.match(asked.body.text, /changes resources/);
  assert.deepEqual(await attached(), ['ReadOnlyAccess'], 'nothing ran before confirmation');

  const confirmed = await session.test(configArn(A, 'ops'), attach, true);
  assert.equal(confirmed.body.ok, false);
  assert.match(confirmed.body.text, new RegExp(`user/ro is not authorized to perform: iam:AttachUserPolicy`));
  assert.match(confirmed.body.text, /not allowed this yourself/);
  assert.deepEqual(await attached(), ['ReadOnlyAccess'], 'the channel\u2019s admin role did not lend its rights');

  // What ro may read, the panel shows; the bad confirm value is refused.
  const read = await session.test(configArn(A, 'ops'), '@aws iam list-users');
  assert.equal(read.body.ok, true, read.body.text);
  assert.match(read.body.text, /victim-user/);
  assert.equal((await session.post('chat/test', { channelConfigurationArn: configArn(A, 'ops'), command: '@aws iam list-users', confirm: 'yes' })).status, 400);

  // A user who may only see the configuration reads nothing through its role.
  await iamA.send(new CreateUserCommand({ UserName: 'cfg-only' }));
  await iamA.send(new PutUserPolicyCommand({ UserName: 'cfg-only', PolicyName: 'see-chat', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'chatbot:Describe*', Resource: '*' }] }) }));
  const cfgKey = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'cfg-only' }))).AccessKey!;
  const viewer = await signIn(cfgKey.AccessKeyId!, cfgKey.SecretAccessKey!);
  const listed = await viewer.test(configArn(A, 'ops'), '@aws iam list-users');
  assert.equal(listed.body.ok, false);
  assert.match(listed.body.text, /user\/cfg-only is not authorized to perform: iam:ListUsers/);
  assert.doesNotMatch(listed.body.text, /victim-user/);

  // An administrator confirms a write and it runs, as the channel's role.
  const admin = await signIn(srv.admin.accessKeyId, srv.admin.secretAccessKey);
  const made = await admin.test(configArn(A, 'ops'), '@aws iam create-user --user-name made-in-console', true);
  assert.equal(made.body.ok, true, made.body.text);
  const created = (await events(A, 'CreateUser')).find((e) => e.record.requestParameters?.userName === 'made-in-console');
  assert.equal(created?.record.userIdentity.arn, `arn:aws:sts::${A}:assumed-role/chatops/chatbot-session`);
});

test('medium: B\'s call on A\'s bucket is recorded in A too, with the same sharedEventID', async () => {
  const bucket = `shared-${A}`;
  assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', bucket])).code, 0);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B.accountId}:root` }, Action: 's3:PutBucketTagging', Resource: `arn:aws:s3:::${bucket}` }] });
  assert.equal((await srv.aws(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy])).code, 0);
  const tagged = await srv.aws(['s3api', 'put-bucket-tagging', '--bucket', bucket, '--tagging', 'TagSet=[{Key=by,Value=b}]'], { creds: credsOf(B) });
  assert.equal(tagged.code, 0, tagged.stderr);
  const [inB] = await events(B.accountId, 'PutBucketTagging');
  const [inA] = await events(A, 'PutBucketTagging');
  assert.ok(inB && inA);
  assert.equal(inA.record.userIdentity.accountId, B.accountId);
  assert.equal(inA.record.recipientAccountId, A);
  assert.equal(inB.record.recipientAccountId, B.accountId);
  assert.equal(inA.record.sharedEventID, inB.record.sharedEventID);
  assert.notEqual(inA.record.eventID, inB.record.eventID);
  // A's own call on its own bucket stays a single record.
  const [own] = await events(A, 'PutBucketPolicy');
  assert.equal(own.record.sharedEventID, undefined);
  assert.deepEqual((await events(B.accountId, 'PutBucketPolicy')), []);
});

/** Signs in to the console with an access key; returns helpers bound to that session. */
async function signIn(accessKeyId: string, secretAccessKey: string) {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${srv.url}/console/api/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const r = await post('signin', { accessKeyId, secretAccessKey });
  assert.equal(r.status, 200);
  const { csrfToken } = await r.json() as { csrfToken: string };
  const cookie = /chattrail_session=[^;]+/.exec(r.headers.get('set-cookie') ?? '')![0];
  const signed = { cookie, 'x-csrf-token': csrfToken };
  return {
    post: (path: string, body: unknown) => post(path, body, signed),
    async test(channelConfigurationArn: string, command: string, confirm = false) {
      const answer = await post('chat/test', { channelConfigurationArn, command, confirm }, signed);
      return { status: answer.status, body: await answer.json() as Rec };
    },
  };
}
