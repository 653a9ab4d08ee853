// IAM groups against a real (temporary) store: shapes, membership (kept across renames of either
// side), the conflicts that block deletion, and group policies reaching members' permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_S3_LIST, iamTestbed, rejectsWith, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

type GroupOut = { Path: string; GroupName: string; GroupId: string; Arn: string; CreateDate: Date };
type GetGroupOut = { Group: GroupOut; Users: { UserName: string }[]; IsTruncated: boolean; Marker?: string };

test('CreateGroup returns the Group shape; names are unique regardless of case', async () => {
  const ctx = tb.ctx();
  const out = (await tb.handlers.CreateGroup({ GroupName: 'Devs', Path: '/eng/' }, ctx)) as { Group: GroupOut };
  assert.equal(out.Group.Arn, `arn:aws:iam::${tb.accountId}:group/eng/Devs`);
  assert.match(out.Group.GroupId, /^AGPA[A-Z2-7]{17}$/);
  assert.equal(out.Group.CreateDate.getUTCMilliseconds(), 0);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::Group', arn: out.Group.Arn }]);
  await rejectsWith(tb.call('CreateGroup', { GroupName: 'devs' }), 'EntityAlreadyExists', 'Group with name devs already exists.');
  await rejectsWith(tb.call('GetGroup', { GroupName: 'nope' }), 'NoSuchEntity', 'The group with name nope cannot be found.');
  const listed = (await tb.call('ListGroups', { PathPrefix: '/eng/' })) as { Groups: GroupOut[] };
  assert.deepEqual(listed.Groups.map((g) => g.GroupName), ['Devs']);
  assert.deepEqual(((await tb.call('ListGroups', { PathPrefix: '/ops/' })) as { Groups: GroupOut[] }).Groups, []);
});

