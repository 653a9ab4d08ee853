// Every condition operator, IfExists, ForAnyValue/ForAllValues, missing-key rules, and how
// operators, keys and values combine (AND, AND, OR).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConditionBlock } from './conditions.js';
import { conditionHolds, isKnownConditionOperator, parseDate } from './conditions.js';
import type { AuthorizationRequest, ContextValue } from './request.js';

function holds(block: ConditionBlock, context: Record<string, ContextValue>, extra: Partial<AuthorizationRequest> = {}): boolean {
  return conditionHolds(block, { action: 's3:GetObject', resource: '*', context, ...extra }, true, false);
}

/** Asserts the operator's result for each context value of `key` (undefined = key absent). */
function table(operator: string, policyValue: ConditionBlock[string][string], cases: Array<[ContextValue, boolean]>, key = 'k'): void {
  for (const [actual, expected] of cases) {
    const context: Record<string, ContextValue> = actual === undefined ? {} : { [key]: actual };
    assert.equal(holds({ [operator]: { [key]: policyValue } }, context), expected, `${operator} ${JSON.stringify(policyValue)} vs ${JSON.stringify(actual)}`);
  }
}

test('StringEquals is case-sensitive; several values OR together', () => {
  table('StringEquals', ['prod', 'staging'], [['prod', true], ['staging', true], ['Prod', false], ['dev', false], [undefined, false]]);
});

test('StringNotEquals holds when no value matches, and on a missing key', () => {
  table('StringNotEquals', ['prod', 'staging'], [['dev', true], ['prod', false], ['staging', false], [undefined, true]]);
});

test('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase', () => {
  table('StringEqualsIgnoreCase', 'Prod', [['PROD', true], ['prod', true], ['prod2', false], [undefined, false]]);
  table('StringNotEqualsIgnoreCase', 'Prod', [['PROD', false], ['dev', true], [undefined, true]]);
});

test('StringLike and StringNotLike use * and ? case-sensitively', () => {
  table('StringLike', ['home/*', 'tmp/?.txt'], [['home/alice/x', true], ['tmp/a.txt', true], ['tmp/ab.txt', false], ['Home/alice', false], ['a\nhome/', false], [undefined, false]]);
  table('StringLike', 'line1*', [['line1\nline2', true]]);
  table('StringNotLike', 'home/*', [['home/x', false], ['etc/x', true], [undefined, true]]);
});

test('numeric operators compare numbers, not strings', () => {
  table('NumericEquals', 10, [['10', true], ['10.0', true], ['9', false], ['abc', false], ['', false], [undefined, false]]);
  table('NumericNotEquals', '10', [['10', false], ['11', true], [undefined, true]]);
  table('NumericLessThan', '10', [['9', true], ['10', false], ['100', false]]);
  table('NumericLessThanEquals', '10', [['10', true], ['11', false], ['-3', true]]);
  table('NumericGreaterThan', '10', [['11', true], ['10', false], ['9', false], ['2', false]]);
  table('NumericGreaterThanEquals', '10', [['10', true], ['9.5', false], [undefined, false]]);
  table('NumericLessThan', 'not-a-number', [['1', false]]);
});

test('date operators accept ISO 8601 and epoch seconds on either side', () => {
  const noon = '2024-06-01T12:00:00Z';
  const noonEpoch = String(Date.parse(noon) / 1000);
  table('DateEquals', noon, [[noon, true], [noonEpoch, true], ['2024-06-01T12:00:01Z', false], [undefined, false]]);
  table('DateNotEquals', noon, [[noon, false], ['2024-06-02T00:00:00Z', true], [undefined, true]]);
  table('DateLessThan', noonEpoch, [['2024-06-01T11:59:59Z', true], [noon, false]]);
  table('DateLessThanEquals', noon, [[noon, true], ['2024-06-01T12:00:01Z', false]]);
  table('DateGreaterThan', '2024-06-01', [['2024-06-01T00:00:01Z', true], ['2024-05-31T23:59:59Z', false], ['garbage', false]]);
  table('DateGreaterThanEquals', noon, [[noon, true], ['2024-01-01T00:00:00Z', false], [undefined, false]]);
});

test('parseDate reads ISO dates and epoch seconds', () => {
  assert.equal(parseDate('1700000000'), 1_700_000_000_000);
  assert.equal(parseDate('2023-11-14T22:13:20Z'), 1_700_000_000_000);
  assert.ok(Number.isNaN(parseDate('yesterday')));
});

