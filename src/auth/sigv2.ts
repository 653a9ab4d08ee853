// S3's legacy query-string authentication (Signature Version 2): the AWS CLI v1 still presigns S3
// URLs this way (`aws s3 presign`) unless configured for s3v4, and S3 accepts them. Only presigned
// URLs are accepted in this form; header-signed requests must use SigV4.
import crypto from 'node:crypto';
import type { RequestHead } from '../protocol/http.js';

/** Query parameters that are S3 sub-resources: they are part of the signed resource. */
const SUB_RESOURCES = new Set([
  'acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy', 'requestPayment',
  'restore', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires',
]);

export interface SigV2Query {
  accessKeyId: string;
  signature: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  securityToken?: string;
}

/** The SigV2 parameters of a presigned URL, undefined when it is not one, or a message when incomplete. */
export function readSigV2Query(req: RequestHead): SigV2Query | string | undefined {
  const q = req.query;
  if (!q.has('AWSAccessKeyId') && !q.has('Signature')) return undefined;
  const accessKeyId = q.get('AWSAccessKeyId');
  const signature = q.get('Signature');
  const expires = Number(q.get('Expires'));
  if (!accessKeyId || !signature || !q.has('Expires') || !Number.isInteger(expires)) {
    return 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters';
  }
  return { accessKeyId, signature, expires, securityToken: q.get('x-amz-security-token') ?? undefined };
}

/**
 * HMAC-SHA1 over method, Content-MD5, Content-Type, Expires, the x-amz-* headers (the session
 * token travels as a query parameter but is signed as a header) and the resource as sent.
 */
export function sigV2Signature(req: RequestHead, v2: SigV2Query, secretAccessKey: string): string {
  const amz = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-') && value !== undefined) amz.set(name, value.trim());
  }
  if (v2.securityToken) amz.set('x-amz-security-token', v2.securityToken);
  const amzHeaders = [...amz.keys()].sort().map((k) => `${k}:${amz.get(k)}\n`).join('');
  const sub = [...req.query.keys()].filter((k) => SUB_RESOURCES.has(k)).sort()
    .map((k) => { const v = req.query.get(k); return v ? `${k}=${v}` : k; });
  const resource = `${req.rawPath}${sub.length ? `?${sub.join('&')}` : ''}`;
  const stringToSign = `${req.method}\n${req.headers['content-md5'] ?? ''}\n${req.headers['content-type'] ?? ''}\n${v2.expires}\n${amzHeaders}${resource}`;
  return crypto.createHmac('sha1', secretAccessKey).update(stringToSign, 'utf8').digest('base64');
}

export function sameSigV2(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
