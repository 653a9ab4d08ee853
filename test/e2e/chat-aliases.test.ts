// Aliases and custom actions that act, end to end against the local Slack peer: `@aws alias ...`
// makes custom actions through the Chatbot API as the channel's role (recorded, visible to the AWS
// CLI), `@aws run` fills and runs them like typed commands (confirmation for writes, denials
// recorded), and a custom action with an attachment is a button on matching notifications whose
// click runs its command as the clicking user. Home region us-east-2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer, type PostedMessage } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';

const SECRET = 'alias-signing-secret';
const TEAM = 'T0ALIAS';
let peer: SlackPeer;
let srv: TestServer;
let account: string;
let botUser: string;
let alerts: string;
const configArn = (name: string) => `arn:aws:chatbot::${account}:chat-configuration/slack-channel/${name}`;
const sessionArn = () => `arn:aws:sts::${account}:assumed-role/chat-admin/chatbot-session`;
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(args: string[], region = 'us-east-2') {
  const r = await srv.aws(args, { region });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

let tsCounter = 1710000000;
/** `@aws <text>` from `user` in `channel`; resolves with the bot's first answer in that thread. */
async function ask(channel: string, text: string, user = 'U0ALICE'): Promise<{ ts: string; reply: PostedMessage }> {
  const ts = `${++tsCounter}.000100`;
  const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user, text: `<@${botUser}> ${text}`, ts }), { teamId: TEAM, botUserId: botUser });
  assert.equal(r.status, 200);
  return { ts, reply: await peer.waitForPost((p) => p.channel === channel && p.thread_ts === ts, 10_000) };
}

async function click(channel: string, user: string, actionId: string, value: string, messageTs: string) {
  const r = await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user, channel, actionId, value, messageTs }));
  assert.equal(r.status, 200);
}

async function records(region: string, name: string): Promise<Rec[]> {
  const r = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`], region);
  return (r.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as Rec);
}

/** The chat role's session made the call, in this account and region. */
function bySession(r: Rec | undefined, region: string): void {
  assert.ok(r, 'recorded');
  assert.equal(r.userIdentity.type, 'AssumedRole');
  assert.equal(r.userIdentity.arn, sessionArn());
  assert.equal(r.recipientAccountId, account);
  assert.equal(r.awsRegion, region);
}

const buttonValue = (reply: PostedMessage) => /"value":"([^"]+)"/.exec(JSON.stringify(reply.blocks ?? []))?.[1];

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({
    teamId: TEAM, teamName: 'Alias Ops',
    channels: [{ id: 'C0OPS', name: 'ops' }, { id: 'C0RO', name: 'read-only' }, { id: 'C0OTHER', name: 'other' }],
    users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0BOB', name: 'bob' }],
  });
  botUser = peer.bot(TEAM).userId;
  srv = await startTestServer({
    CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.a',
    CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
  account = srv.admin.accountId;
  await connectSlackWorkspace(srv, peer, TEAM, { clientId: 'cid.a', clientSecret: 'csecret' });
  await ok(['iam', 'create-role', '--role-name', 'chat-admin', '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] })]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  alerts = (await ok(['sns', 'create-topic', '--name', 'alerts'])).TopicArn as string;
  await ok(['sns', 'create-topic', '--name', 'west-only'], 'us-west-2');
  const configure = (channel: string, name: string, extra: string[] = []) => ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM,
    '--slack-channel-id', channel, '--configuration-name', name, '--iam-role-arn', `arn:aws:iam::${account}:role/chat-admin`, ...extra]);
  await configure('C0OPS', 'ops', ['--sns-topic-arns', alerts]);
  await configure('C0RO', 'read-only', ['--guardrail-policy-arns', 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess']);
  await configure('C0OTHER', 'other');
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('alias create makes a custom action associated with the channel, as the channel\'s role; list and get show it', async () => {
  const { reply } = await ask('C0OPS', 'alias create topics sns list-topics --region $region');
  assert.match(reply.text ?? '', /Alias `topics` created: `sns list-topics --region \$region`/);
  assert.match(reply.text ?? '', /@aws run topics <region>/);
  const arn = `arn:aws:chatbot::${account}:custom-action/topics`;
  assert.ok((await ok(['chatbot', 'list-custom-actions'])).CustomActions.includes(arn), 'the AWS CLI sees it');
  const action = (await ok(['chatbot', 'get-custom-action', '--custom-action-arn', arn])).CustomAction;
  assert.equal(action.AliasName, 'topics');
  assert.equal(action.Definition.CommandText, 'sns list-topics --region $region');
  assert.deepEqual((await ok(['chatbot', 'list-associations', '--chat-configuration', configArn('ops')])).Associations, [{ Resource: arn }]);
  const created = (await records('us-east-2', 'CreateCustomAction')).find((r) => r.requestParameters?.ActionName === 'topics');
  bySession(created, 'us-east-2');
  assert.equal(created!.eventSource, 'chatbot.amazonaws.com');
  bySession((await records('us-east-2', 'AssociateToConfiguration'))[0], 'us-east-2');

  assert.match((await ask('C0OPS', 'alias list')).reply.text ?? '', /Aliases in this channel \(1\):\n• `topics`: `sns list-topics --region \$region`/);
  const got = (await ask('C0OPS', 'alias get topics')).reply.text ?? '';
  assert.match(got, /Variables: `\$region`/);
  assert.match(got, new RegExp(`Custom action: \`${arn}\``));
  assert.match((await ask('C0OTHER', 'alias list')).reply.text ?? '', /no aliases yet/, 'aliases belong to the channel they were made in');
  // Limits as the Chatbot model states them: the alias name's pattern, the command's length.
  assert.match((await ask('C0OPS', 'alias create bad.name sts get-caller-identity')).reply.text ?? '', /letters, digits, `-` and `_` only/);
  assert.match((await ask('C0OPS', `alias create long sns list-topics --region ${'x'.repeat(100)}`)).reply.text ?? '', /at most 100 characters .*this one has \d+/);
  assert.match((await ask('C0OPS', 'alias create topics sts get-caller-identity')).reply.text ?? '', /`ConflictException`/);
});