test('Bool compares true/false case-insensitively, from strings or booleans', () => {
  table('Bool', 'true', [['true', true], ['TRUE', true], ['false', false], [undefined, false]], 'aws:SecureTransport');
  table('Bool', false, [['false', true], ['true', false]], 'aws:SecureTransport');
});

test('BinaryEquals compares the base64 text exactly', () => {
  table('BinaryEquals', 'QmluYXJ5', [['QmluYXJ5', true], ['qmluyxj5', false], [undefined, false]]);
});

test('IpAddress and NotIpAddress match IPv4 and IPv6 CIDR blocks', () => {
  table('IpAddress', ['203.0.113.0/24', '2001:db8::/32'], [
    ['203.0.113.7', true],
    ['203.0.114.7', false],
    ['::ffff:203.0.113.7', true],
    ['2001:db8:1::1', true],
    ['2001:db9::1', false],
    ['not-an-ip', false],
    [undefined, false],
  ], 'aws:SourceIp');
  table('NotIpAddress', '10.0.0.0/8', [['10.1.2.3', false], ['192.168.0.1', true], [undefined, true]], 'aws:SourceIp');
});

test('ArnEquals and ArnLike match per ARN segment with wildcards; negations invert', () => {
  const role = 'arn:aws:iam::123456789012:role/Deployer';
  table('ArnEquals', role, [[role, true], ['arn:aws:iam::123456789012:role/Other', false], [undefined, false]], 'aws:PrincipalArn');
  table('ArnLike', 'arn:aws:iam::*:role/Deploy*', [[role, true], ['arn:aws:iam::111111111111:role/Deployer2', true], ['arn:aws:iam::123456789012:user/Deployer', false]], 'aws:PrincipalArn');
  table('ArnLike', 'arn:aws:iam::*', [[role, true]], 'aws:PrincipalArn');
  table('ArnLike', 'arn:aws:*:123456789012:role/x', [['arn:aws:iam:us-east-1:123456789012:role/x', false]], 'aws:PrincipalArn');
  table('ArnNotEquals', role, [[role, false], ['arn:aws:iam::123456789012:role/Other', true], [undefined, true]], 'aws:PrincipalArn');
  table('ArnNotLike', 'arn:aws:iam::*:role/Deploy*', [[role, false], ['arn:aws:iam::123456789012:user/x', true], [undefined, true]], 'aws:PrincipalArn');
});

test('Null tests presence: true means absent, false means present', () => {
  table('Null', 'true', [[undefined, true], ['x', false], [[], true]], 'aws:TokenIssueTime');
  table('Null', false, [[undefined, false], ['x', true], [['a'], true]], 'aws:TokenIssueTime');
});

test('IfExists holds when the key is absent and tests it when present', () => {
  table('StringEqualsIfExists', 'prod', [[undefined, true], ['prod', true], ['dev', false]]);
  table('NumericLessThanIfExists', '5', [[undefined, true], ['3', true], ['7', false]]);
  table('BoolIfExists', 'true', [[undefined, true], ['false', false]], 'aws:MultiFactorAuthPresent');
  table('StringNotEqualsIfExists', 'prod', [[undefined, true], ['prod', false], ['dev', true]]);
});

test('a multivalued key without a set prefix matches if any value matches', () => {
  table('StringEquals', 'a', [[['x', 'a'], true], [['x', 'y'], false]], 'aws:TagKeys');
  table('StringNotEquals', 'a', [[['x', 'a'], false], [['x', 'y'], true]], 'aws:TagKeys');
});

test('ForAnyValue: at least one request value must match; a missing key fails', () => {
  table('ForAnyValue:StringEquals', ['env', 'team'], [[['env', 'cost'], true], [['cost'], false], ['team', true], [undefined, false], [[], false]], 'aws:TagKeys');
  // Negated: at least one request value that matches none of the policy values.
  table('ForAnyValue:StringNotEquals', ['env', 'team'], [[['env', 'cost'], true], [['env', 'team'], false], [undefined, false]], 'aws:TagKeys');
  table('ForAnyValue:StringLike', 'cost-*', [[['env', 'cost-center'], true], [['env'], false]], 'aws:TagKeys');
  table('ForAnyValue:StringEqualsIfExists', 'env', [[undefined, true], [['x'], false]], 'aws:TagKeys');
});

