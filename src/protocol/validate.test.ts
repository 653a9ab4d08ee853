import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from './model.js';
import { validateInput } from './validate.js';
import type { AwsError } from './errors.js';

const chatbot = loadModel('chatbot');
const messageOf = (input: Record<string, unknown>) => {
  try { validateInput(chatbot, 'CreateChimeWebhookConfigurationRequest', input, 'InvalidParameterException'); return ''; } catch (e) { return (e as AwsError).message; }
};
const base = { WebhookDescription: 'd', IamRoleArn: 'arn:aws:iam::111122223333:role/r', SnsTopicArns: [], ConfigurationName: 'c' };

test('a sensitive value that fails validation is not echoed back', () => {
  const msg = messageOf({ ...base, WebhookUrl: 'https://hooks.example.com/x?token=SECRET-TOKEN-123' });
  assert.match(msg, /Value at 'webhookUrl' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  assert.doesNotMatch(msg, /SECRET-TOKEN-123/);
});

test('ordinary values are still quoted in the message', () => {
  const msg = messageOf({ ...base, WebhookUrl: 'https://hooks.chime.aws/incomingwebhooks/abc?token=def', ConfigurationName: 'no spaces allowed!' });
  assert.match(msg, /Value 'no spaces allowed!' at 'configurationName'/);
});

test('fractions and non-numbers for integer members are validation errors, not handler input', () => {
  const lambda = loadModel('lambda');
  const message = (v: unknown) => {
    try { validateInput(lambda, 'ListFunctionsRequest', { MaxItems: v }, 'InvalidParameterValueException'); return ''; } catch (e) { return (e as AwsError).message; }
  };
  assert.match(message(1.5), /Value '1.5' at 'maxItems' failed to satisfy constraint: Member must be an integer/);
  assert.match(message(Number.NaN), /Member must be an integer/);
  assert.equal(message(5), '');
});
