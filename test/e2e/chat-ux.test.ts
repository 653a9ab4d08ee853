// The chat command experience as a Slack user lives it: what exactly gets posted for writes
// (the whole command confirmed, the answer readable), long lists (a count and the full result as
// a file), and the things people type that the AWS CLI would not take in chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand } from '@aws-sdk/client-iam';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';

const SECRET = 'ux-signing-secret';
const TEAM = 'T0UX';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;

async function ok(args: string[]) {
  const r = await srv.aws(args, { region: 'us-east-2' });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

let tsCounter = 1710000000;
async function ask(channel: string, text: string) {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user: 'U0ALICE', text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return { ts, reply: await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000) };
}

/** Asks, presses Run, and returns the confirmation as updated and the answer posted after it. */
async function askAndConfirm(channel: string, text: string) {
  const asked = await ask(channel, text);
  const value = /"value":"([^"]+)"/.exec(JSON.stringify(asked.reply.blocks ?? []))?.[1];
  assert.ok(value, 'the confirmation has buttons');
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel, actionId: 'chattrail_confirm', value, messageTs: asked.reply.ts }));
  const answer = await peer.waitForPost((p) => p.thread_ts === asked.ts && p.method === 'chat.postMessage' && p.ts !== asked.reply.ts, 10_000);
  const updated = peer.posted().filter((p) => p.ts === asked.reply.ts && p.method === 'chat.update').pop();
  return { asked: asked.reply, updated, answer };
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'UX', channels: [{ id: 'C0OPS', name: 'ops' }, { id: 'C0RO', name: 'read-only' }], users: [{ id: 'U0ALICE', name: 'alice' }] });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.ux',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.ux', clientSecret: 'csecret' });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document', trust]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  const role = `arn:aws:iam::${account}:role/chat-admin`;
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0OPS', '--configuration-name', 'ops', '--iam-role-arn', role]);
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0RO', '--configuration-name', 'ro', '--iam-role-arn', role,
    '--guardrail-policy-arns', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('a write shows the whole command to confirm, keeps it once answered, and answers readably; a guardrail denial says why', async () => {
  const made = await askAndConfirm('C0OPS', 'iam create-user --user-name \u201cann-b\u201d --tags Key=team,Value="ops east"');
  assert.match(made.asked.text ?? '', /This command changes resources:\n`iam create-user --user-name "ann-b" --tags Key=team,Value="ops east"`\n<@U0ALICE>, run it\?/);
  const kept = JSON.stringify(made.updated?.blocks ?? []);
  assert.match(kept, /iam create-user --user-name/, 'the answered confirmation still shows the command');
  assert.match(kept, /Confirmed by <@U0ALICE>/);
  assert.doesNotMatch(kept, /chattrail_confirm/, 'no buttons left to press');
  const text = made.answer.text ?? '';
  assert.match(text, /^\*iam create-user \(global\)\*/);
  assert.match(text, /User:\n {2}Path: \/\n {2}UserName: ann-b\n/);
  assert.match(text, /Tags:\n {4}- Key: team\n {6}Value: ops east/);
  assert.doesNotMatch(text, /\{"/, 'no raw JSON');
  assert.equal((await ok(['iam', 'get-user', '--user-name', 'ann-b'])).User.Tags[0].Value, 'ops east');

  const denied = await askAndConfirm('C0RO', 'iam create-user --user-name carol');
  assert.match(denied.answer.text ?? '', /failed: `AccessDenied`/);
  assert.match(denied.answer.text ?? '', /The channel's guardrail policies do not allow this\. An administrator can change them in the channel configuration\./);
  assert.equal(cliErrorCode(await srv.aws(['iam', 'get-user', '--user-name', 'carol'])), 'NoSuchEntity');
});

test('a long list shows a count and a narrow table, with the full result uploaded to the thread; policies read decoded', async () => {
  const iam = new IAMClient(srv.sdkConfig('us-east-1'));
  for (let i = 0; i < 30; i++) await iam.send(new CreateUserCommand({ UserName: `team-member-${String(i).padStart(2, '0')}-with-a-long-name` }));
  const before = peer.uploadedFiles().length;
  const { ts, reply } = await ask('C0OPS', 'iam list-users');
  const text = reply.text ?? '';
  const users = 1 + 1 + 30; // admin, ann-b, the team
  assert.match(text, new RegExp(`^\\*iam list-users \\(global\\): ${users} users\\*`));
  assert.match(text, new RegExp(`_Showing 25 of ${users}\\. The full result is attached\\._`));
  for (const line of /```([\s\S]*)```/.exec(text)![1].split('\n')) assert.ok(line.length <= 80, `table line too wide for Slack: ${line}`);
  const file = await peer.waitForUpload((f) => f.thread_ts === ts, 10_000);
  assert.equal(peer.uploadedFiles().length, before + 1);
  assert.equal((JSON.parse(String(file.content)) as { Users: unknown[] }).Users.length, users);

  const role = (await ask('C0OPS', 'iam get-role --role-name chat-admin')).reply.text ?? '';
  assert.doesNotMatch(role, /%7B/);
  assert.match(role, /AssumeRolePolicyDocument:\n {4}Version: 2012-10-17\n {4}Statement:\n {6}- Effect: Allow\n {8}Principal:\n {10}Service: chatbot\.amazonaws\.com/);
});

test('what people type that the CLI would not take in chat is answered helpfully', async () => {
  assert.match((await ask('C0OPS', 's3 ls s3://logs/2026/')).reply.text ?? '', /API commands only[\s\S]*`@aws s3api list-objects-v2 --bucket logs --prefix 2026\/`/);
  // A phone turns `--` into a dash; AWS Chatbot also takes one hyphen.
  assert.match((await ask('C0OPS', 'sts get-caller-identity \u2014region us-west-2 -output json')).reply.text ?? '', /^\*sts get-caller-identity \(us-west-2\)\*\n```\{\n {2}"UserId"/);
  assert.match((await ask('C0OPS', 'sts get-caller-identity --region us-wset-2')).reply.text ?? '', /`us-wset-2` is not an AWS Region\. Did you mean `us-west-2`/);
  assert.match((await ask('C0OPS', "iam list-users --query 'Users[].UserName'")).reply.text ?? '', /`--query` is not supported here/);
  const help = (await ask('C0OPS', 'cloudtrail lookup-events help')).reply.text ?? '';
  assert.match(help, /^\*cloudtrail lookup-events\*: Looks up management events/);
  assert.match(help, /`--lookup-attributes AttributeKey=/);
});
