// What S3 answers look like on the wire: S3's root element names, ACL grantees with xsi:type, and a
// 304 Not Modified that carries validators but no body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { serializeError } from '../../protocol/codec.js';
import { s3Model } from './model.js';
import { s3RawResponse } from './responses.js';

const model = s3Model();

test('configuration answers use S3\'s root elements', () => {
  const empty = s3RawResponse(model, 'GetBucketVersioning', {}, 'REQ')!;
  assert.match(String(empty.body), /<VersioningConfiguration xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><\/VersioningConfiguration>$/);
  const tags = s3RawResponse(model, 'GetBucketTagging', { TagSet: [{ Key: 'k', Value: 'v' }] }, 'REQ')!;
  assert.match(String(tags.body), /<Tagging xmlns="[^"]+"><TagSet><Tag><Key>k<\/Key><Value>v<\/Value><\/Tag><\/TagSet><\/Tagging>$/);
  const versions = s3RawResponse(model, 'ListObjectVersions', { Name: 'b', IsTruncated: false }, 'REQ')!;
  assert.match(String(versions.body), /<ListVersionsResult xmlns=.*<\/ListVersionsResult>$/);
  assert.equal(versions.headers['x-amz-id-2']?.length > 0, true);
});

test('ACL grantees carry xsi:type', () => {
  const res = s3RawResponse(model, 'GetObjectAcl', { Owner: { ID: 'abc' }, Grants: [{ Grantee: { ID: 'abc', Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }] }, 'REQ')!;
  assert.match(String(res.body), /<Grantee xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc<\/ID><\/Grantee><Permission>FULL_CONTROL<\/Permission>/);
  assert.equal(res.headers['content-type'], 'application/xml');
});

test('304 Not Modified: no body, no content type, ETag and Last-Modified as headers', () => {
  const err = new AwsError('NotModified', 'Not Modified', 304, { ETag: '"abc"', 'Last-Modified': 'Mon, 06 May 2024 07:08:09 GMT' });
  const res = serializeError(model, err, 'REQ', 'GET');
  assert.equal(res.status, 304);
  assert.equal(res.body, '');
  assert.equal(res.headers['content-type'], undefined);
  assert.equal(res.headers.etag, '"abc"');
  assert.equal(res.headers['last-modified'], 'Mon, 06 May 2024 07:08:09 GMT');
  assert.equal(res.headers['x-amz-request-id'], 'REQ');
  const other = serializeError(model, new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: 'k' }), 'REQ', 'GET');
  assert.match(String(other.body), /<Key>k<\/Key>/, 'other errors keep their fields in the body');
});
