// Chat commands end to end: the local Slack peer delivers signed events, chattrail (home region
// us-east-2) assumes the channel's role as chatbot.amazonaws.com, runs the command, answers in
// the thread, and CloudTrail shows AssumeRole and the call in the regions AWS would record them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';
import { openChatbotStore } from '../../src/services/chatbot/module.js';
import type { ModuleDeps } from '../../src/core/module.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0CHAT';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
let fnZip: string;
const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

async function configure(channel: string, name: string, role: string, extra: string[] = []) {
  return ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', channel,
    '--configuration-name', name, '--iam-role-arn', `arn:aws:iam::${account}:role/${role}`, ...extra]);
}

let tsCounter = 1700000000;
/** Sends `@aws <text>` from `user` in `channel` and waits for the bot's first answer in that thread. */
async function ask(channel: string, text: string, user = 'U0ALICE') {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user, text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return { ts, reply: await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000) };
}

async function lookup(region: string, name: string) {
  const r = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`], region);
  return (r.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Chat Ops',
    channels: [{ id: 'C0OPS', name: 'ops' }, { id: 'C0DEV', name: 'dev' }, { id: 'C0NONE', name: 'none' }, { id: 'C0BAD', name: 'bad' }, { id: 'C0USER', name: 'user-auth' }],
    users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0BOB', name: 'bob' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.1',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  // Connect the workspace with the real OAuth flow (console operations, signed like the console).
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.1', clientSecret: 'csecret' });

  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document', trust('chatbot.amazonaws.com')]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  await ok(['iam', 'create-role', '--role-name', 'ec2-only', '--assume-role-policy-document', trust('ec2.amazonaws.com')]);
  await ok(['iam', 'create-role', '--role-name', 'fn-exec', '--assume-role-policy-document', trust('lambda.amazonaws.com')]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-fn-'));
  fnZip = path.join(dir, 'fn.zip');
  execFileSync('python3', ['-c', `import zipfile; z=zipfile.ZipFile(${JSON.stringify(fnZip)},'w'); z.writestr('index.py','def handler(e,c): return 1'); z.close()`]);
  await ok(['lambda', 'create-function', '--function-name', 'hello-west', '--runtime', 'python3.12', '--handler', 'index.handler',
    '--role', `arn:aws:iam::${account}:role/fn-exec`, '--zip-file', `fileb://${fnZip}`], 'us-west-2');
  await configure('C0OPS', 'ops', 'chat-admin');
  await configure('C0DEV', 'dev', 'chat-admin', ['--guardrail-policy-arns', 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess']);
  await configure('C0BAD', 'bad', 'ec2-only');
  await configure('C0USER', 'user-auth', 'chat-admin', ['--user-authorization-required']);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('the seed example: lambda list-functions in us-west-2, AssumeRole in the processing region', async () => {
  const { reply } = await ask('C0OPS', 'lambda list-functions --region us-west-2');
  assert.match(reply.text ?? '', /hello-west/);
  assert.match(reply.text ?? '', /list-functions \(us-west-2\)/);

  const assumeEast = (await lookup('us-east-2', 'AssumeRole')).filter((r) => r.userIdentity.type === 'AWSService');
  assert.ok(assumeEast.length >= 1, 'AssumeRole recorded in us-east-2');
  const a = assumeEast[0];
  assert.equal(a.userIdentity.invokedBy, 'chatbot.amazonaws.com');
  assert.equal(a.sourceIPAddress, 'chatbot.amazonaws.com');
  assert.equal(a.requestParameters.roleSessionName, 'chatbot-session');
  assert.equal(a.requestParameters.roleArn, `arn:aws:iam::${account}:role/chat-admin`);
  assert.equal(a.awsRegion, 'us-east-2');

  const listWest = await lookup('us-west-2', 'ListFunctions20150331');
  const l = listWest.find((r) => r.userIdentity.type === 'AssumedRole');
  assert.ok(l, 'ListFunctions recorded in us-west-2 by the assumed role');
  assert.equal(l.userIdentity.arn, `arn:aws:sts::${account}:assumed-role/chat-admin/chatbot-session`);
  assert.equal(l.userIdentity.sessionContext.sessionIssuer.arn, `arn:aws:iam::${account}:role/chat-admin`);
  assert.equal(l.awsRegion, 'us-west-2');
  assert.equal(l.readOnly, true);

  assert.equal((await lookup('us-east-2', 'ListFunctions20150331')).length, 0, 'no ListFunctions record in us-east-2');
  assert.equal((await lookup('us-west-2', 'AssumeRole')).length, 0, 'no AssumeRole record in us-west-2');
});

test('requests without a valid Slack signature are refused and run nothing', async () => {
  const before = peer.posted().length;
  const bad = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: 'C0OPS', user: 'U0ALICE', text: 'sts get-caller-identity' }), { teamId: TEAM, badSignature: true });
  assert.equal(bad.status, 401);
  const stale = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: 'C0OPS', user: 'U0ALICE', text: 'sts get-caller-identity' }), { teamId: TEAM, timestamp: Math.floor(Date.now() / 1000) - 600 });
  assert.equal(stale.status, 401);
  const wrongSecret = await sendEvent(`${srv.url}/slack/events`, 'not-the-secret', appMention({ teamId: TEAM, channel: 'C0OPS', user: 'U0ALICE', text: 'sts get-caller-identity' }), { teamId: TEAM });
  assert.equal(wrongSecret.status, 401);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(peer.posted().length, before);
});

