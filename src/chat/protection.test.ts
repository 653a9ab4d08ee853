import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from '../core/service.js';
import { parseCommand, stripBotName, type ServiceLookup } from './command.js';
import { NOT_ENFORCED, PROTECTED_ACTIONS, protectedAction } from './protection.js';

function lookup(...names: string[]): ServiceLookup {
  const defs = new Map<string, ServiceDefinition>(names.map((n) => [n, {
    model: loadModel(n), handlers: Object.fromEntries([...loadModel(n).operations.keys()].map((op) => [op, async () => ({})])),
    recording: { eventSource: `${n}.amazonaws.com` }, resolveResources: async () => UNSCOPED,
  }]));
  return { byName: (n) => defs.get(n), names: () => [...defs.keys()] };
}
const services = lookup('lambda', 'sts', 'iam', 's3', 'chatbot');

test('every name the bot answers to is stripped, and only as the first word', () => {
  for (const prefix of ['@aws', '@AWS', '@Amazon Q', '@amazon  q', '@Q', '@q', 'aws']) {
    assert.equal(stripBotName(`${prefix} lambda list-functions`), 'lambda list-functions', prefix);
  }
  assert.equal(stripBotName('@Qux lambda'), '@Qux lambda');
  assert.equal(stripBotName('@Amazon Queue x'), '@Amazon Queue x');
  assert.equal(stripBotName('lambda list-functions --function-version aws'), 'lambda list-functions --function-version aws');
});

test('@Amazon Q and @Q commands parse like @aws ones, options with one hyphen or two', () => {
  for (const text of ['@Amazon Q lambda get-function -function-name f -region us-west-2', '@Q lambda get-function --function-name f --region us-west-2', '<@U0BOT|Amazon Q> lambda get-function -function-name f -region us-west-2']) {
    const p = parseCommand(text, services);
    assert.equal(p.kind, 'call', text);
    if (p.kind !== 'call') continue;
    assert.deepEqual(p.input, { FunctionName: 'f' });
    assert.equal(p.region, 'us-west-2');
  }
  assert.equal(parseCommand('@Q lambda get-function -help', services).kind, 'help');
});

test('the protection policy matches CLI commands to its actions, wildcards included', () => {
  assert.equal(protectedAction('ec2', 'get-password-data'), 'ec2:GetPasswordData');
  assert.equal(protectedAction('ECR', 'Get-Authorization-Token'), 'ecr:GetAuthorizationToken');
  assert.equal(protectedAction('kms', 'decrypt'), 'kms:*');
  assert.equal(protectedAction('s3api', 'get-object'), 's3:GetObject');
  assert.equal(protectedAction('s3api', 'list-objects-v2'), undefined);
  assert.equal(protectedAction('ec2', 'describe-instances'), undefined);
  assert.equal(protectedAction('iam', 'list-users'), undefined, 'iam:* is listed as not enforced');
  assert.equal(protectedAction('sts', 'get-caller-identity'), undefined);
  assert.ok(NOT_ENFORCED.every((a) => !PROTECTED_ACTIONS.includes(a)));
});

test('a protected command is refused before the service or its parameters are looked at', () => {
  const served = parseCommand('@aws chatbot describe-slack-channel-configurations', services);
  assert.equal(served.kind, 'error');
  if (served.kind === 'error') {
    assert.equal(served.refusedBy, 'chatbot:*');
    assert.equal(served.message, "`chatbot describe-slack-channel-configurations` cannot be run from a chat channel: AWS Chatbot does not support commands that can reveal credentials, keys or secrets (`chatbot:*`), whatever the channel's role allows. Run it from the AWS CLI or the console instead.");
  }
  // ec2 is not served here, and --instance-id is missing: the protection policy still answers.
  const unserved = parseCommand('@Q ec2 get-password-data', services);
  assert.equal(unserved.kind === 'error' && unserved.refusedBy, 'ec2:GetPasswordData');
  // Help is not a call.
  assert.equal(parseCommand('@aws kms help', services).kind, 'error');
  assert.equal(parseCommand('@aws chatbot help', services).kind, 'help');
});
