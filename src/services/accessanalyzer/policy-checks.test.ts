// ValidatePolicy's checks on documents with one problem each: the issue code, the finding type and
// where it points (path and span) as Access Analyzer reports them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolicy } from './policy-checks.js';
import { parseJsonTree, positionAt, JsonSyntaxError } from './json-tree.js';

const doc = (statement: unknown, version: unknown = '2012-10-17') => JSON.stringify({ ...(version === null ? {} : { Version: version }), Statement: statement }, null, 2);
const codes = async (text: string, type: Parameters<typeof validatePolicy>[1] = 'IDENTITY_POLICY') => (await validatePolicy(text, type)).map((f) => `${f.findingType} ${f.issueCode}`);

test('a valid policy has no findings, wildcards and variables included', async () => {
  const text = doc([{ Effect: 'Allow', Action: ['s3:GetObject', 'ec2:Describe*', 'iam:Get*'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Team': 'a', 's3:prefix': 'x' }, BoolIfExists: { 'aws:SecureTransport': 'true' } } }]);
  assert.deepEqual(await codes(text), []);
});

test('an unknown action is INVALID_ACTION, located at its array index with a line/column span', async () => {
  const text = doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjects'], Resource: '*' }]);
  const [f, ...rest] = await validatePolicy(text, 'IDENTITY_POLICY');
  assert.equal(rest.length, 0);
  assert.equal(f.issueCode, 'INVALID_ACTION');
  assert.equal(f.findingType, 'ERROR');
  assert.equal(f.findingDetails, 'The action s3:GetObjects does not exist.');
  assert.equal(f.learnMoreLink, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action');
  assert.deepEqual(f.locations[0].path, [{ value: 'Statement' }, { index: 0 }, { value: 'Action' }, { index: 1 }]);
  const { start, end } = f.locations[0].span;
  assert.equal(text.slice(start.offset, end.offset), '"s3:GetObjects"');
  assert.equal(text.split('\n')[start.line - 1].slice(start.column), '"s3:GetObjects"');
});

test('an unknown service prefix and a wildcard that matches nothing', async () => {
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 'apigatewayv2:GET', Resource: '*' })), ['ERROR INVALID_SERVICE_IN_ACTION']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: '*:Describe*', Resource: '*' })), ['ERROR INVALID_SERVICE_IN_ACTION']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:Frobnicate*', Resource: '*' })), ['ERROR INVALID_ACTION']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 'GetObject', Resource: '*' })), ['ERROR INVALID_ACTION']);
});

test('unknown condition keys: global and service ones, pointing at the key', async () => {
  const text = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgIdentifier': 'o-1', 's3:x-amz-object-lock-mode': 'GOVERNANCE' } } });
  const findings = await validatePolicy(text, 'IDENTITY_POLICY');
  assert.deepEqual(findings.map((f) => f.issueCode), ['INVALID_GLOBAL_CONDITION_KEY', 'INVALID_SERVICE_CONDITION_KEY']);
  assert.equal(findings[1].findingDetails, 'The condition key s3:x-amz-object-lock-mode does not exist in the service s3. Use a valid condition key.');
  assert.deepEqual(findings[0].locations[0].path, [{ value: 'Statement' }, { value: 'Condition' }, { value: 'StringEquals' }, { key: 'aws:PrincipalOrgIdentifier' }]);
  const { start, end } = findings[0].locations[0].span;
  assert.equal(text.slice(start.offset, end.offset), '"aws:PrincipalOrgIdentifier"');
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEqualz: { 'aws:SourceIp': 'x' } } })), ['ERROR INVALID_CONDITION_OPERATOR']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { SourceIp: 'x' } } })), ['ERROR INVALID_CONDITION_KEY_FORMAT']);
});

test('grammar: JSON syntax, elements, Version, Effect, missing parts, Principal by policy type', async () => {
  const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow" ]\n}';
  const [syntax] = await validatePolicy(broken, 'IDENTITY_POLICY');
  assert.equal(syntax.issueCode, 'JSON_SYNTAX_ERROR');
  assert.equal(syntax.findingDetails, 'Fix the JSON syntax error at index 66 line 3 column 37.');
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, null)), ['WARNING MISSING_VERSION']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, '2012-10-18')), ['ERROR INVALID_VERSION']);
  assert.deepEqual(await codes(doc({ Effect: 'Permit', Actions: 's3:GetObject' })), ['ERROR INVALID_POLICY_ELEMENT', 'ERROR INVALID_EFFECT', 'ERROR MISSING_ACTION', 'ERROR MISSING_RESOURCE']);
  assert.deepEqual(await codes(JSON.stringify({ Version: '2012-10-17' })), ['ERROR MISSING_STATEMENT']);
  const withPrincipal = doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' });
  assert.deepEqual(await codes(withPrincipal), ['ERROR UNSUPPORTED_PRINCIPAL']);
  assert.deepEqual(await codes(withPrincipal, 'RESOURCE_POLICY'), []);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), 'RESOURCE_POLICY'), ['ERROR MISSING_PRINCIPAL']);
});

test('iam:PassRole on * is a security warning unless iam:PassedToService scopes it; empty arrays are suggestions', async () => {
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' })), ['SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE']);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: 'iam:Pass*', Resource: ['*'], Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })), []);
  assert.deepEqual(await codes(doc({ Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })), []);
  assert.deepEqual(await codes(doc({ Effect: 'Allow', Action: [], Resource: [] })), ['SUGGESTION EMPTY_ARRAY_ACTION', 'SUGGESTION EMPTY_ARRAY_RESOURCE']);
});

test('the JSON tree keeps offsets; syntax errors carry theirs', () => {
  const tree = parseJsonTree(' {"a": [1, "x\\"y", true, null]}');
  assert.equal(tree.kind, 'object');
  if (tree.kind !== 'object') return;
  assert.equal(tree.entries[0].keyStart, 2);
  const arr = tree.entries[0].value;
  assert.ok(arr.kind === 'array' && arr.items[1].kind === 'string' && arr.items[1].value === 'x"y' && arr.items[1].start === 11);
  assert.throws(() => parseJsonTree('{"a": tru}'), (e: unknown) => e instanceof JsonSyntaxError && e.offset === 6);
  assert.throws(() => parseJsonTree('{"a": 1} x'), JsonSyntaxError);
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 1, offset: 4 });
});
