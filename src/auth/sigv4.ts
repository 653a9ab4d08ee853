// SigV4 verification: the request is re-signed with @smithy/signature-v4 using the caller's secret
// and the signing parameters the caller declared, then the signatures are compared in constant
// time. Handles the Authorization header and presigned query strings, clock skew and expiry, and
// what a signature must cover (host, a real region, a payload hash of a form the service accepts).
import crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import type { RequestHead } from '../protocol/http.js';
import { readSigV2Query, sameSigV2, sigV2Signature, type SigV2Query } from './sigv2.js';
import { isSigningRegion } from './regions.js';

export interface SignatureScope {
  accessKeyId: string;
  date: string; // YYYYMMDD
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string; // YYYYMMDDTHHMMSSZ
  presigned: boolean;
  /** Presigned URLs: seconds of validity. */
  expires?: number;
  securityToken?: string;
  /** An S3 URL presigned with Signature Version 2 (no date, region or signed headers; `expires` is Unix seconds). */
  sigV2?: SigV2Query;
}

export type SignatureProblem =
  | { kind: 'missing' }
  | { kind: 'incomplete'; message: string }
  | { kind: 'skewed'; message: string }
  | { kind: 'expired'; message: string }
  | { kind: 'mismatch' };

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

/** Reads the signing parameters a request declares, without checking them. */
export function readScope(req: RequestHead): SignatureScope | SignatureProblem {
  const auth = req.headers['authorization'];
  if (auth) {
    const m = AUTH_RE.exec(auth);
    if (!m) return { kind: 'incomplete', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters with AWS4-HMAC-SHA256. Authorization=${auth.split(' ')[0]}` };
    const parts = m[1].split('/');
    if (parts.length !== 5 || parts[4] !== 'aws4_request') return { kind: 'incomplete', message: `Credential should be scoped to a valid region, not '${parts[2] ?? ''}'.` };
    const amzDate = req.headers['x-amz-date'] ?? toAmzDate(req.headers['date']);
    if (!amzDate) return { kind: 'incomplete', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    return {
      accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3],
      signedHeaders: m[2].split(';'), signature: m[3], amzDate, presigned: false,
      securityToken: req.headers['x-amz-security-token'],
    };
  }
  const q = req.query;
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && q.has('X-Amz-Credential')) {
    const parts = (q.get('X-Amz-Credential') ?? '').split('/');
    const sig = q.get('X-Amz-Signature') ?? '';
    if (parts.length !== 5 || !/^[0-9a-f]{64}$/.test(sig) || !q.get('X-Amz-Date') || !q.get('X-Amz-SignedHeaders')) {
      return { kind: 'incomplete', message: 'Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.' };
    }
    return {
      accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3],
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'), signature: sig, amzDate: q.get('X-Amz-Date')!,
      presigned: true, expires: Number(q.get('X-Amz-Expires') ?? '900'), securityToken: q.get('X-Amz-Security-Token') ?? undefined,
    };
  }
  const v2 = readSigV2Query(req);
  if (typeof v2 === 'string') return { kind: 'incomplete', message: v2 };
  if (v2) {
    // SigV2 names no region: the pipeline uses the deployment's home region for the call.
    return {
      accessKeyId: v2.accessKeyId, date: '', region: '', service: 's3', signedHeaders: [], signature: v2.signature, amzDate: '',
      presigned: true, expires: v2.expires, securityToken: v2.securityToken, sigV2: v2,
    };
  }
  return { kind: 'missing' };
}

function toAmzDate(httpDate: string | undefined): string | undefined {
  if (!httpDate) return undefined;
  const d = new Date(httpDate);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

const MAX_SKEW_MS = 15 * 60 * 1000;

/** Checks the request time against the server clock: 15 minutes of skew, presigned expiry. */
export function checkTime(scope: SignatureScope, now: Date): SignatureProblem | undefined {
  if (scope.sigV2) return now.getTime() > scope.sigV2.expires * 1000 ? { kind: 'expired', message: 'Request has expired' } : undefined;
  const at = parseAmzDate(scope.amzDate);
  if (!at || scope.amzDate.slice(0, 8) !== scope.date) {
    return { kind: 'incomplete', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${scope.amzDate.slice(0, 8)}'` };
  }
  if (scope.presigned) {
    const expires = scope.expires ?? 900;
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) return { kind: 'incomplete', message: 'X-Amz-Expires must be between 1 and 604800 seconds' };
    if (now.getTime() > at.getTime() + expires * 1000) return { kind: 'expired', message: `Request has expired` };
    if (at.getTime() - now.getTime() > MAX_SKEW_MS) return { kind: 'skewed', message: `Signature not yet current: ${scope.amzDate} is still later than ${fmt(new Date(now.getTime() + MAX_SKEW_MS))} (${fmt(now)} + 15 min.)` };
    return undefined;
  }
  if (now.getTime() - at.getTime() > MAX_SKEW_MS) {
    return { kind: 'skewed', message: `Signature expired: ${scope.amzDate} is now earlier than ${fmt(new Date(now.getTime() - MAX_SKEW_MS))} (${fmt(now)} - 15 min.)` };
  }
  if (at.getTime() - now.getTime() > MAX_SKEW_MS) {
    return { kind: 'skewed', message: `Signature not yet current: ${scope.amzDate} is still later than ${fmt(new Date(now.getTime() + MAX_SKEW_MS))} (${fmt(now)} + 15 min.)` };
  }
  return undefined;
}

