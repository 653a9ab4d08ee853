import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from '../core/service.js';
import { normalizeSlackText, parseCommand, tokenize, type ServiceLookup } from './command.js';
import { cliName } from './cli-names.js';
import { parseShorthand } from './shorthand.js';
import { highLevelS3 } from './s3-commands.js';
import { operationHelp, serviceHelp } from './help.js';

/** Operations these tests treat as not implemented by the server. */
const UNSERVED = new Set(['ListLayers']);

function lookup(...names: string[]): ServiceLookup {
  const served = (n: string) => Object.fromEntries([...loadModel(n).operations.keys()].filter((op) => !UNSERVED.has(op)).map((op) => [op, async () => ({})]));
  const defs = new Map<string, ServiceDefinition>(names.map((n) => [n, {
    model: loadModel(n), handlers: served(n), recording: { eventSource: `${n}.amazonaws.com` }, resolveResources: async () => UNSCOPED,
  }]));
  return { byName: (n) => defs.get(n), names: () => [...defs.keys()] };
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
  // Slack links what looks like a domain; the label is what was typed.
  assert.equal(normalizeSlackText('s3api list-objects --bucket <http://b.example|b.example>'), 's3api list-objects --bucket b.example');
  assert.equal(normalizeSlackText('sns subscribe --endpoint <https://h.example/x>'), 'sns subscribe --endpoint https://h.example/x');
  assert.equal(normalizeSlackText('sts get-caller-identity \u2013region us-west-2'), 'sts get-caller-identity --region us-west-2');
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

test('one-hyphen options are accepted, as AWS Chatbot documents for phones', () => {
  const p = parseCommand('@aws sts get-caller-identity -region us-west-2 -output json', services);
  assert.equal(p.kind, 'call');
  if (p.kind === 'call') { assert.equal(p.region, 'us-west-2'); assert.equal(p.output, 'json'); }
  const q = parseCommand('@aws cloudtrail describe-trails -no-include-shadow-trails', services);
  if (q.kind === 'call') assert.equal(q.input.includeShadowTrails, false); else assert.fail(JSON.stringify(q));
  // A negative number stays a value.
  const r = parseCommand('@aws lambda list-functions --max-items -1', services);
  if (r.kind === 'call') assert.equal(r.input.MaxItems, -1); else assert.fail(JSON.stringify(r));
});

test('regions are checked, with suggestions', () => {
  const p = parseCommand('@aws sts get-caller-identity --region us-wset-2', services);
  if (p.kind === 'error') assert.match(p.message, /`us-wset-2` is not an AWS Region\. Did you mean `us-west-2`/); else assert.fail('expected an error');
  assert.equal(parseCommand('@aws sts get-caller-identity --region mars-1', services).kind, 'error');
});

test('CLI-only options are explained, not reported as unknown', () => {
  const q = parseCommand("@aws iam list-users --query 'Users[].UserName'", services);
  if (q.kind === 'error') assert.match(q.message, /`--query` is not supported here: JMESPath/); else assert.fail('expected an error');
  const p = parseCommand('@aws iam list-users --profile prod', services);
  if (p.kind === 'error') assert.match(p.message, /channel's IAM role/); else assert.fail('expected an error');
  const m = parseCommand('@aws cloudtrail lookup-events --max-items 3', services);
  if (m.kind === 'error') assert.match(m.message, /takes `--max-results`/); else assert.fail('expected an error');
  const n = parseCommand('@aws iam list-users --no-paginate --no-cli-pager', services);
  assert.equal(n.kind, 'call');
});

test('integers must be whole numbers', () => {
  const p = parseCommand('@aws lambda list-functions --max-items 1.5', services);
  if (p.kind === 'error') assert.match(p.message, /Bad value for `--max-items`: `1\.5` is not a whole number/); else assert.fail('expected an error');
});

test('high-level s3 commands point to the s3api command', () => {
  assert.match(highLevelS3('ls', []) ?? '', /API commands only[\s\S]*`@aws s3api list-buckets`/);
  assert.match(highLevelS3('ls', ['s3://logs/2026/']) ?? '', /`@aws s3api list-objects-v2 --bucket logs --prefix 2026\/`/);
  assert.match(highLevelS3('rm', ['s3://b/k.txt']) ?? '', /s3api delete-object --bucket b --key k\.txt/);
  assert.equal(highLevelS3('list-buckets', []), undefined);
  const p = parseCommand('@aws s3 ls s3://b', services);
  if (p.kind === 'error') assert.match(p.message, /s3api list-objects-v2 --bucket b/); else assert.fail('expected an error');
});

test('help for a command and a filtered service help', () => {
  const p = parseCommand('@aws iam list-users help', services);
  assert.equal(p.kind, 'help');
  if (p.kind === 'help') assert.equal(p.opName, 'ListUsers');
  const q = parseCommand('@aws cloudtrail lookup-events --help', services);
  if (q.kind !== 'help' || !q.service || !q.opName) return assert.fail('expected command help');
  const text = operationHelp(q.service, 'cloudtrail', q.opName);
  assert.match(text, /^\*cloudtrail lookup-events\*: Looks up management events/);
  assert.match(text, /`--lookup-attributes AttributeKey=EventId\|EventName/);
  assert.match(text, /Reads only/);
  const c = parseCommand('@aws iam create-user help', services);
  if (c.kind === 'help' && c.service && c.opName) {
    const t = operationHelp(c.service, 'iam', c.opName);
    assert.match(t, /\*required\*  `--user-name <string>`/);
    assert.match(t, /ask you to confirm/);
  } else assert.fail('expected command help');
  const iam = services.byName('iam')!;
  const all = serviceHelp(iam, 'iam');
  assert.ok(all.length < 3500, 'fits one message');
  assert.match(all, /`, \.\.\. and \d+ more\. Narrow the list with a word: `@aws iam help list`/, 'cut at a whole name');
  const users = serviceHelp(iam, 'iam', 'user');
  assert.match(users, /`list-users`/);
  assert.doesNotMatch(users, /list-roles/);
});

test('coverage is stated: AWS services not served, commands not implemented, option typos', () => {
  const cw = parseCommand('@aws cloudwatch describe-alarms', services);
  assert.equal(cw.kind, 'error');
  if (cw.kind === 'error') {
    assert.match(cw.message, /^chattrail does not serve `cloudwatch`: it emulates `cloudtrail`, `iam`, `lambda`, `s3api`, `sts`, and forwards other services to a backend emulator when started with `CHATTRAIL_BACKEND=moto`/);
  }
  const typo = parseCommand('@aws lamda list-functions', services);
  if (typo.kind === 'error') assert.equal(typo.message, '`lamda` is not an AWS service. Did you mean `lambda`? Try `@aws help`.'); else assert.fail('expected an error');
  const layers = parseCommand('@aws lambda list-layers', services);
  if (layers.kind === 'error') {
    assert.equal(layers.message, 'chattrail does not implement `lambda list-layers` (Lambda ListLayers) yet. `@aws lambda help` lists the commands it runs.');
  } else assert.fail('expected an error');
  assert.doesNotMatch(serviceHelp(services.byName('lambda')!, 'lambda', 'layer'), /`list-layers`/, 'help lists only what runs');
  const regoin = parseCommand('@aws lambda list-functions --regoin us-west-2', services);
  if (regoin.kind === 'error') assert.match(regoin.message, /Unknown option `--regoin` for `lambda list-functions`\. Did you mean `--region`\?/); else assert.fail('expected an error');
});
