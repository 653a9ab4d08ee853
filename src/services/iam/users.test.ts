// IAM users against a real (temporary) store: shapes IAM returns, case-insensitive names,
// paging, renames, the conflicts that block deletion, and tags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, type IamTestbed } from '../../../test/support/iam.js';
import type { AssumedRolePrincipal, RootPrincipal } from '../../common/principal.js';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

type UserOut = { User: { Path: string; UserName: string; UserId: string; Arn: string; CreateDate: Date; Tags?: unknown; PermissionsBoundary?: unknown } };

test('CreateUser returns the User shape and names the resource', async () => {
  const ctx = tb.ctx();
  const out = (await tb.handlers.CreateUser({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'ops' }] }, ctx)) as UserOut;
  assert.equal(out.User.UserName, 'alice');
  assert.equal(out.User.Path, '/');
  assert.match(out.User.UserId, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(out.User.Arn, `arn:aws:iam::${tb.accountId}:user/alice`);
  assert.ok(out.User.CreateDate instanceof Date);
  assert.equal(out.User.CreateDate.getUTCMilliseconds(), 0);
  assert.deepEqual(out.User.Tags, [{ Key: 'team', Value: 'ops' }]);
  assert.equal(out.User.PermissionsBoundary, undefined);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::User', arn: out.User.Arn }]);
});

