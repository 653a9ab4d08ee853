// The console's JSON ↔ handler values: timestamps and blobs by the model, URI members read like
// any other, and outputs back to plain JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../protocol/model.js';
import { isAwsError } from '../protocol/errors.js';
import { inputFromJson, toJson } from './convert.js';

test('LookupEvents times arrive as Dates, from ISO text or epoch seconds', () => {
  const model = loadModel('cloudtrail');
  const input = inputFromJson(model, 'LookupEvents', {
    StartTime: '2026-01-02T03:04:05.000Z', EndTime: 1767326400, MaxResults: 50,
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], Unknown: 1,
  });
  assert.deepEqual(input.StartTime, new Date('2026-01-02T03:04:05.000Z'));
  assert.deepEqual(input.EndTime, new Date(1767326400 * 1000));
  assert.equal(input.MaxResults, 50);
  assert.equal('Unknown' in input, false);
});

test('members on the URI (an S3 bucket) are read by name', () => {
  const input = inputFromJson(loadModel('s3'), 'ListObjectsV2', { Bucket: 'logs', Prefix: 'AWSLogs/', Delimiter: '/' });
  assert.deepEqual(input, { Bucket: 'logs', Prefix: 'AWSLogs/', Delimiter: '/' });
});

test('a wrong type or an unknown operation is an AWS error', () => {
  const model = loadModel('cloudtrail');
  assert.throws(() => inputFromJson(model, 'LookupEvents', { MaxResults: 'ten' }), (e) => isAwsError(e) && e.code === 'SerializationException');
  assert.throws(() => inputFromJson(model, 'NoSuchThing', {}), (e) => isAwsError(e) && e.code === 'InvalidAction');
  assert.throws(() => inputFromJson(model, 'LookupEvents', [1]), (e) => isAwsError(e) && e.code === 'SerializationException');
});

test('outputs become plain JSON', () => {
  assert.deepEqual(toJson({ When: new Date('2026-01-02T03:04:05Z'), Body: Buffer.from('hi'), Gone: undefined, N: Number.NaN, L: [undefined, 1] }),
    { When: '2026-01-02T03:04:05.000Z', Body: 'aGk=', N: null, L: [null, 1] });
});
