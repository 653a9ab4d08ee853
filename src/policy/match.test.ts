// Wildcard matching for actions, ARNs and StringLike, and the bounded pattern cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionMatches, arnMatches, cachedPatternCount, PATTERN_CACHE_LIMIT, resourceMatches, stringMatches } from './match.js';

test('actionMatches: exact names ignore case', () => {
  assert.equal(actionMatches('iam:CreateUser', 'iam:CreateUser'), true);
  assert.equal(actionMatches('iam:createuser', 'IAM:CreateUser'), true);
  assert.equal(actionMatches('iam:CreateUser', 'iam:CreateUsers'), false);
});

test('actionMatches: * spans any characters and ? exactly one', () => {
  assert.equal(actionMatches('*', 'anything:AtAll'), true);
  assert.equal(actionMatches('iam:*', 'iam:DeleteRole'), true);
  assert.equal(actionMatches('iam:*', 'iamx:DeleteRole'), false);
  assert.equal(actionMatches('*:Get*', 's3:GetObject'), true);
  assert.equal(actionMatches('*:Get*', 's3:ListGetters'), false);
  assert.equal(actionMatches('s3:Get?bject', 's3:GetObject'), true);
  assert.equal(actionMatches('s3:Get?bject', 's3:Getbject'), false);
  assert.equal(actionMatches('IAM:LIST*', 'iam:ListUsers'), true);
});

test('actionMatches: regex metacharacters in patterns are literal', () => {
  assert.equal(actionMatches('a.b:c', 'axb:c'), false);
  assert.equal(actionMatches('a.b:*', 'a.b:c'), true);
  assert.equal(actionMatches('svc:(x)+*', 'svc:(x)+y'), true);
  assert.equal(actionMatches('svc:[ab]*', 'svc:a'), false);
});

test('resourceMatches: * alone matches anything, even a non-ARN', () => {
  assert.equal(resourceMatches('*', '*'), true);
  assert.equal(resourceMatches('*', 'arn:aws:s3:::b'), true);
  assert.equal(resourceMatches('arn:aws:s3:::b', '*'), false);
});

test('resourceMatches: case-sensitive, segment-bounded in the first five segments', () => {
  assert.equal(resourceMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/y:z'), true);
  assert.equal(resourceMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::B/x'), false);
  assert.equal(resourceMatches('arn:aws:iam::*:user/*', 'arn:aws:iam::123456789012:user/a'), true);
  assert.equal(resourceMatches('arn:aws:iam::1234?6789012:user/a', 'arn:aws:iam::123456789012:user/a'), true);
  assert.equal(resourceMatches('arn:aws:*:123:x', 'arn:aws:iam:us-east-1:123:x'), false);
  assert.equal(resourceMatches('arn:aws:logs:*:*:*', 'arn:aws:logs:us-east-1:123:log-group:g:*'), true);
  assert.equal(resourceMatches('arn:aws:sns:*:123:topic', 'arn:aws:sns:us-east-1:123:topic'), true);
  assert.equal(resourceMatches('arn:aws:sns:us-*:123:t', 'arn:aws:sns:eu-west-1:123:t'), false);
});

test('resourceMatches: a short ARN pattern lets its last wildcard span the rest', () => {
  assert.equal(resourceMatches('arn:aws:iam::*', 'arn:aws:iam::123:user/a'), true);
  assert.equal(resourceMatches('arn:*', 'arn:aws:s3:::b'), true);
  assert.equal(resourceMatches('arn:aws:iam::*', 'arn:aws:s3:::b'), false);
});

test('non-ARN resource patterns are plain globs', () => {
  assert.equal(resourceMatches('bucket/*', 'bucket/a:b'), true);
  assert.equal(resourceMatches('bucket/*', 'other/a'), false);
});

test('escaped patterns treat \\ as quoting the next character', () => {
  assert.equal(arnMatches('arn:aws:s3:::b/\\*', 'arn:aws:s3:::b/*', true), true);
  assert.equal(arnMatches('arn:aws:s3:::b/\\*', 'arn:aws:s3:::b/x', true), false);
  assert.equal(arnMatches('arn:aws:s3:::b/\\\\*', 'arn:aws:s3:::b/\\anything', true), true);
  // Unescaped mode: a backslash is an ordinary character.
  assert.equal(arnMatches('arn:aws:s3:::b/\\*', 'arn:aws:s3:::b/\\x', false), true);
  assert.equal(stringMatches('a\\?', 'a?', true), true);
  assert.equal(stringMatches('a\\?', 'ab', true), false);
});

test('stringMatches: case-sensitive, newlines included', () => {
  assert.equal(stringMatches('ab*', 'abc\ndef', false), true);
  assert.equal(stringMatches('ab*', 'Abc', false), false);
  assert.equal(stringMatches('a?c', 'a\nc', false), true);
  assert.equal(stringMatches('', '', false), true);
  assert.equal(stringMatches('', 'x', false), false);
});

test('the pattern cache stays bounded', () => {
  for (let i = 0; i < PATTERN_CACHE_LIMIT + 50; i++) stringMatches(`p${i}*`, `p${i}x`, false);
  assert.equal(cachedPatternCount('string'), PATTERN_CACHE_LIMIT);
  // Results stay correct for evicted and re-compiled patterns.
  assert.equal(stringMatches('p0*', 'p0x', false), true);
  assert.equal(stringMatches('p0*', 'q', false), false);
});
