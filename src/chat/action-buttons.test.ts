// Which custom action buttons a notification gets: the attachment's type and criteria against the
// notification's variables (a CloudWatch alarm's own fields, and paths an attachment declares).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentVariables, buttonsBlock, criteriaHold, matchingButtons, readPath, type NotificationEvent } from './action-buttons.js';
import { formatNotification } from './notification-format.js';
import type { ChannelCustomAction, CustomActionButton } from '../core/chat-directory.js';

const alarmBody = {
  AlarmName: 'HighLatency', NewStateValue: 'ALARM', OldStateValue: 'OK', Region: 'US West (Oregon)', AWSAccountId: '111122223333',
  Trigger: { MetricName: 'Duration', Namespace: 'AWS/Lambda', Threshold: 500, Dimensions: [{ name: 'FunctionName', value: 'hello' }] },
};
function eventOf(message: unknown): NotificationEvent {
  const f = formatNotification(JSON.stringify(message));
  assert.ok(f.ok);
  return f.notification.event;
}
const button = (b: Partial<CustomActionButton>): CustomActionButton => ({ criteria: [], variables: {}, ...b });
const action = (name: string, commandText: string, attachments: CustomActionButton[]): ChannelCustomAction => ({
  arn: `arn:aws:chatbot::111122223333:custom-action/${name}`, actionName: name, commandText, attachments,
});

test('notification types: CloudWatch alarms, custom notifications, EventBridge sources', () => {
  assert.equal(eventOf(alarmBody).type, 'CloudWatch');
  assert.equal(eventOf({ version: '1.0', source: 'custom', content: { description: 'd' } }).type, 'Custom');
  assert.equal(eventOf({ version: '0', source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: {} }).type, 'guardduty');
});

test('paths read scalars by key, ignoring case when they must, through arrays', () => {
  assert.equal(readPath(alarmBody, 'event.alarmName'), 'HighLatency');
  assert.equal(readPath(alarmBody, '$.Trigger.Dimensions[0].value'), 'hello');
  assert.equal(readPath(alarmBody, 'Trigger.Dimensions.0.name'), 'FunctionName');
  assert.equal(readPath(alarmBody, 'Trigger.Threshold'), '500');
  assert.equal(readPath(alarmBody, 'Trigger'), undefined, 'objects are not values');
  assert.equal(readPath(alarmBody, 'Nope.x'), undefined);
});

test('a CloudWatch alarm supplies its fields (and its Trigger\'s); declared variables come from paths', () => {
  const ev = eventOf(alarmBody);
  const vars = attachmentVariables(ev, button({ variables: { fn: 'Trigger.Dimensions[0].value' } }));
  assert.equal(vars.AlarmName, 'HighLatency');
  assert.equal(vars.MetricName, 'Duration');
  assert.equal(vars.Threshold, '500');
  assert.equal(vars.fn, 'hello');
  const custom = attachmentVariables(eventOf({ version: '1.0', source: 'custom', content: { description: 'd' }, metadata: { additionalContext: { id: '42' } } }), button({ variables: { id: 'metadata.additionalContext.id' } }));
  assert.deepEqual(custom, { id: '42' }, 'other types supply nothing by themselves');
});

test('criteria: HAS_VALUE wants a non-empty value, EQUALS an exact one, all must hold', () => {
  const vars = { a: 'x', e: '' };
  assert.equal(criteriaHold(button({ criteria: [{ operator: 'HAS_VALUE', variableName: 'a' }] }), vars), true);
  assert.equal(criteriaHold(button({ criteria: [{ operator: 'HAS_VALUE', variableName: 'e' }] }), vars), false);
  assert.equal(criteriaHold(button({ criteria: [{ operator: 'EQUALS', variableName: 'a', value: 'x' }, { operator: 'HAS_VALUE', variableName: 'b' }] }), vars), false);
  assert.equal(criteriaHold(button({ criteria: [{ operator: 'EQUALS', variableName: 'a', value: 'X' }] }), vars), false);
});

test('buttons: matching type and criteria, variables the command needs filled; others left off', () => {
  const ev = eventOf(alarmBody);
  const actions = [
    action('describe', 'cloudwatch describe-alarms --alarm-names $AlarmName', [button({ notificationType: 'cloudwatch', buttonText: 'Describe alarm', criteria: [{ operator: 'HAS_VALUE', variableName: 'AlarmName' }] })]),
    action('fn', 'lambda get-function --function-name $fn', [button({ notificationType: 'CloudWatch', variables: { fn: 'Trigger.Dimensions[0].value' }, criteria: [{ operator: 'EQUALS', variableName: 'NewStateValue', value: 'ALARM' }] })]),
    action('ok-only', 'sts get-caller-identity', [button({ notificationType: 'CloudWatch', criteria: [{ operator: 'EQUALS', variableName: 'NewStateValue', value: 'OK' }] })]),
    action('guardduty', 'sts get-caller-identity', [button({ notificationType: 'GuardDuty' })]),
    action('needs-more', 'lambda get-function --function-name $missing', [button({ notificationType: 'CloudWatch' })]),
    action('alias-only', 'sts get-caller-identity', []),
    action('any', 'sts get-caller-identity', [button({ buttonText: 'Who am I' })]),
  ];
  const matched = matchingButtons(ev, actions);
  assert.deepEqual(matched.map((m) => [m.text, m.variables]), [
    ['Describe alarm', { AlarmName: 'HighLatency' }],
    ['fn', { fn: 'hello' }],
    ['Who am I', {}],
  ]);
  const block = buttonsBlock(matched.map((m, i) => ({ text: m.text, id: `id-${i}` }))) as { type: string; elements: { action_id: string; value: string; text: { text: string } }[] };
  assert.equal(block.type, 'actions');
  assert.deepEqual(block.elements.map((e) => [e.action_id, e.value, e.text.text]), [
    ['chattrail_custom_action_0', 'id-0', 'Describe alarm'], ['chattrail_custom_action_1', 'id-1', 'fn'], ['chattrail_custom_action_2', 'id-2', 'Who am I'],
  ]);
  assert.equal(matchingButtons(eventOf({ version: '0', source: 'aws.guardduty', 'detail-type': 'Finding', detail: {} }), actions).map((m) => m.action.actionName).join(), 'guardduty,any');
});
