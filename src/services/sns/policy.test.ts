import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import type { Principal } from '../../common/principal.js';
import { authorizeOnTopic, defaultTopicPolicy, topicPolicyDecision, validateTopicPolicy } from './policy.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const ARN = `arn:aws:sns:us-east-1:${OWNER}:alerts`;
const user = (account: string): Principal => ({ type: 'IAMUser', accountId: account, arn: `arn:aws:iam::${account}:user/u`, userName: 'u', userId: 'AIDAX', accessKeyId: 'AKIAX' });
const cloudtrail = { arn: 'cloudtrail.amazonaws.com', accountId: OWNER, type: 'AWSService' as const, service: 'cloudtrail.amazonaws.com' };
const code = (fn: () => void) => { try { fn(); return undefined; } catch (e) { return (e as AwsError).code + ': ' + (e as AwsError).message; } };

test('the default policy lets the owner account in and keeps other accounts and CloudTrail out', () => {
  const topic = { arn: ARN, accountId: OWNER, attributes: { Policy: defaultTopicPolicy(ARN, OWNER) } };
  assert.equal(code(() => authorizeOnTopic(topic, 'SNS:Publish', user(OWNER))), undefined);
  assert.match(code(() => authorizeOnTopic(topic, 'SNS:Publish', user(OTHER)))!,
    /^AuthorizationError: User: arn:aws:iam::444455556666:user\/u is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:111122223333:alerts because no resource-based policy allows the SNS:Publish action$/);
  assert.equal(topicPolicyDecision(topic.attributes.Policy, ARN, 'SNS:Publish', cloudtrail, { 'aws:SourceAccount': OWNER }), 'ImplicitDeny');
});

test('a CloudTrail statement honours aws:SourceArn; an explicit Deny stops even the owner', () => {
  const trail = `arn:aws:cloudtrail:us-east-1:${OWNER}:trail/main`;
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'SNS:Publish', Resource: ARN, Condition: { StringEquals: { 'aws:SourceArn': trail } } },
      { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'sns:publish', Resource: ARN },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'SNS:DeleteTopic', Resource: ARN },
    ],
  });
  validateTopicPolicy(policy);
  assert.equal(topicPolicyDecision(policy, ARN, 'SNS:Publish', cloudtrail, { 'aws:SourceArn': trail, 'aws:SourceAccount': OWNER }), 'Allow');
  assert.equal(topicPolicyDecision(policy, ARN, 'SNS:Publish', cloudtrail, { 'aws:SourceArn': `${trail}2` }), 'ImplicitDeny');
  const topic = { arn: ARN, accountId: OWNER, attributes: { Policy: policy } };
  assert.equal(code(() => authorizeOnTopic(topic, 'SNS:Publish', user(OTHER))), undefined);
  assert.match(code(() => authorizeOnTopic(topic, 'SNS:DeleteTopic', user(OWNER)))!, /^AuthorizationError: .*explicit deny in a resource-based policy$/);
});

test('bad policies are refused with SNS wording', () => {
  assert.equal(code(() => validateTopicPolicy('{not json')), 'InvalidParameter: Invalid parameter: Policy Error: null');
  assert.equal(code(() => validateTopicPolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: ARN }] }))),
    'InvalidParameter: Invalid parameter: Policy statement action out of service scope!');
  assert.match(code(() => validateTopicPolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: ARN }] })))!,
    /^InvalidParameter: Invalid parameter: Policy Error: Missing required field Principal$/);
  assert.doesNotThrow(() => validateTopicPolicy(defaultTopicPolicy(ARN, OWNER)));
});
