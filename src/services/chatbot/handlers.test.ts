// Chatbot's handlers against a real document store, Slack stubbed at the SlackApi method and the
// SNS subscriber captured: topic subscriptions, a workspace's state on its configurations, one
// configuration per Teams channel, tags merged by key, and the resources each record lists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores, type Stores } from '../../storage/stores.js';
import { SecretBox } from '../../storage/secrets.js';
import { loadConfig } from '../../common/config.js';
import { createLogger, randomIds, systemClock } from '../../common/runtime.js';
import type { Principal } from '../../common/principal.js';
import { isAwsError } from '../../protocol/errors.js';
import { SlackApi } from '../../slack/client.js';
import { OAuthStates } from '../../slack/oauth-state.js';
import type { CallContext, Handler } from '../../core/service.js';
import { ChatbotStore } from './store.js';
import { chatbotService } from './index.js';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/chatbot`;
const STORED_ROLE = `arn:aws:iam::${ACCOUNT}:role/chat/chatbot`;
const FOREIGN_ROLE = 'arn:aws:iam::999988887777:role/chatops';
const TOPIC = `arn:aws:sns:us-west-2:${ACCOUNT}:alerts`;
const TEAM = 'T0UNIT';
const MS_TEAM = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const TENANT = '11111111-2222-3333-4444-555555555555';
const MS_CHANNEL = '19%3aone%40thread.tacv2';
const user: Principal = { type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/u`, userName: 'u', userId: 'AIDAX', accessKeyId: 'AKIAX' };
const arnOf = (type: string, name: string) => `arn:aws:chatbot::${ACCOUNT}:chat-configuration/${type}/${name}`;

let dir: string;
let stores: Stores;
let store: ChatbotStore;
let handlers: Record<string, Handler>;
const subscribed: { accountId: string; topics: string[] }[] = [];

