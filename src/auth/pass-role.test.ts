// iam:PassRole in one place: another account's role is refused before any policy is read, the
// check is made through the call's own authorizer with iam:PassedToService, on the stored role's ARN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError, isAwsError } from '../protocol/errors.js';
import { randomIds, systemClock } from '../common/runtime.js';
import type { CallContext } from '../core/service.js';
import type { Stores } from '../storage/stores.js';
import { authorizePassRole, CROSS_ACCOUNT_PASS_ROLE, parseRoleArn } from './pass-role.js';

const MINE = '111122223333';
const OTHER = '444455556666';
type Check = { action: string; resource: string; context?: Record<string, string | string[] | undefined> };

function ctxWith(checks: Check[], refuse?: (c: Check) => boolean): CallContext {
  return {
    requestId: 'r', principal: { type: 'IAMUser', accountId: MINE, arn: `arn:aws:iam::${MINE}:user/u`, userName: 'u', userId: 'AIDAX', accessKeyId: 'AKIAX' },
    accountId: MINE, region: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 't', clock: systemClock, ids: randomIds,
    stores: {} as Stores, homeRegion: 'us-east-1', addResource: () => undefined, annotate: () => undefined,
    authorize: async (action, resource, context) => {
      const c = { action, resource, context };
      checks.push(c);
      if (refuse?.(c)) throw new AwsError('AccessDeniedException', `not allowed: ${action} on ${resource}`, 403);
    },
  };
}

const refuse = (message: string) => new AwsError('AccessDeniedException', message, 403);
const stored = { arn: `arn:aws:iam::${MINE}:role/ops/Chatops` };
const lookupRole = async (accountId: string, name: string) => (accountId === MINE && name.toLowerCase() === 'chatops' ? stored : undefined);

test('a role of another account is refused before any policy is read, whatever the policies say', async () => {
  const checks: Check[] = [];
  await assert.rejects(authorizePassRole(ctxWith(checks), { roleArn: `arn:aws:iam::${OTHER}:role/chatops`, service: 'chatbot.amazonaws.com', refuse, lookupRole }),
    (e: unknown) => isAwsError(e) && e.code === 'AccessDeniedException' && e.message === CROSS_ACCOUNT_PASS_ROLE && e.status === 403);
  assert.deepEqual(checks, []);
});

test('a role ARN of another partition, or no role ARN at all, is refused the same way', async () => {
  for (const roleArn of [`arn:aws-cn:iam::${MINE}:role/chatops`, `arn:aws:iam::${MINE}:user/chatops`, 'chatops']) {
    const checks: Check[] = [];
    await assert.rejects(authorizePassRole(ctxWith(checks), { roleArn, service: 'chatbot.amazonaws.com', refuse, lookupRole }), (e: unknown) => isAwsError(e) && e.message === CROSS_ACCOUNT_PASS_ROLE, roleArn);
    assert.deepEqual(checks, []);
  }
});

test('iam:PassRole is authorized with iam:PassedToService, on the stored role\'s own ARN (path and case)', async () => {
  const checks: Check[] = [];
  const role = await authorizePassRole(ctxWith(checks), { roleArn: `arn:aws:iam::${MINE}:role/CHATOPS`, service: 'chatbot.amazonaws.com', refuse, lookupRole });
  assert.equal(role, stored);
  assert.deepEqual(checks, [{ action: 'iam:PassRole', resource: stored.arn, context: { 'iam:PassedToService': 'chatbot.amazonaws.com' } }]);
});

test('a role that does not exist is still authorized (on the ARN as given), and reported missing', async () => {
  const checks: Check[] = [];
  const roleArn = `arn:aws:iam::${MINE}:role/ghost`;
  assert.equal(await authorizePassRole(ctxWith(checks), { roleArn, service: 'lambda.amazonaws.com', refuse, lookupRole }), undefined);
  assert.deepEqual(checks.map((c) => [c.action, c.resource, c.context?.['iam:PassedToService']]), [['iam:PassRole', roleArn, 'lambda.amazonaws.com']]);
});

test('a refusal of iam:PassRole by the call\'s policies is the call\'s refusal', async () => {
  const checks: Check[] = [];
  await assert.rejects(authorizePassRole(ctxWith(checks, (c) => c.action === 'iam:PassRole'), { roleArn: stored.arn, service: 'chatbot.amazonaws.com', refuse, lookupRole }),
    (e: unknown) => isAwsError(e) && e.message === `not allowed: iam:PassRole on ${stored.arn}`);
});

test('parseRoleArn reads account and name, paths included', () => {
  assert.deepEqual(parseRoleArn(`arn:aws:iam::${MINE}:role/a/b/name`), { accountId: MINE, roleName: 'name' });
  assert.equal(parseRoleArn(`arn:aws:iam::${MINE}:policy/x`), undefined);
});
