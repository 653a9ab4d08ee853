// The incremental body reader: the same digests and decoded bytes whatever the chunk boundaries,
// checksums of the decoded bytes, and S3's words for malformed aws-chunked bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { PayloadReader, crc32c, readPayload, type Payload } from './payload.js';

const b64crc32 = (b: Buffer) => { const x = Buffer.alloc(4); x.writeUInt32BE(zlib.crc32(b)); return x.toString('base64'); };

/** Feeds `raw` in pieces of `size` bytes. */
function inPieces(headers: Record<string, string>, raw: Buffer, size: number, opts: ConstructorParameters<typeof PayloadReader>[1]): Payload {
  const r = new PayloadReader(headers, opts);
  for (let i = 0; i < raw.length; i += size) r.push(raw.subarray(i, i + size));
  return r.finish();
}

test('digests and checksums do not depend on how the bytes arrive', () => {
  const data = crypto.randomBytes(70_001);
  const headers = { 'content-md5': 'x', 'x-amz-checksum-crc32': 'x', 'x-amz-checksum-crc32c': 'x', 'x-amz-checksum-sha1': 'x', 'x-amz-checksum-sha256': 'x' };
  const whole = readPayload(headers, data, { sha256: true });
  assert.equal(whole.sha256, crypto.createHash('sha256').update(data).digest('hex'));
  assert.equal(whole.md5, crypto.createHash('md5').update(data).digest('hex'));
  assert.equal(whole.checksums['x-amz-checksum-crc32'], b64crc32(data));
  assert.equal(whole.checksums['x-amz-checksum-sha256'], crypto.createHash('sha256').update(data).digest('base64'));
  for (const size of [1, 7, 4096, 65536]) {
    const p = inPieces(headers, data, size, { sha256: true, expectedLength: size === 7 ? 1000 : data.length });
    assert.deepEqual(p.body, data, `pieces of ${size}`);
    assert.equal(p.sha256, whole.sha256);
    assert.deepEqual(p.checksums, whole.checksums);
  }
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.from('56789'), crc32c(Buffer.from('1234'))), 0xe3069283, 'continues a running value');
});

test('aws-chunked bodies decode the same in any pieces; the trailer and its checksum are read', () => {
  const data = crypto.randomBytes(3000);
  const raw = Buffer.concat([Buffer.from('7d0\r\n'), data.subarray(0, 2000), Buffer.from('\r\n3e8\r\n'), data.subarray(2000), Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${b64crc32(data)}\r\n\r\n`)]);
  const headers = { 'x-amz-trailer': 'x-amz-checksum-crc32' };
  for (const size of [1, 3, 100, raw.length]) {
    const p = inPieces(headers, raw, size, { chunked: true, sha256: true });
    assert.deepEqual(p.body, data);
    assert.equal(p.problem, undefined);
    assert.equal(p.chunked, true);
    assert.deepEqual(p.trailers, { 'x-amz-checksum-crc32': b64crc32(data) });
    assert.equal(p.checksums['x-amz-checksum-crc32'], b64crc32(data));
    assert.equal(p.sha256, crypto.createHash('sha256').update(raw).digest('hex'), 'the raw bytes are what is hashed');
    assert.equal(p.rawLength, raw.length);
  }
});

test('malformed or short aws-chunked bodies are named as S3 names them', () => {
  const chunked = (s: string) => readPayload({}, Buffer.from(s), { chunked: true }).problem?.code;
  assert.equal(chunked('zz\r\nabc'), 'InvalidRequest');
  assert.equal(chunked('3\r\nabcX\r\n0\r\n\r\n'), 'InvalidRequest');
  assert.equal(chunked('5\r\nabc'), 'IncompleteBody');
  assert.equal(chunked('3\r\nabc\r\n'), 'IncompleteBody');
  assert.equal(chunked(`${'1'.repeat(5000)}`), 'InvalidRequest');
  assert.equal(chunked('3\r\nabc\r\n0\r\n\r\n'), undefined);
});