interface TestContext extends CallContext { resources: { type: string; arn: string }[] }
function ctx(): TestContext {
  const resources: { type: string; arn: string }[] = [];
  return {
    requestId: 'r', principal: user, accountId: ACCOUNT, region: 'us-east-2', sourceIp: '127.0.0.1', userAgent: 't', clock: systemClock, ids: randomIds,
    stores, homeRegion: 'us-east-1', resources, addResource: (type, arn) => { resources.push({ type, arn }); }, annotate: () => undefined, authorize: async () => undefined,
  };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = async (op: string, input: object, c: CallContext = ctx()): Promise<any> => (await handlers[op](input, c)) ?? {};
async function fails(op: string, input: object, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(call(op, input), (e: unknown) => {
    assert.ok(isAwsError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-handlers-'));
  stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  const box = new SecretBox(crypto.randomBytes(32));
  const logger = createLogger('error');
  store = new ChatbotStore(stores.documents, box, new SlackApi({ apiUrl: 'http://127.0.0.1:9/api/', logger }));
  // Every channel exists in Slack, named after its id.
  store.slack.channelInfo = async (_token: string, id: string) => ({ id, name: id.toLowerCase(), isPrivate: false, isArchived: false, isMember: true });
  const config = loadConfig([], { CHATTRAIL_DATA_DIR: dir, CHATTRAIL_LOG_LEVEL: 'error' });
  handlers = chatbotService({
    store, config, states: new OAuthStates(stores.documents, box, systemClock, randomIds), baseUrl: () => 'http://ct.test',
    subscribeTopics: async (accountId, topics) => { subscribed.push({ accountId, topics }); },
    // The stored role's ARN carries a path the caller may leave out.
    roles: async (accountId, roleName) => (accountId === ACCOUNT && roleName.toLowerCase() === 'chatbot' ? { arn: STORED_ROLE } : undefined),
  }).handlers;
  await store.saveInstallation(ACCOUNT, user.arn, { teamId: TEAM, teamName: 'Unit', botToken: 'xoxb-unit', botUserId: 'U0BOT', scopes: [], installedAt: new Date() });
});
after(async () => {
  await stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SNS topics of a configuration', () => {
  it('creating or updating with topics subscribes AWS Chatbot to them; an update without topics does not', async () => {
    subscribed.length = 0;
    await call('CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0SUB', IamRoleArn: ROLE, ConfigurationName: 'sub', SnsTopicArns: [TOPIC] });
    await call('UpdateSlackChannelConfiguration', { ChatConfigurationArn: arnOf('slack-channel', 'sub'), SlackChannelId: 'C0SUB', LoggingLevel: 'INFO' });
    await call('UpdateSlackChannelConfiguration', { ChatConfigurationArn: arnOf('slack-channel', 'sub'), SlackChannelId: 'C0SUB', SnsTopicArns: [TOPIC, `${TOPIC}2`] });
    await call('CreateMicrosoftTeamsChannelConfiguration', { ChannelId: '19%3asub%40thread.tacv2', TeamId: MS_TEAM, TenantId: TENANT, IamRoleArn: ROLE, ConfigurationName: 'teams-sub', SnsTopicArns: [TOPIC] });
    await call('CreateChimeWebhookConfiguration', {
      WebhookDescription: 'room', WebhookUrl: 'https://hooks.chime.aws/incomingwebhooks/a?token=b', SnsTopicArns: [TOPIC], IamRoleArn: ROLE, ConfigurationName: 'chime-sub',
    });
    assert.deepEqual(subscribed.map((s) => s.topics), [[TOPIC], [TOPIC, `${TOPIC}2`], [TOPIC], [TOPIC]]);
    assert.ok(subscribed.every((s) => s.accountId === ACCOUNT));
  });
});

describe('a Slack workspace that needs authorizing again', () => {
  it('shows its configurations DISABLED with the reason, and ENABLED again once repaired', async () => {
    await call('CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0STATE', IamRoleArn: ROLE, ConfigurationName: 'state' });
    const describe = async () => (await call('DescribeSlackChannelConfigurations', { ChatConfigurationArn: arnOf('slack-channel', 'state') })).SlackChannelConfigurations[0];
    assert.equal((await describe()).State, 'ENABLED');
    assert.equal((await describe()).StateReason, undefined);
    await store.markNeedsReauthorization(TEAM, 'token_revoked');
    const disabled = await describe();
    assert.equal(disabled.State, 'DISABLED');
    assert.match(disabled.StateReason, /token_revoked/);
    const updated = await call('UpdateSlackChannelConfiguration', { ChatConfigurationArn: arnOf('slack-channel', 'state'), SlackChannelId: 'C0STATE', LoggingLevel: 'ERROR' });
    assert.equal(updated.ChannelConfiguration.State, 'DISABLED');
    await store.saveInstallation(ACCOUNT, user.arn, { teamId: TEAM, teamName: 'Unit', botToken: 'xoxb-new', botUserId: 'U0BOT', scopes: [], installedAt: new Date() });
    assert.equal((await describe()).State, 'ENABLED');
  });
});

describe('Microsoft Teams channels', () => {
  it('a channel has one configuration per account: create and update onto a taken channel conflict', async () => {
    const base = { TeamId: MS_TEAM, TenantId: TENANT, IamRoleArn: ROLE };
    await call('CreateMicrosoftTeamsChannelConfiguration', { ...base, ChannelId: MS_CHANNEL, ConfigurationName: 'one' });
    await fails('CreateMicrosoftTeamsChannelConfiguration', { ...base, ChannelId: MS_CHANNEL, ConfigurationName: 'two' }, 'ConflictException', /already configured by .*\/one\.$/);
    await call('CreateMicrosoftTeamsChannelConfiguration', { ...base, ChannelId: '19%3atwo%40thread.tacv2', ConfigurationName: 'two' });
    await fails('UpdateMicrosoftTeamsChannelConfiguration', { ChatConfigurationArn: arnOf('microsoft-teams-channel', 'two'), ChannelId: MS_CHANNEL }, 'ConflictException');
    const same = await call('UpdateMicrosoftTeamsChannelConfiguration', { ChatConfigurationArn: arnOf('microsoft-teams-channel', 'one'), ChannelId: MS_CHANNEL, LoggingLevel: 'INFO' });
    assert.equal(same.ChannelConfiguration.LoggingLevel, 'INFO', 'keeping its own channel is no conflict');
  });
});

describe('tags given at creation', () => {
  const dup = [{ TagKey: 'env', TagValue: 'dev' }, { TagKey: 'team', TagValue: 'ops' }, { TagKey: 'env', TagValue: 'prod' }];
  const merged = [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'ops' }];

  it('keep one value per key, the last given, like TagResource', async () => {
    const slack = await call('CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0TAGS', IamRoleArn: ROLE, ConfigurationName: 'tags', Tags: dup });
    assert.deepEqual(slack.ChannelConfiguration.Tags, merged);
    const teams = await call('CreateMicrosoftTeamsChannelConfiguration', { ChannelId: '19%3atags%40thread.tacv2', TeamId: MS_TEAM, TenantId: TENANT, IamRoleArn: ROLE, ConfigurationName: 'teams-tags', Tags: dup });
    assert.deepEqual(teams.ChannelConfiguration.Tags, merged);
    const action = await call('CreateCustomAction', { ActionName: 'tagged', Definition: { CommandText: 'sts get-caller-identity' }, Tags: dup });
    assert.deepEqual((await call('ListTagsForResource', { ResourceARN: action.CustomActionArn })).Tags, merged);
  });

  it('a custom action is held to the same 50 tags as TagResource', async () => {
    const tags = Array.from({ length: 51 }, (_, n) => ({ TagKey: `k${n}`, TagValue: 'v' }));
    await fails('CreateCustomAction', { ActionName: 'too-many', Definition: { CommandText: 'x' }, Tags: tags }, 'InvalidRequestException', /at most 50 tags/);
    await fails('GetCustomAction', { CustomActionArn: `arn:aws:chatbot::${ACCOUNT}:custom-action/too-many` }, 'ResourceNotFoundException');
    await fails('CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0MANY', IamRoleArn: ROLE, ConfigurationName: 'many', Tags: tags }, 'InvalidParameterException');
  });
});

