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

test('bucket configuration calls: sub-resource flags, bodies as CloudTrail renders the XML, S3\'s older event names', () => {
  assert.deepEqual(params('GetBucketVersioning', { Bucket: 'b', Host }), { bucketName: 'b', Host, versioning: '' });
  assert.deepEqual(params('GetPublicAccessBlock', { Bucket: 'b', Host }), { bucketName: 'b', Host, publicAccessBlock: '' });
  assert.deepEqual(params('GetBucketLifecycleConfiguration', { Bucket: 'b', Host }), { bucketName: 'b', Host, lifecycle: '' });
  assert.deepEqual(params('PutBucketVersioning', { Bucket: 'b', Host, ContentMD5: 'x', MFA: 'secret 123', VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Disabled' } }),
    { bucketName: 'b', Host, versioning: '', VersioningConfiguration: { Status: 'Suspended', MfaDelete: 'Disabled', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } },
    'wire element names; the MFA header is never logged');
  assert.deepEqual(params('PutBucketTagging', { Bucket: 'b', Host, Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }),
    { bucketName: 'b', Host, tagging: '', Tagging: { TagSet: { Tag: { Key: 'k', Value: 'v' } }, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } });
  const lifecycle = params('PutBucketLifecycleConfiguration', { Bucket: 'b', Host, LifecycleConfiguration: { Rules: [{ ID: 'a', Status: 'Enabled', Expiration: { Days: 3 } }, { ID: 'b', Status: 'Disabled', Expiration: { Days: 4 } }] } }) as Record<string, { Rule: unknown[] }>;
  assert.deepEqual(lifecycle.LifecycleConfiguration.Rule, [{ ID: 'a', Status: 'Enabled', Expiration: { Days: 3 } }, { ID: 'b', Status: 'Disabled', Expiration: { Days: 4 } }], 'flattened lists keep the element name');
  assert.deepEqual(params('PutPublicAccessBlock', { Bucket: 'b', Host, PublicAccessBlockConfiguration: { BlockPublicAcls: true } }),
    { bucketName: 'b', Host, publicAccessBlock: '', PublicAccessBlockConfiguration: { BlockPublicAcls: true, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } });
  assert.deepEqual(params('ListObjectVersions', { Bucket: 'b', Host, Prefix: 'p', MaxKeys: 2, KeyMarker: 'k' }), { bucketName: 'b', Host, prefix: 'p', 'max-keys': '2', 'key-marker': 'k', versions: '' });
  assert.equal(rules.eventNames?.PutBucketLifecycleConfiguration, 'PutBucketLifecycle');
  assert.equal(rules.eventNames?.DeletePublicAccessBlock, 'DeleteBucketPublicAccessBlock');
  assert.ok(rules.dataEvents?.includes('ListObjectVersions') && rules.dataEvents.includes('PutObjectTagging'));
  for (const op of ['GetBucketVersioning', 'PutBucketVersioning', 'GetBucketEncryption', 'PutBucketTagging']) assert.ok(!rules.dataEvents?.includes(op), op);
});

test('the deprecated lifecycle/notification twins never win the route', () => {
  assert.match(model.operation('GetBucketLifecycle')!.http.requestUri, /x-id=GetBucketLifecycle/);
  assert.equal(model.operation('GetBucketLifecycleConfiguration')!.http.requestUri, '/{Bucket}?lifecycle');
});
