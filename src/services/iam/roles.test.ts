// IAM roles: trust policies checked as trust policies and returned URL-encoded, defaults IAM
// applies, case-insensitive names, updates, the conflicts that block deletion, and tags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
let trust: string;
before(async () => { tb = await iamTestbed(); trust = TRUST_ACCOUNT(tb.accountId); });
after(async () => { await tb.close(); });

type RoleOut = { Role: Record<string, unknown> & { RoleName: string; RoleId: string; Arn: string; AssumeRolePolicyDocument: string } };

test('CreateRole returns the Role shape with the trust policy URL-encoded', async () => {
  const ctx = tb.ctx();
  const out = (await tb.handlers.CreateRole({ RoleName: 'deployer', AssumeRolePolicyDocument: trust, Description: 'ci' }, ctx)) as RoleOut;
  assert.match(out.Role.RoleId, /^AROA[A-Z2-7]{17}$/);
  assert.equal(out.Role.Arn, `arn:aws:iam::${tb.accountId}:role/deployer`);
  assert.equal(out.Role.Path, '/');
  assert.equal(out.Role.AssumeRolePolicyDocument, encodeURIComponent(trust));
  assert.equal(out.Role.Description, 'ci');
  // CreateRole does not echo MaxSessionDuration; GetRole does.
  assert.equal(out.Role.MaxSessionDuration, undefined);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::Role', arn: out.Role.Arn }]);
  const got = (await tb.call('GetRole', { RoleName: 'DEPLOYER' })) as RoleOut;
  assert.equal(got.Role.MaxSessionDuration, 3600);
  assert.deepEqual(got.Role.RoleLastUsed, {});
  assert.equal(got.Role.RoleId, out.Role.RoleId);
  assert.equal(decodeURIComponent(got.Role.AssumeRolePolicyDocument), trust);
});

test('CreateRole refuses malformed trust policies, taken names and unknown boundaries', async () => {
  await rejectsWith(tb.call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: '{not json' }), 'MalformedPolicyDocument', 'Syntax errors in policy.');
  const noPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
  await rejectsWith(tb.call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: noPrincipal }), 'MalformedPolicyDocument');
  await rejectsWith(tb.call('GetRole', { RoleName: 'bad' }), 'NoSuchEntity', 'The role with name bad cannot be found.');
  await tb.call('CreateRole', { RoleName: 'Admin', AssumeRolePolicyDocument: trust });
  await rejectsWith(tb.call('CreateRole', { RoleName: 'admin', AssumeRolePolicyDocument: trust }), 'EntityAlreadyExists', 'Role with name admin already exists.');
  await rejectsWith(tb.call('CreateRole', { RoleName: 'b', AssumeRolePolicyDocument: trust, PermissionsBoundary: 'arn:aws:iam::aws:policy/Nope' }), 'NoSuchEntity');
  const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tb.accountId}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x'.repeat(2100) } } }] });
  await rejectsWith(tb.call('CreateRole', { RoleName: 'big', AssumeRolePolicyDocument: big }), 'LimitExceeded', 'Cannot exceed quota for ACLSizePerRole: 2048');
});

