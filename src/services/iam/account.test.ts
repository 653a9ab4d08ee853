// Account-wide IAM: the summary's counts follow what the account holds; aliases are one per
// account, unique across accounts, and kept on the Account document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount } from '../../identity/accounts.js';
import { randomIds, systemClock } from '../../common/runtime.js';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

test('GetAccountSummary counts users, roles, groups, instance profiles and policies', async () => {
  const summary = async () => ((await tb.call('GetAccountSummary', {})) as { SummaryMap: Record<string, number> }).SummaryMap;
  const before = await summary();
  assert.equal(before.Users, 1);
  assert.equal(before.Roles, 0);
  assert.equal(before.Policies, 0);
  assert.equal(before.AccessKeysPerUserQuota, 2);
  assert.equal(before.AccountAccessKeysPresent, 0);
  await tb.call('CreateUser', { UserName: 'u' });
  await tb.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
  await tb.call('CreatePolicy', { PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
  await tb.call('CreateGroup', { GroupName: 'g' });
  await tb.call('CreateInstanceProfile', { InstanceProfileName: 'ip' });
  const after = await summary();
  assert.deepEqual([after.Users, after.Roles, after.Policies, after.Groups, after.InstanceProfiles], [2, 1, 1, 1, 1]);
  assert.equal(before.Groups, 0);
});

test('account aliases: create, replace, list, delete', async () => {
  const list = async () => ((await tb.call('ListAccountAliases', {})) as { AccountAliases: string[] }).AccountAliases;
  assert.deepEqual(await list(), []);
  await tb.call('CreateAccountAlias', { AccountAlias: 'first-alias' });
  assert.deepEqual(await list(), ['first-alias']);
  await tb.call('CreateAccountAlias', { AccountAlias: 'second-alias' });
  assert.deepEqual(await list(), ['second-alias']);
  const account = (await tb.deps.identity.getAccount(tb.accountId)) as { accountAliases?: string[]; name: string } | undefined;
  assert.deepEqual(account?.accountAliases, ['second-alias']);
  assert.equal(account?.name, 'test');
  await rejectsWith(tb.call('DeleteAccountAlias', { AccountAlias: 'first-alias' }), 'NoSuchEntity', 'The account alias first-alias cannot be found.');
  await tb.call('DeleteAccountAlias', { AccountAlias: 'second-alias' });
  assert.deepEqual(await list(), []);
});

test("an alias another account holds is refused", async () => {
  const other = await createAccount(tb.deps.identity, randomIds, systemClock, 'other');
  const otherAdmin = await tb.deps.credentials.resolve(other.accessKeyId);
  assert.ok(otherAdmin);
  await tb.call('CreateAccountAlias', { AccountAlias: 'taken-alias' }, otherAdmin.principal);
  await rejectsWith(tb.call('CreateAccountAlias', { AccountAlias: 'taken-alias' }), 'EntityAlreadyExists', 'The account alias taken-alias already exists.');
  // The other account's own call is idempotent.
  await tb.call('CreateAccountAlias', { AccountAlias: 'taken-alias' }, otherAdmin.principal);
});
