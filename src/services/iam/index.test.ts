// The IAM ServiceDefinition: every operation of the brief is served and exists in the model, and
// writes are serialized. (Resources for policy evaluation: resources.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamService } from './index.js';
import { iamTestbed, rejectsWith, type IamTestbed } from '../../../test/support/iam.js';

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
