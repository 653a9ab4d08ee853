// The shipped AWS managed policies: all of AWS's, well-formed, addressed by their real ARNs, and
// granting what AWS's documents grant (and no more, where it matters).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyDocument } from './document.js';
import { evaluateIdentityPolicies, type AuthorizationRequest } from './evaluate.js';
import { MANAGED_POLICIES } from './managed.js';

function allowed(name: string, action: string, resource = '*', context: AuthorizationRequest['context'] = {}): boolean {
  const policy = MANAGED_POLICIES.get(`arn:aws:iam::aws:policy/${name}`);
  assert.ok(policy, name);
  return evaluateIdentityPolicies({ action, resource, context }, [policy.document]).decision === 'Allow';
}

test('every AWS managed policy is shipped under its real ARN, path and version history', () => {
  assert.ok(MANAGED_POLICIES.size > 1000, `only ${MANAGED_POLICIES.size} policies`);
  for (const [arn, policy] of MANAGED_POLICIES) {
    assert.equal(arn, `arn:aws:iam::aws:policy${policy.path}${policy.name}`);
    assert.match(policy.path, /^\/([\w-]+\/)*$/);
    assert.ok(policy.versions.some((v) => v.versionId === policy.defaultVersionId), policy.name);
  }
  const lambdaBasic = MANAGED_POLICIES.get('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
  assert.equal(lambdaBasic?.path, '/service-role/');
  const readOnly = MANAGED_POLICIES.get('arn:aws:iam::aws:policy/ReadOnlyAccess');
  assert.ok(readOnly && readOnly.versions.length > 100, 'ReadOnlyAccess keeps its version history');
  assert.match(readOnly.versionText('v1') ?? '', /"Statement"/);
  assert.equal(readOnly.versionText('v100000'), undefined);
  assert.equal(MANAGED_POLICIES.get('arn:aws:iam::aws:policy/readonlyaccess'), undefined, 'ARNs are exact');
});

test('every current document passes the identity-policy parser', () => {
  const failures: string[] = [];
  for (const policy of MANAGED_POLICIES.values()) {
    try {
      parsePolicyDocument(JSON.stringify(policy.document), 'identity');
    } catch (e) {
      failures.push(`${policy.name}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('documents are frozen so no caller can widen them', () => {
  const admin = MANAGED_POLICIES.get('arn:aws:iam::aws:policy/AdministratorAccess');
  assert.ok(admin);
  assert.ok(Object.isFrozen(admin.document.Statement));
  assert.throws(() => {
    (admin.document.Statement as unknown[]).push({});
  }, TypeError);
});

test('AdministratorAccess allows everything', () => {
  assert.equal(allowed('AdministratorAccess', 'iam:CreateUser'), true);
  assert.equal(allowed('AdministratorAccess', 'organizations:LeaveOrganization', 'arn:aws:organizations::1:x'), true);
});

test('ReadOnlyAccess allows reads but neither writes nor secret values', () => {
  for (const action of ['organizations:DescribeOrganization', 'iam:GetUser', 'iam:ListRoles', 'cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 's3:GetObject', 'ec2:DescribeInstances', 'lambda:ListFunctions', 'logs:FilterLogEvents', 'chatbot:DescribeSlackChannelConfigurations']) {
    assert.equal(allowed('ReadOnlyAccess', action), true, action);
  }
  for (const action of ['iam:CreateUser', 's3:PutObject', 'cloudtrail:DeleteTrail', 'lambda:InvokeFunction', 'secretsmanager:GetSecretValue', 'sts:AssumeRole']) {
    assert.equal(allowed('ReadOnlyAccess', action), false, action);
  }
});

test('CloudTrail policies: full access manages trails, read-only only reads', () => {
  assert.equal(allowed('AWSCloudTrail_FullAccess', 'cloudtrail:CreateTrail'), true);
  assert.equal(allowed('AWSCloudTrail_FullAccess', 's3:CreateBucket', 'arn:aws:s3:::aws-cloudtrail-logs-123'), true);
  assert.equal(allowed('AWSCloudTrail_FullAccess', 's3:CreateBucket', 'arn:aws:s3:::my-bucket'), false);
  assert.equal(allowed('AWSCloudTrail_FullAccess', 'iam:PassRole', 'arn:aws:iam::1:role/service-role/CloudTrailRoleForCloudWatchLogs_x', { 'iam:PassedToService': 'cloudtrail.amazonaws.com' }), true);
  assert.equal(allowed('AWSCloudTrail_FullAccess', 'iam:PassRole', 'arn:aws:iam::1:role/service-role/CloudTrailRoleForCloudWatchLogs_x', { 'iam:PassedToService': 'ec2.amazonaws.com' }), false);
  assert.equal(allowed('AWSCloudTrail_ReadOnlyAccess', 'cloudtrail:LookupEvents'), true);
  assert.equal(allowed('AWSCloudTrail_ReadOnlyAccess', 'cloudtrail:GetTrailStatus'), true);
  assert.equal(allowed('AWSCloudTrail_ReadOnlyAccess', 'cloudtrail:StopLogging'), false);
});

test('IAMReadOnlyAccess reads IAM only', () => {
  assert.equal(allowed('IAMReadOnlyAccess', 'iam:ListUsers'), true);
  assert.equal(allowed('IAMReadOnlyAccess', 'iam:DeleteUser'), false);
  assert.equal(allowed('IAMReadOnlyAccess', 's3:ListBuckets'), false);
});

test('Lambda policies: full access invokes and passes roles to Lambda only; read-only reads', () => {
  assert.equal(allowed('AWSLambda_FullAccess', 'lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:1:function:f'), true);
  assert.equal(allowed('AWSLambda_FullAccess', 'iam:PassRole', 'arn:aws:iam::1:role/r', { 'iam:PassedToService': 'lambda.amazonaws.com' }), true);
  assert.equal(allowed('AWSLambda_FullAccess', 'iam:PassRole', 'arn:aws:iam::1:role/r', { 'iam:PassedToService': 'ec2.amazonaws.com' }), false);
  assert.equal(allowed('AWSLambda_ReadOnlyAccess', 'lambda:GetFunction'), true);
  assert.equal(allowed('AWSLambda_ReadOnlyAccess', 'lambda:InvokeFunction'), false);
  assert.equal(allowed('AWSLambda_ReadOnlyAccess', 'logs:GetLogEvents', 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*'), true);
  assert.equal(allowed('AWSLambda_ReadOnlyAccess', 'logs:GetLogEvents', 'arn:aws:logs:us-east-1:1:log-group:/other:*'), false);
});

test('CloudWatchReadOnlyAccess and AWSSupportAccess', () => {
  assert.equal(allowed('CloudWatchReadOnlyAccess', 'cloudwatch:GetMetricData'), true);
  assert.equal(allowed('CloudWatchReadOnlyAccess', 'cloudwatch:PutMetricAlarm'), false);
  assert.equal(allowed('AWSSupportAccess', 'support:CreateCase'), true);
  assert.equal(allowed('AWSSupportAccess', 'iam:GetUser'), false);
});