test('run fills variables positionally or with --var, and runs like a typed command, recorded in the region asked', async () => {
  const west = (await ask('C0OPS', 'run topics us-west-2')).reply.text ?? '';
  assert.match(west, /list-topics \(us-west-2\)/);
  assert.match(west, /west-only/);
  bySession((await records('us-west-2', 'ListTopics')).find((r) => r.userIdentity.type === 'AssumedRole'), 'us-west-2');
  const east = (await ask('C0OPS', 'run topics --var region=us-east-2')).reply.text ?? '';
  assert.match(east, /list-topics \(us-east-2\)/);
  assert.match(east, /alerts/);
  assert.doesNotMatch(east, /west-only/);
  assert.match((await ask('C0OPS', 'run topics')).reply.text ?? '', /`topics` needs `\$region`/);
  assert.match((await ask('C0OPS', 'run topics us-west-2 extra')).reply.text ?? '', /Too many values/);
  assert.match((await ask('C0OPS', 'run topics --var zone=a')).reply.text ?? '', /no variable `zone`/);
  assert.match((await ask('C0OTHER', 'run topics us-west-2')).reply.text ?? '', /This channel has no alias `topics`/);
});

test('the console\'s chat test panel runs an alias as the channel would', async () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${srv.url}/console/api/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const signin = await post('signin', { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey });
  assert.equal(signin.status, 200);
  const signed = { cookie: /chattrail_session=[^;]+/.exec(signin.headers.get('set-cookie') ?? '')![0], 'x-csrf-token': ((await signin.json()) as { csrfToken: string }).csrfToken };
  const panel = async (command: string) => (await (await post('chat/test', { channelConfigurationArn: configArn('ops'), command, confirm: false }, signed)).json()) as Rec;
  const ran = await panel('@aws run topics us-west-2');
  assert.equal(ran.ok, true);
  assert.match(ran.text, /list-topics \(us-west-2\)[\s\S]*west-only/);
  assert.match((await panel('@aws run topics')).text, /`topics` needs `\$region`/);
  assert.match((await panel('@aws alias list')).text, /made in the channel itself/);
});

