// Raw HTTP requests to chattrail, signed (or deliberately mis-signed) with @smithy/signature-v4, for
// tests that must control every byte an SDK would hide: bad keys, skewed clocks, presigned URLs,
// wrong content types, oversized or malformed bodies. Uses node:http so any header can be sent.
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequestInput {
  /** Base URL of the server (`http://127.0.0.1:port`); a path may follow. */
  url: string;
  method?: string;
  /** Path, when not part of `url`; defaults to `/`. */
  path?: string;
  service: string;
  region: string;
  /** Omit to send the request unsigned. */
  credentials?: Credentials;
  headers?: Record<string, string>;
  body?: string | Buffer;
  query?: Record<string, string>;
  /** Sign as of this time (clock-skew tests); defaults to now. */
  signingDate?: Date;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** x-amzn-requestid (or S3's x-amz-request-id). */
  requestId?: string;
}

export interface PreparedRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  host: string;
  port: number;
}

function signer(input: SignedRequestInput, creds: Credentials): SignatureV4 {
  return new SignatureV4({
    credentials: creds, region: input.region, service: input.service,
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: input.service !== 's3', applyChecksum: false,
  });
}

function baseRequest(input: SignedRequestInput): HttpRequest {
  const u = new URL(input.url);
  const path = input.path ?? (u.pathname || '/');
  const query: Record<string, string> = { ...Object.fromEntries(u.searchParams), ...input.query };
  const body = input.body === undefined ? undefined : Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body);
  return new HttpRequest({
    method: input.method ?? 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port),
    path, query, headers: { host: u.host, ...input.headers }, body,
  });
}

function toPrepared(req: HttpRequest): PreparedRequest {
  const qs = new URLSearchParams(req.query as Record<string, string>).toString().replace(/\+/g, '%20');
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
  if (body.length && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return { method: req.method, path: req.path + (qs ? `?${qs}` : ''), headers, body, host: req.hostname, port: req.port ?? 80 };
}

/** Builds the request, signed with SigV4 in the Authorization header when credentials are given. */
export async function signRequest(input: SignedRequestInput): Promise<PreparedRequest> {
  const req = baseRequest(input);
  if (!input.credentials) return toPrepared(req);
  const signed = await signer(input, input.credentials).sign(req, { signingDate: input.signingDate ?? new Date() });
  return toPrepared(signed as HttpRequest);
}

/** A presigned URL (X-Amz-* query parameters) valid for `expiresIn` seconds from `signingDate`. */
export async function presignUrl(input: SignedRequestInput & { credentials: Credentials; expiresIn: number }): Promise<string> {
  const req = baseRequest({ ...input, body: undefined });
  const pre = await signer(input, input.credentials).presign(req, { signingDate: input.signingDate ?? new Date(), expiresIn: input.expiresIn });
  const u = new URL(input.url);
  const p = toPrepared(pre as HttpRequest);
  return `http://${u.host}${p.path}`;
}

/** Sends a prepared request as is (any header, any body) and reads the whole answer. */
export function send(p: PreparedRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: p.host, port: p.port, method: p.method, path: p.path, headers: p.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = res.headers;
        const id = h['x-amzn-requestid'] ?? h['x-amz-request-id'];
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8'), requestId: Array.isArray(id) ? id[0] : id });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(p.body);
  });
}

/** Signs (when credentials are given) and sends. */
export async function signedFetch(input: SignedRequestInput): Promise<RawAnswer> {
  return send(await signRequest(input));
}

/** GET of a URL as is (presigned URLs). */
export async function fetchUrl(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const u = new URL(url);
  return send({ method: 'GET', path: u.pathname + u.search, headers: { host: u.host, ...headers }, body: Buffer.alloc(0), host: u.hostname, port: Number(u.port) });
}

/** The `<Code>` of a query/XML error body, or `__type` of a JSON one (namespace prefix dropped). */
export function errorCodeOf(a: RawAnswer): string | undefined {
  const xml = /<Code>([^<]+)<\/Code>/.exec(a.text)?.[1];
  if (xml) return xml;
  try {
    const t = (JSON.parse(a.text) as { __type?: string }).__type;
    return t?.split('#').at(-1);
  } catch {
    return undefined;
  }
}

/** The error message of a query/XML or JSON error body. */
export function errorMessageOf(a: RawAnswer): string | undefined {
  const xml = /<Message>([^<]*)<\/Message>/.exec(a.text)?.[1];
  if (xml !== undefined) return xml.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  try {
    const j = JSON.parse(a.text) as { message?: string; Message?: string };
    return j.message ?? j.Message;
  } catch {
    return undefined;
  }
}

/** A query-protocol call (STS, IAM): form-encoded POST body with Action and Version. */
export function queryBody(action: string, version: string, params: Record<string, string> = {}): string {
  return new URLSearchParams({ Action: action, Version: version, ...params }).toString();
}

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

/**
 * Replays one signed request on `concurrency` keep-alive sockets while `running()`: the request ids
 * of 2xx answers go to `acked` (what the server acknowledged); anything else counts as failed.
 */
export async function replayWhile(p: PreparedRequest, acked: string[], running: () => boolean, concurrency: number): Promise<{ failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let failed = 0;
  const one = () => new Promise<void>((resolve) => {
    const req = http.request({ host: p.host, port: p.port, method: p.method, path: p.path, headers: p.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const id = res.headers['x-amzn-requestid'];
        if ((res.statusCode ?? 0) < 300 && typeof id === 'string') acked.push(id);
        else failed++;
        resolve();
      });
      res.on('error', () => { failed++; resolve(); });
    });
    req.on('error', () => { failed++; setTimeout(resolve, 20); });
    req.end(p.body);
  });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (running()) await one(); }));
  agent.destroy();
  return { failed };
}
