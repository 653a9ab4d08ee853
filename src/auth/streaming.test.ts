// Signed aws-chunked bodies, checked against the worked examples of AWS's SigV4 streaming
// documentation (seed signature, chunk signatures, trailer signature), and tampered with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPayload } from '../protocol/payload.js';
import { chunkVerifier } from './streaming.js';
import type { SignatureScope } from './sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function scope(seed: string): SignatureScope {
  return {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE', date: '20130524', region: 'us-east-1', service: 's3', amzDate: '20130524T000000Z',
    signedHeaders: ['host'], signature: seed, presigned: false,
  };
}

const chunk = (size: number, sig: string, fill = 'a') => `${size.toString(16)};chunk-signature=${sig}\r\n${fill.repeat(size)}\r\n`;

/** AWS's example: PUT of 66560 bytes of 'a' in chunks of 64 KiB and 1 KiB (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGS = ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'];

function read(body: string, seed: string, hash: string) {
  return readPayload({}, Buffer.from(body, 'latin1'), { chunked: true, verifier: chunkVerifier(scope(seed), SECRET, hash) });
}

test("AWS's signed-chunk example verifies and decodes to its 66560 bytes", () => {
  const p = read(`${chunk(65536, SIGS[0])}${chunk(1024, SIGS[1])}0;chunk-signature=${SIGS[2]}\r\n\r\n`, SEED, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
  assert.equal(p.signaturesValid, true);
  assert.equal(p.problem, undefined);
  assert.equal(p.body.length, 66560);
});

test('a changed byte, a dropped or reordered chunk, a missing signature or another seed is refused', () => {
  const hash = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const end = `0;chunk-signature=${SIGS[2]}\r\n\r\n`;
  const tampered = `${chunk(65536, SIGS[0])}${chunk(1024, SIGS[1], 'b')}${end}`;
  assert.equal(read(tampered, SEED, hash).signaturesValid, false, 'tampered data');
  assert.equal(read(`${chunk(1024, SIGS[1])}${end}`, SEED, hash).signaturesValid, false, 'first chunk dropped');
  assert.equal(read(`${chunk(1024, SIGS[1])}${chunk(65536, SIGS[0])}${end}`, SEED, hash).signaturesValid, false, 'reordered');
  assert.equal(read(`${chunk(65536, SIGS[0])}${chunk(1024, SIGS[1])}`, SEED, hash).signaturesValid, false, 'cut before the final chunk');
  assert.equal(read(`10000\r\n${'a'.repeat(65536)}\r\n${chunk(1024, SIGS[1])}${end}`, SEED, hash).signaturesValid, false, 'no signature');
  assert.equal(read(`${chunk(65536, SIGS[0])}${chunk(1024, SIGS[1])}${end}`, SEED.replace(/^4/, '5'), hash).signaturesValid, false, 'other seed');
  // Trailers cannot be slipped onto a body whose chunks are signed without one.
  assert.equal(read(`${chunk(65536, SIGS[0])}${chunk(1024, SIGS[1])}0;chunk-signature=${SIGS[2]}\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n`, SEED, hash).signaturesValid, false);
});

test("AWS's signed-chunk example with a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)", () => {
  const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
  const sigs = ['b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2', '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7', '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992'];
  const trailerSig = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';
  const hash = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
  const body = (trailer: string, sig: string) => `${chunk(65536, sigs[0])}${chunk(1024, sigs[1])}0;chunk-signature=${sigs[2]}\r\n${trailer}x-amz-trailer-signature:${sig}\r\n\r\n`;
  const ok = readPayload({ 'x-amz-trailer': 'x-amz-checksum-crc32c' }, Buffer.from(body('x-amz-checksum-crc32c:sOO8/Q==\r\n', trailerSig)),
    { chunked: true, verifier: chunkVerifier(scope(seed), SECRET, hash) });
  assert.equal(ok.signaturesValid, true);
  assert.deepEqual(ok.trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  assert.equal(ok.checksums['x-amz-checksum-crc32c'], 'sOO8/Q==', 'the checksum computed on the way in');
  assert.equal(read(body('x-amz-checksum-crc32c:AAAAAA==\r\n', trailerSig), seed, hash).signaturesValid, false, 'trailer changed');
  assert.equal(read(body('', trailerSig), seed, hash).signaturesValid, false, 'trailer dropped');
});

test('other payload hashes have no chunk signatures to check', () => {
  assert.equal(chunkVerifier(scope(SEED), SECRET, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'), undefined);
  assert.equal(chunkVerifier(scope(SEED), SECRET, 'UNSIGNED-PAYLOAD'), undefined);
});
