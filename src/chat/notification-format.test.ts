import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNotification } from './notification-format.js';

test('custom notifications: title, description, next steps, keywords and thread id', () => {
  const r = formatNotification(JSON.stringify({
    version: '1.0', source: 'custom', id: 'e1',
    content: { textType: 'client-markdown', title: ':warning: Deploy failed', description: 'Stage *prod* failed.', nextSteps: ['Roll back', 'Page on-call'], keywords: ['prod', 'deploy'] },
    metadata: { threadId: 'deploy-42', summary: 'x' },
  }));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.notification.threadId, 'deploy-42');
  assert.match(r.notification.text, /^\*:warning: Deploy failed\*\nStage \*prod\* failed\.\nNext steps: Roll back; Page on-call$/);
  const blocks = JSON.stringify(r.notification.blocks);
  assert.match(blocks, /• Roll back\\n• Page on-call/);
  assert.match(blocks, /`prod`  `deploy`/);
});

test('custom notifications must follow the schema, as AWS Chatbot requires', () => {
  const bad = (o: unknown) => { const r = formatNotification(JSON.stringify(o)); assert.equal(r.ok, false); return r.ok ? '' : r.reason; };
  assert.match(bad({ version: '1.0', source: 'custom', content: { title: 'no description' } }), /content\.description/);
  assert.match(bad({ version: '2.0', source: 'custom', content: { description: 'd' } }), /version/);
  assert.match(bad({ version: '1.0', source: 'mine', content: { description: 'd' } }), /source/);
});

test('plain text and unknown JSON are not delivered', () => {
  const plain = formatNotification('hello world');
  assert.equal(plain.ok, false);
  assert.match(plain.ok ? '' : plain.reason, /not JSON/);
  assert.equal(formatNotification('{"hello":"world"}').ok, false);
  assert.equal(formatNotification('[1,2]').ok, false);
});

test('CloudWatch alarms show name, region, account, reason and state change', () => {
  const r = formatNotification(JSON.stringify({
    AlarmName: 'HighErrors', AlarmDescription: 'Too many 5xx', AWSAccountId: '123456789012', NewStateValue: 'ALARM', OldStateValue: 'OK',
    NewStateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than 10.0', StateChangeTime: '2026-11-24T10:00:00.000+0000', Region: 'US East (Ohio)',
    Trigger: { MetricName: '5XXError', Namespace: 'AWS/ApiGateway' },
  }));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.match(r.notification.text, /:rotating_light: CloudWatch Alarm \| HighErrors \| US East \(Ohio\) \| Account: 123456789012/);
  assert.match(r.notification.text, /OK → ALARM at 2026-11-24/);
  assert.match(r.notification.text, /AWS\/ApiGateway 5XXError/);
});

test('EventBridge events: detail-type headline, CloudTrail API call details', () => {
  const r = formatNotification(JSON.stringify({
    version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: '123456789012', region: 'us-east-1', resources: [],
    detail: { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/ann' }, errorCode: 'AccessDenied' },
  }));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.match(r.notification.text, /^\*AWS API Call via CloudTrail \| us-east-1 \| Account: 123456789012\*/);
  assert.match(r.notification.text, /iam\.amazonaws\.com CreateUser/);
  assert.match(r.notification.text, /arn:aws:iam::123456789012:user\/ann/);
  assert.match(r.notification.text, /Error:\* AccessDenied/);
  const health = formatNotification(JSON.stringify({ version: '0', 'detail-type': 'AWS Health Event', source: 'aws.health', account: '1', region: 'us-east-2', resources: ['arn:a'], detail: {} }));
  assert.ok(health.ok && /AWS Health Event \| us-east-2/.test(health.notification.text) && /`arn:a`/.test(health.notification.text));
});

test('long descriptions are clipped to what a Slack section accepts', () => {
  const r = formatNotification(JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'x'.repeat(5000) } }));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.ok(r.notification.text.length <= 3000);
  assert.ok(JSON.stringify(r.notification.blocks).length < 3200);
});

test('alarm and event fields are escaped; custom notifications cannot broadcast', () => {
  const alarm = formatNotification(JSON.stringify({ AlarmName: 'x', NewStateValue: 'ALARM', AlarmDescription: '<!channel> see <http://evil|docs> & more' }));
  assert.ok(alarm.ok);
  if (!alarm.ok) return;
  assert.match(alarm.notification.text, /&lt;!channel&gt; see &lt;http:\/\/evil\|docs&gt; &amp; more/);
  const custom = formatNotification(JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'hi <!here> and <!everyone|everyone> <@U1>' } }));
  assert.ok(custom.ok && custom.notification.text === 'hi @here and @everyone <@U1>');
  const event = formatNotification(JSON.stringify({ version: '0', source: 'custom', 'detail-type': 'My <!channel> event', region: 'r', account: 'a', detail: {} }));
  assert.ok(event.ok && /My &lt;!channel&gt; event/.test(event.notification.text), 'an EventBridge event from source "custom" is an event, not a custom notification');
});

test('clipping never splits a surrogate pair', () => {
  const r = formatNotification(JSON.stringify({ version: '1.0', source: 'custom', content: { description: `${'x'.repeat(2998)}😀😀` } }));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.ok(!/[\uD800-\uDBFF]…$/.test(r.notification.text));
  assert.ok(r.notification.text.endsWith('…'));
});
