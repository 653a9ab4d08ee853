// The S3 request rewrite: virtual-hosted buckets, aws-chunked decoding (unsigned with trailer,
// signed chunks), integrity checks flagged for post-auth refusal, and CRC32C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { RawRequest } from '../../protocol/http.js';
import { crc32c, rewriteS3Request, virtualHostBucket } from './rewrite.js';
import { readPayload } from '../../protocol/payload.js';
import { matchRestOperation } from '../../protocol/rest.js';
import { s3Model } from './model.js';
import { BODY_ERROR_HEADER, BYTES_IN_HEADER } from './model.js';

function req(headers: Record<string, string>, body: Buffer | string = '', rawPath = '/bkt/key'): RawRequest {
  return { method: 'PUT', rawPath, query: new URLSearchParams(), headers, body: Buffer.from(body) };
}
const b64crc32 = (b: Buffer) => { const x = Buffer.alloc(4); x.writeUInt32BE(zlib.crc32(b)); return x.toString('base64'); };

test('virtual-hosted hosts name the bucket; path-style and IP hosts do not', () => {
  assert.equal(virtualHostBucket('my.bucket.s3.us-east-1.amazonaws.com'), 'my.bucket');
  assert.equal(virtualHostBucket('logs.s3.localhost.localstack.cloud:4566'), 'logs');
  assert.equal(virtualHostBucket('trail-bucket.localhost:8080'), 'trail-bucket');
  assert.equal(virtualHostBucket('s3.us-east-1.amazonaws.com'), undefined);
  assert.equal(virtualHostBucket('s3.amazonaws.com'), undefined);
  assert.equal(virtualHostBucket('127.0.0.1:4566'), undefined);
  assert.equal(virtualHostBucket('localhost:4566'), undefined);
  const r = rewriteS3Request({ ...req({ host: 'photos.localhost:9000' }), method: 'GET', rawPath: '/a%20b/c' });
  assert.equal(r.rawPath, '/photos/a%20b/c');
  assert.equal(r.headers.host, 'photos.localhost:9000', 'the Host header is kept for the record');
});

test('unsigned aws-chunked bodies with a trailer checksum decode to the real bytes', () => {
  const data = Buffer.from('hello world\n');
  const raw = Buffer.concat([Buffer.from('7\r\n'), data.subarray(0, 7), Buffer.from('\r\n5\r\n'), data.subarray(7), Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${b64crc32(data)}\r\n\r\n`)]);
  const r = rewriteS3Request(req({
    'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': '12', 'x-amz-trailer': 'x-amz-checksum-crc32',
  }, raw));
  assert.deepEqual(r.body, data);
  assert.equal(r.headers['x-amz-checksum-crc32'], b64crc32(data));
  assert.equal(r.headers[BODY_ERROR_HEADER], undefined);
  assert.equal(r.headers[BYTES_IN_HEADER], '12');
});

test('signed-chunk bodies decode; a wrong trailer checksum or length is flagged, not thrown', () => {
  const sig = 'a'.repeat(64);
  const raw = Buffer.from(`3;chunk-signature=${sig}\r\nabc\r\n0;chunk-signature=${sig}\r\n\r\n`);
  assert.equal(readPayload({}, raw, { chunked: true }).body.toString(), 'abc');
  const bad = rewriteS3Request(req({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked' },
    '3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'));
  assert.match(bad.headers[BODY_ERROR_HEADER] ?? '', /^BadDigest The CRC32 /);
  const short = rewriteS3Request(req({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '9' }, '3\r\nabc\r\n0\r\n\r\n'));
  assert.match(short.headers[BODY_ERROR_HEADER] ?? '', /^IncompleteBody /);
  const garbage = rewriteS3Request(req({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }, 'zz\r\nabc'));
  assert.match(garbage.headers[BODY_ERROR_HEADER] ?? '', /^InvalidRequest /);
});

test('Content-MD5 and checksum headers must match the body (x-amz-content-sha256 is the pipeline\'s)', () => {
  const body = Buffer.from('payload');
  assert.equal(rewriteS3Request(req({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body)).headers[BODY_ERROR_HEADER], undefined);
  const md5 = crypto.createHash('md5').update(body).digest('base64');
  assert.equal(rewriteS3Request(req({ 'content-md5': md5 }, body)).headers[BODY_ERROR_HEADER], undefined);
  assert.match(rewriteS3Request(req({ 'content-md5': md5 }, 'other')).headers[BODY_ERROR_HEADER] ?? '', /^BadDigest /);
  assert.match(rewriteS3Request(req({ 'content-md5': 'nope' }, body)).headers[BODY_ERROR_HEADER] ?? '', /^InvalidDigest /);
  assert.match(rewriteS3Request(req({ 'x-amz-checksum-sha256': 'AAAA' }, body)).headers[BODY_ERROR_HEADER] ?? '', /^BadDigest The SHA256 /);
  // A client cannot plant the flag itself.
  assert.equal(rewriteS3Request(req({ [BODY_ERROR_HEADER]: 'AccessDenied x' }, body)).headers[BODY_ERROR_HEADER], undefined);
});

test('CRC32C matches the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('a PUT with x-amz-copy-source routes as CopyObject / UploadPartCopy even without x-id (the AWS CLI)', () => {
  const model = s3Model();
  const route = (r: RawRequest) => { const x = rewriteS3Request(r); return matchRestOperation(model, x.method, x.rawPath, x.query)?.op.name; };
  const copy = { ...req({ 'x-amz-copy-source': 'src/a%20b.txt' }), rawPath: '/dst/k' };
  assert.equal(route(copy), 'CopyObject');
  assert.equal(route({ ...copy, query: new URLSearchParams('partNumber=2&uploadId=abc') }), 'UploadPartCopy');
  assert.equal(route({ ...copy, query: new URLSearchParams('x-id=CopyObject') }), 'CopyObject', 'SDK v3 already says so');
  assert.equal(route(req({})), 'PutObject');
  assert.equal(route({ ...req({}), query: new URLSearchParams('partNumber=2&uploadId=abc') }), 'UploadPart');
  assert.equal(route({ ...req({ 'x-amz-copy-source': 'src/a' }), method: 'GET' }), 'GetObject', 'only PUTs copy');
  assert.equal(copy.query.has('x-id'), false, 'the request as signed is left alone');
});

test('a body the pipeline read is taken as read: decoded once, its digests reused', () => {
  const data = Buffer.from('hello world\n');
  const raw = Buffer.from(`c\r\n${data.toString()}\r\n0\r\nx-amz-checksum-crc32:${b64crc32(data)}\r\n\r\n`);
  const headers = { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '12' };
  const payload = readPayload(headers, raw, { chunked: true, md5: true });
  const r = rewriteS3Request({ ...req(headers, payload.body), payload });
  assert.equal(r.body, payload.body, 'the very buffer, not decoded again');
  assert.equal(r.headers[BODY_ERROR_HEADER], undefined);
  assert.equal(r.headers['x-amz-checksum-crc32'], b64crc32(data));
  // A checksum that does not match what was computed on the way in is still refused.
  const wrong = readPayload({ ...headers }, Buffer.from(raw.toString().replace(b64crc32(data), 'AAAAAA==')), { chunked: true });
  assert.match(rewriteS3Request({ ...req(headers, wrong.body), payload: wrong }).headers[BODY_ERROR_HEADER] ?? '', /^BadDigest The CRC32 /);
});
