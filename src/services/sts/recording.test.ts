// STS's recording rules against real CloudTrail STS records (public samples, trimmed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../common/principal.js';
import { loadModel } from '../../protocol/model.js';
import { buildEvent } from '../../records/record.js';
import { stsRecording } from './recording.js';

const user: Principal = { type: 'IAMUser', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/u', userName: 'u', userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEEXAMPLE01' };

function paramsOf(opName: string, input: Record<string, unknown>): unknown {
  const e = buildEvent({ model: loadModel('sts'), rules: stsRecording, opName, input, principal: user, recipientAccountId: '111111111111', signedRegion: 'us-east-1',
    eventTime: new Date('2024-07-30T21:31:15Z'), requestId: 'r', eventId: 'e', sourceIp: '0.0.0.0', userAgent: 'a', resources: [] });
  return (JSON.parse(e.record) as { requestParameters: unknown }).requestParameters;
}

test('GetSessionToken logs the MFA serial number but never the token code', () => {
  // Real: {"durationSeconds": 900, "serialNumber": "YourMFADeviceSerialNumber"}.
  assert.deepEqual(paramsOf('GetSessionToken', { DurationSeconds: 900, SerialNumber: 'YourMFADeviceSerialNumber', TokenCode: '123456' }),
    { durationSeconds: 900, serialNumber: 'YourMFADeviceSerialNumber' });
});

test('AssumeRole keeps roleArn, roleSessionName and durationSeconds; an MFA code is left out there too', () => {
  assert.deepEqual(paramsOf('AssumeRole', { RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's', DurationSeconds: 900 }),
    { roleArn: 'arn:aws:iam::111111111111:role/r', roleSessionName: 's', durationSeconds: 900 });
  const p = paramsOf('AssumeRole', { RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's', SerialNumber: 'arn:aws:iam::111111111111:mfa/d', TokenCode: '654321' }) as Record<string, unknown>;
  assert.equal(p.serialNumber, 'arn:aws:iam::111111111111:mfa/d');
  assert.equal('tokenCode' in p, false);
});
