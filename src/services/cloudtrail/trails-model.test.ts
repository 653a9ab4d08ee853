import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { parseTrailArn, validateTrailName } from './trails-model.js';
import { trailResourceOf } from './trails-service.js';

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
});

test('calls are authorized against the trail ARN, names resolved in the caller region', () => {
  const ctx = { accountId: '123456789012', region: 'us-west-2' };
  assert.equal(trailResourceOf('StartLogging', { Name: 'audit' }, ctx), 'arn:aws:cloudtrail:us-west-2:123456789012:trail/audit');
  assert.equal(trailResourceOf('AddTags', { ResourceId: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/x' }, ctx), 'arn:aws:cloudtrail:us-east-1:123456789012:trail/x');
  assert.equal(trailResourceOf('ListTrails', {}, ctx), undefined);
});
