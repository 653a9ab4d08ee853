// Issue 14, end to end against the Slack peer: a refusal says which layer refused and names the
// policy (the role's inline policy, a guardrail, a permissions boundary), with the real error code in
// CloudTrail; a command outlasting AWS Chatbot's 15 s answers as timed out while its call is still
// recorded; notifications beyond a configuration's rate, or that Chatbot does not deliver, are
// dropped, logged and counted on the console's chat client page (its API).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { startTestServer, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, sendEvent } from '../slack-peer/events.js';

const SECRET = 'limits-signing-secret';
const TEAM = 'T0LIMIT';
let peer: SlackPeer;
let srv: TestServer;
let slow: http.Server;
let account: string;
let botUser: string;
let topic: string;
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}
let tsCounter = 1730000000;
async function ask(channel: string, text: string, timeoutMs = 10_000) {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user: 'U0ALICE', text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return (await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, timeoutMs)).text ?? '';
}
async function records(name: string): Promise<Rec[]> {
  return (await srv.app.stores.events.readAfter(0, 100_000)).map((e) => JSON.parse(e.record) as Rec).filter((r) => r.eventName === name);
}
const session = (role: string) => `arn:aws:sts::${account}:assumed-role/${role}/chatbot-session`;
const policyDoc = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

before(async () => {
  // A backend emulator that answers its readiness probe at once and every other call after 16 s.
  slow = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const acct = String(req.headers['x-moto-account-id']);
      if (body.includes('Action=GetCallerIdentity')) {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(`<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::${acct}:user/moto</Arn><UserId>X</UserId><Account>${acct}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"QueueUrls":[]}'), 16_000);
    });
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Limits',
    channels: [{ id: 'C0DENY', name: 'deny' }, { id: 'C0GUARD', name: 'guard' }, { id: 'C0BOUND', name: 'bound' }, { id: 'C0SLOW', name: 'slow' }, { id: 'C0NOTE', name: 'note' }],
    users: [{ id: 'U0ALICE', name: 'alice' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.lim', CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret',
    CHATTRAIL_SLACK_SIGNING_SECRET: SECRET, CHATTRAIL_BACKEND_URL: `http://127.0.0.1:${(slow.address() as net.AddressInfo).port}`, CHATTRAIL_BACKEND_TIMEOUT_SECONDS: '30',
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.lim', clientSecret: 'csecret' });
  const trust = policyDoc({ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' });
  const boundary = await ok(['iam', 'create-policy', '--policy-name', 'sts-only-boundary', '--policy-document', policyDoc({ Effect: 'Allow', Action: 'sts:*', Resource: '*' })]);
  for (const role of ['chat-denied', 'chat-admin', 'chat-bounded']) {
    await ok(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust,
      ...(role === 'chat-bounded' ? ['--permissions-boundary', boundary.Policy.Arn] : [])]);
    await ok(['iam', 'attach-role-policy', '--role-name', role, '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  }
  await ok(['iam', 'put-role-policy', '--role-name', 'chat-denied', '--policy-name', 'no-iam-writes',
    '--policy-document', policyDoc({ Sid: 'NoUserChanges', Effect: 'Deny', Action: 'iam:List*', Resource: '*' })]);
  const guard = await ok(['iam', 'create-policy', '--policy-name', 'no-sns-reads', '--policy-document',
    policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'KeepTopicsPrivate', Effect: 'Deny', Action: 'sns:ListTopics', Resource: '*' })]);
  topic = (await ok(['sns', 'create-topic', '--name', 'limits'])).TopicArn as string;
  const configure = (channel: string, role: string, extra: string[] = []) => ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM,
    '--slack-channel-id', channel, '--configuration-name', channel.slice(2).toLowerCase(), '--iam-role-arn', `arn:aws:iam::${account}:role/${role}`, ...extra]);
  await configure('C0DENY', 'chat-denied');
  await configure('C0GUARD', 'chat-admin', ['--guardrail-policy-arns', guard.Policy.Arn]);
  await configure('C0BOUND', 'chat-bounded');
  await configure('C0SLOW', 'chat-admin');
  await configure('C0NOTE', 'chat-admin', ['--sns-topic-arns', topic]);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
  slow?.closeAllConnections();
  await new Promise((r) => slow?.close(r));
});

test("a refusal names the layer and the policy: the role's inline policy, a guardrail, a permissions boundary", async () => {
  assert.equal(await ask('C0DENY', 'iam list-users'),
    `*iam list-users (global)* failed: \`AccessDenied\`\nUser: ${session('chat-denied')} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${account}:user/ with an explicit deny in an identity-based policy\n`
    + "_Refused by the channel's IAM role `chat-denied`: its inline policy `no-iam-writes` denies `iam:ListUsers` (statement `NoUserChanges`). An administrator can change the role's policies in IAM._");
  // SNS names its actions `SNS:...` in its messages, as AWS's SNS does.
  assert.match(await ask('C0GUARD', 'sns list-topics'),
    new RegExp(`with an explicit deny in a session policy\\n_Refused by the channel's guardrail policy \`arn:aws:iam::${account}:policy/no-sns-reads\`: it denies \`SNS:ListTopics\` \\(statement \`KeepTopicsPrivate\`\\), whatever the role allows\\.`));
  assert.match(await ask('C0BOUND', 'sns list-topics'),
    new RegExp(`because no permissions boundary allows the SNS:ListTopics action\\n_Refused by the permissions boundary \`arn:aws:iam::${account}:policy/sts-only-boundary\` of the channel's IAM role \`chat-bounded\`: it does not allow \`SNS:ListTopics\``));

  // CloudTrail keeps the real error code, who, which account, which region.
  const users = (await records('ListUsers')).find((r) => r.userIdentity.arn === session('chat-denied'));
  assert.equal(users?.errorCode, 'AccessDenied');
  assert.equal(users?.recipientAccountId, account);
  assert.equal(users?.awsRegion, 'us-east-1');
  // SNS answers AuthorizationError on the wire; its CloudTrail records say AccessDenied (src/records' rules).
  const topics = (await records('ListTopics')).filter((r) => r.userIdentity.type === 'AssumedRole');
  assert.deepEqual(topics.map((r) => [r.userIdentity.sessionContext.sessionIssuer.userName, r.errorCode, r.awsRegion, r.recipientAccountId]).sort(),
    [['chat-admin', 'AccessDenied', 'us-east-2', account], ['chat-bounded', 'AccessDenied', 'us-east-2', account]]);
});

test('a command longer than 15 s answers as timed out; its call still completes and is recorded', async () => {
  const t0 = Date.now();
  const answer = await ask('C0SLOW', 'sqs list-queues', 20_000);
  const took = Date.now() - t0;
  assert.equal(answer, '*sqs list-queues* timed out: commands in chat have 15 seconds to answer, as in AWS Chatbot. The call was made and may still complete (CloudTrail records it); run long jobs asynchronously, e.g. `lambda invoke --invocation-type Event`.');
  assert.ok(took >= 15_000 && took < 16_000, `answered after ${took} ms`);
  let rec: Rec | undefined;
  for (let i = 0; i < 40 && !rec; i++) {
    rec = (await records('ListQueues')).find((r) => r.userIdentity.arn === session('chat-admin'));
    if (!rec) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(rec, 'the call that outlasted the chat timeout is recorded when it completes');
  assert.equal(rec.recipientAccountId, account);
  assert.equal(rec.awsRegion, 'us-east-2');
  assert.equal(rec.errorCode, undefined);
});

test('notifications beyond ten a second, and ones Chatbot does not deliver, are dropped, logged and counted on the chat client page', async () => {
  const sns = new SNSClient(srv.sdkConfig('us-east-2'));
  const before = peer.posted().filter((p) => p.channel === 'C0NOTE').length;
  await Promise.all(Array.from({ length: 25 }, (_, i) => sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify({ version: '1.0', source: 'custom', content: { description: `burst ${i}` } }) }))));
  await sns.send(new PublishCommand({ TopicArn: topic, Message: 'plain text is not a notification' }));
  // The console's chat client page, as a signed-in user sees it.
  const signin = await fetch(`${srv.url}/console/api/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: srv.url },
    body: JSON.stringify({ accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey }),
  });
  assert.equal(signin.status, 200);
  const cookie = /chattrail_session=[^;]+/.exec(signin.headers.get('set-cookie') ?? '')![0];
  type Drops = { configurationArn: string; total: number; byReason: Record<string, number> };
  let note: Drops | undefined;
  for (let i = 0; i < 40; i++) {
    const res = await fetch(`${srv.url}/console/api/chat/drops`, { headers: { cookie } });
    assert.equal(res.status, 200);
    note = ((await res.json()) as { drops: Drops[] }).drops.find((d) => d.configurationArn.endsWith('/note'));
    const posted = peer.posted().filter((p) => p.channel === 'C0NOTE').length - before;
    if (note && note.byReason['not-json'] === 1 && posted + (note.byReason.throttled ?? 0) === 25) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const posted = peer.posted().filter((p) => p.channel === 'C0NOTE').length - before;
  assert.ok(note);
  assert.ok((note.byReason.throttled ?? 0) >= 5, `throttled ${JSON.stringify(note.byReason)}`);
  assert.equal(posted + note.byReason.throttled, 25, 'every notification is either posted or counted');
  assert.ok(posted >= 10 && posted <= 20, `posted ${posted}`);
  assert.equal(note.byReason['not-json'], 1);
  assert.equal(note.total, note.byReason.throttled + 1);
  // The other configurations of the account dropped nothing.
  const all = ((await (await fetch(`${srv.url}/console/api/chat/drops`, { headers: { cookie } })).json()) as { drops: Drops[] }).drops;
  assert.equal(all.length, 5);
  assert.deepEqual(all.filter((d) => d !== undefined && !d.configurationArn.endsWith('/note')).map((d) => d.total), [0, 0, 0, 0]);
});
