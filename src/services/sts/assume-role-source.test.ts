// AssumeRole by a service acting for a customer (AWS Chatbot for a channel configuration): the
// source account and ARN reach the trust policy, and another account's role opens only to a trust
// policy that names the source (the rule lives in policy/evaluate.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, type IamTestbed } from '../../../test/support/iam.js';
import type { ServicePrincipal } from '../../common/principal.js';
import { stsHandlers } from './handlers.js';
import type { Handler } from '../../core/service.js';

const TENANT = '444455556666';
let tb: IamTestbed;
let sts: Record<string, Handler>;
const configOf = (account: string) => `arn:aws:chatbot::${account}:chat-configuration/slack-channel/ops`;
const chatbotFor = (account: string): ServicePrincipal => ({
  type: 'AWSService', service: 'chatbot.amazonaws.com', accountId: account, arn: 'chatbot.amazonaws.com', accessKeyId: '', sourceArn: configOf(account),
});
const trust = (condition?: Record<string, Record<string, string>>) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

before(async () => {
  tb = await iamTestbed();
  sts = stsHandlers({ identity: tb.deps.identity });
  await tb.call('CreateRole', { RoleName: 'chatops', AssumeRolePolicyDocument: trust() });
  await tb.call('CreateRole', { RoleName: 'shared', AssumeRolePolicyDocument: trust({ StringEquals: { 'aws:SourceAccount': TENANT }, ArnLike: { 'aws:SourceArn': configOf(TENANT) } }) });
});
after(async () => { await tb.close(); });

const assume = (role: string, caller: ServicePrincipal) => {
  const ctx = tb.ctx(caller);
  ctx.via = { invokedBy: 'chatbot.amazonaws.com' };
  return { ctx, done: sts.AssumeRole({ RoleArn: `arn:aws:iam::${tb.accountId}:role/${role}`, RoleSessionName: 'chatbot-session', DurationSeconds: 900 }, ctx) };
};

test('Chatbot acting for the role\'s own account assumes a role trusting the service', async () => {
  const { ctx, done } = assume('chatops', chatbotFor(tb.accountId));
  const out = (await done) as { AssumedRoleUser: { Arn: string } };
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${tb.accountId}:assumed-role/chatops/chatbot-session`);
  assert.deepEqual(ctx.resources.map((r) => r.arn), [`arn:aws:iam::${tb.accountId}:role/chatops`]);
});

test('Chatbot acting for another account cannot assume it: the trust names only the service', async () => {
  const { ctx, done } = assume('chatops', chatbotFor(TENANT));
  await rejectsWith(done, 'AccessDenied', `User: chatbot.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${tb.accountId}:role/chatops`);
  assert.deepEqual(ctx.resources, []);
});

test('a trust naming the tenant\'s account and configuration admits that tenant, and only it', async () => {
  await assume('shared', chatbotFor(TENANT)).done;
  await rejectsWith(assume('shared', chatbotFor('777788889999')).done, 'AccessDenied');
  const otherConfig = { ...chatbotFor(TENANT), sourceArn: `arn:aws:chatbot::${TENANT}:chat-configuration/slack-channel/dev` };
  await rejectsWith(assume('shared', otherConfig).done, 'AccessDenied');
  await rejectsWith(assume('shared', chatbotFor(tb.accountId)).done, 'AccessDenied', /not authorized/);
});
