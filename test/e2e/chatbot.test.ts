// Every operation of the public AWS Chatbot API, driven by the AWS CLI against chattrail (Slack
// channel configurations checked against the local Slack peer), with each operation's error
// paths, account isolation, the records they leave, and the ChatbotStore read API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type AwsResult, type TestServer } from './harness.js';
import { signedFetch, errorCodeOf } from './signed-fetch.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { chatbotStoreFor } from '../../src/services/chatbot/module.js';
import type { ChatbotStore } from '../../src/services/chatbot/store.js';
import { createAccount, type AdminCredentials } from '../../src/services/iam/accounts.js';
import { SecretBox, loadMasterKey } from '../../src/storage/secrets.js';
import { randomIds, systemClock } from '../../src/server/runtime.js';

const CLIENT = { clientId: '1111.2222', clientSecret: 'peer-client-secret' };
const TEAM = 'T0API';
const TENANT = '11111111-2222-3333-4444-555555555555';
const MS_TEAM = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const MS_CHANNEL = '19%3ab6ef35dc342d4a1babd2e5b1f59d3ef8%40thread.tacv2';
const WEBHOOK = 'https://hooks.chime.aws/incomingwebhooks/abc-123?token=c2VjcmV0dG9rZW4';

let srv: TestServer;
let peer: SlackPeer;
let store: ChatbotStore;
let acct: string;
let role: string;
let other: AdminCredentials;
const cb = (args: string[], creds?: AdminCredentials) => srv.aws(['chatbot', ...args], creds ? { creds } : {});
const ok = (r: AwsResult) => { assert.equal(r.code, 0, r.stderr); return r.json; };
const err = (r: AwsResult) => { assert.notEqual(r.code, 0, `expected an error, got ${r.stdout}`); return cliErrorCode(r); };
interface TrailRecord {
  eventName: string; errorCode?: string; readOnly: boolean; awsRegion: string; resources?: unknown;
  requestParameters: Record<string, string>; responseElements: { ChannelConfiguration: { ChatConfigurationArn: string } } | null;
}
const slackArn = (name: string) => `arn:aws:chatbot::${acct}:chat-configuration/slack-channel/${name}`;

async function authorizeWorkspace(teamId: string, creds: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  const params = await signedFetch({ url: srv.url, path: '/get-slack-oauth-parameters', service: 'chatbot', region: 'us-east-1', credentials: creds, body: '{}', headers: { 'content-type': 'application/json' } });
  const state = (JSON.parse(params.text) as { State: string }).State;
  const code = peer.issueOAuthCode(teamId, { ...CLIENT, redirectUri: `${srv.url}/slack/oauth/callback` });
  const page = await fetch(`${srv.url}/slack/oauth/callback?${new URLSearchParams({ code, state })}`);
  assert.equal(page.status, 200, await page.text());
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Api Corp', channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0DEPLOY', name: 'deploys' }, { id: 'C0THIRD', name: 'third' }] });
  srv = await startTestServer({ CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: CLIENT.clientId, CHATTRAIL_SLACK_CLIENT_SECRET: CLIENT.clientSecret });
  acct = srv.admin.accountId;
  role = `arn:aws:iam::${acct}:role/chatbot-channel`;
  store = chatbotStoreFor({ config: srv.app.config, stores: srv.app.stores, box: new SecretBox(loadMasterKey(srv.dataDir)), logger: srv.app.logger });
  other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
  await authorizeWorkspace(TEAM, srv.admin);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

