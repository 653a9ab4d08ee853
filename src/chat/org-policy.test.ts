// The chat applications policy decision for a Slack channel, and the gate's answer and log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slackRefusal, OrgPolicyGate, type ChannelFacts } from './org-policy.js';
import type { EffectiveChatPolicy } from '../core/chat-policies.js';
import type { ChannelConfig } from '../core/chat-directory.js';
import { createLogger } from '../common/runtime.js';

const ref = (id: string) => ({ policyId: id, policyName: `n-${id}` });
function eff(slack: Record<string, unknown>, sources: Record<string, string>, extra: Record<string, unknown> = {}): EffectiveChatPolicy {
  return {
    organizationId: 'o-x', content: { chatbot: { platforms: { slack }, ...extra } },
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, ref(v)])),
  };
}
let asked = 0;
const facts = (over: Partial<ChannelFacts> = {}): ChannelFacts => ({
  teamId: 'T1', roleSetting: 'channel_role', channelType: async () => { asked++; return 'public'; }, ...over,
});

test('client, workspaces, channel types and role settings each refuse, naming the policy that set them', async () => {
  const disabled = await slackRefusal(eff({ client: 'disabled' }, { 'chatbot/platforms/slack/client': 'p-a' }), facts());
  assert.equal(disabled?.policy?.policyId, 'p-a');
  const byDefault = await slackRefusal({ organizationId: 'o', content: { chatbot: { default: { client: 'disabled' } } }, sources: { 'chatbot/default/client': ref('p-d') } }, facts());
  assert.equal(byDefault?.setting, 'chatbot/default/client');
  const ws = await slackRefusal(eff({ workspaces: ['T2'] }, { 'chatbot/platforms/slack/workspaces': 'p-w' }), facts());
  assert.match(ws?.why ?? '', /T1 is not one of the allowed workspaces/);
  assert.equal(await slackRefusal(eff({ workspaces: ['*'] }, {}), facts()), undefined);
  const priv = await slackRefusal(eff({ default: { supported_channel_types: ['private'] } }, { 'chatbot/platforms/slack/default/supported_channel_types': 'p-c' }), facts());
  assert.equal(priv?.policy?.policyId, 'p-c');
  const unknownType = await slackRefusal(eff({ default: { supported_channel_types: ['private'] } }, {}), facts({ channelType: async () => undefined }));
  assert.match(unknownType?.why ?? '', /did not say/);
  const roles = await slackRefusal(eff({ default: { supported_role_settings: ['user_role'] } }, { 'chatbot/platforms/slack/default/supported_role_settings': 'p-r' }), facts());
  assert.match(roles?.why ?? '', /channel-level role/);
  assert.equal(await slackRefusal(eff({ default: { supported_role_settings: ['user_role'] } }, {}), facts({ roleSetting: 'user_role' })), undefined);
});

test("a workspace's overrides replace the defaults; channel type is asked only when restricted", async () => {
  asked = 0;
  const e = eff({ default: { supported_channel_types: ['private'], supported_role_settings: ['user_role'] }, overrides: { T1: { supported_channel_types: ['public'] } } },
    { 'chatbot/platforms/slack/default/supported_role_settings': 'p-def' });
  const r = await slackRefusal(e, facts());
  assert.equal(asked, 1);
  assert.equal(r?.setting, 'chatbot/platforms/slack/default/supported_role_settings', 'channel type passed by the override, the default role setting refused');
  asked = 0;
  assert.equal(await slackRefusal(eff({ client: 'enabled' }, {}), facts()), undefined);
  assert.equal(asked, 0);
});

test('the gate answers with the policy named and logs the refusal; no policy, no refusal', async () => {
  const lines: string[] = [];
  const logger = createLogger('debug', (l) => lines.push(l));
  const config = { accountId: '111111111111', configurationArn: 'arn:aws:chatbot::111111111111:chat-configuration/slack-channel/x', teamId: 'T1', channelId: 'C1',
    iamRoleArn: 'arn:aws:iam::111111111111:role/r', userAuthorizationRequired: false, loggingLevel: 'ERROR' } as ChannelConfig;
  let current: EffectiveChatPolicy | undefined = eff({ workspaces: ['T9'] }, { 'chatbot/platforms/slack/workspaces': 'p-abc' });
  const gate = new OrgPolicyGate({ policies: () => ({ effectiveChatPolicy: async () => current }), channelIsPrivate: async () => false, logger });
  const text = await gate.refusal(config, 'xoxb', 'U1', config.iamRoleArn);
  assert.match(text ?? '', /chat applications policy \*n-p-abc\* \(`p-abc`\)/);
  assert.ok(lines.some((l) => l.includes('refused by an organization policy') && l.includes('p-abc')), lines.join('\n'));
  current = undefined;
  assert.equal(await gate.refusal(config, 'xoxb', 'U1', config.iamRoleArn), undefined);
});
