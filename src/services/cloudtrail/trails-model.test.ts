import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { parseTrailArn, validateTrailName } from './trails-model.js';

const code = (fn: () => unknown) => { try { fn(); return 'ok'; } catch (e) { return (e as AwsError).code; } };

test('trail names follow CloudTrail rules', () => {
  for (const good of ['abc', 'My.Trail_1-x', 'a'.repeat(128)]) assert.equal(code(() => validateTrailName(good)), 'ok', good);
  for (const bad of ['ab', 'a'.repeat(129), '-abc', 'abc_', 'a..b', 'a-_b', 'has space', 'bad/slash', '192.168.1.1']) {
    assert.equal(code(() => validateTrailName(bad)), 'InvalidTrailNameException', bad);
  }
});

test('trail ARNs parse; malformed ones are CloudTrailARNInvalidException', () => {
  assert.deepEqual(parseTrailArn('arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit'), { region: 'eu-west-1', accountId: '123456789012', name: 'audit' });
  assert.equal(code(() => parseTrailArn('arn:aws:cloudtrail:eu-west-1:1234:trail/audit')), 'CloudTrailARNInvalidException');
  assert.equal(code(() => parseTrailArn('arn:aws:s3:::bucket')), 'CloudTrailARNInvalidException');
  // Only the aws partition: another one must not address (and stop) the aws trail of that name.
  for (const p of ['aws-x', 'aws-cn', 'aws-us-gov', 'AWS']) {
    assert.equal(code(() => parseTrailArn(`arn:${p}:cloudtrail:eu-west-1:123456789012:trail/audit`)), 'CloudTrailARNInvalidException', p);
  }
});