test('a run that changes something asks first with the filled command; confirmed, it runs and is recorded', async () => {
  assert.match((await ask('C0OPS', 'alias create mktopic sns create-topic --name $name')).reply.text ?? '', /Alias `mktopic` created/);
  const asked = await ask('C0OPS', 'run mktopic "made-by-alias"');
  assert.match(asked.reply.text ?? '', /This command changes resources:\n`sns create-topic --name made-by-alias`/);
  const value = buttonValue(asked.reply);
  assert.ok(value);
  assert.equal((await ok(['sns', 'list-topics'])).Topics.some((t: { TopicArn: string }) => t.TopicArn.endsWith(':made-by-alias')), false, 'nothing ran before the confirmation');
  await click('C0OPS', 'U0ALICE', 'chattrail_confirm', value, asked.reply.ts);
  await peer.waitForPost((p) => p.thread_ts === asked.ts && /create-topic \(us-east-2\)/.test(p.text ?? ''), 10_000);
  bySession((await records('us-east-2', 'CreateTopic')).find((r) => r.requestParameters?.name === 'made-by-alias'), 'us-east-2');
});

test('denials: alias create and a CLI-made custom action\'s write are refused by the guardrail and recorded', async () => {
  const refused = (await ask('C0RO', 'alias create nope sts get-caller-identity')).reply.text ?? '';
  assert.match(refused, /\*alias create\* failed: `AccessDenied/);
  assert.match(refused, /guardrail/);
  // A refused call's record keeps no requestParameters; its error code says what happened.
  const denied = (await records('us-east-2', 'CreateCustomAction')).find((r) => r.errorCode);
  bySession(denied, 'us-east-2');
  assert.match(String(denied!.errorCode), /^AccessDenied/);

  // Made with the AWS CLI, associated with the read-only channel: runnable there by its alias.
  const arn = (await ok(['chatbot', 'create-custom-action', '--action-name', 'cli-topic', '--alias-name', 'climk',
    '--definition', 'CommandText=sns create-topic --name $name'])).CustomActionArn as string;
  await ok(['chatbot', 'associate-to-configuration', '--resource', arn, '--chat-configuration', configArn('read-only')]);
  assert.match((await ask('C0RO', 'alias list')).reply.text ?? '', /`climk`: `sns create-topic --name \$name`/);
  const asked = await ask('C0RO', 'run climk denied-topic');
  assert.match(asked.reply.text ?? '', /`sns create-topic --name denied-topic`/);
  await click('C0RO', 'U0ALICE', 'chattrail_confirm', buttonValue(asked.reply)!, asked.reply.ts);
  const answer = await peer.waitForPost((p) => p.thread_ts === asked.ts && /failed/.test(p.text ?? ''), 10_000);
  assert.match(answer.text ?? '', /`AuthorizationError`|`AccessDenied/);
  const rec = (await records('us-east-2', 'CreateTopic')).find((r) => r.errorCode);
  bySession(rec, 'us-east-2');
  assert.match(String(rec!.errorCode), /^(AccessDenied|AuthorizationError)/);
  assert.equal(cliErrorCode(await srv.aws(['sns', 'get-topic-attributes', '--topic-arn', `arn:aws:sns:us-east-2:${account}:denied-topic`], { region: 'us-east-2' })), 'NotFound');
});

