// SigV4-signed requests computed ahead of time, so the load generators only replay bytes: the
// benchmark measures the server, not the client's signing. SigV4 allows replay for 15 minutes.
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';

export interface BenchCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Signs a POST to `/` of `baseUrl` for `service` in `region`. */
export async function signPost(baseUrl: string, service: string, region: string, creds: BenchCredentials,
  headers: Record<string, string>, body: string): Promise<SignedCall> {
  const u = new URL(baseUrl);
  const signer = new SignatureV4({ credentials: creds, region, service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
  const req = new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/',
    headers: { host: u.host, 'content-length': String(Buffer.byteLength(body)), ...headers }, body,
  });
  const signed = await signer.sign(req, { signingDate: new Date() });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k] = String(v);
  return { method: 'POST', path: '/', headers: out, body };
}

/** `sts get-caller-identity` exactly as the AWS CLI sends it (query protocol, form body). */
export function signGetCallerIdentity(baseUrl: string, creds: BenchCredentials): Promise<SignedCall> {
  return signPost(baseUrl, 'sts', 'us-east-1', creds,
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'chattrail-bench' },
    'Action=GetCallerIdentity&Version=2011-06-15');
}

/** A LookupEvents call (json 1.1) filtered by one attribute. */
export function signLookupEvents(baseUrl: string, creds: BenchCredentials, key: string, value: string): Promise<SignedCall> {
  return signPost(baseUrl, 'cloudtrail', 'us-east-1', creds,
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'user-agent': 'chattrail-bench' },
    JSON.stringify({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }], MaxResults: 50 }));
}
