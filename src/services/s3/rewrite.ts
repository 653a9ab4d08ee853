// What S3 does to a request before routing: virtual-hosted buckets become path style, copies are
// told apart from uploads, aws-chunked bodies are decoded to the real bytes, and body integrity
// (x-amz-content-sha256, Content-MD5, x-amz-checksum-*) is checked. Failures are flagged, not
// thrown, so they surface post-auth.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { RawRequest } from '../../protocol/http.js';
import { BODY_ERROR_HEADER, BYTES_IN_HEADER } from './model.js';

/** `<bucket>.s3.<anything>` or `<bucket>.localhost[:port]` → the bucket; path-style hosts → undefined. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const m = /^(.+)\.s3\.[^:]+$/.exec(name) ?? /^(.+)\.localhost$/.exec(name);
  if (!m || m[1] === 's3') return undefined;
  return m[1];
}

export function rewriteS3Request(req: RawRequest): RawRequest {
  const headers = { ...req.headers };
  // Only rewrite() may speak through this header.
  delete headers[BODY_ERROR_HEADER];
  delete headers[BYTES_IN_HEADER];
  let rawPath = req.rawPath;
  const bucket = virtualHostBucket(headers['host']);
  if (bucket) rawPath = `/${bucket}${rawPath.startsWith('/') ? rawPath : `/${rawPath}`}`;
  const query = withCopyId(req.method, req.query, headers);
  let body = req.body;
  let problem: string | undefined;
  try {
    if (isAwsChunked(headers)) {
      const decoded = decodeAwsChunked(req.body);
      body = decoded.body;
      // Trailer checksums become ordinary (unsigned) headers, checked like the CLI's header ones.
      for (const [k, v] of Object.entries(decoded.trailers)) if (headers[k] === undefined) headers[k] = v;
      const declared = headers['x-amz-decoded-content-length'];
      if (declared !== undefined && Number(declared) !== body.length) {
        throw new BodyProblem('IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header');
      }
    }
    checkBody(headers, body);
  } catch (e) {
    if (!(e instanceof BodyProblem)) throw e;
    problem = `${e.code} ${e.message}`;
  }
  if (problem) headers[BODY_ERROR_HEADER] = problem;
  headers[BYTES_IN_HEADER] = String(body.length);
  return { ...req, rawPath, query, headers, body };
}

/**
 * A PUT carrying `x-amz-copy-source` is CopyObject (UploadPartCopy with a part number), which is
 * what CloudTrail names it. SDK v3 says so with `x-id`; the AWS CLI sends none, so without this the
 * copy would route, and be recorded, as PutObject / UploadPart.
 */
export function withCopyId(method: string, query: URLSearchParams, headers: Record<string, string>): URLSearchParams {
  if (method !== 'PUT' || headers['x-amz-copy-source'] === undefined || query.has('x-id')) return query;
  const out = new URLSearchParams(query);
  out.set('x-id', query.has('partNumber') && query.has('uploadId') ? 'UploadPartCopy' : 'CopyObject');
  return out;
}

class BodyProblem extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function isAwsChunked(headers: Record<string, string>): boolean {
  const sha = headers['x-amz-content-sha256'] ?? '';
  const encodings = (headers['content-encoding'] ?? '').split(',').map((s) => s.trim());
  return sha.startsWith('STREAMING-') || encodings.includes('aws-chunked');
}

/**
 * aws-chunked: `<hex-size>[;chunk-signature=...]\r\n<bytes>\r\n` ... `0[;...]\r\n` then optional
 * trailer lines `name:value\r\n` and a final `\r\n`. Chunk signatures are not verified (the seed
 * signature over the headers is).
 */
export function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', pos);
    if (eol < 0) throw new BodyProblem('IncompleteBody', 'The aws-chunked body ends inside a chunk header');
    const sizeText = raw.subarray(pos, eol).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw new BodyProblem('InvalidRequest', 'Malformed aws-chunked chunk header');
    const size = parseInt(sizeText, 16);
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size + 2 > raw.length) throw new BodyProblem('IncompleteBody', 'The aws-chunked body is shorter than its chunk sizes');
    parts.push(raw.subarray(pos, pos + size));
    pos += size;
    if (raw[pos] !== 0x0d || raw[pos + 1] !== 0x0a) throw new BodyProblem('InvalidRequest', 'Malformed aws-chunked chunk terminator');
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(pos).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The trailer's own signature line is not a checksum.
    if (name !== 'x-amz-trailer-signature') trailers[name] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

const CHECKSUMS: Record<string, (b: Buffer) => string> = {
  'x-amz-checksum-crc32': (b) => u32(zlib.crc32(b)),
  'x-amz-checksum-crc32c': (b) => u32(crc32c(b)),
  'x-amz-checksum-sha1': (b) => crypto.createHash('sha1').update(b).digest('base64'),
  'x-amz-checksum-sha256': (b) => crypto.createHash('sha256').update(b).digest('base64'),
};
const CHECKSUM_NAMES: Record<string, string> = {
  'x-amz-checksum-crc32': 'CRC32', 'x-amz-checksum-crc32c': 'CRC32C', 'x-amz-checksum-sha1': 'SHA1', 'x-amz-checksum-sha256': 'SHA256',
};

function checkBody(headers: Record<string, string>, body: Buffer): void {
  const sha = headers['x-amz-content-sha256'];
  if (sha && /^[0-9a-fA-F]{64}$/.test(sha)) {
    const actual = crypto.createHash('sha256').update(body).digest('hex');
    if (actual !== sha.toLowerCase()) {
      throw new BodyProblem('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  const md5 = headers['content-md5'];
  if (md5 !== undefined) {
    const decoded = Buffer.from(md5, 'base64');
    if (decoded.length !== 16 || decoded.toString('base64') !== md5.trim()) throw new BodyProblem('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!crypto.createHash('md5').update(body).digest().equals(decoded)) throw new BodyProblem('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const [header, compute] of Object.entries(CHECKSUMS)) {
    const declared = headers[header];
    if (declared !== undefined && compute(body) !== declared.trim()) {
      throw new BodyProblem('BadDigest', `The ${CHECKSUM_NAMES[header]} you specified did not match the calculated checksum.`);
    }
  }
}

function u32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
}

let crc32cTable: Uint32Array | undefined;
/** CRC-32C (Castagnoli), which node's zlib does not offer. */
export function crc32c(buf: Buffer): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = crc32cTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
