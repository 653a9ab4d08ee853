// Issue 14, three slices end to end against the Slack peer: the bot's names and one-hyphen options,
// the protection policy (refused before any call: no AssumeRole, no record), and aws:ChatbotSourceArn
// on the calls a channel's session makes, so AWS's "deny iam:* through chat" example works as an
// identity policy and as a guardrail, while the same role used from the AWS CLI is not affected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, directMessage, sendEvent } from '../slack-peer/events.js';

const SECRET = 'prot-signing-secret';
const TEAM = 'T0PROT';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** AWS's published example (adminguide/scp.html, "Example 1: Deny all IAM operations"). */
const DENY_IAM_THROUGH_CHAT = { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { ArnLike: { 'aws:ChatbotSourceArn': 'arn:aws:chatbot::*' } } };

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

let tsCounter = 1720000000;
/** Sends `text` as Slack delivers it (a mention, or a direct message) and waits for the answer in the thread. */
async function say(channel: string, text: string, dm = false) {
  const ts = `${++tsCounter}.000100`;
  const event = (dm ? directMessage : appMention)({ teamId: TEAM, channel, user: 'U0ALICE', text, ts });
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, event, { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return (await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000)).text ?? '';
}
const ask = (channel: string, text: string) => say(channel, `<@${botUser}> ${text}`);