test('ForAllValues: every request value must match; a missing key holds', () => {
  table('ForAllValues:StringEquals', ['env', 'team'], [[['env', 'team'], true], [['env'], true], [['env', 'cost'], false], [undefined, true], [[], true]], 'aws:TagKeys');
  // Negated: no request value may match any policy value.
  table('ForAllValues:StringNotEquals', ['env', 'team'], [[['cost', 'owner'], true], [['cost', 'env'], false], [undefined, true]], 'aws:TagKeys');
  table('ForAllValues:StringLike', ['env*', 'team*'], [[['env-a', 'team-b'], true], [['env-a', 'cost'], false]], 'aws:TagKeys');
  table('ForAllValues:NumericLessThan', '10', [[['1', '9'], true], [['1', '10'], false]], 'ports');
});

test('several keys in one operator must all hold (AND)', () => {
  const block = { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'ops' } };
  assert.equal(holds(block, { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'ops' }), true);
  assert.equal(holds(block, { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalTag/team': 'dev' }), false);
  assert.equal(holds(block, { 'aws:RequestedRegion': 'eu-west-1' }), false);
});

test('several operators must all hold (AND)', () => {
  const block = {
    IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
    DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
    Bool: { 'aws:SecureTransport': 'true' },
  };
  const ok = { 'aws:SourceIp': '10.2.3.4', 'aws:CurrentTime': '2029-12-31T23:59:59Z', 'aws:SecureTransport': 'true' };
  assert.equal(holds(block, ok), true);
  assert.equal(holds(block, { ...ok, 'aws:SourceIp': '11.0.0.1' }), false);
  assert.equal(holds(block, { ...ok, 'aws:CurrentTime': '2030-01-01T00:00:00Z' }), false);
  assert.equal(holds(block, { ...ok, 'aws:SecureTransport': 'false' }), false);
  assert.equal(holds({}, {}), true);
});

test('condition key names are case-insensitive; values stay case-sensitive', () => {
  assert.equal(holds({ StringEquals: { 'AWS:RequestedRegion': 'us-east-1' } }, { 'aws:requestedregion': 'us-east-1' }), true);
  assert.equal(holds({ StringEquals: { 'aws:requestedregion': 'us-east-1' } }, { 'aws:RequestedRegion': 'US-EAST-1' }), false);
});

test('operator names are matched case-insensitively and validated', () => {
  assert.equal(holds({ stringequals: { k: 'v' } }, { k: 'v' }), true);
  assert.equal(holds({ 'foranyvalue:stringequals': { k: 'v' } }, { k: ['v', 'w'] }), true);
  assert.equal(isKnownConditionOperator('ForAllValues:ArnLikeIfExists'), true);
  assert.equal(isKnownConditionOperator('NullIfExists'), false);
  assert.equal(isKnownConditionOperator('ForSomeValues:StringEquals'), false);
  assert.equal(isKnownConditionOperator('StringEqualsIfExistsIfExists'), false);
});

test('principal keys fall back to the request principal; explicit context wins', () => {
  const principal = { arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', type: 'IAMUser' as const };
  assert.equal(holds({ StringEquals: { 'aws:PrincipalAccount': '123456789012' } }, {}, { principal }), true);
  assert.equal(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, {}, { principal }), true);
  assert.equal(holds({ StringEquals: { 'aws:PrincipalType': 'User' } }, {}, { principal }), true);
  assert.equal(holds({ StringEquals: { 'aws:PrincipalType': 'Anonymous' } }, {}), true);
  assert.equal(holds({ StringEquals: { 'aws:PrincipalAccount': '123456789012' } }, { 'aws:PrincipalAccount': '999999999999' }, { principal }), false);
  const chatbot = { arn: 'chatbot.amazonaws.com', accountId: '123456789012', type: 'AWSService' as const, service: 'chatbot.amazonaws.com' };
  assert.equal(holds({ StringEquals: { 'aws:PrincipalServiceName': 'chatbot.amazonaws.com' } }, {}, { principal: chatbot }), true);
});

test('a condition value whose variable is missing matches nothing', () => {
  table('StringEquals', '${aws:username}', [['alice', false], ['${aws:username}', false]]);
  table('StringNotEquals', '${aws:username}', [['alice', true]]);
  assert.equal(holds({ StringEquals: { k: '${aws:username}' } }, { k: 'alice', 'aws:username': 'alice' }), true);
});

test('${*} in a StringLike value is a literal asterisk, not a wildcard', () => {
  table('StringLike', 'a${*}', [['a*', true], ['abc', false]]);
  table('StringEquals', 'a${*}', [['a*', true]]);
});

test('context keys named like Object.prototype members are not found by accident', () => {
  table('Null', 'true', [[undefined, true]], 'constructor');
  table('StringEquals', 'x', [[undefined, false]], 'toString');
});
