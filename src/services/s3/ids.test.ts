// S3's identifiers have the shapes real S3 answers and CloudTrail records carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomIds } from '../../common/runtime.js';
import { s3HostId, s3RequestId } from './ids.js';
import { s3Model } from './model.js';
import { s3RawResponse } from './responses.js';

test('request ids are 16 upper-case alphanumerics; host ids 76 base64 characters, fixed per request id', () => {
  const id = s3RequestId(randomIds);
  assert.match(id, /^[0-9A-Z]{16}$/);
  assert.notEqual(s3RequestId(randomIds), id);
  const host = s3HostId(id);
  assert.match(host, /^[A-Za-z0-9+/]{75}=$/, 'like "YQXYeMCos6gTaTKofI8F354QDGZ26SSEOkAyKebWNlNilAbGH1M7NdoMAJE6pwAmjwDiCjvd8jk="');
  assert.equal(s3HostId(id), host);
  assert.notEqual(s3HostId(s3RequestId(randomIds)), host);
});

test('every successful answer carries the host id the record names', () => {
  const model = s3Model();
  const put = s3RawResponse(model, 'PutObject', { ETag: '"x"' }, 'CNQERR2V8EZYW5P0');
  assert.equal(put?.headers['x-amz-id-2'], s3HostId('CNQERR2V8EZYW5P0'));
  assert.equal(put?.headers['x-amz-request-id'], 'CNQERR2V8EZYW5P0');
  assert.equal(put?.headers.etag ?? put?.headers.ETag, '"x"');
  const loc = s3RawResponse(model, 'GetBucketLocation', { LocationConstraint: 'eu-west-1' }, 'A471D1060ED5FD07');
  assert.equal(loc?.headers['x-amz-id-2'], s3HostId('A471D1060ED5FD07'));
  assert.match(String(loc?.body), /<LocationConstraint xmlns="[^"]+">eu-west-1<\/LocationConstraint>$/);
});
