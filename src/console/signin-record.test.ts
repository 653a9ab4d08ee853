// The ConsoleLogin record the console's sign-in leaves, against the real record's shape
// (notes/record-shapes.md): eventVersion 1.08, no requestID, no accessKeyId for a user, string flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConsoleSignInEvent } from '../records/record.js';
import type { Principal } from '../common/principal.js';

const USER: Principal = { type: 'IAMUser', accountId: '562283505220', arn: 'arn:aws:iam::562283505220:user/alice', userName: 'alice', userId: 'AIDA1ERT0661IN5R239V', accessKeyId: 'AKIAEXAMPLE' };
const BASE = { accountId: '562283505220', region: 'eu-west-2', eventTime: new Date('2024-08-02T08:53:24.512Z'), eventId: 'b1a0e3c4-0000-4000-8000-000000000001', sourceIp: '198.51.100.7', userAgent: 'Mozilla/5.0', loginTo: 'https://chattrail.example/console/' };

test('a successful sign-in has the sample record\u2019s keys, in order', () => {
  const e = buildConsoleSignInEvent({ ...BASE, principal: USER, success: true });
  const r = JSON.parse(e.record) as Record<string, unknown>;
  assert.deepEqual(Object.keys(r), ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
    'requestParameters', 'responseElements', 'additionalEventData', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory']);
  assert.equal(r.eventVersion, '1.08');
  assert.deepEqual(r.userIdentity, { type: 'IAMUser', principalId: 'AIDA1ERT0661IN5R239V', arn: 'arn:aws:iam::562283505220:user/alice', accountId: '562283505220', userName: 'alice' });
  assert.equal(r.eventTime, '2024-08-02T08:53:24Z');
  assert.deepEqual(r.responseElements, { ConsoleLogin: 'Success' });
  assert.deepEqual(r.additionalEventData, { LoginTo: 'https://chattrail.example/console/', MobileVersion: 'No', MFAUsed: 'No' });
  assert.equal(r.eventType, 'AwsConsoleSignIn');
  assert.deepEqual({ name: e.eventName, source: e.eventSource, user: e.username, key: e.accessKeyId, ro: e.readOnly, mgmt: e.management },
    { name: 'ConsoleLogin', source: 'signin.amazonaws.com', user: 'alice', key: undefined, ro: false, mgmt: true });
  assert.equal(e.eventTime.getTime(), new Date('2024-08-02T08:53:24Z').getTime());
});

test('a failure says so, and an unknown user is hidden', () => {
  const wrong = JSON.parse(buildConsoleSignInEvent({ ...BASE, principal: USER, success: false }).record) as Record<string, unknown>;
  assert.equal(wrong.errorMessage, 'Failed authentication');
  assert.deepEqual(wrong.responseElements, { ConsoleLogin: 'Failure' });
  const unknown = buildConsoleSignInEvent({ ...BASE, success: false });
  const r = JSON.parse(unknown.record) as Record<string, unknown>;
  assert.deepEqual(r.userIdentity, { type: 'IAMUser', accountId: '562283505220', accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  assert.equal(unknown.username, 'HIDDEN_DUE_TO_SECURITY_REASONS');
});

test('the root user signs in as Root with an empty access key', () => {
  const root: Principal = { type: 'Root', accountId: '562283505220', arn: 'arn:aws:iam::562283505220:root', accessKeyId: 'AKIAROOT' };
  const e = buildConsoleSignInEvent({ ...BASE, principal: root, success: true });
  assert.deepEqual((JSON.parse(e.record) as Record<string, unknown>).userIdentity,
    { type: 'Root', principalId: '562283505220', arn: 'arn:aws:iam::562283505220:root', accountId: '562283505220', accessKeyId: '' });
  assert.equal(e.username, 'root');
});
