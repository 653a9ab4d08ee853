// AWS Chatbot as a user drives it with the AWS CLI and boto3, for what a quality pass found: topics
// listed by a configuration get AWS Chatbot's SNS subscription, a workspace whose token Slack
// revoked shows its configurations DISABLED, one configuration per Teams channel, tags merged by
// key and bounded on custom actions, and records findable by the resource they touched.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, cliErrorCode, type AwsResult, type TestServer } from './harness.js';
import { connectSlackWorkspace } from './slack-setup.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';

const execFileP = promisify(execFile);
const CLIENT = { clientId: '3333.4444', clientSecret: 'qa-client-secret' };
const TEAM = 'T0QA';
const REGION = 'us-east-2';
const CHATBOT_ENDPOINT = 'https://global.sns-api.chatbot.amazonaws.com';
const MS_TEAM = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const TENANT = '11111111-2222-3333-4444-555555555555';
const MS_CHANNEL = '19%3aqa%40thread.tacv2';

let srv: TestServer;
let peer: SlackPeer;
let acct: string;
let role: string;
const cli = (args: string[]) => srv.aws(args, { region: REGION });
const ok = (r: AwsResult) => { assert.equal(r.code, 0, r.stderr); return r.json; };
const err = (r: AwsResult) => { assert.notEqual(r.code, 0, `expected an error, got ${r.stdout}`); return cliErrorCode(r); };
const slackArn = (name: string) => `arn:aws:chatbot::${acct}:chat-configuration/slack-channel/${name}`;

/** Runs a boto3 script with the admin's credentials against the server; it prints one JSON document. */
async function boto3(script: string): Promise<unknown> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_ACCESS_KEY_ID: srv.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: srv.admin.secretAccessKey,
    AWS_DEFAULT_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1', EP: srv.url, ACCT: acct,
  };
  const prelude = 'import boto3, json, os\nkw = dict(endpoint_url=os.environ["EP"])\ncb = boto3.client("chatbot", **kw)\nct = boto3.client("cloudtrail", **kw)\n';
  const { stdout } = await execFileP('python3', ['-c', prelude + script], { env });
  return JSON.parse(stdout);
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'QA Corp', channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0OTHER', name: 'other' }] });
  srv = await startTestServer({ CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: CLIENT.clientId, CHATTRAIL_SLACK_CLIENT_SECRET: CLIENT.clientSecret });
  acct = srv.admin.accountId;
  role = `arn:aws:iam::${acct}:role/chatbot-qa`;
  await connectSlackWorkspace(srv, peer, TEAM, CLIENT, REGION);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

describe('AWS Chatbot, as a user finds it', () => {
  it('create-slack-channel-configuration --sns-topic-arns subscribes AWS Chatbot to the topic', async () => {
    const topic = ok(await srv.aws(['sns', 'create-topic', '--name', 'qa-alarms'], { region: 'us-west-2' })).TopicArn as string;
    const cfg = ok(await cli(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0ALERTS',
      '--configuration-name', 'alerts', '--iam-role-arn', role, '--sns-topic-arns', topic]));
    assert.deepEqual(cfg.ChannelConfiguration.SnsTopicArns, [topic]);
    const subs = ok(await srv.aws(['sns', 'list-subscriptions-by-topic', '--topic-arn', topic], { region: 'us-west-2' })).Subscriptions as { Endpoint: string; Protocol: string }[];
    assert.deepEqual(subs.map((s) => [s.Protocol, s.Endpoint]), [['https', CHATBOT_ENDPOINT]]);
  });

  it('a Microsoft Teams channel takes one configuration; tags repeated at creation keep the last value', async () => {
    const create = (name: string) => cli(['chatbot', 'create-microsoft-teams-channel-configuration', '--channel-id', MS_CHANNEL, '--team-id', MS_TEAM,
      '--tenant-id', TENANT, '--iam-role-arn', role, '--configuration-name', name, '--tags', 'TagKey=env,TagValue=dev', 'TagKey=env,TagValue=prod']);
    assert.deepEqual(ok(await create('teams-one')).ChannelConfiguration.Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
    const second = await create('teams-two');
    assert.equal(err(second), 'ConflictException');
    assert.match(second.stderr, /already configured by .*teams-one/);
  });

  it('create-custom-action refuses more tags than TagResource would allow', async () => {
    const tags = Array.from({ length: 51 }, (_, n) => `TagKey=k${n},TagValue=v`);
    const r = await cli(['chatbot', 'create-custom-action', '--action-name', 'too-many', '--definition', 'CommandText=sts get-caller-identity', '--tags', ...tags]);
    assert.equal(err(r), 'InvalidRequestException');
    assert.match(r.stderr, /at most 50 tags/);
  });

  it('boto3: tagging and associating are found by LookupEvents on the configuration\'s ARN', async () => {
    const out = await boto3(`
arn = "arn:aws:chatbot::%s:chat-configuration/slack-channel/alerts" % os.environ["ACCT"]
action = cb.create_custom_action(ActionName="whoami", Definition={"CommandText": "sts get-caller-identity"})["CustomActionArn"]
cb.tag_resource(ResourceARN=arn, Tags=[{"TagKey": "team", "TagValue": "sre"}])
cb.associate_to_configuration(Resource=action, ChatConfiguration=arn)
events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": arn}])["Events"]
print(json.dumps(sorted(e["EventName"] for e in events)))
`);
    assert.deepEqual(out, ['AssociateToConfiguration', 'CreateSlackChannelConfiguration', 'TagResource']);
  });

  it('a bot token Slack revoked shows the workspace\'s configurations DISABLED, saying why', async () => {
    peer.revokeToken(peer.bot(TEAM).token);
    const moved = await cli(['chatbot', 'update-slack-channel-configuration', '--chat-configuration-arn', slackArn('alerts'), '--slack-channel-id', 'C0OTHER']);
    assert.equal(err(moved), 'InvalidRequestException');
    const [cfg] = ok(await cli(['chatbot', 'describe-slack-channel-configurations'])).SlackChannelConfigurations as { State: string; StateReason: string }[];
    assert.equal(cfg.State, 'DISABLED');
    assert.match(cfg.StateReason, /token_revoked/);
  });
});
