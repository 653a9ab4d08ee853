// Permissions boundaries set and removed after creation (Put/Delete{User,Role}PermissionsBoundary),
// malformed policy ARNs on attach, and IAM refusing GetSessionToken credentials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const BOUNDARY = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: READ_ONLY };
let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'kim' });
  await tb.call('CreateRole', { RoleName: 'deployer', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
});
after(async () => { await tb.close(); });

type Got = { User?: { PermissionsBoundary?: unknown }; Role?: { PermissionsBoundary?: unknown } };

test('PutUserPermissionsBoundary shows on GetUser and counts as boundary use; Delete removes it, twice is fine', async () => {
  const ctx = tb.ctx();
  await tb.handlers.PutUserPermissionsBoundary({ UserName: 'kim', PermissionsBoundary: READ_ONLY }, ctx);
  assert.deepEqual(ctx.resources.map((r) => r.type), ['AWS::IAM::User', 'AWS::IAM::Policy']);
  assert.deepEqual(((await tb.call('GetUser', { UserName: 'kim' })) as Got).User?.PermissionsBoundary, BOUNDARY);
  const got = (await tb.call('GetPolicy', { PolicyArn: READ_ONLY })) as { Policy: { PermissionsBoundaryUsageCount: number } };
  assert.equal(got.Policy.PermissionsBoundaryUsageCount, 1);
  await tb.call('DeleteUserPermissionsBoundary', { UserName: 'kim' });
  await tb.call('DeleteUserPermissionsBoundary', { UserName: 'kim' });
  assert.equal(((await tb.call('GetUser', { UserName: 'kim' })) as Got).User?.PermissionsBoundary, undefined);
});

test('PutRolePermissionsBoundary / DeleteRolePermissionsBoundary', async () => {
  await tb.call('PutRolePermissionsBoundary', { RoleName: 'deployer', PermissionsBoundary: READ_ONLY });
  assert.deepEqual(((await tb.call('GetRole', { RoleName: 'deployer' })) as Got).Role?.PermissionsBoundary, BOUNDARY);
  await tb.call('DeleteRolePermissionsBoundary', { RoleName: 'deployer' });
  assert.equal(((await tb.call('GetRole', { RoleName: 'deployer' })) as Got).Role?.PermissionsBoundary, undefined);
});

test('boundary errors: unknown user or role, unknown policy', async () => {
  const missing = `arn:aws:iam::${tb.accountId}:policy/missing`;
  await rejectsWith(tb.call('PutUserPermissionsBoundary', { UserName: 'ghost', PermissionsBoundary: READ_ONLY }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('PutRolePermissionsBoundary', { RoleName: 'ghost', PermissionsBoundary: READ_ONLY }), 'NoSuchEntity', 'The role with name ghost cannot be found.');
  await rejectsWith(tb.call('DeleteUserPermissionsBoundary', { UserName: 'ghost' }), 'NoSuchEntity');
  await rejectsWith(tb.call('PutUserPermissionsBoundary', { UserName: 'kim', PermissionsBoundary: missing }), 'NoSuchEntity',
    `Scope ARN: ${missing} does not exist or is not attachable.`);
});

test('attaching a malformed policy ARN is InvalidInput, as in IAM, not NoSuchEntity', async () => {
  await rejectsWith(tb.call('AttachUserPolicy', { UserName: 'kim', PolicyArn: 'notanarn:xxxxxxxxxxxxxxx' }), 'InvalidInput', 'ARN notanarn:xxxxxxxxxxxxxxx is not valid.');
  await rejectsWith(tb.call('AttachRolePolicy', { RoleName: 'deployer', PolicyArn: 'arn:aws:iam::aws:polic/Nope' }), 'InvalidInput');
});

test('GetSessionToken credentials (no MFA) are refused by every IAM operation with InvalidClientTokenId', async () => {
  const kim = await userPrincipal(tb, 'kim');
  const session = { ...kim, accessKeyId: 'ASIAKIMSESSION000001', sessionCreatedAt: new Date() };
  await rejectsWith(tb.call('GetUser', {}, session), 'InvalidClientTokenId', 'The security token included in the request is invalid');
  await rejectsWith(tb.call('CreateAccessKey', {}, session), 'InvalidClientTokenId');
  assert.equal(((await tb.call('GetUser', {}, kim)) as { User: { UserName: string } }).User.UserName, 'kim');
});
