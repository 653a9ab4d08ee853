// SNS notifications into Slack, end to end: a channel configuration that lists topics makes AWS
// Chatbot subscribe its endpoint to them (recorded as chatbot.amazonaws.com); what is published
// to a topic with the AWS CLI is posted into the channel the way AWS Chatbot formats it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';

const TEAM = 'T0NOTIFY';
const CHATBOT_ENDPOINT = 'https://global.sns-api.chatbot.amazonaws.com';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let alerts: string;
let deploys: string;

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

async function publish(topicArn: string, message: unknown) {
  const region = topicArn.split(':')[3];
  return ok(['sns', 'publish', '--topic-arn', topicArn, '--message', typeof message === 'string' ? message : JSON.stringify(message)], region);
}

const custom = (description: string, extra: Record<string, unknown> = {}) => ({ version: '1.0', source: 'custom', content: { description, ...extra } });

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Notify', channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0QUIET', name: 'quiet' }], users: [{ id: 'U0ANN', name: 'ann' }] });
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.n', CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: 's',
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.n', clientSecret: 'csecret' });
  alerts = (await ok(['sns', 'create-topic', '--name', 'alerts'], 'us-west-2')).TopicArn as string;
  deploys = (await ok(['sns', 'create-topic', '--name', 'deploys'])).TopicArn as string;
  await ok(['iam', 'create-role', '--role-name', 'notify', '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] })]);
  const role = `arn:aws:iam::${account}:role/notify`;
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0ALERTS',
    '--configuration-name', 'alerts', '--iam-role-arn', role, '--sns-topic-arns', alerts]);
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0QUIET',
    '--configuration-name', 'quiet', '--iam-role-arn', role]);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('a configuration with topics subscribes AWS Chatbot to them, recorded as the service', async () => {
  const subs = (await ok(['sns', 'list-subscriptions-by-topic', '--topic-arn', alerts], 'us-west-2')).Subscriptions as Record<string, string>[];
  assert.equal(subs.length, 1);
  assert.equal(subs[0].Endpoint, CHATBOT_ENDPOINT);
  assert.equal(subs[0].Protocol, 'https');
  assert.match(subs[0].SubscriptionArn, new RegExp(`^${alerts}:`), 'confirmed, not PendingConfirmation');
  const events = (await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=Subscribe'], 'us-west-2')).Events as { CloudTrailEvent: string }[];
  const record = JSON.parse(events[0].CloudTrailEvent) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(record.userIdentity.type, 'AWSService');
  assert.equal(record.userIdentity.invokedBy, 'chatbot.amazonaws.com');
  assert.equal(record.requestParameters.topicArn, alerts);
  assert.equal(record.requestParameters.endpoint, CHATBOT_ENDPOINT);
});

test('custom notifications are posted to the channels listing the topic, threaded by threadId', async () => {
  await publish(alerts, custom('Stage *prod* failed.', { title: 'Deploy failed', nextSteps: ['Roll back'] }));
  const first = await peer.waitForPost((p) => p.channel === 'C0ALERTS' && /Stage \*prod\* failed/.test(p.text ?? ''), 5000);
  assert.match(first.text ?? '', /\*Deploy failed\*/);
  assert.match(JSON.stringify(first.blocks), /Next steps/);
  assert.equal(first.thread_ts, undefined);
  await publish(alerts, { ...custom('rollout 1 of 2'), metadata: { threadId: 'release-7' } });
  const opener = await peer.waitForPost((p) => /rollout 1 of 2/.test(p.text ?? ''), 5000);
  await publish(alerts, { ...custom('rollout 2 of 2'), metadata: { threadId: 'release-7' } });
  const reply = await peer.waitForPost((p) => /rollout 2 of 2/.test(p.text ?? ''), 5000);
  assert.equal(reply.thread_ts, opener.ts, 'the second message of a thread id replies in the first one\'s thread');
  assert.equal(peer.posted().filter((p) => p.channel === 'C0QUIET').length, 0, 'a configuration without the topic gets nothing');
});

test('CloudWatch alarms are formatted; plain text is not delivered, as in AWS Chatbot', async () => {
  await publish(alerts, 'just some plain text');
  await publish(alerts, {
    AlarmName: 'HighLatency', AWSAccountId: account, NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: 'Threshold Crossed', Region: 'US West (Oregon)',
  });
  const alarm = await peer.waitForPost((p) => /HighLatency/.test(p.text ?? ''), 5000);
  assert.match(alarm.text ?? '', /CloudWatch Alarm \| HighLatency \| US West \(Oregon\)/);
  assert.equal(peer.posted().filter((p) => /just some plain text/.test(p.text ?? '')).length, 0);
});

test('adding a topic with update-slack-channel-configuration subscribes it; MessageStructure json picks the https text', async () => {
  await ok(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', `arn:aws:chatbot::${account}:chat-configuration/slack-channel/quiet`,
    '--slack-channel-id', 'C0QUIET', '--sns-topic-arns', deploys]);
  const subs = (await ok(['sns', 'list-subscriptions-by-topic', '--topic-arn', deploys])).Subscriptions as Record<string, string>[];
  assert.deepEqual(subs.map((s) => s.Endpoint), [CHATBOT_ENDPOINT]);
  await ok(['sns', 'publish', '--topic-arn', deploys, '--message-structure', 'json', '--message',
    JSON.stringify({ default: 'plain default', https: JSON.stringify(custom('deploy 99 done')) })]);
  const posted = await peer.waitForPost((p) => p.channel === 'C0QUIET' && /deploy 99 done/.test(p.text ?? ''), 5000);
  assert.ok(posted);
});

test('a revoked bot token marks the configurations for re-authorization instead of failing silently', async () => {
  peer.revokeToken(peer.bot(TEAM).token);
  await publish(alerts, custom('nobody will see this'));
  let state = '';
  for (let i = 0; i < 50 && state !== 'DISABLED'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const configs = (await ok(['chatbot', 'describe-slack-channel-configurations', '--chat-configuration-arn', `arn:aws:chatbot::${account}:chat-configuration/slack-channel/alerts`])).SlackChannelConfigurations as Record<string, string>[];
    state = configs[0].State;
    if (state === 'DISABLED') assert.match(configs[0].StateReason, /token_revoked/);
  }
  assert.equal(state, 'DISABLED');
});
