// Every operation of the public AWS Chatbot API, driven by the AWS CLI against chattrail (Slack
// channel configurations checked against the local Slack peer), with each operation's error
// paths, account isolation, the records they leave, and the ChatbotStore read API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type AwsResult, type TestServer } from './harness.js';
import { signedFetch, errorCodeOf } from './signed-fetch.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { openChatbotStore } from '../../src/services/chatbot/module.js';
import { chatbotModel } from '../../src/services/chatbot/index.js';
import type { ChatbotStore } from '../../src/services/chatbot/store.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { SecretBox, loadMasterKey } from '../../src/storage/secrets.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';

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
/** A call over the wire without the CLI, for secondary error paths (each CLI run costs most of a second). */
async function api(op: string, body: Record<string, unknown>, creds: { accessKeyId: string; secretAccessKey: string } = srv.admin) {
  const a = await signedFetch({
    url: srv.url, path: chatbotModel().operation(op)!.http.requestUri, service: 'chatbot', region: 'us-east-1',
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: a.status, code: a.status >= 300 ? errorCodeOf(a) : undefined, text: a.text, json: (a.text ? JSON.parse(a.text) : {}) as any };
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
  store = openChatbotStore({ config: srv.app.config, stores: srv.app.stores, box: new SecretBox(loadMasterKey(srv.dataDir)), logger: srv.app.logger });
  other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
  await authorizeWorkspace(TEAM, srv.admin);
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

describe('Slack channel configurations', () => {
  const base = { IamRoleArn: '', SlackTeamId: TEAM };
  it('CreateSlackChannelConfiguration creates, checking workspace, role, name, channel and model constraints', async () => {
    base.IamRoleArn = role;
    const out = ok(await cb(['create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0ALERTS', '--iam-role-arn', role,
      '--configuration-name', 'alerts', '--sns-topic-arns', `arn:aws:sns:us-east-1:${acct}:alarms`, '--logging-level', 'ERROR',
      '--guardrail-policy-arns', 'arn:aws:iam::aws:policy/ReadOnlyAccess', '--user-authorization-required', '--tags', 'TagKey=team,TagValue=ops']));
    assert.deepEqual(out.ChannelConfiguration, {
      SlackTeamName: 'Api Corp', SlackTeamId: TEAM, SlackChannelId: 'C0ALERTS', SlackChannelName: 'alerts', ChatConfigurationArn: slackArn('alerts'),
      IamRoleArn: role, SnsTopicArns: [`arn:aws:sns:us-east-1:${acct}:alarms`], ConfigurationName: 'alerts', LoggingLevel: 'ERROR',
      GuardrailPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], UserAuthorizationRequired: true, Tags: [{ TagKey: 'team', TagValue: 'ops' }], State: 'ENABLED',
    });
    const [unauthorized, dup] = await Promise.all([
      cb(['create-slack-channel-configuration', '--iam-role-arn', role, '--slack-team-id', 'T0NOTAUTH', '--slack-channel-id', 'C0ALERTS', '--configuration-name', 'x1']),
      cb(['create-slack-channel-configuration', '--iam-role-arn', role, '--slack-team-id', TEAM, '--slack-channel-id', 'C0DEPLOY', '--configuration-name', 'alerts']),
    ]);
    assert.equal(err(unauthorized), 'InvalidParameterException');
    assert.match(unauthorized.stderr, /T0NOTAUTH is not authorized/);
    assert.equal(err(dup), 'ConflictException');
    const [badRole, sameChannel, noChannel, badLevel] = await Promise.all([
      api('CreateSlackChannelConfiguration', { ...base, IamRoleArn: `arn:aws:iam::${acct}:user/bob`, SlackChannelId: 'C0DEPLOY', ConfigurationName: 'x2' }),
      api('CreateSlackChannelConfiguration', { ...base, SlackChannelId: 'C0ALERTS', ConfigurationName: 'x3' }),
      api('CreateSlackChannelConfiguration', { ...base, SlackChannelId: 'C0MISSING', ConfigurationName: 'x4' }),
      api('CreateSlackChannelConfiguration', { ...base, SlackChannelId: 'C0DEPLOY', ConfigurationName: 'x5', LoggingLevel: 'LOUD' }),
    ]);
    assert.equal(badRole.code, 'InvalidParameterException');
    assert.match(badRole.json.message, /not a valid IAM role ARN/);
    assert.equal(sameChannel.code, 'ConflictException');
    assert.equal(noChannel.code, 'InvalidParameterException');
    assert.match(noChannel.json.message, /C0MISSING was not found/);
    assert.equal(badLevel.code, 'InvalidParameterException');
    assert.match(badLevel.json.message, /loggingLevel/);
  });

  it('DescribeSlackChannelConfigurations pages and filters; a bad NextToken is refused', async () => {
    assert.equal((await api('CreateSlackChannelConfiguration', { ...base, SlackChannelId: 'C0DEPLOY', ConfigurationName: 'deploys' })).status, 201);
    const all = ok(await cb(['describe-slack-channel-configurations', '--page-size', '1']));
    assert.deepEqual(all.SlackChannelConfigurations.map((c: { ConfigurationName: string }) => c.ConfigurationName), ['alerts', 'deploys']);
    const deploys = all.SlackChannelConfigurations[1];
    assert.equal(deploys.SlackChannelName, 'deploys', 'name taken from Slack');
    assert.deepEqual(deploys.GuardrailPolicyArns, ['arn:aws:iam::aws:policy/AdministratorAccess'], 'AWS default guardrail');
    assert.equal(deploys.LoggingLevel, 'NONE');
    assert.equal(err(await cb(['describe-slack-channel-configurations', '--starting-token', 'bm90LWEtdG9rZW4'])), 'InvalidParameterException');
    const [one, page1, elsewhere] = await Promise.all([
      api('DescribeSlackChannelConfigurations', { ChatConfigurationArn: slackArn('deploys') }),
      api('DescribeSlackChannelConfigurations', { MaxResults: 1 }),
      api('DescribeSlackChannelConfigurations', {}, other),
    ]);
    assert.equal(one.json.SlackChannelConfigurations.length, 1);
    assert.equal(page1.json.SlackChannelConfigurations.length, 1);
    assert.ok(page1.json.NextToken);
    assert.deepEqual(elsewhere.json.SlackChannelConfigurations, [], 'another account sees none');
  });

  it('UpdateSlackChannelConfiguration moves channels and changes settings; unknown ARNs are not found', async () => {
    const out = ok(await cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('deploys'), '--slack-channel-id', 'C0THIRD', '--logging-level', 'INFO']));
    assert.equal(out.ChannelConfiguration.SlackChannelId, 'C0THIRD');
    assert.equal(out.ChannelConfiguration.SlackChannelName, 'third');
    assert.equal(out.ChannelConfiguration.LoggingLevel, 'INFO');
    assert.equal(err(await cb(['update-slack-channel-configuration', '--chat-configuration-arn', slackArn('nope'), '--slack-channel-id', 'C0THIRD'])), 'ResourceNotFoundException');
    const [taken, foreign] = await Promise.all([
      api('UpdateSlackChannelConfiguration', { ChatConfigurationArn: slackArn('deploys'), SlackChannelId: 'C0ALERTS' }),
      api('UpdateSlackChannelConfiguration', { ChatConfigurationArn: slackArn('deploys'), SlackChannelId: 'C0THIRD' }, other),
    ]);
    assert.equal(taken.code, 'ConflictException');
    assert.equal(foreign.code, 'ResourceNotFoundException', 'another account cannot touch it');
  });

  it('Slack user identities: DescribeSlackUserIdentities and DeleteSlackUserIdentity', async () => {
    await store.putSlackUserIdentity({ IamRoleArn: role, ChatConfigurationArn: slackArn('alerts'), SlackTeamId: TEAM, SlackUserId: 'U0ALICE', AwsUserIdentity: `arn:aws:iam::${acct}:user/alice` });
    await store.putSlackUserIdentity({ IamRoleArn: role, ChatConfigurationArn: slackArn('deploys'), SlackTeamId: TEAM, SlackUserId: 'U0BOB' });
    const all = ok(await cb(['describe-slack-user-identities']));
    assert.deepEqual(all.SlackUserIdentities.map((u: { SlackUserId: string }) => u.SlackUserId), ['U0ALICE', 'U0BOB']);
    const alerts = await api('DescribeSlackUserIdentities', { ChatConfigurationArn: slackArn('alerts') });
    assert.deepEqual(alerts.json.SlackUserIdentities, [{ IamRoleArn: role, ChatConfigurationArn: slackArn('alerts'), SlackTeamId: TEAM, SlackUserId: 'U0ALICE', AwsUserIdentity: `arn:aws:iam::${acct}:user/alice` }]);
    const del = ['delete-slack-user-identity', '--chat-configuration-arn', slackArn('alerts'), '--slack-team-id', TEAM, '--slack-user-id', 'U0ALICE'];
    ok(await cb(del));
    assert.equal(err(await cb(del)), 'ResourceNotFoundException');
    const wrongTeam = await api('DeleteSlackUserIdentity', { ChatConfigurationArn: slackArn('deploys'), SlackTeamId: 'T0OTHER', SlackUserId: 'U0BOB' });
    assert.equal(wrongTeam.code, 'ResourceNotFoundException');
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
    assert.deepEqual((await api('DescribeSlackWorkspaces', {}, other)).json.SlackWorkspaces, []);
  });

  it('DeleteSlackWorkspaceAuthorization refuses while configurations use it, or when it is unknown', async () => {
    const inUse = await cb(['delete-slack-workspace-authorization', '--slack-team-id', TEAM]);
    assert.equal(err(inUse), 'InvalidParameterException');
    assert.match(inUse.stderr, /alerts/);
    assert.equal((await api('DeleteSlackWorkspaceAuthorization', { SlackTeamId: 'T0NEVER' })).code, 'InvalidParameterException');
  });
});

