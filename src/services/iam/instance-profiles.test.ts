// Instance profiles: shapes with their role, one role at most, the conflicts that block deleting
// the profile or its role, listings by path and by role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateRole', { RoleName: 'ec2', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
  await tb.call('CreateRole', { RoleName: 'other', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
});
after(async () => { await tb.close(); });

type Profile = { InstanceProfileName: string; InstanceProfileId: string; Arn: string; Path: string; Roles: { RoleName: string; AssumeRolePolicyDocument: string }[] };

test('create, add a role, get, list; one role per profile', async () => {
  const ctx = tb.ctx();
  const created = (await tb.handlers.CreateInstanceProfile({ InstanceProfileName: 'web', Path: '/apps/' }, ctx)) as { InstanceProfile: Profile };
  assert.equal(created.InstanceProfile.Arn, `arn:aws:iam::${tb.accountId}:instance-profile/apps/web`);
  assert.match(created.InstanceProfile.InstanceProfileId, /^AIPA[A-Z2-7]{17}$/);
  assert.deepEqual(created.InstanceProfile.Roles, []);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::InstanceProfile', arn: created.InstanceProfile.Arn }]);
  await rejectsWith(tb.call('CreateInstanceProfile', { InstanceProfileName: 'WEB' }), 'EntityAlreadyExists', 'Instance Profile WEB already exists.');

  await tb.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'ec2' });
  await rejectsWith(tb.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'other' }), 'LimitExceeded',
    'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
  await rejectsWith(tb.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'ghost' }), 'NoSuchEntity', 'The role with name ghost cannot be found.');
  const got = (await tb.call('GetInstanceProfile', { InstanceProfileName: 'web' })) as { InstanceProfile: Profile };
  assert.deepEqual(got.InstanceProfile.Roles.map((r) => r.RoleName), ['ec2']);
  assert.equal(got.InstanceProfile.Roles[0].AssumeRolePolicyDocument, encodeURIComponent(TRUST_ACCOUNT(tb.accountId)));
  const forRole = (await tb.call('ListInstanceProfilesForRole', { RoleName: 'ec2' })) as { InstanceProfiles: Profile[] };
  assert.deepEqual(forRole.InstanceProfiles.map((p) => p.InstanceProfileName), ['web']);
  assert.deepEqual(((await tb.call('ListInstanceProfilesForRole', { RoleName: 'other' })) as { InstanceProfiles: Profile[] }).InstanceProfiles, []);
  await tb.call('CreateInstanceProfile', { InstanceProfileName: 'batch' });
  const all = (await tb.call('ListInstanceProfiles', { MaxItems: 1 })) as { InstanceProfiles: Profile[]; IsTruncated: boolean };
  assert.deepEqual([all.InstanceProfiles[0].InstanceProfileName, all.IsTruncated], ['batch', true]);
  const apps = (await tb.call('ListInstanceProfiles', { PathPrefix: '/apps/' })) as { InstanceProfiles: Profile[] };
  assert.deepEqual(apps.InstanceProfiles.map((p) => p.InstanceProfileName), ['web']);
});

test('a profile with a role and a role in a profile cannot be deleted', async () => {
  await rejectsWith(tb.call('DeleteInstanceProfile', { InstanceProfileName: 'web' }), 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.');
  await rejectsWith(tb.call('DeleteRole', { RoleName: 'ec2' }), 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.');
  await rejectsWith(tb.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'web', RoleName: 'other' }), 'NoSuchEntity');
  await tb.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'web', RoleName: 'EC2' });
  await tb.call('DeleteRole', { RoleName: 'ec2' });
  await tb.call('DeleteInstanceProfile', { InstanceProfileName: 'web' });
  await rejectsWith(tb.call('GetInstanceProfile', { InstanceProfileName: 'web' }), 'NoSuchEntity', 'Instance Profile web cannot be found.');
  await rejectsWith(tb.call('DeleteInstanceProfile', { InstanceProfileName: 'web' }), 'NoSuchEntity');
});
