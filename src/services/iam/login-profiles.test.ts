// Login profiles: only a hash is stored and no answer carries the password, AWS's default
// password policy, the caller as default user, DeleteUser's conflict; and ListMFADevices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';
import { checkPassword, hashPassword, verifyPassword } from './login-profiles.js';

const PASSWORD = 'Correct-Horse-9';
let tb: IamTestbed;
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'console' });
});
after(async () => { await tb.close(); });

test('the password policy wants 8 characters from 3 of 4 classes', () => {
  assert.equal(checkPassword('Abcdefg1'), 'Abcdefg1');
  assert.equal(checkPassword('abcdefg1!'), 'abcdefg1!');
  for (const bad of ['Ab1!', 'abcdefgh', 'abcdefg1', 'ABCDEFGH1']) {
    assert.throws(() => checkPassword(bad), (e: Error & { code?: string }) => e.code === 'PasswordPolicyViolation', bad);
  }
  assert.throws(() => checkPassword(undefined), (e: Error & { code?: string }) => e.code === 'ValidationError');
});

test('hashes are salted and verify only the right password', async () => {
  const a = await hashPassword(PASSWORD);
  const b = await hashPassword(PASSWORD);
  assert.notEqual(a, b);
  assert.ok(!a.includes(PASSWORD));
  assert.equal(await verifyPassword(PASSWORD, a), true);
  assert.equal(await verifyPassword('wrong-Password-1', a), false);
  assert.equal(await verifyPassword(PASSWORD, 'plain'), false);
});

test('create, get, update, delete; the password is stored only as a hash and never returned', async () => {
  const ctx = tb.ctx();
  const created = (await tb.handlers.CreateLoginProfile({ UserName: 'console', Password: PASSWORD, PasswordResetRequired: true }, ctx)) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(created.LoginProfile).sort(), ['CreateDate', 'PasswordResetRequired', 'UserName']);
  assert.equal(created.LoginProfile.PasswordResetRequired, true);
  assert.deepEqual(ctx.resources.map((r) => r.type), ['AWS::IAM::User']);
  const stored = await tb.deps.identity.getUser(tb.accountId, 'console');
  assert.ok(stored?.loginProfile);
  assert.ok(!JSON.stringify(stored).includes(PASSWORD));
  assert.equal(await verifyPassword(PASSWORD, stored.loginProfile.passwordHash), true);
  await rejectsWith(tb.call('CreateLoginProfile', { UserName: 'console', Password: PASSWORD }), 'EntityAlreadyExists', 'Login Profile for user console already exists.');

  await tb.call('UpdateLoginProfile', { UserName: 'console', Password: 'Another-Pass-2', PasswordResetRequired: false });
  const got = (await tb.call('GetLoginProfile', { UserName: 'console' })) as { LoginProfile: Record<string, unknown> };
  assert.equal(got.LoginProfile.PasswordResetRequired, false);
  assert.ok(!JSON.stringify(got).includes('Another-Pass-2'));
  const updated = await tb.deps.identity.getUser(tb.accountId, 'console');
  assert.equal(await verifyPassword('Another-Pass-2', updated!.loginProfile!.passwordHash), true);
  await rejectsWith(tb.call('UpdateLoginProfile', { UserName: 'console', Password: 'short' }), 'PasswordPolicyViolation');

  await rejectsWith(tb.call('DeleteUser', { UserName: 'console' }), 'DeleteConflict', 'Cannot delete entity, must delete login profile first.');
  await tb.call('DeleteLoginProfile', { UserName: 'console' });
  await rejectsWith(tb.call('GetLoginProfile', { UserName: 'console' }), 'NoSuchEntity', 'Login Profile for User console cannot be found.');
  await rejectsWith(tb.call('DeleteLoginProfile', { UserName: 'console' }), 'NoSuchEntity', 'Login Profile for User console cannot be found.');
  await rejectsWith(tb.call('CreateLoginProfile', { UserName: 'ghost', Password: PASSWORD }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
  await rejectsWith(tb.call('CreateLoginProfile', { UserName: 'console', Password: 'weakweak' }), 'PasswordPolicyViolation');
});

test('without UserName the calling user is meant; ListMFADevices is empty', async () => {
  await tb.call('CreateUser', { UserName: 'self' });
  const self = await userPrincipal(tb, 'self');
  const out = (await tb.call('CreateLoginProfile', { Password: PASSWORD }, self)) as { LoginProfile: { UserName: string } };
  assert.equal(out.LoginProfile.UserName, 'self');
  assert.deepEqual(await tb.call('ListMFADevices', {}, self), { MFADevices: [], IsTruncated: false });
  assert.deepEqual(await tb.call('ListMFADevices', { UserName: 'console' }), { MFADevices: [], IsTruncated: false });
  await rejectsWith(tb.call('ListMFADevices', { UserName: 'ghost' }), 'NoSuchEntity', 'The user with name ghost cannot be found.');
});