test('membership: add (idempotent), GetGroup pages its users, ListGroupsForUser, remove', async () => {
  await tb.call('CreateGroup', { GroupName: 'team' });
  for (const u of ['m1', 'm2', 'm3']) {
    await tb.call('CreateUser', { UserName: u });
    await tb.call('AddUserToGroup', { GroupName: 'team', UserName: u });
  }
  await tb.call('AddUserToGroup', { GroupName: 'TEAM', UserName: 'M1' });
  const first = (await tb.call('GetGroup', { GroupName: 'team', MaxItems: 2 })) as GetGroupOut;
  assert.deepEqual(first.Users.map((u) => u.UserName), ['m1', 'm2']);
  assert.equal(first.IsTruncated, true);
  const rest = (await tb.call('GetGroup', { GroupName: 'team', Marker: first.Marker })) as GetGroupOut;
  assert.deepEqual(rest.Users.map((u) => u.UserName), ['m3']);
  assert.equal(rest.IsTruncated, false);
  const forUser = (await tb.call('ListGroupsForUser', { UserName: 'm2' })) as { Groups: GroupOut[] };
  assert.deepEqual(forUser.Groups.map((g) => g.GroupName), ['team']);
  await tb.call('RemoveUserFromGroup', { GroupName: 'team', UserName: 'm2' });
  await rejectsWith(tb.call('RemoveUserFromGroup', { GroupName: 'team', UserName: 'm2' }), 'NoSuchEntity', /m2/);
  await rejectsWith(tb.call('AddUserToGroup', { GroupName: 'team', UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('ListGroupsForUser', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  assert.deepEqual(((await tb.call('ListGroupsForUser', { UserName: 'm2' })) as { Groups: GroupOut[] }).Groups, []);
});

test('renaming a group or a member keeps the membership; a taken name is refused', async () => {
  await tb.call('CreateGroup', { GroupName: 'old' });
  await tb.call('CreateGroup', { GroupName: 'taken' });
  await tb.call('CreateUser', { UserName: 'mover' });
  await tb.call('AddUserToGroup', { GroupName: 'old', UserName: 'mover' });
  await rejectsWith(tb.call('UpdateGroup', { GroupName: 'old', NewGroupName: 'Taken' }), 'EntityAlreadyExists', 'Group with name Taken already exists.');
  await tb.call('UpdateGroup', { GroupName: 'old', NewGroupName: 'new', NewPath: '/moved/' });
  await rejectsWith(tb.call('GetGroup', { GroupName: 'old' }), 'NoSuchEntity');
  await tb.call('UpdateUser', { UserName: 'mover', NewUserName: 'moved' });
  const got = (await tb.call('GetGroup', { GroupName: 'new' })) as GetGroupOut;
  assert.equal(got.Group.Arn, `arn:aws:iam::${tb.accountId}:group/moved/new`);
  assert.deepEqual(got.Users.map((u) => u.UserName), ['moved']);
});

test('DeleteGroup refuses while it has members, inline or attached policies; DeleteUser refuses a member', async () => {
  await tb.call('CreateGroup', { GroupName: 'busy' });
  await tb.call('CreateUser', { UserName: 'member' });
  await tb.call('AddUserToGroup', { GroupName: 'busy', UserName: 'member' });
  await tb.call('PutGroupPolicy', { GroupName: 'busy', PolicyName: 'inline', PolicyDocument: ALLOW_S3_LIST });
  await tb.call('AttachGroupPolicy', { GroupName: 'busy', PolicyArn: READ_ONLY });
  await rejectsWith(tb.call('DeleteUser', { UserName: 'member' }), 'DeleteConflict', 'Cannot delete entity, must remove users from group first.');
  await rejectsWith(tb.call('DeleteGroup', { GroupName: 'busy' }), 'DeleteConflict', 'Cannot delete entity, must remove users from group first.');
  await tb.call('RemoveUserFromGroup', { GroupName: 'busy', UserName: 'member' });
  await tb.call('DeleteUser', { UserName: 'member' });
  await rejectsWith(tb.call('DeleteGroup', { GroupName: 'busy' }), 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
  await tb.call('DeleteGroupPolicy', { GroupName: 'busy', PolicyName: 'INLINE' });
  await rejectsWith(tb.call('DeleteGroup', { GroupName: 'busy' }), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
  await tb.call('DetachGroupPolicy', { GroupName: 'busy', PolicyArn: READ_ONLY });
  await tb.call('DeleteGroup', { GroupName: 'busy' });
  await rejectsWith(tb.call('DeleteGroup', { GroupName: 'busy' }), 'NoSuchEntity', 'The group with name busy cannot be found.');
});

test('group inline policies: get encoded, list, missing ones named as group policies, malformed refused', async () => {
  await tb.call('CreateGroup', { GroupName: 'inl' });
  await tb.call('PutGroupPolicy', { GroupName: 'inl', PolicyName: 'p1', PolicyDocument: ALLOW_S3_LIST });
  const got = await tb.call('GetGroupPolicy', { GroupName: 'inl', PolicyName: 'P1' });
  assert.deepEqual(got, { GroupName: 'inl', PolicyName: 'p1', PolicyDocument: encodeURIComponent(ALLOW_S3_LIST) });
  assert.deepEqual(((await tb.call('ListGroupPolicies', { GroupName: 'inl' })) as { PolicyNames: string[] }).PolicyNames, ['p1']);
  await rejectsWith(tb.call('GetGroupPolicy', { GroupName: 'inl', PolicyName: 'none' }), 'NoSuchEntity', 'The group policy with name none cannot be found.');
  await rejectsWith(tb.call('PutGroupPolicy', { GroupName: 'inl', PolicyName: 'bad', PolicyDocument: '{"Statement": 3}' }), 'MalformedPolicyDocument');
  await rejectsWith(tb.call('ListGroupPolicies', { GroupName: 'ghost' }), 'NoSuchEntity', 'The group with name ghost cannot be found.');
});

test('a user gets its groups\' inline and attached policies, and loses them when removed', async () => {
  await tb.call('CreateUser', { UserName: 'reader' });
  await tb.call('CreateGroup', { GroupName: 'readers' });
  await tb.call('CreateGroup', { GroupName: 'listers' });
  await tb.call('AttachGroupPolicy', { GroupName: 'readers', PolicyArn: READ_ONLY });
  await tb.call('PutGroupPolicy', { GroupName: 'listers', PolicyName: 's3', PolicyDocument: ALLOW_S3_LIST });
  const reader = await userPrincipal(tb, 'reader');
  const can = async (action: string) => (await tb.deps.authorizer.authorize(reader, action, '*', {})).allowed;
  assert.equal(await can('iam:ListUsers'), false);
  await tb.call('AddUserToGroup', { GroupName: 'readers', UserName: 'reader' });
  assert.equal(await can('iam:ListUsers'), true);
  assert.equal(await can('iam:CreateUser'), false);
  await tb.call('AddUserToGroup', { GroupName: 'listers', UserName: 'reader' });
  await tb.call('DetachGroupPolicy', { GroupName: 'readers', PolicyArn: READ_ONLY });
  assert.equal(await can('iam:ListUsers'), false);
  assert.equal(await can('s3:ListBuckets'), true);
  await tb.call('RemoveUserFromGroup', { GroupName: 'listers', UserName: 'reader' });
  assert.equal(await can('s3:ListBuckets'), false);
  await tb.call('RemoveUserFromGroup', { GroupName: 'readers', UserName: 'reader' });
  // A Deny in a group policy overrides the user's own Allow.
  await tb.call('AttachUserPolicy', { UserName: 'reader', PolicyArn: READ_ONLY });
  const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }] });
  await tb.call('PutGroupPolicy', { GroupName: 'readers', PolicyName: 'deny', PolicyDocument: deny });
  assert.equal(await can('iam:ListUsers'), true);
  await tb.call('AddUserToGroup', { GroupName: 'readers', UserName: 'reader' });
  const r = await tb.deps.authorizer.authorize(reader, 'iam:ListUsers', '*', {});
  assert.deepEqual(r, { allowed: false, explicitDeny: true, deniedBy: 'identity' });
});

test('group attachments count on customer policies, block DeletePolicy, and show in ListEntitiesForPolicy', async () => {
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'grouped', PolicyDocument: ALLOW_S3_LIST })) as { Policy: { Arn: string } };
  await tb.call('CreateGroup', { GroupName: 'holders', Path: '/h/' });
  await tb.call('CreateUser', { UserName: 'direct' });
  await tb.call('AttachGroupPolicy', { GroupName: 'holders', PolicyArn: Policy.Arn });
  await tb.call('AttachUserPolicy', { UserName: 'direct', PolicyArn: Policy.Arn });
  const count = async () => ((await tb.call('GetPolicy', { PolicyArn: Policy.Arn })) as { Policy: { AttachmentCount: number } }).Policy.AttachmentCount;
  assert.equal(await count(), 2);
  type Entities = { PolicyGroups: { GroupName: string }[]; PolicyUsers: { UserName: string }[]; PolicyRoles: unknown[]; IsTruncated: boolean; Marker?: string };
  const all = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn })) as Entities;
  assert.deepEqual(all.PolicyGroups.map((g) => g.GroupName), ['holders']);
  assert.deepEqual(all.PolicyUsers.map((u) => u.UserName), ['direct']);
  assert.deepEqual(all.PolicyRoles, []);
  const groupsOnly = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn, EntityFilter: 'Group' })) as Entities;
  assert.deepEqual([groupsOnly.PolicyGroups.length, groupsOnly.PolicyUsers.length], [1, 0]);
  const byPath = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn, PathPrefix: '/h/' })) as Entities;
  assert.deepEqual([byPath.PolicyGroups.length, byPath.PolicyUsers.length], [1, 0]);
  const boundaries = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn, PolicyUsageFilter: 'PermissionsBoundary' })) as Entities;
  assert.deepEqual([boundaries.PolicyGroups.length, boundaries.PolicyUsers.length], [0, 0]);
  const paged = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn, MaxItems: 1 })) as Entities;
  assert.equal(paged.IsTruncated, true);
  const next = (await tb.call('ListEntitiesForPolicy', { PolicyArn: Policy.Arn, Marker: paged.Marker })) as Entities;
  assert.equal(next.PolicyGroups.length + next.PolicyUsers.length, 1);
  await rejectsWith(tb.call('ListEntitiesForPolicy', { PolicyArn: `arn:aws:iam::${tb.accountId}:policy/none` }), 'NoSuchEntity');
  await tb.call('DetachUserPolicy', { UserName: 'direct', PolicyArn: Policy.Arn });
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: Policy.Arn }), 'DeleteConflict', 'Cannot delete a policy attached to entities.');
  await tb.call('DetachGroupPolicy', { GroupName: 'holders', PolicyArn: Policy.Arn });
  assert.equal(await count(), 0);
  await tb.call('DeletePolicy', { PolicyArn: Policy.Arn });
});

test('at most ten groups per user', async () => {
  await tb.call('CreateUser', { UserName: 'joiner' });
  for (let i = 0; i < 10; i++) {
    await tb.call('CreateGroup', { GroupName: `g${i}` });
    await tb.call('AddUserToGroup', { GroupName: `g${i}`, UserName: 'joiner' });
  }
  await tb.call('CreateGroup', { GroupName: 'g10' });
  await rejectsWith(tb.call('AddUserToGroup', { GroupName: 'g10', UserName: 'joiner' }), 'LimitExceeded', 'Cannot exceed quota for GroupsPerUser: 10');
});
