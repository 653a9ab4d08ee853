// Parsing policy documents: normalization, URL-encoded input, and each MalformedPolicyDocument rejection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyDocument, PolicyParseError, type PolicyKind } from './document.js';

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

function rejects(doc: unknown, kind: PolicyKind, message: string): void {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  assert.throws(
    () => parsePolicyDocument(text, kind),
    (err: unknown) => err instanceof PolicyParseError && err.message === message && err.code === 'MalformedPolicyDocument',
    `expected "${message}"`,
  );
}

test('a single Statement object is normalized into an array', () => {
  const doc = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: allowAll }), 'identity');
  assert.deepEqual(doc, { Version: '2012-10-17', Statement: [allowAll] });
});

test('a statement array, Id and every statement element are kept', () => {
  const statement = {
    Sid: 'S1',
    Effect: 'Deny',
    NotAction: ['iam:*', 'sts:*'],
    NotResource: 'arn:aws:s3:::bucket/*',
    Condition: { StringEquals: { 'aws:username': ['a', 'b'] }, NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': false } },
  };
  const doc = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Id: 'p1', Statement: [statement, allowAll] }), 'identity');
  assert.deepEqual(doc, { Version: '2012-10-17', Id: 'p1', Statement: [statement, allowAll] });
});

test('URL-encoded documents, as IAM returns them, are decoded', () => {
  const json = JSON.stringify({ Version: '2012-10-17', Statement: [allowAll] });
  assert.deepEqual(parsePolicyDocument(encodeURIComponent(json), 'identity').Statement, [allowAll]);
  // Form encoding writes spaces as '+'.
  const spaced = '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}';
  assert.deepEqual(parsePolicyDocument(encodeURIComponent(spaced).replace(/%20/g, '+'), 'identity').Statement, [allowAll]);
});

test('a byte order mark is ignored', () => {
  assert.equal(parsePolicyDocument(`\uFEFF${JSON.stringify({ Statement: allowAll })}`, 'identity').Statement.length, 1);
});

test('invalid JSON and non-object documents are syntax errors', () => {
  rejects('{"Statement": [', 'identity', 'Syntax errors in policy.');
  rejects('%7B%22Statement', 'identity', 'Syntax errors in policy.');
  rejects('%E0%A4%A', 'identity', 'Syntax errors in policy.');
  rejects('[]', 'identity', 'Syntax errors in policy.');
  rejects('"text"', 'identity', 'Syntax errors in policy.');
  rejects('null', 'identity', 'Syntax errors in policy.');
  rejects('', 'identity', 'Syntax errors in policy.');
});

test('unknown elements are syntax errors', () => {
  rejects({ Statement: allowAll, Extra: 1 }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: { ...allowAll, Actions: 'x' } }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: ['not an object'] }, 'identity', 'Syntax errors in policy.');
});

test('a missing Statement is reported by name', () => {
  rejects({ Version: '2012-10-17' }, 'identity', 'Missing required field Statement');
});

test('Version must be a known policy language version', () => {
  rejects({ Version: '2012-10-18', Statement: allowAll }, 'identity', 'The policy failed legacy parsing');
  rejects({ Version: 2012, Statement: allowAll }, 'identity', 'Syntax errors in policy.');
  assert.equal(parsePolicyDocument(JSON.stringify({ Version: '2008-10-17', Statement: allowAll }), 'identity').Version, '2008-10-17');
});

test('Effect must be exactly Allow or Deny', () => {
  rejects({ Statement: { ...allowAll, Effect: 'Permit' } }, 'identity', 'Invalid effect: Permit');
  rejects({ Statement: { ...allowAll, Effect: 'allow' } }, 'identity', 'Invalid effect: allow');
  const { Effect: _omit, ...noEffect } = allowAll;
  rejects({ Statement: noEffect }, 'identity', 'Missing required field Effect');
});

test('a statement needs Action or NotAction, not both', () => {
  rejects({ Statement: { Effect: 'Allow', Resource: '*' } }, 'identity', 'Policy statement must contain actions.');
  rejects({ Statement: { Effect: 'Allow', Action: [], Resource: '*' } }, 'identity', 'Policy statement must contain actions.');
  rejects({ Statement: { Effect: 'Allow', Principal: '*' } }, 'trust', 'Policy statement must contain actions.');
  rejects({ Statement: { ...allowAll, NotAction: 'iam:*' } }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: { ...allowAll, Action: [1] } }, 'identity', 'Syntax errors in policy.');
});

