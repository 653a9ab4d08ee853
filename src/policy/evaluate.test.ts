// Evaluation: deny/allow precedence, Action/NotAction and Resource/NotResource, policy variables,
// boundary and guardrail intersections, trust policies and resource policies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyDocument, Statement } from './document.js';
import {
  evaluateIdentityPolicies,
  evaluateResourcePolicy,
  evaluateTrustPolicy,
  evaluateWithBoundary,
  type AuthorizationRequest,
  type Decision,
  type RequestPrincipal,
} from './evaluate.js';

const ACCOUNT = '123456789012';
const alice: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, type: 'IAMUser' };

function request(action: string, resource = '*', extra: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return { action, resource, principal: alice, context: {}, ...extra };
}

function policy(...Statement: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

const allow = (Action: string | string[], Resource: string | string[] = '*'): Statement => ({ Effect: 'Allow', Action, Resource });
const deny = (Action: string | string[], Resource: string | string[] = '*'): Statement => ({ Effect: 'Deny', Action, Resource });

function decide(req: AuthorizationRequest, ...policies: PolicyDocument[]): Decision {
  return evaluateIdentityPolicies(req, policies).decision;
}

test('no policies, or no matching statement, is an implicit deny', () => {
  assert.deepEqual(evaluateIdentityPolicies(request('iam:CreateUser'), []), { decision: 'ImplicitDeny' });
  assert.equal(decide(request('iam:CreateUser'), policy(allow('s3:*'))), 'ImplicitDeny');
});

test('a matching Allow allows and reports its statement', () => {
  const statement = { Sid: 'Users', ...allow('iam:CreateUser') };
  assert.deepEqual(evaluateIdentityPolicies(request('iam:CreateUser'), [policy(statement)]), { decision: 'Allow', matchedStatement: statement });
});

test('an explicit Deny beats an Allow, in the same or another policy, in either order', () => {
  const denyStatement = deny('iam:Delete*');
  assert.deepEqual(evaluateIdentityPolicies(request('iam:DeleteUser'), [policy(allow('*'), denyStatement)]), {
    decision: 'ExplicitDeny',
    matchedStatement: denyStatement,
  });
  assert.equal(decide(request('iam:DeleteUser'), policy(denyStatement), policy(allow('*'))), 'ExplicitDeny');
  assert.equal(decide(request('iam:DeleteUser'), policy(allow('*')), policy(denyStatement)), 'ExplicitDeny');
  assert.equal(decide(request('iam:CreateUser'), policy(allow('*'), denyStatement)), 'Allow');
});

test('actions match case-insensitively with * and ? wildcards', () => {
  const p = policy(allow(['iam:Get*', 'sts:Get?allerIdentity']));
  assert.equal(decide(request('iam:GetUser'), p), 'Allow');
  assert.equal(decide(request('IAM:getuser'), p), 'Allow');
  assert.equal(decide(request('sts:GetCallerIdentity'), p), 'Allow');
  assert.equal(decide(request('sts:GetXXallerIdentity'), p), 'ImplicitDeny');
  assert.equal(decide(request('iam:ListUsers'), p), 'ImplicitDeny');
  assert.equal(decide(request('s3:GetObject'), p), 'ImplicitDeny');
  assert.equal(decide(request('cloudtrail:LookupEvents'), policy(allow('CloudTrail:lookupevents'))), 'Allow');
});

test('NotAction allows everything except the listed actions', () => {
  const p = policy({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
  assert.equal(decide(request('s3:GetObject'), p), 'Allow');
  assert.equal(decide(request('iam:CreateUser'), p), 'ImplicitDeny');
  // Deny + NotAction: deny everything but the exempted action.
  const guard = policy(allow('*'), { Effect: 'Deny', NotAction: 'sts:GetCallerIdentity', Resource: '*' });
  assert.equal(decide(request('sts:GetCallerIdentity'), guard), 'Allow');
  assert.equal(decide(request('s3:ListBuckets'), guard), 'ExplicitDeny');
});

test('resources match case-sensitively with wildcards', () => {
  const p = policy(allow('s3:GetObject', 'arn:aws:s3:::reports/*'), allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dev-?`));
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::reports/2024/jan.csv'), p), 'Allow');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::Reports/2024/jan.csv'), p), 'ImplicitDeny');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::other/x'), p), 'ImplicitDeny');
  assert.equal(decide(request('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dev-1`), p), 'Allow');
  assert.equal(decide(request('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/dev-12`), p), 'ImplicitDeny');
});

test('a resource wildcard stays within its ARN segment, except in the resource part', () => {
  const p = policy(allow('lambda:InvokeFunction', 'arn:aws:lambda:*:123456789012:function:*'));
  assert.equal(decide(request('lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:123456789012:function:f:prod'), p), 'Allow');
  assert.equal(decide(request('lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:999999999999:function:f'), p), 'ImplicitDeny');
  // `*` in the region segment must not swallow the account segment.
  const regionOnly = policy(allow('lambda:InvokeFunction', 'arn:aws:lambda:*:function:f'));
  assert.equal(decide(request('lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:123456789012:function:f'), regionOnly), 'ImplicitDeny');
});

test('Resource "*" covers actions without resource-level permissions; an ARN pattern does not', () => {
  assert.equal(decide(request('iam:ListUsers', '*'), policy(allow('iam:ListUsers'))), 'Allow');
  assert.equal(decide(request('iam:ListUsers', '*'), policy(allow('iam:ListUsers', `arn:aws:iam::${ACCOUNT}:*`))), 'ImplicitDeny');
});

test('NotResource applies to every resource except the listed ones', () => {
  const p = policy(allow('*'), { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::public', 'arn:aws:s3:::public/*'] });
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::public/a'), p), 'Allow');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::secret/a'), p), 'ExplicitDeny');
  const allowOnly = policy({ Effect: 'Allow', Action: 'iam:*', NotResource: `arn:aws:iam::${ACCOUNT}:user/admin` });
  assert.equal(decide(request('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/bob`), allowOnly), 'Allow');
  assert.equal(decide(request('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/admin`), allowOnly), 'ImplicitDeny');
});

test('statements with neither Action nor NotAction, or an unknown Effect, never apply', () => {
  const malformed = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' } as Statement] };
  assert.equal(decide(request('iam:GetUser'), malformed), 'ImplicitDeny');
  const oddEffect = { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' } as unknown as Statement] };
  assert.equal(decide(request('iam:GetUser'), oddEffect), 'ImplicitDeny');
});

test('policy variables are substituted into resources from the context', () => {
  const p = policy(allow('iam:*AccessKey*', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`));
  const own = request('iam:CreateAccessKey', alice.arn, { context: { 'aws:username': 'alice' } });
  assert.equal(decide(own, p), 'Allow');
  const other = request('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/bob`, { context: { 'aws:username': 'alice' } });
  assert.equal(decide(other, p), 'ImplicitDeny');
  // Missing variable: the resource matches nothing.
  assert.equal(decide(request('iam:CreateAccessKey', alice.arn), p), 'ImplicitDeny');
});

test('variable names are case-insensitive and principal keys come from the principal', () => {
  const p = policy(allow('s3:GetObject', 'arn:aws:s3:::home/${AWS:UserName}/${aws:PrincipalAccount}/*'));
  const req = request('s3:GetObject', `arn:aws:s3:::home/alice/${ACCOUNT}/notes.txt`, { context: { 'aws:username': 'alice' } });
  assert.equal(decide(req, p), 'Allow');
});

test('substituted values are literal: a wildcard in the value does not widen the pattern', () => {
  const p = policy(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:userid}/*'));
  const sneaky = request('s3:GetObject', 'arn:aws:s3:::home/AIDAEXAMPLE/x', { context: { 'aws:userid': '*' } });
  assert.equal(decide(sneaky, p), 'ImplicitDeny');
  const literal = request('s3:GetObject', 'arn:aws:s3:::home/*/x', { context: { 'aws:userid': '*' } });
  assert.equal(decide(literal, p), 'Allow');
});

test('${*}, ${?} and ${$} stand for literal characters', () => {
  const p = policy(allow('s3:GetObject', 'arn:aws:s3:::b/${*}${?}${$}'));
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/*?$'), p), 'Allow');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/ab$'), p), 'ImplicitDeny');
});

test('a variable default applies when the key is missing', () => {
  const p = policy(allow('s3:GetObject', "arn:aws:s3:::b/${aws:username, 'guest'}/*"));
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/guest/x'), p), 'Allow');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/alice/x', { context: { 'aws:username': 'alice' } }), p), 'Allow');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/alice/x'), p), 'ImplicitDeny');
});

test('variables are literal text in documents without Version 2012-10-17', () => {
  const old: PolicyDocument = { Version: '2008-10-17', Statement: [allow('s3:GetObject', 'arn:aws:s3:::b/${aws:username}')] };
  const ctx = { context: { 'aws:username': 'alice' } };
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/alice', ctx), old), 'ImplicitDeny');
  assert.equal(decide(request('s3:GetObject', 'arn:aws:s3:::b/${aws:username}', ctx), old), 'Allow');
});

test('variables are substituted in condition values', () => {
  const p = policy({ ...allow('s3:ListBucket'), Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } });
  const mine = request('s3:ListBucket', '*', { context: { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs' } });
  assert.equal(decide(mine, p), 'Allow');
  const theirs = request('s3:ListBucket', '*', { context: { 'aws:username': 'alice', 's3:prefix': 'home/bob/docs' } });
  assert.equal(decide(theirs, p), 'ImplicitDeny');
  const equals = policy({ ...allow('iam:TagUser'), Condition: { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } } });
  const tagged = request('iam:TagUser', '*', { context: { 'aws:username': 'alice', 'aws:ResourceTag/owner': 'alice' } });
  assert.equal(decide(tagged, equals), 'Allow');
});

test('a statement applies only when its conditions hold', () => {
  const p = policy({ ...deny('*'), Condition: { Bool: { 'aws:SecureTransport': 'false' } } }, allow('*'));
  assert.equal(decide(request('s3:GetObject', '*', { context: { 'aws:SecureTransport': 'false' } }), p), 'ExplicitDeny');
  assert.equal(decide(request('s3:GetObject', '*', { context: { 'aws:SecureTransport': 'true' } }), p), 'Allow');
});

test('an operator the evaluator does not know fails closed', () => {
  const unknown = { Bogus: { 'aws:username': 'alice' } };
  const allowIt = policy({ ...allow('*'), Condition: unknown });
  assert.equal(decide(request('s3:GetObject', '*', { context: { 'aws:username': 'alice' } }), allowIt), 'ImplicitDeny');
  const denyIt = policy(allow('*'), { ...deny('*'), Condition: unknown });
  assert.equal(decide(request('s3:GetObject', '*', { context: { 'aws:username': 'bob' } }), denyIt), 'ExplicitDeny');
});

// --- boundaries and Chatbot guardrails ---

const roleAllowsIamAndS3 = [policy(allow(['iam:*', 's3:*']))];
const readOnlyGuardrail = [policy(allow(['iam:Get*', 'iam:List*', 's3:Get*', 'cloudtrail:LookupEvents']))];

test('without a boundary, the identity decision stands', () => {
  assert.equal(evaluateWithBoundary(request('iam:CreateUser'), roleAllowsIamAndS3, undefined).decision, 'Allow');
  assert.deepEqual(evaluateWithBoundary(request('sns:Publish'), roleAllowsIamAndS3, undefined), { decision: 'ImplicitDeny', deniedBy: 'identity' });
});

test('the effective permission is the intersection of identity and guardrails', () => {
  assert.equal(evaluateWithBoundary(request('iam:GetUser'), roleAllowsIamAndS3, readOnlyGuardrail).decision, 'Allow');
  // Role allows, guardrail does not.
  assert.deepEqual(evaluateWithBoundary(request('iam:CreateUser'), roleAllowsIamAndS3, readOnlyGuardrail), { decision: 'ImplicitDeny', deniedBy: 'boundary' });
  // Guardrail allows, role does not.
  assert.deepEqual(evaluateWithBoundary(request('cloudtrail:LookupEvents'), roleAllowsIamAndS3, readOnlyGuardrail), { decision: 'ImplicitDeny', deniedBy: 'identity' });
});

test('an allowed intersection reports the identity statement that allowed', () => {
  const result = evaluateWithBoundary(request('iam:GetUser'), roleAllowsIamAndS3, readOnlyGuardrail);
  assert.deepEqual(result.matchedStatement, roleAllowsIamAndS3[0]?.Statement[0]);
});

test('an empty guardrail set allows nothing', () => {
  assert.equal(evaluateWithBoundary(request('iam:GetUser'), roleAllowsIamAndS3, []).decision, 'ImplicitDeny');
});

test('an explicit deny in either set denies', () => {
  const denyUsers = deny('iam:GetUser');
  const inGuardrail = evaluateWithBoundary(request('iam:GetUser'), roleAllowsIamAndS3, [policy(allow('*'), denyUsers)]);
  assert.deepEqual(inGuardrail, { decision: 'ExplicitDeny', matchedStatement: denyUsers, deniedBy: 'boundary' });
  const inIdentity = evaluateWithBoundary(request('iam:GetUser'), [policy(allow('*'), denyUsers)], readOnlyGuardrail);
  assert.deepEqual(inIdentity, { decision: 'ExplicitDeny', matchedStatement: denyUsers, deniedBy: 'identity' });
  // Reported as explicit even when the identity policies would not have allowed anyway.
  const both = evaluateWithBoundary(request('sns:Publish'), roleAllowsIamAndS3, [policy(deny('sns:*'))]);
  assert.equal(both.decision, 'ExplicitDeny');
  assert.equal(both.deniedBy, 'boundary');
});

test('guardrails combine across several policies: any one allowing suffices', () => {
  const guardrails = [policy(allow('iam:Get*')), policy(allow('s3:Get*'))];
  assert.equal(evaluateWithBoundary(request('s3:GetObject'), roleAllowsIamAndS3, guardrails).decision, 'Allow');
  assert.equal(evaluateWithBoundary(request('s3:PutObject'), roleAllowsIamAndS3, guardrails).decision, 'ImplicitDeny');
});

// --- trust policies ---

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ops/Deployer`;
const assumeRole = (principal: RequestPrincipal | undefined, context: AuthorizationRequest['context'] = {}): AuthorizationRequest =>
  principal === undefined ? { action: 'sts:AssumeRole', resource: ROLE_ARN, context } : { action: 'sts:AssumeRole', resource: ROLE_ARN, principal, context };

function trust(principal: Statement['Principal'], extra: Partial<Statement> = {}): PolicyDocument {
  return policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal, ...extra });
}

const bob: RequestPrincipal = { arn: 'arn:aws:iam::111111111111:user/bob', accountId: '111111111111', type: 'IAMUser' };
const root: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, type: 'Root' };
const chatbot: RequestPrincipal = { arn: 'chatbot.amazonaws.com', accountId: ACCOUNT, type: 'AWSService', service: 'chatbot.amazonaws.com' };
const session = (role: string, account = ACCOUNT): RequestPrincipal => ({
  arn: `arn:aws:sts::${account}:assumed-role/${role}/session-1`,
  accountId: account,
  type: 'AssumedRole',
});

test('trust: "*" and {"AWS": "*"} admit everyone, anonymous callers included', () => {
  assert.equal(evaluateTrustPolicy(assumeRole(bob), trust('*')), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(undefined), trust('*')), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(undefined), trust({ AWS: '*' })), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(undefined), trust({ AWS: alice.arn })), 'ImplicitDeny');
});

test('trust: an account root ARN or bare account id admits any principal of that account', () => {
  for (const id of [`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]) {
    const doc = trust({ AWS: id });
    assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'Allow', id);
    assert.equal(evaluateTrustPolicy(assumeRole(root), doc), 'Allow', id);
    assert.equal(evaluateTrustPolicy(assumeRole(session('Other')), doc), 'Allow', id);
    assert.equal(evaluateTrustPolicy(assumeRole(bob), doc), 'ImplicitDeny', id);
    // A service is not "in" the account.
    assert.equal(evaluateTrustPolicy(assumeRole(chatbot), doc), 'ImplicitDeny', id);
  }
});

test('trust: a user ARN admits only that user', () => {
  const doc = trust({ AWS: alice.arn });
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole({ ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/alicia` }), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole(root), doc), 'ImplicitDeny');
});

test('trust: a role ARN admits sessions of that role, path or not', () => {
  const doc = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/teams/Builder` });
  assert.equal(evaluateTrustPolicy(assumeRole(session('Builder')), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(session('Builder2')), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole(session('Builder', '111111111111')), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole({ ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/Builder` }), doc), 'ImplicitDeny');
  const plain = trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/Builder` });
  assert.equal(evaluateTrustPolicy(assumeRole(session('Builder')), plain), 'Allow');
});

test('trust: an assumed-role session ARN admits that exact session', () => {
  const doc = trust({ AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Builder/session-1` });
  assert.equal(evaluateTrustPolicy(assumeRole(session('Builder')), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole({ ...session('Builder'), arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Builder/other` }), doc), 'ImplicitDeny');
});

test('trust: service principals match only that service', () => {
  const doc = trust({ Service: 'chatbot.amazonaws.com' });
  assert.equal(evaluateTrustPolicy(assumeRole(chatbot), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole({ ...chatbot, service: 'lambda.amazonaws.com' }), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'ImplicitDeny');
  // A user whose ARN happens to equal the service name is still not the service.
  assert.equal(evaluateTrustPolicy(assumeRole({ ...alice, arn: 'chatbot.amazonaws.com' }), doc), 'ImplicitDeny');
});

test('trust: lists of principals and several principal types are ORed', () => {
  const doc = trust({ AWS: [bob.arn, alice.arn], Service: ['lambda.amazonaws.com', 'chatbot.amazonaws.com'] });
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(bob), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(chatbot), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(root), doc), 'ImplicitDeny');
});

test('trust: federated principals match by equality', () => {
  const provider = `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`;
  const doc = policy({ Effect: 'Allow', Action: 'sts:AssumeRoleWithSAML', Principal: { Federated: provider } });
  const fed: RequestPrincipal = { arn: provider, accountId: ACCOUNT, type: 'FederatedUser' };
  assert.equal(evaluateTrustPolicy({ action: 'sts:AssumeRoleWithSAML', resource: ROLE_ARN, principal: fed, context: {} }, doc), 'Allow');
  assert.equal(evaluateTrustPolicy({ action: 'sts:AssumeRoleWithSAML', resource: ROLE_ARN, principal: { ...fed, arn: `${provider}2` }, context: {} }, doc), 'ImplicitDeny');
  // The action must match too.
  assert.equal(evaluateTrustPolicy({ action: 'sts:AssumeRole', resource: ROLE_ARN, principal: fed, context: {} }, doc), 'ImplicitDeny');
});

test('trust: conditions such as sts:ExternalId apply', () => {
  const doc = trust({ AWS: ACCOUNT }, { Condition: { StringEquals: { 'sts:ExternalId': 'secret-42' } } });
  assert.equal(evaluateTrustPolicy(assumeRole(alice, { 'sts:ExternalId': 'secret-42' }), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(alice, { 'sts:ExternalId': 'nope' }), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'ImplicitDeny');
});

test('trust: a Deny with NotPrincipal refuses everyone else', () => {
  const doc = policy(
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ACCOUNT } },
    { Effect: 'Deny', Action: 'sts:AssumeRole', NotPrincipal: { AWS: alice.arn } },
  );
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'Allow');
  assert.equal(evaluateTrustPolicy(assumeRole(root), doc), 'ExplicitDeny');
});

test('trust: a statement without any principal element fails closed', () => {
  const doc = policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }, { Effect: 'Deny', Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } });
  assert.equal(evaluateTrustPolicy(assumeRole(alice), doc), 'ImplicitDeny');
  assert.equal(evaluateTrustPolicy(assumeRole(alice, { 'aws:MultiFactorAuthPresent': 'false' }), doc), 'ExplicitDeny');
});

// --- resource policies ---

const BUCKET = 'arn:aws:s3:::trail-logs';
const cloudtrail: RequestPrincipal = { arn: 'cloudtrail.amazonaws.com', accountId: ACCOUNT, type: 'AWSService', service: 'cloudtrail.amazonaws.com' };

const bucketPolicy = policy(
  { Sid: 'AclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: BUCKET },
  {
    Sid: 'Write',
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${BUCKET}/AWSLogs/${ACCOUNT}/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT } },
  },
  { Sid: 'NoPlainHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
);

test('resource policy: the CloudTrail service principal may write its logs', () => {
  const put = (context: AuthorizationRequest['context'], principal: RequestPrincipal = cloudtrail): Decision =>
    evaluateResourcePolicy({ action: 's3:PutObject', resource: `${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/x.json.gz`, principal, context }, bucketPolicy);
  const good = { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': 'true' };
  assert.equal(put(good), 'Allow');
  assert.equal(put({ ...good, 'aws:SourceAccount': '111111111111' }), 'ImplicitDeny');
  assert.equal(put({ ...good, 's3:x-amz-acl': 'private' }), 'ImplicitDeny');
  assert.equal(put(good, alice), 'ImplicitDeny');
  assert.equal(put({ ...good, 'aws:SecureTransport': 'false' }), 'ExplicitDeny');
});

test('resource policy: the statement resource must match', () => {
  const acl = (resource: string): Decision => evaluateResourcePolicy({ action: 's3:GetBucketAcl', resource, principal: cloudtrail, context: {} }, bucketPolicy);
  assert.equal(acl(BUCKET), 'Allow');
  assert.equal(acl('arn:aws:s3:::other-bucket'), 'ImplicitDeny');
});

test('resource policy: anonymous callers match only "*"', () => {
  const publicRead = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' });
  assert.equal(evaluateResourcePolicy({ action: 's3:GetObject', resource: 'arn:aws:s3:::site/index.html', context: {} }, publicRead), 'Allow');
  const accountOnly = policy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' });
  assert.equal(evaluateResourcePolicy({ action: 's3:GetObject', resource: 'arn:aws:s3:::site/index.html', context: {} }, accountOnly), 'ImplicitDeny');
  assert.equal(evaluateResourcePolicy({ action: 's3:GetObject', resource: 'arn:aws:s3:::site/index.html', principal: alice, context: {} }, accountOnly), 'Allow');
});

test('resource policy: an SNS topic policy admits a service and a cross-account user', () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';
  const doc = policy({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com', AWS: bob.arn }, Action: 'SNS:Publish', Resource: topic });
  assert.equal(evaluateResourcePolicy({ action: 'sns:Publish', resource: topic, principal: cloudtrail, context: {} }, doc), 'Allow');
  assert.equal(evaluateResourcePolicy({ action: 'sns:Publish', resource: topic, principal: bob, context: {} }, doc), 'Allow');
  assert.equal(evaluateResourcePolicy({ action: 'sns:Publish', resource: topic, principal: alice, context: {} }, doc), 'ImplicitDeny');
});

test('a single Statement object in an unvalidated document is still evaluated', () => {
  const loose = { Version: '2012-10-17', Statement: allow('iam:GetUser') } as unknown as PolicyDocument;
  assert.equal(decide(request('iam:GetUser'), loose), 'Allow');
});