describe('Microsoft Teams', () => {
  const teamsArn = (n: string) => `arn:aws:chatbot::${acct}:chat-configuration/microsoft-teams-channel/${n}`;
  const create = (name: string) => cb(['create-microsoft-teams-channel-configuration', '--channel-id', MS_CHANNEL, '--channel-name', 'General',
    '--team-id', MS_TEAM, '--team-name', 'Platform', '--tenant-id', TENANT, '--iam-role-arn', role, '--configuration-name', name]);

  it('CreateMicrosoftTeamsChannelConfiguration and its errors', async () => {
    const out = ok(await create('teams-general'));
    assert.equal(out.ChannelConfiguration.ChatConfigurationArn, teamsArn('teams-general'));
    assert.equal(out.ChannelConfiguration.TenantId, TENANT);
    assert.equal(err(await create('teams-general')), 'ConflictException');
    const badChannel = await api('CreateMicrosoftTeamsChannelConfiguration', { ChannelId: 'not-a-teams-channel', TeamId: MS_TEAM, TenantId: TENANT, IamRoleArn: role, ConfigurationName: 'bad' });
    assert.equal(badChannel.code, 'InvalidParameterException');
  });

  it('Get, Update and List channel configurations', async () => {
    const got = ok(await cb(['get-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(got.ChannelConfiguration.ConfigurationName, 'teams-general');
    const upd = ok(await cb(['update-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general'), '--channel-id', MS_CHANNEL, '--logging-level', 'INFO']));
    assert.equal(upd.ChannelConfiguration.LoggingLevel, 'INFO');
    assert.equal(ok(await cb(['list-microsoft-teams-channel-configurations'])).TeamChannelConfigurations.length, 1);
    assert.equal(err(await cb(['get-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('nope')])), 'ResourceNotFoundException');
    assert.equal(err(await cb(['update-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('nope'), '--channel-id', MS_CHANNEL])), 'ResourceNotFoundException');
    const [filtered, none] = await Promise.all([
      api('ListMicrosoftTeamsChannelConfigurations', { TeamId: MS_TEAM }),
      api('ListMicrosoftTeamsChannelConfigurations', { TeamId: '00000000-0000-0000-0000-000000000000' }),
    ]);
    assert.equal(filtered.json.TeamChannelConfigurations.length, 1);
    assert.equal(none.json.TeamChannelConfigurations.length, 0);
  });

  it('configured teams and user identities: list and delete', async () => {
    assert.deepEqual(ok(await cb(['list-microsoft-teams-configured-teams'])).ConfiguredTeams, [{ TenantId: TENANT, TeamId: MS_TEAM, TeamName: 'Platform', State: 'ENABLED' }]);
    await store.putTeamsUserIdentity({ IamRoleArn: role, ChatConfigurationArn: teamsArn('teams-general'), TeamId: MS_TEAM, UserId: 'bbbbbbbb-1111-2222-3333-444444444444' });
    const ids = ok(await cb(['list-microsoft-teams-user-identities', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(ids.TeamsUserIdentities[0].UserId, 'bbbbbbbb-1111-2222-3333-444444444444');
    const del = ['delete-microsoft-teams-user-identity', '--chat-configuration-arn', teamsArn('teams-general'), '--user-id', 'bbbbbbbb-1111-2222-3333-444444444444'];
    ok(await cb(del));
    assert.equal(err(await cb(del)), 'ResourceNotFoundException');
    assert.equal(err(await cb(['delete-microsoft-teams-configured-team', '--team-id', MS_TEAM])), 'InvalidParameterException', 'still in use');
  });

  it('DeleteMicrosoftTeamsChannelConfiguration, then the team can go', async () => {
    ok(await cb(['delete-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')]));
    assert.equal(err(await cb(['delete-microsoft-teams-channel-configuration', '--chat-configuration-arn', teamsArn('teams-general')])), 'ResourceNotFoundException');
    ok(await cb(['delete-microsoft-teams-configured-team', '--team-id', MS_TEAM]));
    assert.equal((await api('DeleteMicrosoftTeamsConfiguredTeam', { TeamId: MS_TEAM })).code, 'InvalidParameterException');
  });
});

describe('Chime webhooks', () => {
  const arn = (name = 'hook') => `arn:aws:chatbot::${acct}:chat-configuration/chime-webhook/${name}`;
  // --cli-input-json: given as a flag, the CLI would try to download an https:// value.
  const input = (url = WEBHOOK) => ({
    WebhookDescription: 'ops room', WebhookUrl: url, SnsTopicArns: [`arn:aws:sns:us-east-1:${acct}:alarms`], IamRoleArn: role, ConfigurationName: 'hook',
  });
  const create = () => cb(['create-chime-webhook-configuration', '--cli-input-json', JSON.stringify(input())]);

  it('Create, Describe, Update and Delete, never returning the webhook URL', async () => {
    const out = ok(await create());
    assert.equal(out.WebhookConfiguration.ChatConfigurationArn, arn());
    assert.equal(out.WebhookConfiguration.WebhookDescription, 'ops room');
    assert.equal(err(await create()), 'ConflictException');
    assert.equal((await api('CreateChimeWebhookConfiguration', { ...input('https://example.com/hook'), ConfigurationName: 'hook2' })).code, 'InvalidParameterException');
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
  const definition = { CommandText: 'lambda list-functions' };

  it('CreateCustomAction (idempotent by ClientToken), GetCustomAction, UpdateCustomAction, ListCustomActions', async () => {
    const create = ['create-custom-action', '--action-name', 'list-fns', '--definition', JSON.stringify(definition)];
    assert.equal(ok(await cb([...create, '--alias-name', 'fns', '--client-token', token])).CustomActionArn, actionArn('list-fns'));
    assert.equal(err(await cb(create)), 'ConflictException');
    const [repeat, aliasDup] = await Promise.all([
      api('CreateCustomAction', { ActionName: 'list-fns', Definition: definition, ClientToken: token }),
      api('CreateCustomAction', { ActionName: 'other', Definition: definition, AliasName: 'fns' }),
    ]);
    assert.equal(repeat.json.CustomActionArn, actionArn('list-fns'), 'the same ClientToken answers as the first time');
    assert.equal(aliasDup.code, 'ConflictException');
    const got = ok(await cb(['get-custom-action', '--custom-action-arn', actionArn('list-fns')]));
    assert.deepEqual(got.CustomAction, { CustomActionArn: actionArn('list-fns'), Definition: definition, AliasName: 'fns', ActionName: 'list-fns' });
    ok(await cb(['update-custom-action', '--custom-action-arn', actionArn('list-fns'), '--definition', '{"CommandText":"lambda get-function --function-name f"}']));
    assert.equal((await api('GetCustomAction', { CustomActionArn: actionArn('list-fns') })).json.CustomAction.Definition.CommandText, 'lambda get-function --function-name f');
    assert.equal(err(await cb(['get-custom-action', '--custom-action-arn', actionArn('nope')])), 'ResourceNotFoundException');
    assert.equal(err(await cb(['update-custom-action', '--custom-action-arn', actionArn('nope'), '--definition', '{"CommandText":"x"}'])), 'ResourceNotFoundException');
    assert.deepEqual(ok(await cb(['list-custom-actions'])).CustomActions, [actionArn('list-fns')]);
  });

  it('AssociateToConfiguration, ListAssociations, DisassociateFromConfiguration', async () => {
    const assoc = ['--resource', actionArn('list-fns'), '--chat-configuration', slackArn('alerts')];
    ok(await cb(['associate-to-configuration', ...assoc]));
    assert.equal(err(await cb(['associate-to-configuration', '--resource', actionArn('nope'), '--chat-configuration', slackArn('alerts')])), 'InvalidRequestException');
    assert.equal((await api('AssociateToConfiguration', { Resource: actionArn('list-fns'), ChatConfiguration: slackArn('nope') })).code, 'InvalidRequestException');
    assert.deepEqual(ok(await cb(['list-associations', '--chat-configuration', slackArn('alerts')])).Associations, [{ Resource: actionArn('list-fns') }]);
    ok(await cb(['disassociate-from-configuration', ...assoc]));
    assert.equal(err(await cb(['disassociate-from-configuration', ...assoc])), 'InvalidRequestException');
    assert.deepEqual((await api('ListAssociations', { ChatConfiguration: slackArn('alerts') })).json.Associations, []);
  });

  it('TagResource, ListTagsForResource, UntagResource', async () => {
    ok(await cb(['tag-resource', '--resource-arn', slackArn('alerts'), '--tags', 'TagKey=env,TagValue=prod', 'TagKey=team,TagValue=sre']));
    assert.deepEqual(ok(await cb(['list-tags-for-resource', '--resource-arn', slackArn('alerts')])).Tags,
      [{ TagKey: 'team', TagValue: 'sre' }, { TagKey: 'env', TagValue: 'prod' }]);
    ok(await cb(['untag-resource', '--resource-arn', slackArn('alerts'), '--tag-keys', 'team']));
    assert.deepEqual((await api('ListTagsForResource', { ResourceARN: slackArn('alerts') })).json.Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
    const many = Array.from({ length: 50 }, (_, n) => `TagKey=k${n},TagValue=v`);
    assert.equal(err(await cb(['tag-resource', '--resource-arn', slackArn('alerts'), '--tags', ...many])), 'TooManyTagsException');
    assert.equal(err(await cb(['list-tags-for-resource', '--resource-arn', actionArn('nope')])), 'ResourceNotFoundException');
    assert.equal(err(await cb(['untag-resource', '--resource-arn', actionArn('nope'), '--tag-keys', 'a'])), 'ResourceNotFoundException');
    assert.equal((await api('TagResource', { ResourceARN: actionArn('list-fns'), Tags: [{ TagKey: 'a', TagValue: 'b' }] })).status, 200);
    assert.deepEqual((await api('ListTagsForResource', { ResourceARN: actionArn('list-fns') })).json.Tags, [{ TagKey: 'a', TagValue: 'b' }]);
  });

  it('DeleteCustomAction, twice is not found', async () => {
    ok(await cb(['delete-custom-action', '--custom-action-arn', actionArn('list-fns')]));
    assert.equal(err(await cb(['delete-custom-action', '--custom-action-arn', actionArn('list-fns')])), 'ResourceNotFoundException');
  });

  it('GetAccountPreferences and UpdateAccountPreferences; the preference becomes the default', async () => {
    assert.deepEqual(ok(await cb(['get-account-preferences'])).AccountPreferences, { UserAuthorizationRequired: false, TrainingDataCollectionEnabled: false });
    assert.deepEqual(ok(await cb(['update-account-preferences', '--user-authorization-required'])).AccountPreferences, { UserAuthorizationRequired: true, TrainingDataCollectionEnabled: false });
    const [prefs, otherPrefs, created, bad] = await Promise.all([
      api('GetAccountPreferences', {}), api('GetAccountPreferences', {}, other),
      api('CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0THIRD', IamRoleArn: role, ConfigurationName: 'third' }),
      api('UpdateAccountPreferences', { UserAuthorizationRequired: 'yes' }),
    ]);
    assert.equal(prefs.json.AccountPreferences.UserAuthorizationRequired, true);
    assert.equal(otherPrefs.json.AccountPreferences.UserAuthorizationRequired, false);
    assert.equal(created.json.ChannelConfiguration.UserAuthorizationRequired, true);
    assert.equal(bad.code, 'SerializationException');
  });
});

describe('records and the end of a workspace', () => {
  it('records writes with their wire names and hidden secrets, reads as readOnly', async () => {
    const r = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=chatbot.amazonaws.com']);
    const recs = (ok(r).Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as TrailRecord);
    const create = recs.find((x) => x.eventName === 'CreateSlackChannelConfiguration' && !x.errorCode && x.requestParameters.ConfigurationName === 'alerts')!;
    assert.equal(create.requestParameters.SlackTeamId, TEAM);
    assert.equal(create.requestParameters.SlackChannelName, undefined, 'not sent, not logged');
    assert.equal(create.readOnly, false);
    assert.equal(create.awsRegion, 'us-east-1');
    assert.deepEqual(create.resources, [{ accountId: acct, type: 'AWS::Chatbot::SlackChannelConfiguration', ARN: slackArn('alerts') }]);
    assert.equal(create.responseElements?.ChannelConfiguration.ChatConfigurationArn, slackArn('alerts'));
    const chime = recs.find((x) => x.eventName === 'CreateChimeWebhookConfiguration' && !x.errorCode)!;
    assert.equal(chime.requestParameters.WebhookUrl, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    const list = recs.find((x) => x.eventName === 'ListCustomActions')!;
    assert.equal(list.readOnly, true);
    assert.equal(list.responseElements, null);
    assert.equal(recs.find((x) => x.eventName === 'DeleteCustomAction' && x.errorCode)?.errorCode, 'ResourceNotFoundException');
  });

  it('DeleteSlackWorkspaceAuthorization removes the workspace and its token once unused', async () => {
    for (const n of ['alerts', 'third']) assert.equal((await api('DeleteSlackChannelConfiguration', { ChatConfigurationArn: slackArn(n) })).status, 204);
    ok(await cb(['delete-slack-workspace-authorization', '--slack-team-id', TEAM]));
    assert.deepEqual(ok(await cb(['describe-slack-workspaces'])).SlackWorkspaces, []);
    assert.equal(await store.getWorkspace(TEAM), undefined);
  });
});