function fmt(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Splits a raw query string without URLSearchParams' `+` → space rule, which SigV4 does not use. */
function rawQuery(req: RequestHead, dropSignature: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of req.query) {
    if (dropSignature && k === 'X-Amz-Signature') continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const signers = new Map<string, SignatureV4>();

function signerFor(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined, scope: SignatureScope): SignatureV4 {
  const cacheKey = `${accessKeyId}\u0000${secretAccessKey}\u0000${scope.service}`;
  let signer = signers.get(cacheKey);
  if (!signer) {
    if (signers.size > 10000) signers.clear();
    signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      region: scope.region,
      service: scope.service,
      sha256: Hash.bind(null, 'sha256'),
      // S3 signs the path as sent; every other service signs it URI-encoded once more.
      uriEscapePath: scope.service !== 's3',
      applyChecksum: false,
    });
    signers.set(cacheKey, signer);
  }
  return signer;
}

const signingKeys = new Map<string, Buffer>();

/** kSigning = HMAC chain over date, region, service; one per key and day, so cached. */
export function signingKey(secretAccessKey: string, scope: SignatureScope): Buffer {
  const cacheKey = `${secretAccessKey}\u0000${scope.date}\u0000${scope.region}\u0000${scope.service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size > 10000) signingKeys.clear();
    const hmac = (k: string | Buffer, data: string) => crypto.createHmac('sha256', k).update(data).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.date), scope.region), scope.service), 'aws4_request');
    signingKeys.set(cacheKey, key);
  }
  return key;
}

// crypto.hash (one call, no Hash object) exists from Node 20.12; engines allow any 20.x.
export const sha256Hex: (data: string | Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * The SigV4 signature of a header-signed request to `/` without a query string (every query and
 * json protocol call), computed directly: the general path through @smithy/signature-v4 costs
 * several times more per request. Undefined when the request is not of that simple form.
 * `payloadHash` is the hash the canonical request ends with (see `declaredPayloadHash`).
 */
export function simpleSignature(req: RequestHead, scope: SignatureScope, secretAccessKey: string, payloadHash: string): string | undefined {
  if (scope.presigned || req.rawPath !== '/' || req.query.toString() !== '') return undefined;
  let canonicalHeaders = '';
  for (const h of scope.signedHeaders) {
    const v = req.headers[h];
    if (v === undefined) return undefined;
    canonicalHeaders += `${h}:${v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')}\n`;
  }
  const canonicalRequest = `${req.method}\n/\n\n${canonicalHeaders}\n${scope.signedHeaders.join(';')}\n${payloadHash}`;
  const stringToSign = `AWS4-HMAC-SHA256\n${scope.amzDate}\n${scope.date}/${scope.region}/${scope.service}/aws4_request\n${sha256Hex(canonicalRequest)}`;
  return crypto.createHmac('sha256', signingKey(secretAccessKey, scope)).update(stringToSign).digest('hex');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && a.length > 0 && crypto.timingSafeEqual(a, b);
}

/**
 * True when the request's signature is the one `secretAccessKey` produces over its head and
 * `payloadHash`: the declared hash (checked against the body once it has arrived) or the body's
 * own hash. The body itself is never needed here.
 */