test('a custom action with an attachment is a button on matching notifications; a click runs it as the clicker', async () => {
  const attachments = [
    { NotificationType: 'CloudWatch', ButtonText: 'Subscriptions', Variables: { topic: 'AlarmActions[0]' },
      Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }, { Operator: 'HAS_VALUE', VariableName: 'topic' }] },
  ];
  const subs = (await ok(['chatbot', 'create-custom-action', '--action-name', 'alarm-subs', '--attachments', JSON.stringify(attachments),
    '--definition', 'CommandText=sns list-subscriptions-by-topic --topic-arn $topic'])).CustomActionArn as string;
  const okOnly = (await ok(['chatbot', 'create-custom-action', '--action-name', 'ok-only', '--definition', 'CommandText=sns list-topics',
    '--attachments', JSON.stringify([{ NotificationType: 'CloudWatch', ButtonText: 'Only when OK', Criteria: [{ Operator: 'EQUALS', VariableName: 'NewStateValue', Value: 'OK' }] }])])).CustomActionArn as string;
  const ack = (await ok(['chatbot', 'create-custom-action', '--action-name', 'ack', '--definition', JSON.stringify({ CommandText: 'sns tag-resource --resource-arn $topic --tags Key=acked,Value=$AlarmName' }),
    '--attachments', JSON.stringify([{ NotificationType: 'CloudWatch', ButtonText: 'Acknowledge', Variables: { topic: 'AlarmActions[0]' } }])])).CustomActionArn as string;
  for (const a of [subs, okOnly, ack]) await ok(['chatbot', 'associate-to-configuration', '--resource', a, '--chat-configuration', configArn('ops')]);

  await ok(['sns', 'publish', '--topic-arn', alerts, '--message', JSON.stringify({
    AlarmName: 'HighLatency', AWSAccountId: account, NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: 'Threshold Crossed', Region: 'US East (Ohio)', AlarmActions: [alerts],
  })]);
  const card = await peer.waitForPost((p) => p.channel === 'C0OPS' && /HighLatency/.test(p.text ?? ''), 10_000);
  const actions = (card.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).find((b) => b.type === 'actions');
  assert.deepEqual(actions?.elements?.map((e) => e.text.text), ['Acknowledge', 'Subscriptions'], 'criteria decide which buttons show');

  const [ackButton, subsButton] = actions!.elements!;
  await click('C0OPS', 'U0BOB', subsButton.action_id, subsButton.value, card.ts);
  await peer.waitForPost((p) => p.thread_ts === card.ts && /<@U0BOB> chose \*Subscriptions\*/.test(p.text ?? ''), 10_000);
  const answer = await peer.waitForPost((p) => p.thread_ts === card.ts && /list-subscriptions-by-topic \(us-east-2\)/.test(p.text ?? ''), 10_000);
  assert.match(answer.text ?? '', /1 subscription\*[\s\S]*:alerts .* https/);
  const listed = (await records('us-east-2', 'ListSubscriptionsByTopic')).find((r) => r.userIdentity.type === 'AssumedRole');
  bySession(listed, 'us-east-2');
  assert.equal(listed!.requestParameters.topicArn, alerts);

  // A write button asks the clicker first; only they may confirm it.
  await click('C0OPS', 'U0BOB', ackButton.action_id, ackButton.value, card.ts);
  const question = await peer.waitForPost((p) => p.thread_ts === card.ts && /run it\?/.test(p.text ?? ''), 10_000);
  assert.match(question.text ?? '', /`sns tag-resource --resource-arn \S+:alerts --tags Key=acked,Value=HighLatency`\n<@U0BOB>, run it\?/);
  await click('C0OPS', 'U0ALICE', 'chattrail_confirm', buttonValue(question)!, question.ts);
  await peer.waitForPost((p) => p.thread_ts === card.ts && /only <@U0BOB> can confirm/.test(p.text ?? ''), 10_000);
  await click('C0OPS', 'U0BOB', 'chattrail_confirm', buttonValue(question)!, question.ts);
  await peer.waitForPost((p) => p.thread_ts === card.ts && /tag-resource \(us-east-2\)/.test(p.text ?? ''), 10_000);
  bySession((await records('us-east-2', 'TagResource')).find((r) => r.userIdentity.type === 'AssumedRole'), 'us-east-2');
  assert.deepEqual((await ok(['sns', 'list-tags-for-resource', '--resource-arn', alerts])).Tags, [{ Key: 'acked', Value: 'HighLatency' }]);

  // A forged value, or one from another channel, runs nothing.
  await click('C0OTHER', 'U0BOB', subsButton.action_id, subsButton.value, card.ts);
  await peer.waitForPost((p) => p.channel === 'C0OTHER' && /no longer runs anything/.test(p.text ?? ''), 10_000);
});

test('alias delete deletes the custom action (recorded); the alias no longer runs', async () => {
  const arn = `arn:aws:chatbot::${account}:custom-action/topics`;
  assert.match((await ask('C0OPS', 'alias delete topics')).reply.text ?? '', new RegExp(`Alias \`topics\` deleted \\(custom action \`${arn}\`\\)`));
  assert.ok(!(await ok(['chatbot', 'list-custom-actions'])).CustomActions.includes(arn));
  bySession((await records('us-east-2', 'DeleteCustomAction'))[0], 'us-east-2');
  assert.match((await ask('C0OPS', 'run topics us-west-2')).reply.text ?? '', /no alias `topics`/);
  assert.match((await ask('C0OPS', 'alias delete topics')).reply.text ?? '', /no alias `topics`/);
});
