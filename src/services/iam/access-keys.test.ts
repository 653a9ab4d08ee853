// Access keys: the secret comes back once and is stored sealed, two keys per user at most,
// keys of other users are invisible, and every change reaches the credential cache at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';
import type { AssumedRolePrincipal, RootPrincipal } from '../../common/principal.js';

let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  for (const n of ['kim', 'lee']) await tb.call('CreateUser', { UserName: n });
});
after(async () => { await tb.close(); });

type KeyOut = { AccessKey: { UserName?: string; AccessKeyId: string; Status: string; SecretAccessKey: string; CreateDate: Date } };
type ListOut = { AccessKeyMetadata: { UserName?: string; AccessKeyId: string; Status: string; CreateDate: Date }[]; IsTruncated: boolean };

test('CreateAccessKey returns the secret once and stores it sealed', async () => {
  const ctx = tb.ctx();
  const out = (await tb.handlers.CreateAccessKey({ UserName: 'KIM' }, ctx)) as KeyOut;
  assert.match(out.AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(out.AccessKey.SecretAccessKey.length, 40);
  assert.equal(out.AccessKey.Status, 'Active');
  assert.equal(out.AccessKey.UserName, 'kim');
  const stored = await tb.deps.identity.getAccessKey(out.AccessKey.AccessKeyId);
  assert.ok(stored);
  assert.ok(!stored.sealedSecret.includes(out.AccessKey.SecretAccessKey));
  assert.equal(tb.deps.identity.box.open(stored.sealedSecret), out.AccessKey.SecretAccessKey);
  const user = await tb.deps.identity.getUser(tb.accountId, 'kim');
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::AccessKey', arn: out.AccessKey.AccessKeyId }, { type: 'AWS::IAM::User', arn: user?.arn }]);
  const listed = (await tb.call('ListAccessKeys', { UserName: 'kim' })) as ListOut;
  assert.deepEqual(listed.AccessKeyMetadata, [{ UserName: 'kim', AccessKeyId: out.AccessKey.AccessKeyId, Status: 'Active', CreateDate: out.AccessKey.CreateDate }]);
  assert.ok(!JSON.stringify(listed).includes(out.AccessKey.SecretAccessKey));
  const resolved = await tb.deps.credentials.resolve(out.AccessKey.AccessKeyId);
  assert.equal(resolved?.secretAccessKey, out.AccessKey.SecretAccessKey);
});

test('without UserName the key is for the calling user, and a third key is refused', async () => {
  const second = (await tb.call('CreateAccessKey', {})) as KeyOut;
  assert.equal(second.AccessKey.UserName, 'admin');
  await rejectsWith(tb.call('CreateAccessKey', {}), 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2');
  const listed = (await tb.call('ListAccessKeys', {})) as ListOut;
  assert.equal(listed.AccessKeyMetadata.length, 2);
  assert.ok(listed.AccessKeyMetadata.every((k) => k.UserName === 'admin'));
});

test('root creates and lists root keys; session credentials must name a user', async () => {
  const root: RootPrincipal = { type: 'Root', accountId: tb.accountId, arn: `arn:aws:iam::${tb.accountId}:root`, accessKeyId: 'AKIAROOTROOTROOTROOT' };
  const out = (await tb.call('CreateAccessKey', {}, root)) as KeyOut;
  assert.equal(out.AccessKey.UserName, undefined);
  const resolved = await tb.deps.credentials.resolve(out.AccessKey.AccessKeyId);
  assert.equal(resolved?.principal.type, 'Root');
  const listed = (await tb.call('ListAccessKeys', {}, root)) as ListOut;
  assert.deepEqual(listed.AccessKeyMetadata.map((k) => k.AccessKeyId), [out.AccessKey.AccessKeyId]);
  const session: AssumedRolePrincipal = {
    type: 'AssumedRole', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:assumed-role/r/s`, roleName: 'r',
    roleArn: `arn:aws:iam::${tb.accountId}:role/r`, roleId: 'AROAAAAAAAAAAAAAAAAAA', sessionName: 's', accessKeyId: 'ASIA', sessionCreatedAt: new Date(),
  };
  await rejectsWith(tb.call('CreateAccessKey', {}, session), 'ValidationError', 'Must specify userName when calling with non-User credentials');
  await rejectsWith(tb.call('CreateAccessKey', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('ListAccessKeys', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
});

test('UpdateAccessKey Inactive takes effect on the cached credential at once', async () => {
  const key = (await tb.call('CreateAccessKey', { UserName: 'lee' })) as KeyOut;
  const id = key.AccessKey.AccessKeyId;
  assert.equal((await tb.deps.credentials.resolve(id))?.active, true);
  await tb.call('UpdateAccessKey', { UserName: 'lee', AccessKeyId: id, Status: 'Inactive' });
  assert.equal((await tb.deps.credentials.resolve(id))?.active, false);
  const listed = (await tb.call('ListAccessKeys', { UserName: 'lee' })) as ListOut;
  assert.equal(listed.AccessKeyMetadata[0].Status, 'Inactive');
  await tb.call('UpdateAccessKey', { UserName: 'lee', AccessKeyId: id, Status: 'Active' });
  assert.equal((await tb.deps.credentials.resolve(id))?.active, true);
  await rejectsWith(tb.call('UpdateAccessKey', { UserName: 'lee', AccessKeyId: id, Status: 'Expired' }), 'InvalidInput');
});

test('DeleteAccessKey removes the cached credential', async () => {
  const key = (await tb.call('CreateAccessKey', { UserName: 'lee' })) as KeyOut;
  const id = key.AccessKey.AccessKeyId;
  assert.ok(await tb.deps.credentials.resolve(id));
  const ctx = tb.ctx();
  await tb.handlers.DeleteAccessKey({ UserName: 'lee', AccessKeyId: id }, ctx);
  assert.equal(await tb.deps.credentials.resolve(id), undefined);
  assert.equal(await tb.deps.identity.getAccessKey(id), undefined);
  assert.equal(ctx.resources[0].type, 'AWS::IAM::AccessKey');
  await rejectsWith(tb.call('DeleteAccessKey', { UserName: 'lee', AccessKeyId: id }), 'NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
});

test("another user's key cannot be seen, changed or deleted through the wrong user", async () => {
  const key = (await tb.call('CreateAccessKey', { UserName: 'lee' })) as KeyOut;
  const id = key.AccessKey.AccessKeyId;
  const msg = `The Access Key with id ${id} cannot be found.`;
  await rejectsWith(tb.call('UpdateAccessKey', { UserName: 'kim', AccessKeyId: id, Status: 'Inactive' }), 'NoSuchEntity', msg);
  await rejectsWith(tb.call('DeleteAccessKey', { UserName: 'kim', AccessKeyId: id }), 'NoSuchEntity', msg);
  // Without UserName the caller's own keys are meant: lee's key is not the admin's.
  await rejectsWith(tb.call('DeleteAccessKey', { AccessKeyId: id }), 'NoSuchEntity', msg);
  const asLee = await userPrincipal(tb, 'lee');
  await tb.call('UpdateAccessKey', { AccessKeyId: id, Status: 'Inactive' }, asLee);
  assert.equal((await tb.deps.identity.getAccessKey(id))?.status, 'Inactive');
});

test('GetAccessKeyLastUsed answers N/A for an unused key and NoSuchEntity for an unknown one', async () => {
  const out = (await tb.call('GetAccessKeyLastUsed', { AccessKeyId: tb.adminKey.accessKeyId })) as { UserName: string; AccessKeyLastUsed: Record<string, unknown> };
  assert.equal(out.UserName, 'admin');
  assert.deepEqual(out.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
  const stored = await tb.deps.identity.getAccessKey(tb.adminKey.accessKeyId);
  assert.ok(stored);
  const when = new Date('2024-08-01T13:33:28Z');
  await tb.deps.identity.putAccessKey({ ...stored, lastUsed: { date: when, service: 'iam', region: 'us-east-1' } });
  const used = (await tb.call('GetAccessKeyLastUsed', { AccessKeyId: tb.adminKey.accessKeyId })) as typeof out;
  assert.deepEqual(used.AccessKeyLastUsed, { LastUsedDate: when, ServiceName: 'iam', Region: 'us-east-1' });
  await rejectsWith(tb.call('GetAccessKeyLastUsed', { AccessKeyId: 'AKIANOPENOPENOPENOPE' }), 'NoSuchEntity');
});