test('CreateUser puts the path into the ARN and checks the boundary exists', async () => {
  const out = (await tb.call('CreateUser', { UserName: 'pathy', Path: '/eng/', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })) as UserOut;
  assert.equal(out.User.Arn, `arn:aws:iam::${tb.accountId}:user/eng/pathy`);
  assert.deepEqual(out.User.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await rejectsWith(tb.call('CreateUser', { UserName: 'nobound', PermissionsBoundary: `arn:aws:iam::${tb.accountId}:policy/none` }),
    'NoSuchEntity', `Scope ARN: arn:aws:iam::${tb.accountId}:policy/none does not exist or is not attachable.`);
  assert.equal(await tb.deps.identity.getUser(tb.accountId, 'nobound'), undefined);
});

test('user names are unique regardless of case', async () => {
  await tb.call('CreateUser', { UserName: 'bob' });
  await rejectsWith(tb.call('CreateUser', { UserName: 'BOB' }), 'EntityAlreadyExists', 'User with name BOB already exists.');
  const out = (await tb.call('GetUser', { UserName: 'Bob' })) as UserOut;
  assert.equal(out.User.UserName, 'bob');
});

test('GetUser: named, the calling user, the root user, and errors', async () => {
  const ctx = tb.ctx();
  const self = (await tb.handlers.GetUser({}, ctx)) as UserOut;
  assert.equal(self.User.Arn, tb.admin.arn);
  // The first admin is made outside these handlers, with milliseconds; IAM shows whole seconds.
  assert.equal(self.User.CreateDate.getUTCMilliseconds(), 0);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::User', arn: tb.admin.arn }]);
  const root: RootPrincipal = { type: 'Root', accountId: tb.accountId, arn: `arn:aws:iam::${tb.accountId}:root`, accessKeyId: 'AKIAROOTROOTROOTROOT' };
  const rootOut = (await tb.call('GetUser', {}, root)) as { User: Record<string, unknown> };
  assert.equal(rootOut.User.UserId, tb.accountId);
  assert.equal(rootOut.User.Arn, root.arn);
  assert.equal(rootOut.User.UserName, undefined);
  assert.ok(rootOut.User.CreateDate instanceof Date);
  const session: AssumedRolePrincipal = {
    type: 'AssumedRole', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:assumed-role/r/s`, roleName: 'r',
    roleArn: `arn:aws:iam::${tb.accountId}:role/r`, roleId: 'AROAAAAAAAAAAAAAAAAAA', sessionName: 's', accessKeyId: 'ASIA', sessionCreatedAt: new Date(),
  };
  await rejectsWith(tb.call('GetUser', {}, session), 'ValidationError', 'Must specify userName when calling with non-User credentials');
  await rejectsWith(tb.call('GetUser', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
});

test('ListUsers filters by path and pages with Marker without skipping after deletions', async () => {
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await tb.call('CreateUser', { UserName: n, Path: '/paged/' });
  const first = (await tb.call('ListUsers', { PathPrefix: '/paged/', MaxItems: 2 })) as { Users: { UserName: string }[]; IsTruncated: boolean; Marker?: string };
  assert.deepEqual(first.Users.map((u) => u.UserName), ['p1', 'p2']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Marker);
  // The next page would have started at p3: deleting it must neither break nor skip the paging.
  await tb.call('DeleteUser', { UserName: 'p3' });
  const seen = [...first.Users.map((u) => u.UserName)];
  let marker: string | undefined = first.Marker;
  while (marker) {
    const page = (await tb.call('ListUsers', { PathPrefix: '/paged/', MaxItems: 2, Marker: marker })) as typeof first;
    seen.push(...page.Users.map((u) => u.UserName));
    marker = page.IsTruncated ? page.Marker : undefined;
  }
  assert.deepEqual(seen, ['p1', 'p2', 'p4', 'p5']);
  const all = (await tb.call('ListUsers', {})) as typeof first;
  assert.equal(all.IsTruncated, false);
  assert.equal(all.Marker, undefined);
  assert.ok(all.Users.some((u) => u.UserName === 'admin'));
  assert.equal((all.Users[0] as Record<string, unknown>).Tags, undefined);
});

test('UpdateUser renames the user, moves its keys and refuses a taken name', async () => {
  await tb.call('CreateUser', { UserName: 'carol' });
  const key = (await tb.call('CreateAccessKey', { UserName: 'carol' })) as { AccessKey: { AccessKeyId: string } };
  const before = await tb.deps.credentials.resolve(key.AccessKey.AccessKeyId);
  assert.equal(before?.principal.type === 'IAMUser' && before.principal.userName, 'carol');
  await rejectsWith(tb.call('UpdateUser', { UserName: 'carol', NewUserName: 'BOB' }), 'EntityAlreadyExists', 'User with name BOB already exists.');
  await tb.call('UpdateUser', { UserName: 'carol', NewUserName: 'caroline', NewPath: '/x/' });
  await rejectsWith(tb.call('GetUser', { UserName: 'carol' }), 'NoSuchEntity');
  const out = (await tb.call('GetUser', { UserName: 'caroline' })) as UserOut;
  assert.equal(out.User.Arn, `arn:aws:iam::${tb.accountId}:user/x/caroline`);
  const after = await tb.deps.credentials.resolve(key.AccessKey.AccessKeyId);
  assert.equal(after?.principal.type === 'IAMUser' && after.principal.arn, out.User.Arn);
  await rejectsWith(tb.call('UpdateUser', { UserName: 'nobody', NewUserName: 'x' }), 'NoSuchEntity', 'The user with name nobody cannot be found.');
});

test('DeleteUser refuses while keys or policies remain, then deletes', async () => {
  await tb.call('CreateUser', { UserName: 'dave' });
  const key = (await tb.call('CreateAccessKey', { UserName: 'dave' })) as { AccessKey: { AccessKeyId: string } };
  await tb.call('PutUserPolicy', { UserName: 'dave', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
  await tb.call('AttachUserPolicy', { UserName: 'dave', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await rejectsWith(tb.call('DeleteUser', { UserName: 'dave' }), 'DeleteConflict', 'Cannot delete entity, must delete access keys first.');
  await tb.call('DeleteAccessKey', { UserName: 'dave', AccessKeyId: key.AccessKey.AccessKeyId });
  await rejectsWith(tb.call('DeleteUser', { UserName: 'dave' }), 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
  await tb.call('DeleteUserPolicy', { UserName: 'dave', PolicyName: 'p' });
  await rejectsWith(tb.call('DeleteUser', { UserName: 'dave' }), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
  await tb.call('DetachUserPolicy', { UserName: 'dave', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await tb.call('DeleteUser', { UserName: 'DAVE' });
  await rejectsWith(tb.call('GetUser', { UserName: 'dave' }), 'NoSuchEntity', 'The user with name dave cannot be found.');
  await rejectsWith(tb.call('DeleteUser', { UserName: 'dave' }), 'NoSuchEntity', 'The user with name dave cannot be found.');
});

test('DeleteUser refuses while a login profile exists', async () => {
  await tb.call('CreateUser', { UserName: 'erin' });
  const user = await tb.deps.identity.getUser(tb.accountId, 'erin');
  assert.ok(user);
  await tb.deps.identity.putUser(tb.accountId, { ...user, loginProfile: { createDate: new Date(), passwordResetRequired: false, passwordHash: 'x' } });
  await rejectsWith(tb.call('DeleteUser', { UserName: 'erin' }), 'DeleteConflict', 'Cannot delete entity, must delete login profile first.');
});

test('TagUser merges case-insensitively, UntagUser removes, ListUserTags lists', async () => {
  await tb.call('CreateUser', { UserName: 'tagged', Tags: [{ Key: 'Team', Value: 'a' }] });
  await tb.call('TagUser', { UserName: 'tagged', Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'prod' }] });
  const listed = (await tb.call('ListUserTags', { UserName: 'tagged' })) as { Tags: { Key: string; Value: string }[]; IsTruncated: boolean };
  assert.deepEqual(listed.Tags, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'b' }]);
  assert.equal(listed.IsTruncated, false);
  await rejectsWith(tb.call('TagUser', { UserName: 'tagged', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }),
    'InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejectsWith(tb.call('TagUser', { UserName: 'tagged', Tags: many }), 'LimitExceeded');
  await tb.call('UntagUser', { UserName: 'tagged', TagKeys: ['ENV'] });
  const after = (await tb.call('ListUserTags', { UserName: 'tagged' })) as typeof listed;
  assert.deepEqual(after.Tags, [{ Key: 'team', Value: 'b' }]);
  await rejectsWith(tb.call('TagUser', { UserName: 'ghost', Tags: [] }), 'NoSuchEntity');
  await rejectsWith(tb.call('UntagUser', { UserName: 'ghost', TagKeys: ['a'] }), 'NoSuchEntity');
  await rejectsWith(tb.call('ListUserTags', { UserName: 'ghost' }), 'NoSuchEntity');
});
