import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../protocol/model.js';
import type { ServiceDefinition } from '../services/types.js';
import { normalizeSlackText, parseCommand, tokenize, type ServiceLookup } from './command.js';
import { cliName } from './cli-names.js';
import { parseShorthand } from './shorthand.js';

function lookup(...names: string[]): ServiceLookup {
  const defs = new Map<string, ServiceDefinition>(names.map((n) => [n, { model: loadModel(n), handlers: {}, recording: { eventSource: `${n}.amazonaws.com` } }]));
  return { byName: (n) => defs.get(n), all: () => [...defs.values()] };
}
const services = lookup('lambda', 'sts', 'iam', 's3', 'cloudtrail');

test('operation and parameter names follow botocore xform_name', () => {
  assert.equal(cliName('ListFunctions'), 'list-functions');
  assert.equal(cliName('DescribeDBInstances'), 'describe-db-instances');
  assert.equal(cliName('ListARNs'), 'list-arns');
  assert.equal(cliName('ListObjectsV2'), 'list-objects-v2');
  assert.equal(cliName('GetSlackOAuthParameters'), 'get-slack-o-auth-parameters');
});

test('Slack markup is removed before parsing', () => {
  assert.equal(normalizeSlackText('<@U0BOT> lambda get-function --function-name &lt;x&gt;'), 'lambda get-function --function-name <x>');
  assert.equal(normalizeSlackText('s3api list-objects --bucket <http://b.example|b.example>'), 's3api list-objects --bucket http://b.example');
  assert.equal(normalizeSlackText('iam create-user --user-name \u201cann b\u201d'), 'iam create-user --user-name "ann b"');
});

test('tokenize honours quotes and escapes', () => {
  assert.deepEqual(tokenize(`a "b c" 'd e' f\\ g`), ['a', 'b c', 'd e', 'f g']);
  assert.deepEqual(tokenize('x ""'), ['x', '']);
  assert.throws(() => tokenize('a "b'), /unterminated/);
});

test('the seed example parses with its region', () => {
  const p = parseCommand('<@U0BOT> lambda list-functions --region us-west-2', services);
  assert.equal(p.kind, 'call');
  if (p.kind !== 'call') return;
  assert.equal(p.opName, 'ListFunctions');
  assert.equal(p.region, 'us-west-2');
  assert.deepEqual(p.input, {});
});

test('values are typed by the input shape', () => {
  const p = parseCommand('@aws lambda list-functions --max-items 5', services);
  assert.equal(p.kind, 'call');
  if (p.kind === 'call') assert.equal(p.input.MaxItems, 5);
  const q = parseCommand('@aws lambda update-function-configuration --function-name f --timeout 30 --environment Variables={A=1,B=two}', services);
  assert.equal(q.kind, 'call');
  if (q.kind !== 'call') return;
  assert.equal(q.input.Timeout, 30);
  assert.deepEqual(q.input.Environment, { Variables: { A: '1', B: 'two' } });
  const r = parseCommand('@aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateUser --max-results 3', services);
  assert.equal(r.kind, 'call');
  if (r.kind !== 'call') return;
  assert.deepEqual(r.input.LookupAttributes, [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }]);
  assert.equal(r.input.MaxResults, 3);
  const j = parseCommand(`@aws iam tag-user --user-name bob --tags '[{"Key":"team","Value":"ops"}]'`, services);
  assert.equal(j.kind, 'call');
  if (j.kind === 'call') assert.deepEqual(j.input.Tags, [{ Key: 'team', Value: 'ops' }]);
  const multi = parseCommand('@aws iam tag-user --user-name bob --tags Key=a,Value=1 Key=b,Value=2', services);
  assert.equal(multi.kind, 'call');
  if (multi.kind === 'call') assert.deepEqual(multi.input.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
});

test('booleans are flags, with --no- negation', () => {
  const p = parseCommand('@aws cloudtrail describe-trails --no-include-shadow-trails', services);
  assert.equal(p.kind, 'call');
  if (p.kind === 'call') assert.equal(p.input.includeShadowTrails ?? p.input.IncludeShadowTrails, false);
});

test('mistakes are explained, with suggestions', () => {
  const a = parseCommand('@aws lamda list-functions', services);
  assert.equal(a.kind, 'error');
  if (a.kind === 'error') assert.match(a.message, /Did you mean `lambda`/);
  const b = parseCommand('@aws lambda list-functoins', services);
  if (b.kind === 'error') assert.match(b.message, /lambda list-functions/); else assert.fail('expected an error');
  const c = parseCommand('@aws lambda get-function', services);
  if (c.kind === 'error') assert.match(c.message, /required: `--function-name`/); else assert.fail('expected an error');
  const d = parseCommand('@aws lambda get-function --function-nam x', services);
  if (d.kind === 'error') assert.match(d.message, /Did you mean `--function-name`/); else assert.fail('expected an error');
  const e = parseCommand('@aws lambda update-function-configuration --function-name f --timeout soon', services);
  if (e.kind === 'error') assert.match(e.message, /Bad value for `--timeout`/); else assert.fail('expected an error');
  const f = parseCommand('@aws lambda update-function-configuration --function-name f --environment Variables={A', services);
  assert.equal(f.kind, 'error');
});

test('help forms', () => {
  assert.equal(parseCommand('@aws help', services).kind, 'help');
  const h = parseCommand('@aws s3api help', services);
  assert.equal(h.kind, 'help');
  if (h.kind === 'help') assert.equal(h.service?.model.name, 's3');
});

test('shorthand parser', () => {
  assert.deepEqual(parseShorthand('Key=a,Value=b'), { Key: 'a', Value: 'b' });
  assert.deepEqual(parseShorthand('Names=[a,b],Flag=true'), { Names: ['a', 'b'], Flag: 'true' });
  assert.deepEqual(parseShorthand('Variables={A=1,B="x,y"}'), { Variables: { A: '1', B: 'x,y' } });
  assert.throws(() => parseShorthand('noequals'));
});