describe('resources in the records', () => {
  const slack = arnOf('slack-channel', 'tags');
  const action = `arn:aws:chatbot::${ACCOUNT}:custom-action/tagged`;
  const SLACK = 'AWS::Chatbot::SlackChannelConfiguration';
  const ACTION = 'AWS::Chatbot::CustomAction';

  it('tag calls list the resource they tag', async () => {
    for (const [op, input] of [
      ['TagResource', { ResourceARN: slack, Tags: [{ TagKey: 'a', TagValue: 'b' }] }],
      ['UntagResource', { ResourceARN: slack, TagKeys: ['a'] }],
      ['ListTagsForResource', { ResourceARN: slack }],
    ] as const) {
      const c = ctx();
      await call(op, input, c);
      assert.deepEqual(c.resources, [{ type: SLACK, arn: slack }], op);
    }
  });

  it('associations list both the custom action and the configuration', async () => {
    const a = ctx();
    await call('AssociateToConfiguration', { Resource: action, ChatConfiguration: slack }, a);
    assert.deepEqual(a.resources, [{ type: ACTION, arn: action }, { type: SLACK, arn: slack }]);
    const d = ctx();
    await call('DisassociateFromConfiguration', { Resource: action, ChatConfiguration: slack }, d);
    assert.deepEqual(d.resources, [{ type: ACTION, arn: action }, { type: SLACK, arn: slack }]);
  });

  it('deleting a user identity lists its configuration', async () => {
    await store.putSlackUserIdentity({ IamRoleArn: ROLE, ChatConfigurationArn: slack, SlackTeamId: TEAM, SlackUserId: 'U0ANN' });
    const c = ctx();
    await call('DeleteSlackUserIdentity', { ChatConfigurationArn: slack, SlackTeamId: TEAM, SlackUserId: 'U0ANN' }, c);
    assert.deepEqual(c.resources, [{ type: SLACK, arn: slack }]);
  });
});

