// S3's recording rules against the shapes of real CloudTrail S3 records (notes/record-shapes.md):
// wire-named parameters, sub-resource flags as "", parsed policies, data-event membership.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s3Model } from './model.js';
import { s3Recording } from './recording.js';

const model = s3Model();
const rules = s3Recording(model);
const params = (op: string, input: Record<string, unknown>) => rules.requestParameters![op](input);
const Host = 's3.us-east-1.amazonaws.com';

test('bucket sub-resources appear as empty-string flags; policies are logged parsed', () => {
  assert.deepEqual(params('GetBucketPolicy', { Bucket: 'b', Host }), { bucketName: 'b', Host, policy: '' });
  assert.deepEqual(params('GetBucketLocation', { Bucket: 'b', Host }), { bucketName: 'b', Host, location: '' });
  assert.deepEqual(params('PutBucketPolicy', { Bucket: 'b', Host, Policy: '{"Version":"2012-10-17"}' }),
    { bucketName: 'b', Host, policy: '', bucketPolicy: { Version: '2012-10-17' } });
  assert.deepEqual(params('PutBucketPolicy', { Bucket: 'b', Host, Policy: 'not json' }), { bucketName: 'b', Host, policy: '', bucketPolicy: {} });
  assert.deepEqual(params('ListBuckets', { Host }), { Host });
  assert.deepEqual(params('CreateBucket', { Bucket: 'b', Host, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' }, ACL: 'private' }),
    { bucketName: 'b', Host, 'x-amz-acl': 'private', CreateBucketConfiguration: { LocationConstraint: 'us-west-2', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } });
});

test('object calls log the key; listings keep query names and values as sent; internal members never show', () => {
  assert.deepEqual(params('GetObject', { Bucket: 'b', Host, Key: 'ring.txt', PresignedCredential: 'AKIA/x', BytesIn: '0' }), { bucketName: 'b', Host, key: 'ring.txt' });
  assert.deepEqual(params('ListObjectsV2', { Bucket: 'b', Host, Prefix: '', Delimiter: '/', EncodingType: 'url', MaxKeys: 1000 }),
    { bucketName: 'b', Host, delimiter: '/', 'encoding-type': 'url', 'max-keys': '1000', prefix: '', 'list-type': '2' });
  assert.equal(params('PutObject', {}), null, 'an unparseable request has nothing to log');
});

test('object-level calls are data events and ListObjectsV2 is logged as ListObjects', () => {
  for (const op of ['GetObject', 'PutObject', 'HeadObject', 'DeleteObject', 'DeleteObjects', 'ListObjects', 'ListObjectsV2', 'CopyObject']) {
    assert.ok(rules.dataEvents?.includes(op), op);
  }
  for (const op of ['CreateBucket', 'HeadBucket', 'ListBuckets', 'PutBucketPolicy', 'GetBucketLocation']) assert.ok(!rules.dataEvents?.includes(op), op);
  assert.equal(rules.eventNames?.ListObjectsV2, 'ListObjects');
  assert.equal(rules.responseElements!.PutObject({ ETag: '"x"' }), null);
});