test('url_verification is answered with the challenge', async () => {
  const { urlVerification } = await import('../slack-peer/events.js');
  const r = await urlVerification(`${srv.url}/slack/events`, SECRET, 'chal-123');
  assert.equal(r.status, 200);
  assert.equal((JSON.parse(r.body) as { challenge: string }).challenge, 'chal-123');
});

test('a retried delivery runs the command once', async () => {
  const ts = `${++tsCounter}.000200`;
  const event = appMention({ teamId: TEAM, channel: 'C0OPS', user: 'U0ALICE', text: `<@${botUser}> sts get-caller-identity`, ts });
  const first = await sendEvent(`${srv.url}/slack/events`, SECRET, event, { teamId: TEAM, eventId: 'Ev0RETRY01' });
  const retry = await sendEvent(`${srv.url}/slack/events`, SECRET, event, { teamId: TEAM, eventId: 'Ev0RETRY01', retryNum: 1, retryReason: 'http_timeout' });
  assert.equal(first.status, 200);
  assert.equal(retry.status, 200);
  await peer.waitForPost((p) => p.thread_ts === ts, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(peer.posted().filter((p) => p.thread_ts === ts).length, 1);
});

test('unknown services, operations and bad parameters are explained in the channel', async () => {
  assert.match((await ask('C0OPS', 'lamda list-functions')).reply.text ?? '', /Did you mean `lambda`/);
  assert.match((await ask('C0OPS', 'lambda list-functoins')).reply.text ?? '', /lambda list-functions/);
  assert.match((await ask('C0OPS', 'lambda get-function')).reply.text ?? '', /required: `--function-name`/);
  assert.match((await ask('C0OPS', 'cloudtrail lookup-events --max-results many')).reply.text ?? '', /Bad value for `--max-results`/);
  assert.match((await ask('C0OPS', 'help')).reply.text ?? '', /lambda list-functions --region us-west-2/);
});

test('a channel without a configuration is told how to get one', async () => {
  assert.match((await ask('C0NONE', 'sts get-caller-identity')).reply.text ?? '', /create-slack-channel-configuration/);
});

test('a role that does not trust chatbot.amazonaws.com is reported clearly', async () => {
  const { reply } = await ask('C0BAD', 'sts get-caller-identity');
  assert.match(reply.text ?? '', /could not assume the role/);
  assert.match(reply.text ?? '', /chatbot\.amazonaws\.com/);
});

test('guardrails cap the role: a denied action is answered and recorded as AccessDenied', async () => {
  const { reply } = await ask('C0DEV', 'iam list-users');
  assert.match(reply.text ?? '', /AccessDenied/);
  const denied = (await lookup('us-east-1', 'ListUsers')).find((r) => r.userIdentity.type === 'AssumedRole');
  assert.ok(denied, 'the denied call is recorded');
  assert.match(String(denied.errorCode), /^AccessDenied/);
  // The same guardrail allows Lambda reads.
  assert.match((await ask('C0DEV', 'lambda list-functions --region us-west-2')).reply.text ?? '', /hello-west/);
});

test('commands that change something ask first; confirmed runs, cancelled does not', async () => {
  const asked = await ask('C0OPS', 'iam create-user --user-name made-in-chat');
  const blocks = JSON.stringify(asked.reply.blocks ?? []);
  assert.match(blocks, /chattrail_confirm/);
  const value = /"value":"([^"]+)"/.exec(blocks)?.[1];
  assert.ok(value);
  // Someone else may not confirm it.
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0BOB', channel: 'C0OPS', actionId: 'chattrail_confirm', value, messageTs: asked.reply.ts }));
  await peer.waitForPost((p) => p.thread_ts === asked.ts && /only <@U0ALICE>/.test(p.text ?? ''), 10_000);
  assert.equal(cliErrorCode(await srv.aws(['iam', 'get-user', '--user-name', 'made-in-chat'])), 'NoSuchEntity');
  const r = await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel: 'C0OPS', actionId: 'chattrail_confirm', value, messageTs: asked.reply.ts }));
  assert.equal(r.status, 200);
  await peer.waitForPost((p) => p.thread_ts === asked.ts && /create-user/.test(p.text ?? '') && !/run it\?/.test(p.text ?? ''), 10_000);
  assert.equal((await ok(['iam', 'get-user', '--user-name', 'made-in-chat'])).User.UserName, 'made-in-chat');

  const declined = await ask('C0OPS', 'iam create-user --user-name never-made');
  const value2 = /"value":"([^"]+)"/.exec(JSON.stringify(declined.reply.blocks ?? []))?.[1];
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel: 'C0OPS', actionId: 'chattrail_cancel', value: value2, messageTs: declined.reply.ts }));
  await peer.waitForPost((p) => p.ts === declined.reply.ts && /Cancelled/.test(p.text ?? ''), 10_000);
  assert.equal(cliErrorCode(await srv.aws(['iam', 'get-user', '--user-name', 'never-made'])), 'NoSuchEntity');
  // A second click on an answered request does nothing.
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel: 'C0OPS', actionId: 'chattrail_confirm', value: value2, messageTs: declined.reply.ts }));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(cliErrorCode(await srv.aws(['iam', 'get-user', '--user-name', 'never-made'])), 'NoSuchEntity');
});

test('user-authorization mode runs with the user\'s own role', async () => {
  const none = await ask('C0USER', 'sts get-caller-identity', 'U0BOB');
  assert.match(none.reply.text ?? '', /link their own IAM role/);
  await ok(['iam', 'create-role', '--role-name', 'bob-role', '--assume-role-policy-document', trust('chatbot.amazonaws.com')]);
  const store = openChatbotStore({ config: srv.app.config, stores: srv.app.stores, logger: srv.app.logger } as unknown as ModuleDeps);
  await store.putSlackUserIdentity({
    IamRoleArn: `arn:aws:iam::${account}:role/bob-role`, SlackTeamId: TEAM, SlackUserId: 'U0BOB',
    ChatConfigurationArn: `arn:aws:chatbot::${account}:chat-configuration/slack-channel/user-auth`,
  });
  const mine = await ask('C0USER', 'sts get-caller-identity', 'U0BOB');
  assert.match(mine.reply.text ?? '', /assumed-role\/bob-role\/chatbot-session/);
});