async function lookup(region: string, name: string): Promise<Rec[]> {
  const r = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`], region);
  return (r.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Rec);
}
const session = (role: string) => `arn:aws:sts::${account}:assumed-role/${role}/chatbot-session`;

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Protection',
    channels: [{ id: 'C0OPS', name: 'ops' }, { id: 'C0NOIAM', name: 'no-iam' }, { id: 'C0GUARD', name: 'guarded' }, { id: 'D0ALICE', name: 'alice-dm' }],
    users: [{ id: 'U0ALICE', name: 'alice' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.prot',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.prot', clientSecret: 'csecret' });
  // chat-noiam is also trusted by the account itself, so the same role can be used from the CLI.
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' },
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
  for (const role of ['chat-admin', 'chat-noiam']) {
    await ok(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust]);
    await ok(['iam', 'attach-role-policy', '--role-name', role, '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  }
  await ok(['iam', 'put-role-policy', '--role-name', 'chat-noiam', '--policy-name', 'no-iam-through-chat',
    '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [DENY_IAM_THROUGH_CHAT] })]);
  const guard = await ok(['iam', 'create-policy', '--policy-name', 'chat-guardrail', '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, DENY_IAM_THROUGH_CHAT] })]);
  const configure = (channel: string, name: string, role: string, extra: string[] = []) => ok(['chatbot', 'create-slack-channel-configuration',
    '--slack-team-id', TEAM, '--slack-channel-id', channel, '--configuration-name', name, '--iam-role-arn', `arn:aws:iam::${account}:role/${role}`, ...extra]);
  await configure('C0OPS', 'ops', 'chat-admin');
  await configure('C0NOIAM', 'no-iam', 'chat-noiam');
  await configure('C0GUARD', 'guarded', 'chat-admin', ['--guardrail-policy-arns', guard.Policy.Arn]);
  await configure('D0ALICE', 'alice-dm', 'chat-admin');
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('@aws, @Amazon Q and @Q address the bot; options take one hyphen or two', async () => {
  const expected = (text: string) => {
    assert.match(text, /^\*sts get-caller-identity \(us-west-2\)\*\n```\{\n {2}"UserId": "[^"]+",\n {2}"Account": "(\d{12})",\n {2}"Arn": "([^"]+)"\n\}```$/);
    assert.match(text, new RegExp(`"Arn": "${session('chat-admin').replace(/[/.]/g, '\\$&')}"`));
  };
  // A Slack mention (the app's name, whatever it is, arrives as <@U…>), one-hyphen options.
  expected(await ask('C0OPS', 'sts get-caller-identity -region us-west-2 -output json'));
  // Names typed as text, as they arrive in a direct message.
  expected(await say('D0ALICE', '@Amazon Q sts get-caller-identity --region us-west-2 --output json', true));
  expected(await say('D0ALICE', '@Q sts get-caller-identity -region us-west-2 --output json', true));
  expected(await say('D0ALICE', '@aws sts get-caller-identity --region us-west-2 -output json', true));

  const calls = (await lookup('us-west-2', 'GetCallerIdentity')).filter((r) => r.userIdentity.arn === session('chat-admin'));
  assert.equal(calls.length, 4, 'each command is one call, recorded in the region asked for');
  for (const r of calls) {
    assert.equal(r.recipientAccountId, account);
    assert.equal(r.awsRegion, 'us-west-2');
    assert.equal(r.userIdentity.sessionContext.sessionIssuer.arn, `arn:aws:iam::${account}:role/chat-admin`);
    assert.equal(r.errorCode, undefined);
  }
});

test('the protection policy refuses before any call: the channel is told, nothing is assumed or recorded', async () => {
  const assumedBefore = (await lookup('us-east-2', 'AssumeRole')).length;
  assert.equal(await ask('C0OPS', 'ec2 get-password-data -instance-id i-0123456789abcdef0'),
    "`ec2 get-password-data` cannot be run from a chat channel: AWS Chatbot does not support commands that can reveal credentials, keys or secrets (`ec2:GetPasswordData`), whatever the channel's role allows. Run it from the AWS CLI or the console instead.");
  // A served command the role's AdministratorAccess allows is refused all the same.
  assert.equal(await say('D0ALICE', '@Q chatbot describe-slack-channel-configurations', true),
    "`chatbot describe-slack-channel-configurations` cannot be run from a chat channel: AWS Chatbot does not support commands that can reveal credentials, keys or secrets (`chatbot:*`), whatever the channel's role allows. Run it from the AWS CLI or the console instead.");
  assert.equal((await lookup('us-east-2', 'AssumeRole')).length, assumedBefore, 'no role was assumed for a refused command');
  const described = (await lookup('us-east-2', 'DescribeSlackChannelConfigurations')).filter((r) => r.userIdentity.type === 'AssumedRole');
  assert.equal(described.length, 0, 'no API call, so no record (as in AWS)');
  // The same call outside chat is not the protection policy's business.
  assert.ok((await ok(['chatbot', 'describe-slack-channel-configurations'])).SlackChannelConfigurations.length >= 4);
});

test("AWS's deny-iam-through-chat example works as the role's policy: chat is denied, the CLI is not", async () => {
  const denied = await ask('C0NOIAM', 'iam list-users');
  assert.equal(denied, `*iam list-users (global)* failed: \`AccessDenied\`\nUser: ${session('chat-noiam')} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${account}:user/ with an explicit deny in an identity-based policy\n_Refused by the channel's IAM role \`chat-noiam\`: its inline policy \`no-iam-through-chat\` denies \`iam:ListUsers\`. An administrator can change the role's policies in IAM._`);
  const rec = (await lookup('us-east-1', 'ListUsers')).find((r) => r.userIdentity.arn === session('chat-noiam'));
  assert.ok(rec, 'the refused call is recorded');
  assert.equal(rec.errorCode, 'AccessDenied');
  assert.equal(rec.recipientAccountId, account);
  assert.equal(rec.awsRegion, 'us-east-1');
  assert.equal(rec.userIdentity.sessionContext.sessionIssuer.arn, `arn:aws:iam::${account}:role/chat-noiam`);
  // The policy denies IAM only: the channel runs everything else.
  assert.match(await ask('C0NOIAM', 'sts get-caller-identity'), new RegExp(`assumed-role/chat-noiam/chatbot-session`));

  // The same role, assumed from the AWS CLI: no aws:ChatbotSourceArn, so IAM is allowed.
  const creds = (await ok(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/chat-noiam`, '--role-session-name', 'from-cli'])).Credentials;
  const r = await srv.aws(['iam', 'list-users'], { creds: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken } });
  assert.equal(r.code, 0, r.stderr);
  const fromCli = (await lookup('us-east-1', 'ListUsers')).find((x) => x.userIdentity.arn === `arn:aws:sts::${account}:assumed-role/chat-noiam/from-cli`);
  assert.ok(fromCli);
  assert.equal(fromCli.errorCode, undefined);
});

test('the same example as a channel guardrail denies IAM in that channel only', async () => {
  const denied = await ask('C0GUARD', 'iam list-roles');
  assert.equal(denied, `*iam list-roles (global)* failed: \`AccessDenied\`\nUser: ${session('chat-admin')} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${account}:role/ with an explicit deny in a session policy\n_Refused by the channel's guardrail policy \`arn:aws:iam::${account}:policy/chat-guardrail\`: it denies \`iam:ListRoles\`, whatever the role allows. An administrator can change the guardrails in the channel configuration._`);
  const rec = (await lookup('us-east-1', 'ListRoles')).filter((r) => r.userIdentity.arn === session('chat-admin'));
  assert.equal(rec.length, 1);
  assert.equal(rec[0].errorCode, 'AccessDenied');
  assert.equal(rec[0].recipientAccountId, account);
  assert.match(await ask('C0OPS', 'iam list-roles'), /^\*iam list-roles \(global\): 2 roles\*\n```RoleName {4}Arn/);
  assert.equal((await lookup('us-east-1', 'ListRoles')).filter((r) => r.userIdentity.arn === session('chat-admin') && !r.errorCode).length, 1);
});
