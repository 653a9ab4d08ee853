// Lambda's configuration rules: the memory limit, and the execution role passed through the shared
// iam:PassRole check (src/auth/pass-role.ts).
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError, isAwsError } from '../../protocol/errors.js';
import { iamTestbed, type IamTestbed } from '../../../test/support/iam.js';
import type { CallContext } from '../../core/service.js';
import { checkExecutionRole, checkLimits } from './configure.js';

test('memory stops at 10240 MB although the model allows 32768', () => {
  checkLimits({ MemorySize: 10240 });
  assert.throws(() => checkLimits({ MemorySize: 10241 }), (e) => isAwsError(e) && e.code === 'ValidationException'
    && e.message === "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240");
});

describe('the execution role (checkExecutionRole, through src/auth/pass-role.ts)', () => {
  const LAMBDA_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  let tb: IamTestbed;
  let roleArn = '';
  before(async () => {
    tb = await iamTestbed();
    roleArn = ((await tb.call('CreateRole', { RoleName: 'exec', AssumeRolePolicyDocument: LAMBDA_TRUST })) as { Role: { Arn: string } }).Role.Arn;
  });
  after(async () => { await tb.close(); });

  type Check = { action: string; resource: string; context?: Record<string, string | string[] | undefined> };
  function checking(checks: Check[], refuse = false): CallContext {
    const c = tb.ctx();
    c.authorize = async (action, resource, context) => {
      checks.push({ action, resource, context });
      if (refuse) throw new AwsError('AccessDeniedException', `User: x is not authorized to perform: ${action}`, 403);
    };
    return c;
  }

  it('passes the role through the call\'s own authorizer, with iam:PassedToService lambda.amazonaws.com', async () => {
    const checks: Check[] = [];
    await checkExecutionRole({ identity: tb.deps.identity }, roleArn, checking(checks));
    assert.deepEqual(checks, [{ action: 'iam:PassRole', resource: roleArn, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }]);
    await assert.rejects(checkExecutionRole({ identity: tb.deps.identity }, roleArn, checking([], true)), (e) => isAwsError(e) && e.code === 'AccessDeniedException');
  });

  it('refuses another account\'s role in Lambda\'s words, before any policy is read', async () => {
    const checks: Check[] = [];
    await assert.rejects(checkExecutionRole({ identity: tb.deps.identity }, 'arn:aws:iam::999999999999:role/exec', checking(checks)), (e) => isAwsError(e)
      && e.code === 'AccessDeniedException' && e.message === 'Cross-account pass role is not allowed.' && e.status === 403 && e.fields?.Type === 'User');
    assert.deepEqual(checks, []);
  });

  it('authorizes the stored role, and still wants its exact ARN', async () => {
    const checks: Check[] = [];
    await assert.rejects(checkExecutionRole({ identity: tb.deps.identity }, roleArn.replace('role/exec', 'role/EXEC'), checking(checks)),
      (e) => isAwsError(e) && e.code === 'InvalidParameterValueException');
    assert.deepEqual(checks.map((c) => c.resource), [roleArn]);
  });
});
