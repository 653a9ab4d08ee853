import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, type IamTestbed } from '../../test/support/iam.js';
import type { Principal } from '../common/principal.js';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] });
let n = 0;

/** Stores a session as STS would and returns its key id. */
async function session(principal: (accessKeyId: string) => Principal): Promise<string> {
  const accessKeyId = `ASIATESTSESSION${String(++n).padStart(5, '0')}`;
  const { identity } = tb.deps;
  await identity.putSession({ accessKeyId, sealedSecret: identity.box.seal('secret'), tokenHash: 'hash', expiresAt: new Date(Date.now() + 3_600_000), principal: principal(accessKeyId) });
  return accessKeyId;
}

test('a role session ends with its role, and a new role of the same name does not revive it', async () => {
  const { identity, credentials } = tb.deps;
  await tb.call('CreateRole', { RoleName: 'ops', AssumeRolePolicyDocument: trust });
  const role = (await identity.getRole(tb.accountId, 'ops'))!;
  const key = await session((accessKeyId) => ({
    type: 'AssumedRole', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:assumed-role/ops/s1`, roleName: 'ops',
    roleArn: role.arn, roleId: role.roleId, sessionName: 's1', accessKeyId, sessionCreatedAt: new Date(),
  }));
  assert.equal((await credentials.resolve(key))?.principal.type, 'AssumedRole', 'resolved, and now cached');
  await tb.call('DeleteRole', { RoleName: 'ops' });
  assert.equal(await credentials.resolve(key), undefined, 'the cache followed the deletion');
  await tb.call('CreateRole', { RoleName: 'OPS', AssumeRolePolicyDocument: trust });
  assert.notEqual((await identity.getRole(tb.accountId, 'ops'))!.roleId, role.roleId);
  assert.equal(await credentials.resolve(key), undefined, 'the new role has another unique id');
});

test('user sessions (GetSessionToken, GetFederationToken) follow the user by unique id', async () => {
  const { identity, credentials } = tb.deps;
  await tb.call('CreateUser', { UserName: 'dev' });
  const user = (await identity.getUser(tb.accountId, 'dev'))!;
  const own = await session((accessKeyId) => ({
    type: 'IAMUser', accountId: tb.accountId, arn: user.arn, userName: 'dev', userId: user.userId, accessKeyId, sessionCreatedAt: new Date(),
  }));
  const federated = await session((accessKeyId) => ({
    type: 'FederatedUser', accountId: tb.accountId, arn: `arn:aws:sts::${tb.accountId}:federated-user/fed`, federatedName: 'fed', accessKeyId,
    sessionCreatedAt: new Date(), issuer: { arn: user.arn, userName: 'dev', userId: user.userId },
  }));
  assert.ok(await credentials.resolve(own));
  assert.ok(await credentials.resolve(federated));
  // Renamed, the user keeps its sessions, under the new name (which its policies are found by).
  await tb.call('UpdateUser', { UserName: 'dev', NewUserName: 'dev2' });
  const renamed = (await credentials.resolve(own))?.principal;
  assert.ok(renamed?.type === 'IAMUser' && renamed.userName === 'dev2' && renamed.arn.endsWith(':user/dev2'));
  const fed = (await credentials.resolve(federated))?.principal;
  assert.ok(fed?.type === 'FederatedUser' && fed.issuer.userName === 'dev2');
  await tb.call('DeleteUser', { UserName: 'dev2' });
  assert.equal(await credentials.resolve(own), undefined);
  assert.equal(await credentials.resolve(federated), undefined);
  // A new user under either name is someone else.
  await tb.call('CreateUser', { UserName: 'dev' });
  await tb.call('CreateUser', { UserName: 'dev2' });
  assert.equal(await credentials.resolve(own), undefined);
  assert.equal(await credentials.resolve(federated), undefined);
});
