// How principals appear in records: GetSessionToken credentials keep the IAMUser (or Root)
// identity with an attributes-only sessionContext; long-term keys have none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSession, type RootPrincipal, type UserPrincipal } from './principal.js';
import { userIdentityOf } from '../records/record.js';

const user: UserPrincipal = {
  type: 'IAMUser', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice', userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};

test('a long-term key: plain IAMUser, no sessionContext', () => {
  assert.equal(isSession(user), false);
  assert.deepEqual(Object.keys(userIdentityOf(user)), ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName']);
});

test('GetSessionToken credentials: IAMUser with sessionContext.attributes and no issuer, in CloudTrail key order', () => {
  const session = { ...user, accessKeyId: 'ASIAEXAMPLEEXAMPLE01', sessionCreatedAt: new Date('2024-08-01T13:33:28.456Z') };
  assert.equal(isSession(session), true);
  const id = userIdentityOf(session);
  assert.deepEqual(id, {
    type: 'IAMUser', principalId: user.userId, arn: user.arn, accountId: user.accountId, accessKeyId: 'ASIAEXAMPLEEXAMPLE01', userName: 'alice',
    sessionContext: { attributes: { creationDate: '2024-08-01T13:33:28Z', mfaAuthenticated: 'false' } },
  });
  assert.deepEqual(Object.keys(id), ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName', 'sessionContext']);
  assert.deepEqual(Object.keys((id.sessionContext as { attributes: object }).attributes), ['creationDate', 'mfaAuthenticated']);
});

test('the root user\'s session token is recorded the same way', () => {
  const root: RootPrincipal = { type: 'Root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accessKeyId: 'ASIAROOTROOTROOTROOT', sessionCreatedAt: new Date('2024-08-01T13:33:28Z') };
  assert.deepEqual(userIdentityOf(root).sessionContext, { attributes: { creationDate: '2024-08-01T13:33:28Z', mfaAuthenticated: 'false' } });
});
