// A small signed JSON client for the `chattrail` command's own calls to the server (Slack connect,
// workspace listing): reads a profile from the data folder's credentials file and signs with
// @smithy/signature-v4, as any AWS SDK would. Nothing here is a second request path: the server
// authorizes and records these calls like any other.
import fs from 'node:fs';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';

export interface ProfileCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The keys of one profile in an AWS CLI credentials file. */
export function readProfile(file: string, profile: string): ProfileCredentials | undefined {
  if (!fs.existsSync(file)) return undefined;
  let current = '';
  const values: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) { current = header[1].trim(); continue; }
    const kv = /^\s*([A-Za-z_]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (kv && current === profile) values[kv[1]] = kv[2];
  }
  const { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey, aws_session_token: sessionToken } = values;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

/** POSTs a rest-json call (Chatbot's API) and returns the parsed answer; throws ApiError on a non-2xx. */
export async function postJson(endpoint: string, service: string, region: string, creds: ProfileCredentials, path: string, body: unknown): Promise<Record<string, unknown>> {
  const url = new URL(path, endpoint);
  const payload = JSON.stringify(body);
  const request = new HttpRequest({
    method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' }, body: payload,
  });
  const signer = new SignatureV4({ credentials: creds, region, service, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign(request);
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: payload });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) {
    const code = String(res.headers.get('x-amzn-errortype') ?? parsed.__type ?? parsed.Code ?? res.status).split(':')[0];
    throw new ApiError(res.status, code, String(parsed.Message ?? parsed.message ?? text));
  }
  return parsed;
}
