// Custom action attachments whose button could never show: criteria on undeclared variables, and
// EQUALS with no value, are named; reachable attachments (or none) pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unreachableAttachment } from './handlers-actions.js';

test('an attachment whose criteria can never hold is named, with the reason', () => {
  assert.equal(unreachableAttachment([{ NotificationType: 'CloudWatch', ButtonText: 'Logs', Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'alarm' }] }]),
    'Attachments[0] has a criterion on the variable alarm, which its Variables do not declare, so its button would never show.');
  assert.equal(unreachableAttachment([{ Variables: { ok: 'event.x' } }, { Variables: { name: 'event.alarmName' }, Criteria: [{ Operator: 'EQUALS', VariableName: 'name' }] }]),
    'Attachments[1] has an EQUALS criterion on name without a Value, so its button would never show.');
  assert.match(unreachableAttachment([{ Variables: { a: 'x', b: 'y' }, Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'c' }] }]) ?? '', /do not declare \(a, b\)/);
});

test('criteria on the variables a CloudWatch alarm supplies by itself need no declaration; other types still do', () => {
  assert.equal(unreachableAttachment([{ NotificationType: 'CloudWatch', ButtonText: 'Describe', Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }] }]), undefined);
  assert.equal(unreachableAttachment([{ NotificationType: 'cloudwatch', Criteria: [{ Operator: 'EQUALS', VariableName: 'NewStateValue', Value: 'ALARM' }] }]), undefined);
  assert.match(unreachableAttachment([{ NotificationType: 'GuardDuty', Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }] }]) ?? '', /criterion on the variable AlarmName/);
  assert.match(unreachableAttachment([{ Criteria: [{ Operator: 'HAS_VALUE', VariableName: 'AlarmName' }] }]) ?? '', /criterion on the variable AlarmName/);
});

test('attachments that can show, and no attachments at all, pass', () => {
  assert.equal(unreachableAttachment(undefined), undefined);
  assert.equal(unreachableAttachment([]), undefined);
  assert.equal(unreachableAttachment([{ NotificationType: 'CloudWatch', ButtonText: 'Logs', Variables: { name: 'event.alarmName' },
    Criteria: [{ Operator: 'EQUALS', VariableName: 'name', Value: 'cpu' }, { Operator: 'HAS_VALUE', VariableName: 'name' }] }]), undefined);
});
