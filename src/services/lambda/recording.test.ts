// Lambda's recording rules against real CloudTrail Lambda records (stratus-red-team samples, trimmed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fullyQualifiedArn, lambdaRecording } from './recording.js';

const ARN = 'arn:aws:lambda:us-east-1:266106314375:function:stratus-red-team-olc-func';

test('UpdateFunctionCode logs dryRun/publish defaults and the function ARN taken apart, never the zip', () => {
  const p = lambdaRecording.requestParameters!.UpdateFunctionCode({ FunctionName: ARN, ZipFile: Buffer.from('zip'), Publish: true });
  // Real: {dryRun: false, fullyQualifiedArn: {arnPrefix: {account, partition, region}, functionQualifier: {}, relativeId: {functionName}}, functionName, publish: true}
  assert.deepEqual(p, {
    dryRun: false,
    fullyQualifiedArn: { arnPrefix: { account: '266106314375', partition: 'aws', region: 'us-east-1' }, functionQualifier: {}, relativeId: { functionName: 'stratus-red-team-olc-func' } },
    functionName: ARN, publish: true,
  });
  const bare = lambdaRecording.requestParameters!.UpdateFunctionCode({ FunctionName: 'f' }) as Record<string, unknown>;
  assert.deepEqual(bare, { dryRun: false, functionName: 'f', publish: false }, 'a bare name is not parsed into an ARN nobody sent');
  assert.equal(fullyQualifiedArn(`${ARN}:1`), undefined);
});

test('configuration answers always show environment: {} and lastModified at whole seconds', () => {
  const out = { FunctionName: 'f', LastModified: '2024-07-30T21:57:15.734+0000', Timeout: 3 };
  for (const op of ['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'PublishVersion']) {
    const r = lambdaRecording.responseElements![op](out) as Record<string, unknown>;
    assert.deepEqual(r.environment, {}, op);
    assert.equal(r.lastModified, '2024-07-30T21:57:15.000+0000', op);
  }
  const withVars = lambdaRecording.responseElements!.UpdateFunctionConfiguration({ ...out, Environment: { Variables: { SECRET: 'x' } } }) as Record<string, unknown>;
  assert.deepEqual(withVars.environment, {}, 'variables are never logged');
  assert.deepEqual(Object.keys(withVars), ['functionName', 'timeout', 'lastModified', 'environment']);
});

test('CreateFunction is recorded Pending with its reason and no lastUpdateStatus; updates keep theirs', () => {
  const out = { FunctionName: 'f', Timeout: 3, State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip' };
  const created = lambdaRecording.responseElements!.CreateFunction(out) as Record<string, unknown>;
  // Real CreateFunction20150331 answers: state Pending, "The function is being created.", Creating.
  assert.equal(created.state, 'Pending');
  assert.equal(created.stateReason, 'The function is being created.');
  assert.equal(created.stateReasonCode, 'Creating');
  for (const k of ['lastUpdateStatus', 'lastUpdateStatusReason', 'lastUpdateStatusReasonCode']) assert.ok(!(k in created), k);
  assert.equal(created.packageType, 'Zip');
  // Real UpdateFunctionConfiguration20150331v2 (stratus-red-team) carries lastUpdateStatus and state.
  const updated = lambdaRecording.responseElements!.UpdateFunctionConfiguration(out) as Record<string, unknown>;
  assert.equal(updated.lastUpdateStatus, 'Successful');
  assert.equal(updated.state, 'Active');
  assert.ok(!('stateReason' in updated));
});
