// Issue 14, Organizations' chat applications policies end to end: the AWS CLI creates an
// organization, enables CHATBOT_POLICY on its root, creates, attaches, updates and detaches policies;
// a command in a channel of the management account is refused while the effective policy forbids
// the workspace, the channel role or public channels, naming the policy, and runs once detached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, sendEvent } from '../slack-peer/events.js';

const SECRET = 'orgp-signing-secret';
const TEAM = 'T0ORGP';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json as Rec;
}
const org = (...args: string[]) => srv.aws(['organizations', ...args], { region: 'us-east-2' });

let tsCounter = 1730000000;
async function ask(text: string): Promise<string> {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: 'C0PUB', user: 'U0ALICE', text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return (await peer.waitForPost((p) => p.channel === 'C0PUB' && p.thread_ts === ts, 10_000)).text ?? '';
}

async function lookup(region: string, name: string): Promise<Rec[]> {
  const r = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`], region);
  return (r.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Rec);
}

const slackPolicy = (slack: unknown) => JSON.stringify({ chatbot: { platforms: { slack } } });

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Org Policies', channels: [{ id: 'C0PUB', name: 'ops' }], users: [{ id: 'U0ALICE', name: 'alice' }] });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.orgp',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.orgp', clientSecret: 'csecret' });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document', trust]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0PUB',
    '--configuration-name', 'ops', '--iam-role-arn', `arn:aws:iam::${account}:role/chat-admin`]);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('CHATBOT_POLICY: enable on the root, attach, refuse naming the policy, merge, detach and run', async () => {
  assert.match(await ask('sts get-caller-identity'), /"Account"|Account/, 'no organization: the command runs');
  await ok(['organizations', 'create-organization', '--feature-set', 'ALL']);
  const rootId = (await ok(['organizations', 'list-roots'])).Roots[0].Id as string;

  // A policy can be created before its type is enabled, not attached.
  const p1 = (await ok(['organizations', 'create-policy', '--name', 'other-workspace-only', '--description', 'Slack: T0OTHER only', '--type', 'CHATBOT_POLICY',
    '--content', slackPolicy({ client: { '@@assign': 'enabled' }, workspaces: { '@@assign': ['T0OTHER'] } })])).Policy.PolicySummary;
  assert.match(p1.Id, /^p-[0-9a-z]{10}$/);
  assert.equal(p1.Arn, `arn:aws:organizations::${account}:policy/${(await ok(['organizations', 'describe-organization'])).Organization.Id}/chatbot_policy/${p1.Id}`);
  assert.equal(cliErrorCode(await org('attach-policy', '--policy-id', p1.Id, '--target-id', rootId)), 'PolicyTypeNotEnabledException');
  const enabled = await ok(['organizations', 'enable-policy-type', '--root-id', rootId, '--policy-type', 'CHATBOT_POLICY']);
  assert.deepEqual(enabled.Root.PolicyTypes, [{ Type: 'CHATBOT_POLICY', Status: 'ENABLED' }]);
  assert.equal(cliErrorCode(await org('enable-policy-type', '--root-id', rootId, '--policy-type', 'CHATBOT_POLICY')), 'PolicyTypeAlreadyEnabledException');
  assert.equal(cliErrorCode(await org('create-policy', '--name', 'bad', '--description', 'd', '--type', 'CHATBOT_POLICY',
    '--content', slackPolicy({ client: { '@@assign': 'maybe' } }))), 'MalformedPolicyDocumentException');
  assert.equal(cliErrorCode(await org('create-policy', '--name', 'other-workspace-only', '--description', 'd', '--type', 'CHATBOT_POLICY',
    '--content', slackPolicy({}))), 'DuplicatePolicyException');

  await ok(['organizations', 'attach-policy', '--policy-id', p1.Id, '--target-id', rootId]);
  assert.equal(cliErrorCode(await org('attach-policy', '--policy-id', p1.Id, '--target-id', rootId)), 'DuplicatePolicyAttachmentException');
  let reply = await ask('sts get-caller-identity');
  assert.match(reply, new RegExp(`refused by the chat applications policy \\*other-workspace-only\\* \\(\`${p1.Id}\`\\)`));
  assert.match(reply, /workspace T0ORGP is not one of the allowed workspaces/);
  // Writing an alias is a command in the channel too.
  assert.match(await ask('alias create whoami sts get-caller-identity'), new RegExp(`refused by the chat applications policy \\*other-workspace-only\\*`));

  // A second policy on the account: appends the workspace, requires user roles.
  const p2 = (await ok(['organizations', 'create-policy', '--name', 'user-roles', '--description', 'user roles only', '--type', 'CHATBOT_POLICY',
    '--content', slackPolicy({ workspaces: { '@@append': [TEAM] }, default: { supported_role_settings: { '@@assign': ['user_role'] } } })])).Policy.PolicySummary;
  await ok(['organizations', 'attach-policy', '--policy-id', p2.Id, '--target-id', account]);
  const eff = await ok(['organizations', 'describe-effective-policy', '--policy-type', 'CHATBOT_POLICY', '--target-id', account]);
  assert.equal(eff.EffectivePolicy.TargetId, account);
  assert.deepEqual(JSON.parse(eff.EffectivePolicy.PolicyContent), {
    chatbot: { platforms: { slack: { client: 'enabled', workspaces: ['T0OTHER', TEAM], default: { supported_role_settings: ['user_role'] } } } },
  });
  reply = await ask('sts get-caller-identity');
  assert.match(reply, new RegExp(`\\*user-roles\\* \\(\`${p2.Id}\`\\)`));
  assert.match(reply, /channel-level role/);

  // Public or private: Slack's conversations.info says C0PUB is public.
  await ok(['organizations', 'update-policy', '--policy-id', p2.Id, '--content',
    slackPolicy({ workspaces: { '@@append': [TEAM] }, default: { supported_channel_types: { '@@assign': ['private'] } } })]);
  assert.match(await ask('sts get-caller-identity'), /\*user-roles\*[^]*public channels are not allowed/);

  const forTarget = await ok(['organizations', 'list-policies-for-target', '--target-id', account, '--filter', 'CHATBOT_POLICY']);
  assert.deepEqual(forTarget.Policies.map((p: Rec) => p.Id), [p2.Id]);
  const targets = await ok(['organizations', 'list-targets-for-policy', '--policy-id', p1.Id]);
  assert.deepEqual(targets.Targets.map((t: Rec) => [t.TargetId, t.Type]), [[rootId, 'ROOT']]);
  assert.equal(cliErrorCode(await org('delete-policy', '--policy-id', p1.Id)), 'PolicyInUseException');
  assert.equal(cliErrorCode(await org('detach-policy', '--policy-id', p2.Id, '--target-id', rootId)), 'PolicyNotAttachedException');

  await ok(['organizations', 'detach-policy', '--policy-id', p2.Id, '--target-id', account]);
  assert.match(await ask('sts get-caller-identity'), /\*other-workspace-only\*[^]*not one of the allowed workspaces/);
  await ok(['organizations', 'detach-policy', '--policy-id', p1.Id, '--target-id', rootId]);
  const ran = await ask('sts get-caller-identity');
  assert.doesNotMatch(ran, /refused/);
  assert.match(ran, /chat-admin/);
  assert.equal(cliErrorCode(await org('describe-effective-policy', '--policy-type', 'CHATBOT_POLICY', '--target-id', account)), 'EffectivePolicyNotFoundException');
  const listed = await ok(['organizations', 'list-policies', '--filter', 'CHATBOT_POLICY']);
  assert.deepEqual(listed.Policies.map((p: Rec) => p.Name).sort(), ['other-workspace-only', 'user-roles']);

  // Organizations calls are recorded (global service: us-east-1); refused commands made no call.
  for (const name of ['EnablePolicyType', 'CreatePolicy', 'AttachPolicy', 'UpdatePolicy', 'DetachPolicy']) {
    const recs = await lookup('us-east-1', name);
    assert.ok(recs.length >= 1, `${name} recorded`);
    assert.equal(recs[0].eventSource, 'organizations.amazonaws.com');
    assert.equal(recs[0].recipientAccountId, account);
  }
  const attachRecs = await lookup('us-east-1', 'AttachPolicy');
  assert.ok(attachRecs.some((r) => r.errorCode === 'DuplicatePolicyAttachmentException'), 'the refused attach is recorded with its error');
  const calls = (await lookup('us-east-2', 'GetCallerIdentity')).filter((r) => String(r.userIdentity?.arn).includes(':assumed-role/chat-admin/'));
  assert.equal(calls.length, 2, 'only the two commands that ran called STS');
});
