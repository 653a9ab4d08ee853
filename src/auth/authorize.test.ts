// The authorizer on real IAM data: permissions boundaries of users and roles (also for their
// federated and GetSessionToken sessions), managed session policies, GetSessionToken needing no
// permission, and the AccessDenied wording for each refusing layer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, TRUST_ACCOUNT, userPrincipal, type IamTestbed } from '../../test/support/iam.js';
import type { AssumedRolePrincipal, FederatedPrincipal, Principal } from '../common/principal.js';
import { accessDeniedMessage } from './authorize.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let tb: IamTestbed;
let roleId = '';
let sessions = 0;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'bounded' });
  await tb.call('AttachUserPolicy', { UserName: 'bounded', PolicyArn: ADMIN });
  const role = (await tb.call('CreateRole', { RoleName: 'ops', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) })) as { Role: { RoleId: string } };
  roleId = role.Role.RoleId;
  await tb.call('AttachRolePolicy', { RoleName: 'ops', PolicyArn: ADMIN });
});
after(async () => { await tb.close(); });

const check = (p: Principal, action: string) => tb.deps.authorizer.authorize(p, action, '*', {});

function roleSession(extra: Partial<AssumedRolePrincipal> = {}): AssumedRolePrincipal {
  return {
    type: 'AssumedRole', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:assumed-role/ops/s`, roleName: 'ops',
    roleArn: `arn:aws:iam::${tb.accountId}:role/ops`, roleId, sessionName: 's', accessKeyId: `ASIASESSION${String(++sessions).padStart(9, '0')}`,
    sessionCreatedAt: new Date(), ...extra,
  };
}

test('a user boundary caps the user, its GetSessionToken sessions and its federated users; removing it lifts the cap', async () => {
  const user = await userPrincipal(tb, 'bounded');
  const tokenSession = { ...user, accessKeyId: 'ASIATOKENSESSION0001', sessionCreatedAt: new Date() };
  const fed: FederatedPrincipal = {
    type: 'FederatedUser', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:federated-user/f`, federatedName: 'f',
    accessKeyId: 'ASIAFEDERATED0000001', sessionCreatedAt: new Date(), issuer: { arn: user.arn, userName: user.userName, userId: user.userId },
    sessionPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
  };
  for (const p of [user, tokenSession, fed]) assert.equal((await check(p, 'iam:CreateUser')).allowed, true, p.arn);
  await tb.call('PutUserPermissionsBoundary', { UserName: 'bounded', PermissionsBoundary: READ_ONLY });
  for (const p of [user, tokenSession, fed]) {
    const r = await check(p, 'iam:CreateUser');
    assert.deepEqual(r, { allowed: false, explicitDeny: false, deniedBy: 'permissionsBoundary' }, p.arn);
    assert.equal((await check(p, 'iam:ListUsers')).allowed, true);
  }
  const r = await check(user, 'iam:CreateUser');
  assert.equal(accessDeniedMessage(user, 'iam:CreateUser', 'arn:x', r),
    `User: ${user.arn} is not authorized to perform: iam:CreateUser on resource: arn:x because no permissions boundary allows the iam:CreateUser action`);
  await tb.call('DeleteUserPermissionsBoundary', { UserName: 'bounded' });
  assert.equal((await check(user, 'iam:CreateUser')).allowed, true);
});

test('an explicit Deny in a customer boundary policy is reported as such', async () => {
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }] });
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'no-list', PolicyDocument: doc })) as { Policy: { Arn: string } };
  await tb.call('PutUserPermissionsBoundary', { UserName: 'bounded', PermissionsBoundary: Policy.Arn });
  const user = await userPrincipal(tb, 'bounded');
  const r = await check(user, 'iam:ListUsers');
  assert.deepEqual(r, { allowed: false, explicitDeny: true, deniedBy: 'permissionsBoundary' });
  assert.match(accessDeniedMessage(user, 'iam:ListUsers', '*', r), / with an explicit deny in a permissions boundary$/);
  assert.equal((await check(user, 'iam:CreateUser')).allowed, true);
  await tb.call('DeleteUserPermissionsBoundary', { UserName: 'bounded' });
});

test('a role boundary caps its sessions; managed session policies (PolicyArns) narrow a session further', async () => {
  assert.equal((await check(roleSession(), 'iam:CreateRole')).allowed, true);
  await tb.call('PutRolePermissionsBoundary', { RoleName: 'ops', PermissionsBoundary: READ_ONLY });
  assert.equal((await check(roleSession(), 'iam:CreateRole')).deniedBy, 'permissionsBoundary');
  await tb.call('DeleteRolePermissionsBoundary', { RoleName: 'ops' });
  const narrowed = roleSession({ sessionPolicyArns: [READ_ONLY] });
  const r = await check(narrowed, 'iam:CreateRole');
  assert.deepEqual(r, { allowed: false, explicitDeny: false, deniedBy: 'sessionPolicy' });
  assert.match(accessDeniedMessage(narrowed, 'iam:CreateRole', '*', r), /because no session policy allows the iam:CreateRole action$/);
  assert.equal((await check(narrowed, 'iam:ListRoles')).allowed, true);
});

test('GetSessionToken needs no permission from a long-term user, but session callers are still checked', async () => {
  await tb.call('CreateUser', { UserName: 'bare' });
  const bare = await userPrincipal(tb, 'bare');
  assert.equal((await check(bare, 'sts:GetSessionToken')).allowed, true);
  assert.equal((await check(bare, 'sts:GetFederationToken')).allowed, false);
  assert.equal((await check({ ...bare, sessionCreatedAt: new Date() }, 'sts:GetSessionToken')).allowed, false);
});
