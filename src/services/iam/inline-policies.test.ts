// Inline policies on users and roles: stored as sent, returned URL-encoded, size quotas, the
// errors IAM gives, and the authorizer seeing each change on the very next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_S3_LIST, iamTestbed, rejectsWith, TRUST_ACCOUNT, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'ivy' });
  await tb.call('CreateRole', { RoleName: 'worker', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
});
after(async () => { await tb.close(); });

const pretty = JSON.stringify(JSON.parse(ALLOW_S3_LIST), null, 2);

test('PutUserPolicy then GetUserPolicy returns the text URL-encoded; List and Delete follow', async () => {
  const ctx = tb.ctx();
  await tb.handlers.PutUserPolicy({ UserName: 'ivy', PolicyName: 'S3List', PolicyDocument: pretty }, ctx);
  assert.equal(ctx.resources[0].type, 'AWS::IAM::User');
  const got = (await tb.call('GetUserPolicy', { UserName: 'IVY', PolicyName: 's3list' })) as Record<string, string>;
  assert.deepEqual(got, { UserName: 'ivy', PolicyName: 'S3List', PolicyDocument: encodeURIComponent(pretty) });
  const listed = (await tb.call('ListUserPolicies', { UserName: 'ivy' })) as { PolicyNames: string[]; IsTruncated: boolean };
  assert.deepEqual(listed, { PolicyNames: ['S3List'], IsTruncated: false, Marker: undefined });
  await tb.call('DeleteUserPolicy', { UserName: 'ivy', PolicyName: 'S3List' });
  await rejectsWith(tb.call('GetUserPolicy', { UserName: 'ivy', PolicyName: 'S3List' }), 'NoSuchEntity', 'The user policy with name S3List cannot be found.');
  await rejectsWith(tb.call('DeleteUserPolicy', { UserName: 'ivy', PolicyName: 'S3List' }), 'NoSuchEntity', 'The user policy with name S3List cannot be found.');
});

test('re-putting under another case of the name replaces the policy', async () => {
  await tb.call('PutUserPolicy', { UserName: 'ivy', PolicyName: 'Twice', PolicyDocument: ALLOW_S3_LIST });
  await tb.call('PutUserPolicy', { UserName: 'ivy', PolicyName: 'twice', PolicyDocument: pretty });
  const listed = (await tb.call('ListUserPolicies', { UserName: 'ivy' })) as { PolicyNames: string[] };
  assert.deepEqual(listed.PolicyNames, ['twice']);
  await tb.call('DeleteUserPolicy', { UserName: 'ivy', PolicyName: 'twice' });
});

test('inline policy errors: malformed, too large, unknown user or role', async () => {
  await rejectsWith(tb.call('PutUserPolicy', { UserName: 'ivy', PolicyName: 'p', PolicyDocument: '{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}' }), 'MalformedPolicyDocument');
  const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 100 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
  await rejectsWith(tb.call('PutUserPolicy', { UserName: 'ivy', PolicyName: 'big', PolicyDocument: big }), 'LimitExceeded', 'Maximum policy size of 2048 bytes exceeded for user ivy');
  // Roles have a larger quota: the same document fits.
  await tb.call('PutRolePolicy', { RoleName: 'worker', PolicyName: 'big', PolicyDocument: big });
  await tb.call('DeleteRolePolicy', { RoleName: 'worker', PolicyName: 'big' });
  await rejectsWith(tb.call('PutUserPolicy', { UserName: 'ghost', PolicyName: 'p', PolicyDocument: ALLOW_S3_LIST }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('ListUserPolicies', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('PutRolePolicy', { RoleName: 'ghost', PolicyName: 'p', PolicyDocument: ALLOW_S3_LIST }), 'NoSuchEntity', 'The role with name ghost cannot be found.');
});

test('role inline policies: put, get, list, delete', async () => {
  await tb.call('PutRolePolicy', { RoleName: 'worker', PolicyName: 'a', PolicyDocument: ALLOW_S3_LIST });
  await tb.call('PutRolePolicy', { RoleName: 'worker', PolicyName: 'b', PolicyDocument: ALLOW_S3_LIST });
  const got = (await tb.call('GetRolePolicy', { RoleName: 'worker', PolicyName: 'a' })) as Record<string, string>;
  assert.deepEqual(got, { RoleName: 'worker', PolicyName: 'a', PolicyDocument: encodeURIComponent(ALLOW_S3_LIST) });
  const page = (await tb.call('ListRolePolicies', { RoleName: 'worker', MaxItems: 1 })) as { PolicyNames: string[]; IsTruncated: boolean; Marker: string };
  assert.deepEqual(page.PolicyNames, ['a']);
  assert.equal(page.IsTruncated, true);
  const rest = (await tb.call('ListRolePolicies', { RoleName: 'worker', Marker: page.Marker })) as typeof page;
  assert.deepEqual(rest.PolicyNames, ['b']);
  await tb.call('DeleteRolePolicy', { RoleName: 'worker', PolicyName: 'a' });
  await rejectsWith(tb.call('GetRolePolicy', { RoleName: 'worker', PolicyName: 'a' }), 'NoSuchEntity', 'The role policy with name a cannot be found.');
});

test('the authorizer sees an inline policy as soon as it is put, and its removal', async () => {
  const ivy = await userPrincipal(tb, 'ivy');
  const check = async () => (await tb.deps.authorizer.authorize(ivy, 's3:ListBuckets', '*', {})).allowed;
  assert.equal(await check(), false);
  await tb.call('PutUserPolicy', { UserName: 'ivy', PolicyName: 'list', PolicyDocument: ALLOW_S3_LIST });
  assert.equal(await check(), true);
  await tb.call('DeleteUserPolicy', { UserName: 'ivy', PolicyName: 'list' });
  assert.equal(await check(), false);
});