export async function signatureMatches(req: RequestHead, scope: SignatureScope, secretAccessKey: string, sessionToken: string | undefined, payloadHash: string): Promise<boolean> {
  // A match on the standard computation is proof enough; anything else takes the general path,
  // so every request the general path accepted is still accepted.
  if (scope.sigV2) return sameSigV2(sigV2Signature(req, scope.sigV2, secretAccessKey), scope.signature);
  const simple = simpleSignature(req, scope, secretAccessKey, payloadHash);
  if (simple !== undefined && sameSignature(simple, scope.signature)) return true;
  const headers: Record<string, string> = {};
  for (const h of scope.signedHeaders) {
    const v = req.headers[h];
    if (v === undefined) return false;
    headers[h] = v;
  }
  const [hostname, port] = (req.headers['host'] ?? '').split(':');
  const request = new HttpRequest({
    method: req.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined,
    path: req.rawPath, query: rawQuery(req, scope.presigned), headers,
  });
  // smithy takes the payload hash from this header; it must not sign it unless the client did.
  request.headers['x-amz-content-sha256'] = payloadHash;
  const hidden = new Set(scope.signedHeaders.includes('x-amz-content-sha256') ? [] : ['x-amz-content-sha256']);
  const signer = signerFor(scope.accessKeyId, secretAccessKey, sessionToken, scope);
  // Without a date of its own, smithy would sign the present moment: never a match to trust.
  const signingDate = parseAmzDate(scope.amzDate);
  if (!signingDate) return false;
  let expected: string;
  if (scope.presigned) {
    // Re-derive the presigned signature over the same parameters the client signed.
    expected = await presignedStringToSign(signer, request, scope, signingDate, hidden);
  } else {
    const signed = await signer.sign(request, {
      signingDate, signingRegion: scope.region, signingService: scope.service,
      signableHeaders: new Set(scope.signedHeaders), unsignableHeaders: hidden,
    });
    const m = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''));
    expected = m ? m[1] : '';
    if (!scope.signedHeaders.every((h) => String(signed.headers['authorization']).includes(h))) return false;
  }
  return sameSignature(expected, scope.signature);
}

async function presignedStringToSign(signer: SignatureV4, request: HttpRequest, scope: SignatureScope, signingDate: Date, hidden: Set<string>): Promise<string> {
  const query = { ...request.query };
  for (const k of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token']) delete query[k];
  const base = new HttpRequest({ ...request, query, headers: { ...request.headers } });
  // The payload hash travels as a header smithy reads but must neither hoist nor sign.
  const presigned = await signer.presign(base, {
    signingDate, expiresIn: scope.expires ?? 900, signingRegion: scope.region, signingService: scope.service,
    signableHeaders: new Set(scope.signedHeaders), unsignableHeaders: hidden, unhoistableHeaders: hidden,
  });
  return String(presigned.query?.['X-Amz-Signature'] ?? '');
}

/** The x-amz-content-sha256 values S3 accepts besides a hex SHA-256 (SigV4a's ECDSA ones are not served). */
const S3_PAYLOAD_HASHES = new Set([
  'UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

export function isHexSha256(v: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(v);
}

/**
 * The payload hash the signature covers, when it is known before the body arrives: the signed
 * x-amz-content-sha256, S3's UNSIGNED-PAYLOAD for presigned URLs (or the X-Amz-Content-Sha256 they
 * name). Undefined when only the body can tell: the canonical request then ends with its hash.
 * SigV2 signs no payload at all.
 */
export function declaredPayloadHash(req: RequestHead, scope: SignatureScope): string | undefined {
  if (scope.sigV2) return 'UNSIGNED-PAYLOAD';
  if (scope.presigned) return req.query.get('X-Amz-Content-Sha256') ?? (scope.service === 's3' ? 'UNSIGNED-PAYLOAD' : undefined);
  return scope.signedHeaders.includes('x-amz-content-sha256') ? req.headers['x-amz-content-sha256'] : undefined;
}

/** What makes a signature unacceptable whatever its value: found from the head alone. */
export type ScopeProblem =
  | { kind: 'hostNotSigned' }
  | { kind: 'signedHeaderMissing'; header: string }
  | { kind: 'region'; region: string }
  | { kind: 'payloadHash'; value: string };

/**
 * Checks what a SigV4 signature must cover before anyone computes it: `host` is signed (else the
 * signature replays against another endpoint), every signed header is present, the region is one
 * of the partition's (else a call lands where no trail or history looks), and the payload hash is
 * of a form the service accepts (UNSIGNED-PAYLOAD and STREAMING-* only for S3).
 */
export function scopeProblem(req: RequestHead, scope: SignatureScope, homeRegion: string): ScopeProblem | undefined {
  if (scope.sigV2) return undefined;
  if (!scope.signedHeaders.includes('host')) return { kind: 'hostNotSigned' };
  const missing = scope.signedHeaders.find((h) => req.headers[h] === undefined);
  if (missing) return { kind: 'signedHeaderMissing', header: missing };
  if (!isSigningRegion(scope.region, homeRegion)) return { kind: 'region', region: scope.region };
  const declared = declaredPayloadHash(req, scope);
  if (declared !== undefined && !isHexSha256(declared) && !(scope.service === 's3' && S3_PAYLOAD_HASHES.has(declared))) {
    return { kind: 'payloadHash', value: declared };
  }
  return undefined;
}