test('CreateRole keeps path, MaxSessionDuration, boundary and tags', async () => {
  const out = (await tb.call('CreateRole', {
    RoleName: 'long', Path: '/svc/', AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200,
    PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess', Tags: [{ Key: 'k', Value: 'v' }],
  })) as RoleOut;
  assert.equal(out.Role.Arn, `arn:aws:iam::${tb.accountId}:role/svc/long`);
  assert.deepEqual(out.Role.Tags, [{ Key: 'k', Value: 'v' }]);
  assert.deepEqual(out.Role.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  const got = (await tb.call('GetRole', { RoleName: 'long' })) as RoleOut;
  assert.equal(got.Role.MaxSessionDuration, 7200);
});

test('ListRoles filters by path and pages', async () => {
  for (const n of ['r1', 'r2', 'r3']) await tb.call('CreateRole', { RoleName: n, Path: '/paged/', AssumeRolePolicyDocument: trust });
  type ListOut = { Roles: { RoleName: string; AssumeRolePolicyDocument: string; Tags?: unknown }[]; IsTruncated: boolean; Marker?: string };
  const first = (await tb.call('ListRoles', { PathPrefix: '/paged/', MaxItems: 2 })) as ListOut;
  assert.deepEqual(first.Roles.map((r) => r.RoleName), ['r1', 'r2']);
  assert.equal(first.IsTruncated, true);
  assert.equal(first.Roles[0].AssumeRolePolicyDocument, encodeURIComponent(trust));
  const second = (await tb.call('ListRoles', { PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker })) as ListOut;
  assert.deepEqual(second.Roles.map((r) => r.RoleName), ['r3']);
  assert.equal(second.IsTruncated, false);
});

test('UpdateRole and UpdateAssumeRolePolicy change what GetRole shows', async () => {
  await tb.call('CreateRole', { RoleName: 'upd', AssumeRolePolicyDocument: trust });
  assert.deepEqual(await tb.call('UpdateRole', { RoleName: 'upd', Description: 'new', MaxSessionDuration: 43200 }), {});
  const service = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await tb.call('UpdateAssumeRolePolicy', { RoleName: 'upd', PolicyDocument: service });
  const got = (await tb.call('GetRole', { RoleName: 'upd' })) as RoleOut;
  assert.equal(got.Role.Description, 'new');
  assert.equal(got.Role.MaxSessionDuration, 43200);
  assert.equal(got.Role.AssumeRolePolicyDocument, encodeURIComponent(service));
  await rejectsWith(tb.call('UpdateAssumeRolePolicy', { RoleName: 'upd', PolicyDocument: '[]' }), 'MalformedPolicyDocument');
  await rejectsWith(tb.call('UpdateAssumeRolePolicy', { RoleName: 'none', PolicyDocument: service }), 'NoSuchEntity', 'The role with name none cannot be found.');
  await rejectsWith(tb.call('UpdateRole', { RoleName: 'none' }), 'NoSuchEntity', 'The role with name none cannot be found.');
});

test('DeleteRole refuses while policies remain, then deletes', async () => {
  await tb.call('CreateRole', { RoleName: 'doomed', AssumeRolePolicyDocument: trust });
  await tb.call('PutRolePolicy', { RoleName: 'doomed', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
  await tb.call('AttachRolePolicy', { RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await rejectsWith(tb.call('DeleteRole', { RoleName: 'doomed' }), 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
  await tb.call('DeleteRolePolicy', { RoleName: 'doomed', PolicyName: 'p' });
  await rejectsWith(tb.call('DeleteRole', { RoleName: 'doomed' }), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
  await tb.call('DetachRolePolicy', { RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await tb.call('DeleteRole', { RoleName: 'doomed' });
  await rejectsWith(tb.call('GetRole', { RoleName: 'doomed' }), 'NoSuchEntity');
  await rejectsWith(tb.call('DeleteRole', { RoleName: 'doomed' }), 'NoSuchEntity', 'The role with name doomed cannot be found.');
});

test('TagRole, UntagRole and ListRoleTags', async () => {
  await tb.call('CreateRole', { RoleName: 'tagged', AssumeRolePolicyDocument: trust });
  await tb.call('TagRole', { RoleName: 'tagged', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
  await tb.call('UntagRole', { RoleName: 'tagged', TagKeys: ['A'] });
  const listed = (await tb.call('ListRoleTags', { RoleName: 'tagged' })) as { Tags: unknown[] };
  assert.deepEqual(listed.Tags, [{ Key: 'b', Value: '2' }]);
  await rejectsWith(tb.call('TagRole', { RoleName: 'tagged', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] }), 'InvalidInput');
  await rejectsWith(tb.call('ListRoleTags', { RoleName: 'none' }), 'NoSuchEntity');
});
