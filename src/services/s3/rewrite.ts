// What S3 does to a request before routing: virtual-hosted buckets become path style, copies are
// told apart from uploads, and the body's integrity (Content-MD5, x-amz-checksum-*, aws-chunked
// framing) is checked against the digests computed as it arrived. Failures are flagged, not
// thrown, so they surface post-auth and are recorded. (x-amz-content-sha256 is the pipeline's.)
import type { RawRequest } from '../../protocol/http.js';
import { CHECKSUMS, readPayload, type Payload } from '../../protocol/payload.js';
import { rememberMd5 } from '../../storage/objects.js';
import { BODY_ERROR_HEADER, BYTES_IN_HEADER } from './model.js';

export { crc32c } from '../../protocol/payload.js';

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
  // The pipeline read the body as it arrived; a body handed over whole is read here the same way.
  const payload = req.payload ?? readPayload(headers, req.body, { chunked: isAwsChunked(headers) });
  // Trailer checksums become ordinary (unsigned) headers, checked like the CLI's header ones.
  for (const [k, v] of Object.entries(payload.trailers)) if (headers[k] === undefined) headers[k] = v;
  const problem = payload.problem ?? bodyProblem(headers, payload);
  if (problem) headers[BODY_ERROR_HEADER] = `${problem.code} ${problem.message}`;
  headers[BYTES_IN_HEADER] = String(payload.size);
  // The object's ETag is this MD5: the store need not hash the body again.
  if (payload.md5 !== undefined) rememberMd5(payload.body, payload.md5);
  return { ...req, rawPath, query, headers, body: payload.body, payload };
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

function isAwsChunked(headers: Record<string, string>): boolean {
  const sha = headers['x-amz-content-sha256'] ?? '';
  const encodings = (headers['content-encoding'] ?? '').split(',').map((s) => s.trim());
  return sha.startsWith('STREAMING-') || encodings.includes('aws-chunked');
}

const CHECKSUM_NAMES: Record<string, string> = {
  'x-amz-checksum-crc32': 'CRC32', 'x-amz-checksum-crc32c': 'CRC32C', 'x-amz-checksum-sha1': 'SHA1', 'x-amz-checksum-sha256': 'SHA256',
};

/** What S3 refuses in a body it received whole: a wrong length, MD5 or checksum. */
function bodyProblem(headers: Record<string, string>, payload: Payload): { code: string; message: string } | undefined {
  const declared = headers['x-amz-decoded-content-length'];
  if (payload.chunked && declared !== undefined && Number(declared) !== payload.size) {
    return { code: 'IncompleteBody', message: 'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header' };
  }
  const md5 = headers['content-md5'];
  if (md5 !== undefined) {
    const decoded = Buffer.from(md5, 'base64');
    if (decoded.length !== 16 || decoded.toString('base64') !== md5.trim()) return { code: 'InvalidDigest', message: 'The Content-MD5 you specified was invalid.' };
    if (payload.md5 !== decoded.toString('hex')) return { code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  }
  for (const [header, make] of Object.entries(CHECKSUMS)) {
    const value = headers[header];
    if (value === undefined) continue;
    // A trailer not announced in x-amz-trailer was not computed on the way in.
    let computed = payload.checksums[header];
    // A spooled body is not read again for it: such a checksum cannot be proven.
    if (computed === undefined && payload.file) return { code: 'InvalidRequest', message: `The ${CHECKSUM_NAMES[header]} trailer was not announced in x-amz-trailer.` };
    if (computed === undefined) { const r = make(); r.update(payload.body); computed = r.digest(); }
    if (computed !== value.trim()) return { code: 'BadDigest', message: `The ${CHECKSUM_NAMES[header]} you specified did not match the calculated checksum.` };
  }
  return undefined;
}
