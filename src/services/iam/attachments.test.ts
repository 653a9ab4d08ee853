// Attaching managed policies: AWS managed and customer ones, idempotence, quotas, counts kept on
// customer policies, and the authorizer seeing each change on the very next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_S3_LIST, iamTestbed, rejectsWith, TRUST_ACCOUNT, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'jo' });
  await tb.call('CreateRole', { RoleName: 'runner', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
});
after(async () => { await tb.close(); });

type Attached = { AttachedPolicies: { PolicyName: string; PolicyArn: string }[]; IsTruncated: boolean };

test('AttachUserPolicy of an AWS managed policy flips the authorizer; detaching flips it back', async () => {
  const jo = await userPrincipal(tb, 'jo');
  const check = async () => (await tb.deps.authorizer.authorize(jo, 's3:ListBuckets', '*', {})).allowed;
  assert.equal(await check(), false);
  const ctx = tb.ctx();
  await tb.handlers.AttachUserPolicy({ UserName: 'jo', PolicyArn: READ_ONLY }, ctx);
  assert.deepEqual(ctx.resources.map((r) => r.type), ['AWS::IAM::User', 'AWS::IAM::Policy']);
  assert.equal(await check(), true);
  const listed = (await tb.call('ListAttachedUserPolicies', { UserName: 'jo' })) as Attached;
  assert.deepEqual(listed.AttachedPolicies, [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
  await tb.call('DetachUserPolicy', { UserName: 'jo', PolicyArn: READ_ONLY });
  assert.equal(await check(), false);
});

test('attaching an unknown policy, or to an unknown user, is NoSuchEntity', async () => {
  const arn = `arn:aws:iam::${tb.accountId}:policy/missing`;
  await rejectsWith(tb.call('AttachUserPolicy', { UserName: 'jo', PolicyArn: arn }), 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
  await rejectsWith(tb.call('AttachRolePolicy', { RoleName: 'runner', PolicyArn: 'arn:aws:iam::aws:policy/NotShipped' }), 'NoSuchEntity',
    'Policy arn:aws:iam::aws:policy/NotShipped does not exist or is not attachable.');
  await rejectsWith(tb.call('AttachUserPolicy', { UserName: 'ghost', PolicyArn: READ_ONLY }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('AttachRolePolicy', { RoleName: 'ghost', PolicyArn: READ_ONLY }), 'NoSuchEntity', 'The role with name ghost cannot be found.');
  await rejectsWith(tb.call('DetachUserPolicy', { UserName: 'jo', PolicyArn: READ_ONLY }), 'NoSuchEntity', `Policy ${READ_ONLY} was not found.`);
  await rejectsWith(tb.call('ListAttachedRolePolicies', { RoleName: 'ghost' }), 'NoSuchEntity', 'The role with name ghost cannot be found.');
});

test('customer policies count their attachments; attaching twice changes nothing', async () => {
  const created = (await tb.call('CreatePolicy', { PolicyName: 'counted', Path: '/team/', PolicyDocument: ALLOW_S3_LIST })) as { Policy: { Arn: string } };
  const arn = created.Policy.Arn;
  const count = async () => ((await tb.call('GetPolicy', { PolicyArn: arn })) as { Policy: { AttachmentCount: number } }).Policy.AttachmentCount;
  await tb.call('AttachRolePolicy', { RoleName: 'runner', PolicyArn: arn });
  await tb.call('AttachRolePolicy', { RoleName: 'runner', PolicyArn: arn });
  await tb.call('AttachUserPolicy', { UserName: 'jo', PolicyArn: arn });
  assert.equal(await count(), 2);
  const listed = (await tb.call('ListAttachedRolePolicies', { RoleName: 'runner' })) as Attached;
  assert.deepEqual(listed.AttachedPolicies, [{ PolicyName: 'counted', PolicyArn: arn }]);
  const filtered = (await tb.call('ListAttachedRolePolicies', { RoleName: 'runner', PathPrefix: '/other/' })) as Attached;
  assert.deepEqual(filtered.AttachedPolicies, []);
  await tb.call('DetachRolePolicy', { RoleName: 'runner', PolicyArn: arn });
  await tb.call('DetachUserPolicy', { UserName: 'jo', PolicyArn: arn });
  assert.equal(await count(), 0);
  await rejectsWith(tb.call('DetachRolePolicy', { RoleName: 'runner', PolicyArn: arn }), 'NoSuchEntity', `Policy ${arn} was not found.`);
});

test('an assumed role gains permissions when a policy is attached to the role', async () => {
  const role = await tb.deps.identity.getRole(tb.accountId, 'runner');
  assert.ok(role);
  const session = {
    type: 'AssumedRole' as const, accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:assumed-role/runner/s`, roleName: 'runner',
    roleArn: role.arn, roleId: role.roleId, sessionName: 's', accessKeyId: 'ASIAX', sessionCreatedAt: new Date(),
  };
  const check = async () => (await tb.deps.authorizer.authorize(session, 's3:ListBuckets', '*', {})).allowed;
  assert.equal(await check(), false);
  await tb.call('AttachRolePolicy', { RoleName: 'runner', PolicyArn: READ_ONLY });
  assert.equal(await check(), true);
  await tb.call('DetachRolePolicy', { RoleName: 'runner', PolicyArn: READ_ONLY });
});

test('at most ten managed policies per user', async () => {
  await tb.call('CreateUser', { UserName: 'full' });
  for (let i = 0; i < 10; i++) {
    const p = (await tb.call('CreatePolicy', { PolicyName: `q${i}`, PolicyDocument: ALLOW_S3_LIST })) as { Policy: { Arn: string } };
    await tb.call('AttachUserPolicy', { UserName: 'full', PolicyArn: p.Policy.Arn });
  }
  await rejectsWith(tb.call('AttachUserPolicy', { UserName: 'full', PolicyArn: READ_ONLY }), 'LimitExceeded', 'Cannot exceed quota for PoliciesPerUser: 10');
  const page = (await tb.call('ListAttachedUserPolicies', { UserName: 'full', MaxItems: 4 })) as Attached & { Marker: string };
  assert.equal(page.AttachedPolicies.length, 4);
  assert.equal(page.IsTruncated, true);
});
