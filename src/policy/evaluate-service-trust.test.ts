// Trust policies and a service acting for one account on another's role (the confused deputy):
// aws:SourceAccount and aws:SourceArn reach the conditions, and across accounts the policy must
// name the source, not just the service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyDocument, Statement } from './document.js';
import { evaluateTrustPolicy, type AuthorizationRequest } from './evaluate.js';

const OWNER = '111122223333';
const TENANT = '444455556666';
const ROLE = `arn:aws:iam::${OWNER}:role/chatops`;
const configOf = (account: string, name = 'ops') => `arn:aws:chatbot::${account}:chat-configuration/slack-channel/${name}`;

/** AWS Chatbot acting for a configuration of `account`. */
function chatbotFor(account: string, sourceArn = configOf(account), resource = ROLE): AuthorizationRequest {
  return {
    action: 'sts:AssumeRole', resource,
    principal: { type: 'AWSService', service: 'chatbot.amazonaws.com', arn: 'chatbot.amazonaws.com', accountId: account },
    context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn },
  };
}

function trust(condition?: Statement['Condition'], extra: Statement[] = []): PolicyDocument {
  const allow: Statement = { Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' };
  return { Version: '2012-10-17', Statement: [condition ? { ...allow, Condition: condition } : allow, ...extra] };
}

test('in its own account, a trust naming the service admits it (the README\'s chatops role)', () => {
  assert.equal(evaluateTrustPolicy(chatbotFor(OWNER), trust()), 'Allow');
});

test('for another account, a trust naming only the service does not: that would admit every tenant', () => {
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust()), 'ImplicitDeny');
  // Nor does a condition every source meets.
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ StringLike: { 'aws:SourceAccount': '*' } })), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ ArnLike: { 'aws:SourceArn': 'arn:aws:chatbot::*:chat-configuration/slack-channel/ops' } })), 'ImplicitDeny');
});

test('for another account, a trust naming that source account or configuration admits it, as AWS documents', () => {
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ StringEquals: { 'aws:SourceAccount': TENANT } })), 'Allow');
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ ArnLike: { 'aws:SourceArn': `arn:aws:chatbot::${TENANT}:chat-configuration/slack-channel/*` } })), 'Allow');
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ ArnEquals: { 'aws:SourceArn': configOf(TENANT) } })), 'Allow');
});

test('the source conditions hold or fail on the real source: another tenant, another configuration', () => {
  const named = trust({ StringEquals: { 'aws:SourceAccount': TENANT }, ArnLike: { 'aws:SourceArn': configOf(TENANT, 'ops') } });
  assert.equal(evaluateTrustPolicy(chatbotFor('777788889999'), named), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT, configOf(TENANT, 'dev')), named), 'ImplicitDeny');
  // In the role's own account a trust may require its own configurations too.
  const own = trust({ StringEquals: { 'aws:SourceAccount': OWNER } });
  assert.equal(evaluateTrustPolicy(chatbotFor(OWNER), own), 'Allow');
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), own), 'ImplicitDeny');
});

test('a source-less service call to another account\'s role is judged by the account it acts for', () => {
  const req = chatbotFor(TENANT);
  req.context = {};
  assert.equal(evaluateTrustPolicy(req, trust()), 'ImplicitDeny');
});

test('an explicit Deny still wins, and callers that are not services keep the ordinary rules', () => {
  const denyTenant: Statement = { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': TENANT } } };
  assert.equal(evaluateTrustPolicy(chatbotFor(TENANT), trust({ StringEquals: { 'aws:SourceAccount': TENANT } }, [denyTenant])), 'ExplicitDeny');
  const crossAccount: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TENANT}:root` }, Action: 'sts:AssumeRole' }] };
  const user: AuthorizationRequest = { action: 'sts:AssumeRole', resource: ROLE, principal: { type: 'IAMUser', arn: `arn:aws:iam::${TENANT}:user/u`, accountId: TENANT }, context: {} };
  assert.equal(evaluateTrustPolicy(user, crossAccount), 'Allow');
});
