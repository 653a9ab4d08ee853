// Caches follow the documents they hold, with no invalidation in any handler: a deactivated or
// deleted access key, a detached policy, and a Chatbot channel whose guardrails were narrowed or
// whose configuration was deleted are each refused by the very next call, with the cache warmed
// by the call just before (the real AWS CLI, and Slack events from the local Slack peer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, sendEvent } from '../slack-peer/events.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0CACHE';
const CHANNEL = 'C0CACHE';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function ok(args: string[], creds?: { accessKeyId: string; secretAccessKey: string }) {
  const r = await srv.aws(args, { region: 'us-east-2', creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

/** A user with an access key of its own (and the given managed policy attached, if any). */
async function userWithKey(name: string, policyArn?: string) {
  await ok(['iam', 'create-user', '--user-name', name]);
  if (policyArn) await ok(['iam', 'attach-user-policy', '--user-name', name, '--policy-arn', policyArn]);
  const key = (await ok(['iam', 'create-access-key', '--user-name', name])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

let tsCounter = 1710000000;
/** Sends `@aws <text>` in the channel and returns the bot's first answer in that thread. */
async function ask(text: string): Promise<string> {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: CHANNEL, user: 'U0ALICE', text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return (await peer.waitForPost((p) => p.channel === CHANNEL && p.thread_ts === ts, 10_000)).text ?? '';
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Cache Ops', channels: [{ id: CHANNEL, name: 'cache' }], users: [{ id: 'U0ALICE', name: 'alice' }] });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.1',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.1', clientSecret: 'csecret' });
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('a deactivated, reactivated and deleted access key: each change governs the very next request', async () => {
  const kate = await userWithKey('kate');
  const who = () => srv.aws(['sts', 'get-caller-identity'], { region: 'us-east-2', creds: kate });
  assert.match((await ok(['sts', 'get-caller-identity'], kate)).Arn, /:user\/kate$/, 'resolved, and now cached');
  await ok(['iam', 'update-access-key', '--user-name', 'kate', '--access-key-id', kate.accessKeyId, '--status', 'Inactive']);
  assert.equal(cliErrorCode(await who()), 'InvalidClientTokenId', 'inactive at once');
  await ok(['iam', 'update-access-key', '--user-name', 'kate', '--access-key-id', kate.accessKeyId, '--status', 'Active']);
  assert.equal((await who()).code, 0, 'active again at once');
  await ok(['iam', 'delete-access-key', '--user-name', 'kate', '--access-key-id', kate.accessKeyId]);
  assert.equal(cliErrorCode(await who()), 'InvalidClientTokenId', 'deleted at once');
});

test('a detached policy no longer allows the very next call', async () => {
  const lee = await userWithKey('lee', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
  assert.ok(Array.isArray((await ok(['iam', 'list-users'], lee)).Users), 'allowed, and the policy set is now cached');
  await ok(['iam', 'detach-user-policy', '--user-name', 'lee', '--policy-arn', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess']);
  const refused = await srv.aws(['iam', 'list-users'], { region: 'us-east-2', creds: lee });
  assert.equal(cliErrorCode(refused), 'AccessDenied');
  assert.match(refused.stderr, /because no identity-based policy allows the iam:ListUsers action/);
});

test('a channel whose guardrails narrow, then whose configuration is deleted, refuses the very next command', async () => {
  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document', trust]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  const made = await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', CHANNEL,
    '--configuration-name', 'cache', '--iam-role-arn', `arn:aws:iam::${account}:role/chat-admin`]);
  const arn = made.ChannelConfiguration.ChatConfigurationArn as string;

  assert.match(await ask('iam list-users'), /^\*iam list-users \(global\): \d+ users?\*/, 'allowed under the default guardrail, and the configuration is now cached');
  await ok(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', arn, '--slack-channel-id', CHANNEL,
    '--guardrail-policy-arns', 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess']);
  // AWSLambda_ReadOnlyAccess allows iam:ListRoles, not iam:ListUsers.
  const narrowed = await ask('iam list-users');
  assert.match(narrowed, /failed: `AccessDenied`/);
  assert.match(narrowed, /guardrail policies do not allow this/);

  await ok(['chatbot', 'delete-slack-channel-configuration', '--chat-configuration-arn', arn]);
  const gone = await ask('sts get-caller-identity');
  assert.match(gone, /create-slack-channel-configuration/, 'the channel is no longer configured');
  assert.doesNotMatch(gone, /assumed-role/);
});
