// IAM's resource resolver: names are looked up case-insensitively and answered with the stored
// ARN (path and case), creations with the ARN they will make, policy ARNs exactly or refused, and
// writes re-checked under the lock against what was authorized.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTHORIZED_PER_ITEM, type ResolvedResource, type ResourceResolution } from '../../core/service.js';
import { iamResolver } from './resources.js';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'Boss', Path: '/admins/' });
  await tb.call('CreateRole', { RoleName: 'ChatOps', Path: '/svc/', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
  await tb.call('CreateGroup', { GroupName: 'Ops', Path: '/teams/' });
  await tb.call('CreateInstanceProfile', { InstanceProfileName: 'Web', Path: '/ip/' });
  await tb.call('CreatePolicy', { PolicyName: 's3only', Path: '/b/', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
});
after(async () => { await tb.close(); });

const arns = (r: ResourceResolution) => (r === AUTHORIZED_PER_ITEM ? ['per item'] : r.map((x) => x.arn));
const listed = (r: ResourceResolution): readonly ResolvedResource[] => (r === AUTHORIZED_PER_ITEM ? [] : r);

test('a name in any case resolves to the stored entity, path and case included', async () => {
  const resolve = iamResolver(tb.deps.identity);
  const ctx = tb.ctx();
  const a = tb.accountId;
  for (const name of ['boss', 'BOSS', 'Boss', 'bOsS']) {
    assert.deepEqual(arns(await resolve('CreateAccessKey', { UserName: name }, ctx)), [`arn:aws:iam::${a}:user/admins/Boss`], name);
  }
  assert.deepEqual(arns(await resolve('AttachRolePolicy', { RoleName: 'CHATOPS', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, ctx)), [`arn:aws:iam::${a}:role/svc/ChatOps`]);
  assert.deepEqual(arns(await resolve('AddUserToGroup', { GroupName: 'ops', UserName: 'boss' }, ctx)), [`arn:aws:iam::${a}:group/teams/Ops`]);
  assert.deepEqual(arns(await resolve('AddRoleToInstanceProfile', { InstanceProfileName: 'WEB', RoleName: 'chatops' }, ctx)), [`arn:aws:iam::${a}:instance-profile/ip/Web`]);
  const [owner] = listed(await resolve('GetUser', { UserName: 'boss' }, ctx));
  assert.equal(owner.accountId, a);
});

test('an entity that does not exist is addressed at path /, as typed; creations at the path they give', async () => {
  const resolve = iamResolver(tb.deps.identity);
  const ctx = tb.ctx();
  const a = tb.accountId;
  assert.deepEqual(arns(await resolve('DeleteUser', { UserName: 'Ghost' }, ctx)), [`arn:aws:iam::${a}:user/Ghost`]);
  assert.deepEqual(arns(await resolve('CreateUser', { UserName: 'n', Path: '/p/' }, ctx)), [`arn:aws:iam::${a}:user/p/n`]);
  assert.deepEqual(arns(await resolve('CreateRole', { RoleName: 'r' }, ctx)), [`arn:aws:iam::${a}:role/r`]);
  assert.deepEqual(arns(await resolve('CreatePolicy', { PolicyName: 'p', Path: '/t/' }, ctx)), [`arn:aws:iam::${a}:policy/t/p`]);
  assert.deepEqual(arns(await resolve('CreateInstanceProfile', { InstanceProfileName: 'i' }, ctx)), [`arn:aws:iam::${a}:instance-profile/i`]);
});

test('renames need the entity as it is and as it will be', async () => {
  const resolve = iamResolver(tb.deps.identity);
  const ctx = tb.ctx();
  const a = tb.accountId;
  assert.deepEqual(arns(await resolve('UpdateUser', { UserName: 'boss', NewUserName: 'chief' }, ctx)),
    [`arn:aws:iam::${a}:user/admins/Boss`, `arn:aws:iam::${a}:user/admins/chief`]);
  assert.deepEqual(arns(await resolve('UpdateGroup', { GroupName: 'OPS', NewPath: '/x/' }, ctx)),
    [`arn:aws:iam::${a}:group/teams/Ops`, `arn:aws:iam::${a}:group/x/Ops`]);
  assert.deepEqual(arns(await resolve('UpdateUser', { UserName: 'Boss' }, ctx)), [`arn:aws:iam::${a}:user/admins/Boss`]);
});

test('policy ARNs are taken exactly; one that is no IAM policy ARN of the aws partition is InvalidInput', async () => {
  const resolve = iamResolver(tb.deps.identity);
  const ctx = tb.ctx();
  const a = tb.accountId;
  const exact = `arn:aws:iam::${a}:policy/b/s3only`;
  assert.deepEqual(arns(await resolve('CreatePolicyVersion', { PolicyArn: exact }, ctx)), [exact]);
  // A variant is authorized as typed, and then finds no policy (below).
  assert.deepEqual(arns(await resolve('GetPolicy', { PolicyArn: `arn:aws:iam::${a}:policy/b/S3ONLY` }, ctx)), [`arn:aws:iam::${a}:policy/b/S3ONLY`]);
  for (const bad of [`arn:aws-cn:iam::${a}:policy/b/s3only`, `arn:aws-x:iam::${a}:policy/s3only`, 'not-an-arn', `arn:aws:iam::${a}:user/boss`]) {
    await rejectsWith(resolve('GetPolicy', { PolicyArn: bad }, ctx), 'InvalidInput');
  }
});

test('a policy ARN that differs from the stored one in case or path is NoSuchEntity, never the stored policy', async () => {
  const a = tb.accountId;
  for (const variant of [`arn:aws:iam::${a}:policy/b/S3ONLY`, `arn:aws:iam::${a}:policy/s3only`, `arn:aws:iam::${a}:policy/B/s3only`]) {
    await rejectsWith(tb.call('GetPolicy', { PolicyArn: variant }), 'NoSuchEntity');
    await rejectsWith(tb.call('CreatePolicyVersion', { PolicyArn: variant, PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', SetAsDefault: true }), 'NoSuchEntity');
    await rejectsWith(tb.call('AttachUserPolicy', { UserName: 'boss', PolicyArn: variant }), 'NoSuchEntity');
    await rejectsWith(tb.call('PutUserPermissionsBoundary', { UserName: 'boss', PermissionsBoundary: variant }), 'NoSuchEntity');
  }
  const got = await tb.call('GetPolicy', { PolicyArn: `arn:aws:iam::${a}:policy/b/s3only` });
  assert.equal((got.Policy as { DefaultVersionId: string }).DefaultVersionId, 'v1', 'no variant changed the default version');
});

test('detaching takes the attached ARN exactly', async () => {
  const a = tb.accountId;
  await tb.call('AttachUserPolicy', { UserName: 'boss', PolicyArn: `arn:aws:iam::${a}:policy/b/s3only` });
  await rejectsWith(tb.call('DetachUserPolicy', { UserName: 'boss', PolicyArn: `arn:aws:iam::${a}:policy/b/S3Only` }), 'NoSuchEntity');
  await tb.call('DetachUserPolicy', { UserName: 'boss', PolicyArn: `arn:aws:iam::${a}:policy/b/s3only` });
});

test('no user named: the calling user as stored; access keys by their owner; listings by path; the rest *', async () => {
  const resolve = iamResolver(tb.deps.identity);
  const ctx = tb.ctx();
  const a = tb.accountId;
  assert.deepEqual(arns(await resolve('CreateAccessKey', {}, ctx)), [tb.admin.arn]);
  assert.deepEqual(arns(await resolve('ListUsers', { PathPrefix: '/admins/' }, ctx)), [`arn:aws:iam::${a}:user/admins/`]);
  assert.deepEqual(arns(await resolve('GetAccountSummary', {}, ctx)), ['*']);
  const key = await tb.call('CreateAccessKey', { UserName: 'BOSS' }) as { AccessKey: { AccessKeyId: string } };
  assert.deepEqual(arns(await resolve('GetAccessKeyLastUsed', { AccessKeyId: key.AccessKey.AccessKeyId }, ctx)), [`arn:aws:iam::${a}:user/admins/Boss`]);
  assert.deepEqual(arns(await resolve('GetAccessKeyLastUsed', { AccessKeyId: 'AKIANOSUCHKEY0000000' }, ctx)), ['*']);
});

test('a write whose entity changed after authorization is refused under the lock (ConcurrentModification)', async () => {
  const a = tb.accountId;
  await tb.call('CreateUser', { UserName: 'mover', Path: '/low/' });
  const ctx = tb.ctx();
  // As the pipeline left it: authorized on the /low/ user, which is then replaced at /high/.
  ctx.resolved = [{ arn: `arn:aws:iam::${a}:user/low/mover`, accountId: a }];
  await tb.call('DeleteUser', { UserName: 'mover' });
  await tb.call('CreateUser', { UserName: 'mover', Path: '/high/' });
  await rejectsWith(Promise.resolve(tb.handlers.CreateAccessKey({ UserName: 'mover' }, ctx)), 'ConcurrentModification');
  assert.equal((await tb.deps.identity.listAccessKeys(a, 'mover')).length, 0);
  ctx.resolved = [{ arn: `arn:aws:iam::${a}:user/high/mover`, accountId: a }];
  await tb.handlers.CreateAccessKey({ UserName: 'mover' }, ctx);
  assert.equal((await tb.deps.identity.listAccessKeys(a, 'mover')).length, 1);
});

test('the authorizer reads a customer policy (attached, boundary, session, guardrail) only by its exact ARN in its own account', async () => {
  const a = tb.accountId;
  const auth = tb.deps.authorizer;
  assert.ok(await auth.managedPolicy(a, `arn:aws:iam::${a}:policy/b/s3only`));
  for (const variant of [`arn:aws:iam::${a}:policy/b/S3ONLY`, `arn:aws:iam::${a}:policy/s3only`, `arn:aws:iam::${a}:policy/other/s3only`]) {
    assert.equal(await auth.managedPolicy(a, variant), undefined, variant);
  }
  // Another account's ARN names no policy of this one, even when a policy of that name exists here.
  assert.equal(await auth.managedPolicy('999999999999', `arn:aws:iam::${a}:policy/b/s3only`), undefined);
  assert.equal(await auth.managedPolicy(a, `arn:aws:iam::999999999999:policy/b/s3only`), undefined);
});
