// Chat commands for forwarded services (issue 11): `@aws ec2 describe-instances --region us-west-2`,
// `@aws logs describe-log-groups`, `@aws cloudwatch describe-alarms` run through the same executor as
// native ones (the channel's role assumed as chatbot-session, records per region), a write asks
// first, and a guardrail refuses what it does not grant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0BACK';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function ok(args: string[], region = 'us-east-1') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

let tsCounter = 1710000000;
async function ask(channel: string, text: string, user = 'U0ALICE') {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user, text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return { ts, reply: await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 15_000) };
}

async function records(): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (await srv.app.stores.events.readAfter(0, 100_000)).map((e) => JSON.parse(e.record) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Backend Ops', channels: [{ id: 'C0OPS', name: 'ops' }, { id: 'C0RO', name: 'read-only' }], users: [{ id: 'U0ALICE', name: 'alice' }] });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_BACKEND: 'moto', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.1',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.1', clientSecret: 'csecret' });
  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document', trust]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  for (const [channel, name, extra] of [['C0OPS', 'ops', []], ['C0RO', 'read-only', ['--guardrail-policy-arns', 'arn:aws:iam::aws:policy/ReadOnlyAccess']]] as const) {
    await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', channel,
      '--configuration-name', name, '--iam-role-arn', `arn:aws:iam::${account}:role/chat-admin`, ...extra]);
  }
  await ok(['ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '1', '--instance-type', 't3.nano'], 'us-west-2');
  await ok(['logs', 'create-log-group', '--log-group-name', '/chat/app']);
  await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', 'chat-cpu', '--metric-name', 'CPUUtilization', '--namespace', 'AWS/EC2',
    '--statistic', 'Average', '--period', '60', '--threshold', '90', '--comparison-operator', 'GreaterThanThreshold', '--evaluation-periods', '1']);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('three read commands, answered in the thread and recorded by the channel\'s assumed role in the region asked', async () => {
  const ec2 = await ask('C0OPS', 'ec2 describe-instances --region us-west-2');
  // Reservations only group instances: the instances are the rows.
  assert.match(ec2.reply.text ?? '', /describe-instances \(us-west-2\): 1 instance\*/);
  assert.match(ec2.reply.text ?? '', /i-[0-9a-f]+ +t3\.nano/);
  const logs = await ask('C0OPS', 'logs describe-log-groups');
  assert.match(logs.reply.text ?? '', /\/chat\/app/);
  const alarms = await ask('C0OPS', 'cloudwatch describe-alarms');
  assert.match(alarms.reply.text ?? '', /chat-cpu/);
  const recs = await records();
  const describe = recs.find((r) => r.eventName === 'DescribeInstances' && r.userIdentity.type === 'AssumedRole');
  assert.ok(describe, 'DescribeInstances recorded as the assumed role');
  assert.equal(describe.userIdentity.arn, `arn:aws:sts::${account}:assumed-role/chat-admin/chatbot-session`);
  assert.equal(describe.awsRegion, 'us-west-2');
  assert.equal(describe.readOnly, true);
  const alarm = recs.find((r) => r.eventName === 'DescribeAlarms' && r.userIdentity.type === 'AssumedRole');
  assert.equal(alarm?.eventSource, 'monitoring.amazonaws.com');
});

test('a write asks first and runs once confirmed; a guardrail refuses it and the refusal is recorded', async () => {
  const asked = await ask('C0OPS', 'logs create-log-group --log-group-name /chat/made');
  const blocks = JSON.stringify(asked.reply.blocks ?? []);
  const value = /"value":"([^"]+)"/.exec(blocks)?.[1];
  assert.ok(value, `a confirmation was asked: ${asked.reply.text}`);
  await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel: 'C0OPS', actionId: 'chattrail_confirm', value, messageTs: asked.reply.ts }));
  await peer.waitForPost((p) => p.thread_ts === asked.ts && /create-log-group/.test(p.text ?? '') && !/run it\?/.test(p.text ?? ''), 15_000);
  const groups = (await ok(['logs', 'describe-log-groups'])).logGroups.map((g: { logGroupName: string }) => g.logGroupName);
  assert.ok(groups.includes('/chat/made'), groups.join(', '));

  const ro = await ask('C0RO', 'logs create-log-group --log-group-name /chat/refused');
  const roValue = /"value":"([^"]+)"/.exec(JSON.stringify(ro.reply.blocks ?? []))?.[1];
  if (roValue) {
    await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0ALICE', channel: 'C0RO', actionId: 'chattrail_confirm', value: roValue, messageTs: ro.reply.ts }));
  }
  await peer.waitForPost((p) => p.thread_ts === ro.ts && /AccessDenied|not authorized/i.test(p.text ?? ''), 15_000);
  assert.ok(!(await ok(['logs', 'describe-log-groups'])).logGroups.some((g: { logGroupName: string }) => g.logGroupName === '/chat/refused'));
  const refused = (await records()).find((r) => r.eventName === 'CreateLogGroup' && r.errorCode && r.userIdentity.type === 'AssumedRole');
  assert.ok(refused, 'the refused call is recorded');
});

test('help lists forwarded services', async () => {
  const help = await ask('C0OPS', 'help');
  assert.match(help.reply.text ?? '', /`ec2`/);
  assert.match(help.reply.text ?? '', /`cloudwatch`/);
});
