// The IAM ServiceDefinition: every operation of the brief is served and exists in the model,
// resources for policy evaluation are built from the request, and writes are serialized.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamResourceOf, iamService } from './index.js';
import { iamTestbed, rejectsWith, type IamTestbed } from './testing.js';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

const OPERATIONS = `CreateUser GetUser ListUsers UpdateUser DeleteUser TagUser UntagUser ListUserTags CreateAccessKey ListAccessKeys
UpdateAccessKey DeleteAccessKey GetAccessKeyLastUsed CreateRole GetRole ListRoles UpdateRole UpdateAssumeRolePolicy DeleteRole TagRole
UntagRole ListRoleTags PutUserPolicy GetUserPolicy DeleteUserPolicy ListUserPolicies PutRolePolicy GetRolePolicy DeleteRolePolicy
ListRolePolicies CreatePolicy GetPolicy GetPolicyVersion ListPolicies CreatePolicyVersion ListPolicyVersions DeletePolicyVersion
SetDefaultPolicyVersion DeletePolicy AttachUserPolicy DetachUserPolicy ListAttachedUserPolicies AttachRolePolicy DetachRolePolicy
ListAttachedRolePolicies GetAccountSummary ListAccountAliases CreateAccountAlias DeleteAccountAlias
CreateGroup GetGroup ListGroups UpdateGroup DeleteGroup AddUserToGroup RemoveUserFromGroup ListGroupsForUser PutGroupPolicy GetGroupPolicy
DeleteGroupPolicy ListGroupPolicies AttachGroupPolicy DetachGroupPolicy ListAttachedGroupPolicies CreateLoginProfile GetLoginProfile
UpdateLoginProfile DeleteLoginProfile ListEntitiesForPolicy GetAccountAuthorizationDetails CreateInstanceProfile GetInstanceProfile
DeleteInstanceProfile ListInstanceProfiles AddRoleToInstanceProfile RemoveRoleFromInstanceProfile ListInstanceProfilesForRole
ListMFADevices`.split(/\s+/);

test('every operation is served, and every served operation is in the model', () => {
  const svc = iamService(tb.deps);
  for (const op of OPERATIONS) assert.ok(svc.handlers[op], op);
  for (const op of Object.keys(svc.handlers)) assert.ok(svc.model.operation(op), op);
  assert.equal(svc.recording.eventSource, 'iam.amazonaws.com');
  assert.equal(svc.recording.globalRegion, 'us-east-1');
});

test('resourceOf builds user, role and policy ARNs from the request', () => {
  const ctx = tb.ctx();
  const acct = tb.accountId;
  assert.equal(iamResourceOf('CreateUser', { UserName: 'a', Path: '/p/' }, ctx), `arn:aws:iam::${acct}:user/p/a`);
  assert.equal(iamResourceOf('DeleteUser', { UserName: 'a' }, ctx), `arn:aws:iam::${acct}:user/a`);
  assert.equal(iamResourceOf('AttachUserPolicy', { UserName: 'a', PolicyArn: 'arn:aws:iam::aws:policy/X' }, ctx), `arn:aws:iam::${acct}:user/a`);
  assert.equal(iamResourceOf('CreateRole', { RoleName: 'r', Path: '/svc/' }, ctx), `arn:aws:iam::${acct}:role/svc/r`);
  assert.equal(iamResourceOf('PutRolePolicy', { RoleName: 'r', PolicyName: 'p' }, ctx), `arn:aws:iam::${acct}:role/r`);
  assert.equal(iamResourceOf('CreatePolicy', { PolicyName: 'p', Path: '/t/' }, ctx), `arn:aws:iam::${acct}:policy/t/p`);
  assert.equal(iamResourceOf('DeletePolicy', { PolicyArn: `arn:aws:iam::${acct}:policy/p` }, ctx), `arn:aws:iam::${acct}:policy/p`);
  assert.equal(iamResourceOf('GetUser', {}, ctx), tb.admin.arn);
  assert.equal(iamResourceOf('CreateAccessKey', {}, ctx), tb.admin.arn);
  assert.equal(iamResourceOf('ListUsers', {}, ctx), `arn:aws:iam::${acct}:user/`);
  assert.equal(iamResourceOf('ListRoles', { PathPrefix: '/svc/' }, ctx), `arn:aws:iam::${acct}:role/svc/`);
  assert.equal(iamResourceOf('GetAccountSummary', {}, ctx), '*');
  assert.equal(iamResourceOf('ListPolicies', {}, ctx), '*');
});

test('resourceOf: group operations act on the group, instance profile ones on the profile', () => {
  const ctx = tb.ctx();
  const acct = tb.accountId;
  assert.equal(iamResourceOf('CreateGroup', { GroupName: 'g', Path: '/t/' }, ctx), `arn:aws:iam::${acct}:group/t/g`);
  assert.equal(iamResourceOf('AddUserToGroup', { GroupName: 'g', UserName: 'u' }, ctx), `arn:aws:iam::${acct}:group/g`);
  assert.equal(iamResourceOf('ListGroupsForUser', { UserName: 'u' }, ctx), `arn:aws:iam::${acct}:user/u`);
  assert.equal(iamResourceOf('ListGroups', {}, ctx), `arn:aws:iam::${acct}:group/`);
  assert.equal(iamResourceOf('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'r' }, ctx), `arn:aws:iam::${acct}:instance-profile/ip`);
  assert.equal(iamResourceOf('CreateLoginProfile', {}, ctx), tb.admin.arn);
  assert.equal(iamResourceOf('GetAccountAuthorizationDetails', {}, ctx), '*');
});

test('concurrent writes are serialized: of three simultaneous keys for one user, one is refused', async () => {
  await tb.call('CreateUser', { UserName: 'racer' });
  const attempts = await Promise.allSettled([1, 2, 3].map(() => tb.call('CreateAccessKey', { UserName: 'racer' })));
  assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 2);
  const refused = attempts.find((a) => a.status === 'rejected');
  assert.ok(refused && refused.status === 'rejected');
  await rejectsWith(Promise.reject(refused.reason), 'LimitExceeded');
  assert.equal((await tb.deps.identity.listAccessKeys(tb.accountId, 'racer')).length, 2);
});

test('a failed write does not block the writes queued behind it', async () => {
  const results = await Promise.allSettled([
    tb.call('DeleteUser', { UserName: 'nobody-here' }),
    tb.call('CreateUser', { UserName: 'after-failure' }),
  ]);
  assert.equal(results[0].status, 'rejected');
  assert.equal(results[1].status, 'fulfilled');
});