describe('Slack channel configurations', () => {
  it('CreateSlackChannelConfiguration creates, checking workspace, role, name, channel and model constraints', async () => {
    const out = ok(await cb(['create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0ALERTS', '--iam-role-arn', role,
      '--configuration-name', 'alerts', '--sns-topic-arns', `arn:aws:sns:us-east-1:${acct}:alarms`, '--logging-level', 'ERROR',
      '--guardrail-policy-arns', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '--user-authorization-required', '--tags', 'TagKey=team,TagValue=ops']));
    assert.deepEqual(out.ChannelConfiguration, {
      SlackTeamName: 'Api Corp', SlackTeamId: TEAM, SlackChannelId: 'C0ALERTS', SlackChannelName: 'alerts', ChatConfigurationArn: slackArn('alerts'),
      IamRoleArn: role, SnsTopicArns: [`arn:aws:sns:us-east-1:${acct}:alarms`], ConfigurationName: 'alerts', LoggingLevel: 'ERROR',
      GuardrailPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], UserAuthorizationRequired: true, Tags: [{ TagKey: 'team', TagValue: 'ops' }], State: 'ENABLED',
    });
    const base = ['create-slack-channel-configuration', '--iam-role-arn', role];
    const [unauthorized, badRole, dup, sameChannel, noChannel, badLevel] = await Promise.all([
      cb([...base, '--slack-team-id', 'T0NOTAUTH', '--slack-channel-id', 'C0ALERTS', '--configuration-name', 'x1']),
      cb(['create-slack-channel-configuration', '--iam-role-arn', `arn:aws:iam::${acct}:user/bob`, '--slack-team-id', TEAM, '--slack-channel-id', 'C0DEPLOY', '--configuration-name', 'x2']),
      cb([...base, '--slack-team-id', TEAM, '--slack-channel-id', 'C0DEPLOY', '--configuration-name', 'alerts']),
      cb([...base, '--slack-team-id', TEAM, '--slack-channel-id', 'C0ALERTS', '--configuration-name', 'x3']),
      cb([...base, '--slack-team-id', TEAM, '--slack-channel-id', 'C0MISSING', '--configuration-name', 'x4']),
      cb([...base, '--slack-team-id', TEAM, '--slack-channel-id', 'C0DEPLOY', '--configuration-name', 'x5', '--logging-level', 'LOUD']),
    ]);
    assert.equal(err(unauthorized), 'InvalidParameterException');
    assert.match(unauthorized.stderr, /T0NOTAUTH is not authorized/);
    assert.equal(err(badRole), 'InvalidParameterException');
    assert.match(badRole.stderr, /not a valid IAM role ARN/);
    assert.equal(err(dup), 'ConflictException');
    assert.equal(err(sameChannel), 'ConflictException');
    assert.equal(err(noChannel), 'InvalidParameterException');
    assert.match(noChannel.stderr, /C0MISSING was not found/);
    assert.equal(err(badLevel), 'InvalidParameterException');
    assert.match(badLevel.stderr, /loggingLevel/);
  });

  it('DescribeSlackChannelConfigurations pages and filters; a bad NextToken is refused', async () => {
    ok(await cb(['create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0DEPLOY', '--iam-role-arn', role, '--configuration-name', 'deploys']));
    const all = ok(await cb(['describe-slack-channel-configurations', '--page-size', '1']));
    assert.deepEqual(all.SlackChannelConfigurations.map((c: { ConfigurationName: string }) => c.ConfigurationName), ['alerts', 'deploys']);
    const deploys = all.SlackChannelConfigurations[1];
    assert.equal(deploys.SlackChannelName, 'deploys', 'name taken from Slack');
    assert.deepEqual(deploys.GuardrailPolicyArns, ['arn:aws:iam::aws:policy/AdministratorAccess'], 'AWS default guardrail');
    assert.equal(deploys.LoggingLevel, 'NONE');
    const one = ok(await cb(['describe-slack-channel-configurations', '--chat-configuration-arn', slackArn('deploys')]));
    assert.equal(one.SlackChannelConfigurations.length, 1);
    const bad = await cb(['describe-slack-channel-configurations', '--starting-token', 'bm90LWEtdG9rZW4']);
    assert.equal(err(bad), 'InvalidParameterException');
    const elsewhere = ok(await cb(['describe-slack-channel-configurations'], other));
    assert.deepEqual(elsewhere.SlackChannelConfigurations, [], 'another account sees none');
  });

  it('UpdateSlackChannelConfiguration moves channels and changes settings; unknown ARNs are not found', async () => {
    const out = ok(await cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys'), '--slack-channel-id', 'C0THIRD', '--logging-level', 'INFO']));
    assert.equal(out.ChannelConfiguration.SlackChannelId, 'C0THIRD');
    assert.equal(out.ChannelConfiguration.SlackChannelName, 'third');
    assert.equal(out.ChannelConfiguration.LoggingLevel, 'INFO');
    const [missing, taken, foreign] = await Promise.all([
      cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('nope'), '--slack-channel-id', 'C0THIRD']),
      cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys'), '--slack-channel-id', 'C0ALERTS']),
      cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys'), '--slack-channel-id', 'C0THIRD'], other),
    ]);
    assert.equal(err(missing), 'ResourceNotFoundException');
    assert.equal(err(taken), 'ConflictException');
    assert.equal(err(foreign), 'ResourceNotFoundException', 'another account cannot touch it');
  });

  it('Slack user identities: DescribeSlackUserIdentities and DeleteSlackUserIdentity', async () => {
    await store.putSlackUserIdentity({ IamRoleArn: role, ChatConfigurationArn: slackArn('alerts'), SlackTeamId: TEAM, SlackUserId: 'U0ALICE', AwsUserIdentity: `arn:aws:iam::${acct}:user/alice` });
    await store.putSlackUserIdentity({ IamRoleArn: role, ChatConfigurationArn: slackArn('deploys'), SlackTeamId: TEAM, SlackUserId: 'U0BOB' });
    const all = ok(await cb(['describe-slack-user-identities']));
    assert.deepEqual(all.SlackUserIdentities.map((u: { SlackUserId: string }) => u.SlackUserId), ['U0ALICE', 'U0BOB']);
    const alerts = ok(await cb(['describe-slack-user-identities', '--chat-configuration-arn', slackArn('alerts')]));
    assert.deepEqual(alerts.SlackUserIdentities, [{ IamRoleArn: role, ChatConfigurationArn: slackArn('alerts'), SlackTeamId: TEAM, SlackUserId: 'U0ALICE', AwsUserIdentity: `arn:aws:iam::${acct}:user/alice` }]);
    ok(await cb(['delete-slack-user-identity', '--chat-configuration-arn', slackArn('alerts'), '--slack-team-id', TEAM, '--slack-user-id', 'U0ALICE']));
    const [again, wrongTeam] = await Promise.all([
      cb(['delete-slack-user-identity', '--chat-configuration-arn', slackArn('alerts'), '--slack-team-id', TEAM, '--slack-user-id', 'U0ALICE']),
      cb(['delete-slack-user-identity', '--chat-configuration-arn', slackArn('deploys'), '--slack-team-id', 'T0OTHER', '--slack-user-id', 'U0BOB']),
    ]);
    assert.equal(err(again), 'ResourceNotFoundException');
    assert.equal(err(wrongTeam), 'ResourceNotFoundException');
    assert.equal(await store.getSlackUserIdentity(slackArn('alerts'), 'U0ALICE'), undefined);
  });

  it('the ChatbotStore read API finds configurations, workspaces and identities', async () => {
    const cfg = await store.findSlackChannelConfiguration(TEAM, 'C0ALERTS');
    assert.equal(cfg?.ChatConfigurationArn, slackArn('alerts'));
    assert.equal(await store.findSlackChannelConfiguration(TEAM, 'C0NONE'), undefined);
    const ws = await store.getWorkspace(TEAM);
    assert.equal(ws?.botToken, peer.bot(TEAM).token, 'token opened from its sealed form');
    assert.equal(ws?.botUserId, peer.bot(TEAM).userId);
    assert.deepEqual(ws?.accountIds, [acct]);
    assert.equal(ws?.needsReauthorization, false);
    assert.equal((await store.getSlackUserIdentity(slackArn('deploys'), 'U0BOB'))?.SlackTeamId, TEAM);
    const client = await store.slackClient(TEAM);
    const info = await client!.call('conversations.info', { channel: 'C0ALERTS' });
    assert.equal((info.channel as { name: string }).name, 'alerts');
  });

  it('DeleteSlackChannelConfiguration deletes it with its user identities; twice is not found', async () => {
    ok(await cb(['delete-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys')]));
    assert.equal(err(await cb(['delete-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys')])), 'ResourceNotFoundException');
    assert.equal(await store.getSlackUserIdentity(slackArn('deploys'), 'U0BOB'), undefined);
  });
});