describe('the role a configuration names is passed to AWS Chatbot (iam:PassRole)', () => {
  type Check = { action: string; resource: string; context?: Record<string, string | string[] | undefined> };
  /** A context whose further checks are collected, and refused when `refuse` says so. */
  function checking(checks: Check[], refuse = false): TestContext {
    const c = ctx();
    c.authorize = async (action, resource, context) => {
      checks.push({ action, resource, context });
      if (refuse) throw Object.assign(new Error('denied'), { code: 'AccessDeniedException' });
    };
    return c;
  }
  const passRole = { action: 'iam:PassRole', resource: STORED_ROLE, context: { 'iam:PassedToService': 'chatbot.amazonaws.com' } };
  const creates: [string, Record<string, unknown>][] = [
    ['CreateSlackChannelConfiguration', { SlackTeamId: TEAM, SlackChannelId: 'C0PASS', ConfigurationName: 'pass' }],
    ['CreateMicrosoftTeamsChannelConfiguration', { ChannelId: '19%3apass%40thread.tacv2', TeamId: MS_TEAM, TenantId: TENANT, ConfigurationName: 'teams-pass' }],
    ['CreateChimeWebhookConfiguration', { WebhookDescription: 'room', WebhookUrl: 'https://hooks.chime.aws/incomingwebhooks/p?token=q', SnsTopicArns: [], ConfigurationName: 'chime-pass' }],
  ];

  it('every create refuses another account\'s role, before any policy is read, and stores nothing', async () => {
    for (const [op, input] of creates) {
      const checks: Check[] = [];
      await assert.rejects(call(op, { ...input, IamRoleArn: FOREIGN_ROLE }, checking(checks)), (e: unknown) => {
        assert.ok(isAwsError(e), String(e));
        assert.equal(e.code, 'AccessDeniedException', op);
        assert.equal(e.message, 'Cross-account pass role is not allowed.');
        assert.equal(e.status, 403);
        return true;
      });
      assert.deepEqual(checks, [], op);
    }
    assert.equal(await store.slackConfigs.get(ACCOUNT, 'pass'), undefined);
    assert.equal(await store.teamsConfigs.get(ACCOUNT, 'teams-pass'), undefined);
    assert.equal(await store.chimeConfigs.get(ACCOUNT, 'chime-pass'), undefined);
  });

  it('every create authorizes iam:PassRole to chatbot.amazonaws.com on the stored role, and a refusal stores nothing', async () => {
    for (const [op, input] of creates) {
      const refused: Check[] = [];
      await assert.rejects(call(op, { ...input, IamRoleArn: ROLE }, checking(refused, true)), /denied/);
      assert.deepEqual(refused, [passRole], op);
    }
    assert.equal(await store.slackConfigs.get(ACCOUNT, 'pass'), undefined);
    for (const [op, input] of creates) {
      const checks: Check[] = [];
      await call(op, { ...input, IamRoleArn: ROLE }, checking(checks));
      assert.deepEqual(checks, [passRole], op);
    }
  });

  it('every update naming a role passes it again; one that names none passes nothing', async () => {
    const updates: [string, Record<string, unknown>][] = [
      ['UpdateSlackChannelConfiguration', { ChatConfigurationArn: arnOf('slack-channel', 'pass'), SlackChannelId: 'C0PASS' }],
      ['UpdateMicrosoftTeamsChannelConfiguration', { ChatConfigurationArn: arnOf('microsoft-teams-channel', 'teams-pass'), ChannelId: '19%3apass%40thread.tacv2' }],
      ['UpdateChimeWebhookConfiguration', { ChatConfigurationArn: arnOf('chime-webhook', 'chime-pass') }],
    ];
    for (const [op, input] of updates) {
      const none: Check[] = [];
      await call(op, { ...input, LoggingLevel: 'INFO' }, checking(none));
      assert.deepEqual(none, [], op);
      const checks: Check[] = [];
      await call(op, { ...input, IamRoleArn: ROLE }, checking(checks));
      assert.deepEqual(checks, [passRole], op);
      await assert.rejects(call(op, { ...input, IamRoleArn: FOREIGN_ROLE }, checking([])), (e: unknown) => isAwsError(e) && e.message === 'Cross-account pass role is not allowed.', op);
    }
    assert.equal((await store.slackConfigs.get(ACCOUNT, 'pass'))?.IamRoleArn, ROLE, 'the refused update changed nothing');
  });

  it('a user identity may only name a role of its configuration\'s account', async () => {
    const slack = arnOf('slack-channel', 'pass');
    await assert.rejects(store.putSlackUserIdentity({ IamRoleArn: FOREIGN_ROLE, ChatConfigurationArn: slack, SlackTeamId: TEAM, SlackUserId: 'U0EVE' }), /Cross-account pass role/);
    await assert.rejects(store.putTeamsUserIdentity({ IamRoleArn: FOREIGN_ROLE, ChatConfigurationArn: arnOf('microsoft-teams-channel', 'teams-pass'), TeamId: MS_TEAM, UserId: 'u-eve' }), /Cross-account pass role/);
    assert.equal(await store.getSlackUserIdentity(slack, 'U0EVE'), undefined);
  });
});