test('actions must name a service', () => {
  rejects({ Statement: { ...allowAll, Action: 'CreateUser' } }, 'identity', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
});

test('identity policies need Resource or NotResource; trust policies do not', () => {
  rejects({ Statement: { Effect: 'Allow', Action: '*' } }, 'identity', 'Policy statement must contain resources.');
  const trust = parsePolicyDocument(JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'chatbot.amazonaws.com' } } }), 'trust');
  assert.equal(trust.Statement[0]?.Resource, undefined);
  assert.deepEqual(trust.Statement[0]?.Principal, { Service: 'chatbot.amazonaws.com' });
  rejects({ Statement: { ...allowAll, NotResource: '*' } }, 'identity', 'Syntax errors in policy.');
});

test('resources must be ARNs or *', () => {
  rejects({ Statement: { ...allowAll, Resource: 'my-bucket' } }, 'identity', 'Resource my-bucket must be in ARN format or "*".');
  const doc = parsePolicyDocument(JSON.stringify({ Statement: { ...allowAll, Resource: ['arn:aws:s3:::b', '*'] } }), 'identity');
  assert.deepEqual(doc.Statement[0]?.Resource, ['arn:aws:s3:::b', '*']);
});

test('identity policies must not name a principal', () => {
  rejects({ Statement: { ...allowAll, Principal: '*' } }, 'identity', 'Policy document should not specify a principal.');
  rejects({ Statement: { ...allowAll, NotPrincipal: { AWS: '123456789012' } } }, 'identity', 'Policy document should not specify a principal.');
});

test('trust and resource policies must name a principal', () => {
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } }, 'trust', 'Missing required field Principal');
  rejects({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' } }, 'resource', 'Missing required field Principal');
  rejects({ Statement: { Effect: 'Deny', Action: 's3:*', Principal: '*', NotPrincipal: '*' } }, 'resource', 'Syntax errors in policy.');
});

test('principal elements are validated', () => {
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: 'someone' } }, 'trust', 'Syntax errors in policy.');
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { User: 'x' } } }, 'trust', 'Invalid principal in policy: "User"');
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 5 } } }, 'trust', 'Syntax errors in policy.');
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: {} } }, 'trust', 'Syntax errors in policy.');
  rejects({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '' } } }, 'trust', 'Invalid principal in policy: "AWS":""');
  const doc = parsePolicyDocument(
    JSON.stringify({ Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*', NotPrincipal: { AWS: ['111111111111', 'arn:aws:iam::111111111111:root'] } } }),
    'resource',
  );
  assert.deepEqual(doc.Statement[0]?.NotPrincipal, { AWS: ['111111111111', 'arn:aws:iam::111111111111:root'] });
});

test('condition operators must exist; values must be scalars or lists of them', () => {
  const base = { ...allowAll };
  rejects({ Statement: { ...base, Condition: { StringEqualz: { 'aws:username': 'a' } } } }, 'identity', 'Invalid Condition type : StringEqualz');
  rejects({ Statement: { ...base, Condition: { NullIfExists: { 'aws:username': 'true' } } } }, 'identity', 'Invalid Condition type : NullIfExists');
  rejects({ Statement: { ...base, Condition: { StringEquals: 'a' } } }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: { ...base, Condition: { StringEquals: { k: { nested: 1 } } } } }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: { ...base, Condition: { StringEquals: { k: [null] } } } }, 'identity', 'Syntax errors in policy.');
  rejects({ Statement: { ...base, Condition: [] } }, 'identity', 'Syntax errors in policy.');
  const ok = {
    'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*'] },
    'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] },
    Null: { 'aws:TokenIssueTime': true },
    NumericEquals: { n: [1, 2] },
  };
  assert.deepEqual(parsePolicyDocument(JSON.stringify({ Statement: { ...base, Condition: ok } }), 'identity').Statement[0]?.Condition, ok);
});

test('statement ids must be unique', () => {
  rejects({ Statement: [{ ...allowAll, Sid: 'A' }, { ...allowAll, Sid: 'A' }] }, 'identity', 'Statement IDs (SID) in a single policy must be unique.');
  rejects({ Statement: { ...allowAll, Sid: 7 } }, 'identity', 'Syntax errors in policy.');
  assert.equal(parsePolicyDocument(JSON.stringify({ Statement: [{ ...allowAll, Sid: 'A' }, { ...allowAll, Sid: 'B' }] }), 'identity').Statement.length, 2);
});

test('Id must be a string', () => {
  rejects({ Id: 3, Statement: allowAll }, 'identity', 'Syntax errors in policy.');
});