describe('Slack workspaces', () => {
  it('DescribeSlackWorkspaces lists the account\'s workspaces only', async () => {
    assert.deepEqual(ok(await cb(['describe-slack-workspaces'])).SlackWorkspaces, [{ SlackTeamId: TEAM, SlackTeamName: 'Api Corp', State: 'ENABLED' }]);
    assert.deepEqual(ok(await cb(['describe-slack-workspaces'], other)).SlackWorkspaces, []);
  });

  it('DeleteSlackWorkspaceAuthorization refuses while configurations use it, then removes it', async () => {
    const [inUse, unknown] = await Promise.all([
      cb(['delete-slack-workspace-authorization', '--slack-team-id', TEAM]),
      cb(['delete-slack-workspace-authorization', '--slack-team-id', 'T0NEVER']),
    ]);
    assert.equal(err(inUse), 'InvalidParameterException');
    assert.match(inUse.stderr, /alerts/);
    assert.equal(err(unknown), 'InvalidParameterException');
  });
});

describe('Microsoft Teams', () => {
  const teamsArn = (n: string) => `arn:aws:chatbot::${acct}:chat-configuration/microsoft-teams-channel/${n}`;
  const create = (name: string, channel = MS_CHANNEL) => cb(['create-microsoft-teams-channel-configuration', '--channel-id', channel, '--channel-name', 'General',
    '--team-id', MS_TEAM, '--team-name', 'Platform', '--tenant-id', TENANT, '--iam-role-arn', role, '--configuration-name', name]);

  it('CreateMicrosoftTeamsChannelConfiguration and its errors', async () => {
    const out = ok(await create('teams-general'));
    assert.equal(out.ChannelConfiguration.ChatConfigurationArn, teamsArn('teams-general'));
    assert.equal(out.ChannelConfiguration.TenantId, TENANT);
    const [dup, badChannel] = await Promise.all([create('teams-general'), create('teams-bad', 'not-a-teams-channel')]);
    assert.equal(err(dup), 'ConflictException');
    assert.equal(err(badChannel), 'InvalidParameterException');
  });

  it('Get, Update and List channel configurations', async () => {
    const got = ok(await cb(['get-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(got.ChannelConfiguration.ConfigurationName, 'teams-general');
    const upd = ok(await cb(['update-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general'), '--channel-id', MS_CHANNEL, '--logging-level', 'INFO']));
    assert.equal(upd.ChannelConfiguration.LoggingLevel, 'INFO');
    const [list, filtered, none, notFound, notFoundUpd] = await Promise.all([
      cb(['list-microsoft-teams-channel-configurations']),
      cb(['list-microsoft-teams-channel-configurations', '--team-id', MS_TEAM]),
      cb(['list-microsoft-teams-channel-configurations', '--team-id', '00000000-0000-0000-0000-000000000000']),
      cb(['get-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('nope')]),
      cb(['update-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('nope'), '--channel-id', MS_CHANNEL]),
    ]);
    assert.equal(ok(list).TeamChannelConfigurations.length, 1);
    assert.equal(ok(filtered).TeamChannelConfigurations.length, 1);
    assert.equal(ok(none).TeamChannelConfigurations.length, 0);
    assert.equal(err(notFound), 'ResourceNotFoundException');
    assert.equal(err(notFoundUpd), 'ResourceNotFoundException');
  });

  it('configured teams and user identities: list and delete', async () => {
    assert.deepEqual(ok(await cb(['list-microsoft-teams-configured-teams'])).ConfiguredTeams, [{ TenantId: TENANT, TeamId: MS_TEAM, TeamName: 'Platform', State: 'ENABLED' }]);
    await store.putTeamsUserIdentity({ IamRoleArn: role, ChatConfigurationArn: teamsArn('teams-general'), TeamId: MS_TEAM, UserId: 'bbbbbbbb-1111-2222-3333-444444444444' });
    const ids = ok(await cb(['list-microsoft-teams-user-identities', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(ids.TeamsUserIdentities[0].UserId, 'bbbbbbbb-1111-2222-3333-444444444444');
    const del = ['delete-microsoft-teams-user-identity', '--chat-configuration-arn', teamsArn('teams-general'), '--user-id', 'bbbbbbbb-1111-2222-3333-444444444444'];
    ok(await cb(del));
    const [again, teamInUse] = await Promise.all([cb(del), cb(['delete-microsoft-teams-configured-team', '--team-id', MS_TEAM])]);
    assert.equal(err(again), 'ResourceNotFoundException');
    assert.equal(err(teamInUse), 'InvalidParameterException');
  });

  it('DeleteMicrosoftTeamsChannelConfiguration, then the team can go', async () => {
    ok(await cb(['delete-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(err(await cb(['delete-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')])), 'ResourceNotFoundException');
    ok(await cb(['delete-microsoft-teams-configured-team', '--team-id', MS_TEAM]));
    assert.equal(err(await cb(['delete-microsoft-teams-configured-team', '--team-id', MS_TEAM])), 'InvalidParameterException');
  });
});

describe('Chime webhooks', () => {
  const arn = (name = 'hook') => `arn:aws:chatbot::${acct}:chat-configuration/chime-webhook/${name}`;
  // --cli-input-json: given as a flag, the CLI would try to download an https:// value.
  const create = (url = WEBHOOK) => cb(['create-chime-webhook-configuration', '--cli-input-json', JSON.stringify({
    WebhookDescription: 'ops room', WebhookUrl: url, SnsTopicArns: [`arn:aws:sns:us-east-1:${acct}:alarms`], IamRoleArn: role, ConfigurationName: 'hook',
  })]);

  it('Create, Describe, Update and Delete, never returning the webhook URL', async () => {
    const out = ok(await create());
    assert.equal(out.WebhookConfiguration.ChatConfigurationArn, arn());
    assert.equal(out.WebhookConfiguration.WebhookDescription, 'ops room');
    const [dup, badUrl] = await Promise.all([create(), create('https://example.com/hook')]);
    assert.equal(err(dup), 'ConflictException');
    assert.equal(err(badUrl), 'InvalidParameterException');
    const listed = ok(await cb(['describe-chime-webhook-configurations']));
    assert.equal(listed.WebhookConfigurations.length, 1);
    assert.ok(!JSON.stringify(listed).includes('hooks.chime.aws'), 'the webhook URL is never returned');
    const upd = ok(await cb(['update-chime-webhook-configuration', '--chat-configuration-arn', arn(), '--webhook-description', 'renamed']));
    assert.equal(upd.WebhookConfiguration.WebhookDescription, 'renamed');
    assert.equal(err(await cb(['update-chime-webhook-configuration', '--chat-configuration-arn', arn('none')])), 'ResourceNotFoundException');
    ok(await cb(['delete-chime-webhook-configuration', '--chat-configuration-arn', arn()]));
    assert.equal(err(await cb(['delete-chime-webhook-configuration', '--chat-configuration-arn', arn()])), 'ResourceNotFoundException');
  });
});

describe('custom actions, associations, preferences and tags', () => {
  const actionArn = (n: string) => `arn:aws:chatbot::${acct}:custom-action/${n}`;
  const token = 'client-token-0123456789-0123456789-abc';
  const create = (name: string, extra: string[] = []) => cb(['create-custom-action', '--action-name', name, '--definition', '{"CommandText":"lambda list-functions"}', ...extra]);

  it('CreateCustomAction (idempotent by ClientToken), GetCustomAction, UpdateCustomAction, ListCustomActions', async () => {
    assert.equal(ok(await create('list-fns', ['--alias-name', 'fns', '--client-token', token])).CustomActionArn, actionArn('list-fns'));
    const [repeat, dup, aliasDup] = await Promise.all([create('list-fns', ['--client-token', token]), create('list-fns'), create('other', ['--alias-name', 'fns'])]);
    assert.equal(ok(repeat).CustomActionArn, actionArn('list-fns'));
    assert.equal(err(dup), 'ConflictException');
    assert.equal(err(aliasDup), 'ConflictException');
    const got = ok(await cb(['get-custom-action', '--custom-action-arn', actionArn('list-fns')]));
    assert.deepEqual(got.CustomAction, { CustomActionArn: actionArn('list-fns'), Definition: { CommandText: 'lambda list-functions' }, AliasName: 'fns', ActionName: 'list-fns' });
    ok(await cb(['update-custom-action', '--custom-action-arn', actionArn('list-fns'), '--definition', '{"CommandText":"lambda get-function --function-name f"}']));
    assert.equal(ok(await cb(['get-custom-action', '--custom-action-arn', actionArn('list-fns')])).CustomAction.Definition.CommandText, 'lambda get-function --function-name f');
    const [getMissing, updMissing, list] = await Promise.all([
      cb(['get-custom-action', '--custom-action-arn', actionArn('nope')]),
      cb(['update-custom-action', '--custom-action-arn', actionArn('nope'), '--definition', '{"CommandText":"x"}']),
      cb(['list-custom-actions']),
    ]);
    assert.equal(err(getMissing), 'ResourceNotFoundException');
    assert.equal(err(updMissing), 'ResourceNotFoundException');
    assert.deepEqual(ok(list).CustomActions, [actionArn('list-fns')]);
  });

  it('AssociateToConfiguration, ListAssociations, DisassociateFromConfiguration', async () => {
    const assoc = ['--resource', actionArn('list-fns'), '--chat-configuration', slackArn('alerts')];
    ok(await cb(['associate-to-configuration', ...assoc]));
    const [unknownAction, unknownConfig] = await Promise.all([
      cb(['associate-to-configuration', '--resource', actionArn('nope'), '--chat-configuration', slackArn('alerts')]),
      cb(['associate-to-configuration', '--resource', actionArn('list-fns'), '--chat-configuration', slackArn('nope')]),
    ]);
    assert.equal(err(unknownAction), 'InvalidRequestException');
    assert.equal(err(unknownConfig), 'InvalidRequestException');
    assert.deepEqual(ok(await cb(['list-associations', '--chat-configuration', slackArn('alerts')])).Associations, [{ Resource: actionArn('list-fns') }]);
    ok(await cb(['disassociate-from-configuration', ...assoc]));
    assert.equal(err(await cb(['disassociate-from-configuration', ...assoc])), 'InvalidRequestException');
    assert.deepEqual(ok(await cb(['list-associations', '--chat-configuration', slackArn('alerts')])).Associations, []);
  });

  it('TagResource, ListTagsForResource, UntagResource', async () => {
    ok(await cb(['tag-resource', '--resource-arn', slackArn('alerts'), '--tags', 'TagKey=env,TagValue=prod', 'TagKey=team,TagValue=sre']));
    assert.deepEqual(ok(await cb(['list-tags-for-resource', '--resource-arn', slackArn('alerts')])).Tags,
      [{ TagKey: 'team', TagValue: 'sre' }, { TagKey: 'env', TagValue: 'prod' }]);
    ok(await cb(['untag-resource', '--resource-arn', slackArn('alerts'), '--tag-keys', 'team']));
    const many = Array.from({ length: 50 }, (_, n) => `TagKey=k${n},TagValue=v`);
    const [tags, tooMany, unknown] = await Promise.all([
      cb(['list-tags-for-resource', '--resource-arn', slackArn('alerts')]),
      cb(['tag-resource', '--resource-arn', slackArn('alerts'), '--tags', ...many]),
      cb(['list-tags-for-resource', '--resource-arn', actionArn('nope')]),
    ]);
    assert.deepEqual(ok(tags).Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
    assert.equal(err(tooMany), 'TooManyTagsException');
    assert.equal(err(unknown), 'ResourceNotFoundException');
    ok(await cb(['tag-resource', '--resource-arn', actionArn('list-fns'), '--tags', 'TagKey=a,TagValue=b']));
    assert.deepEqual(ok(await cb(['list-tags-for-resource', '--resource-arn', actionArn('list-fns')])).Tags, [{ TagKey: 'a', TagValue: 'b' }]);
  });

  it('DeleteCustomAction, twice is not found', async () => {
    ok(await cb(['delete-custom-action', '--custom-action-arn', actionArn('list-fns')]));
    assert.equal(err(await cb(['delete-custom-action', '--custom-action-arn', actionArn('list-fns')])), 'ResourceNotFoundException');
  });

  it('GetAccountPreferences and UpdateAccountPreferences; the preference becomes the default', async () => {
    assert.deepEqual(ok(await cb(['get-account-preferences'])).AccountPreferences, { UserAuthorizationRequired: false, TrainingDataCollectionEnabled: false });
    assert.deepEqual(ok(await cb(['update-account-preferences', '--user-authorization-required'])).AccountPreferences, { UserAuthorizationRequired: true, TrainingDataCollectionEnabled: false });
    const [prefs, otherPrefs, created] = await Promise.all([
      cb(['get-account-preferences']), cb(['get-account-preferences'], other),
      cb(['create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0THIRD', '--iam-role-arn', role, '--configuration-name', 'third']),
    ]);
    assert.equal(ok(prefs).AccountPreferences.UserAuthorizationRequired, true);
    assert.equal(ok(otherPrefs).AccountPreferences.UserAuthorizationRequired, false);
    assert.equal(ok(created).ChannelConfiguration.UserAuthorizationRequired, true);
    const bad = await signedFetch({ url: srv.url, path: '/update-account-preferences', service: 'chatbot', region: 'us-east-1', body: '{"UserAuthorizationRequired":"yes"}',
      credentials: { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey }, headers: { 'content-type': 'application/json' } });
    assert.equal(errorCodeOf(bad), 'SerializationException');
  });
});

describe('records and the end of a workspace', () => {
  it('records writes with their wire names and hidden secrets, reads as readOnly', async () => {
    const r = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=chatbot.amazonaws.com', '--max-results', '50']);
    const recs = (ok(r).Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as TrailRecord);
    const create = recs.find((x) => x.eventName === 'CreateSlackChannelConfiguration' && !x.errorCode && x.requestParameters.ConfigurationName === 'third')!;
    assert.equal(create.requestParameters.SlackTeamId, TEAM);
    assert.equal(create.readOnly, false);
    assert.equal(create.awsRegion, 'us-east-1');
    assert.deepEqual(create.resources, [{ accountId: acct, type: 'AWS::Chatbot::SlackChannelConfiguration', ARN: slackArn('third') }]);
    assert.equal(create.responseElements?.ChannelConfiguration.ChatConfigurationArn, slackArn('third'));
    const chime = recs.find((x) => x.eventName === 'CreateChimeWebhookConfiguration' && !x.errorCode)!;
    assert.equal(chime.requestParameters.WebhookUrl, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    const list = recs.find((x) => x.eventName === 'ListCustomActions')!;
    assert.equal(list.readOnly, true);
    assert.equal(list.responseElements, null);
    const failed = recs.find((x) => x.eventName === 'DeleteCustomAction' && x.errorCode)!;
    assert.equal(failed.errorCode, 'ResourceNotFoundException');
  });

  it('DeleteSlackWorkspaceAuthorization removes the workspace and its token once unused', async () => {
    for (const n of ['alerts', 'third']) ok(await cb(['delete-slack-channel-configuration', '--chat-configuration-arn', slackArn(n)]));
    ok(await cb(['delete-slack-workspace-authorization', '--slack-team-id', TEAM]));
    assert.deepEqual(ok(await cb(['describe-slack-workspaces'])).SlackWorkspaces, []);
    assert.equal(await store.getWorkspace(TEAM), undefined);
  });
});
