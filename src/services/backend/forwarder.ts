// The one way chattrail talks to its backend emulator (issue 11): the validated input is serialized
// by the model in the backend's protocol, signed as the caller's account and region, sent over a
// keep-alive connection with bounded waits, and the answer parsed into output or the backend's AwsError.
import http from 'node:http';
import https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { chattrailVersion } from '../../common/paths.js';
import type { Logger } from '../../common/runtime.js';
import { parseResponse, serializeRequest, type ClientRequest, type ClientResponse } from '../../protocol/client.js';
import { AwsError, isAwsError } from '../../protocol/errors.js';
import type { ServiceModel } from '../../protocol/model.js';
import type { BackendStatus, BackendTarget, Forwarder } from './backend.js';
import type { CatalogEntry } from './catalog.js';

/** The secret every forwarded call is signed with: the backend checks no signature, LocalStack maps the key id to the account. */
export const BACKEND_SECRET = 'chattrail';
const CONNECT_TIMEOUT_MS = 2000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The backend could not be reached or stopped answering (refused, reset, timed out). */
export class BackendUnreachable extends Error {
  constructor(message: string, readonly retryable = false) {
    super(message);
  }
}

export interface SendOptions {
  /** The backend's base URL (`http://127.0.0.1:PORT`): where the request is sent, whatever its Host says. */
  backendUrl: string;
  target: BackendTarget;
  /** The SigV4 service name (the catalog's signingName). */
  service: string;
  /** The Host header sent and signed. */
  host: string;
  timeoutMs: number;
  /** Keep-alive agents by URL scheme; a fresh connection when absent. */
  agents?: { http: http.Agent; https: https.Agent };
}

/** The request's path (still percent-encoded) and query string, as serializeRequest wrote them. */
function pathOf(url: string): { path: string; query: string } {
  const rest = /^[a-z]+:\/\/[^/?#]*(.*)$/i.exec(url)?.[1] || '/';
  const q = rest.indexOf('?');
  return q < 0 ? { path: rest, query: '' } : { path: rest.slice(0, q) || '/', query: rest.slice(q + 1) };
}

/** The headers to send: the protocol's, lower-cased, plus who the call is for, signed with SigV4. */
async function signedHeaders(req: ClientRequest, o: SendOptions, path: string, rawQuery: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  headers.host = o.host;
  headers['x-moto-account-id'] = o.target.accountId;
  // Never the caller's agent: moto would read a region from its `region/xx`.
  headers['user-agent'] = `chattrail/${chattrailVersion()}`;
  headers['content-length'] = String(req.body.length);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.target.accountId, secretAccessKey: BACKEND_SECRET },
    region: o.target.region, service: o.service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false,
  });
  const [hostname, port] = o.host.split(':');
  const signed = await signer.sign(new HttpRequest({
    method: req.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path, query, headers, body: req.body,
  }));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k] = String(v);
  return out;
}

function reasonOf(e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ECONNRESET') return 'connection reset';
  return e.code ? `${e.code} (${e.message})` : e.message;
}

function headersOf(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** One attempt: the answer, or BackendUnreachable (retryable when a reused keep-alive socket was found closed). */
function sendOnce(base: URL, o: SendOptions, method: string, target: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<ClientResponse> {
  const tls = base.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      fn();
    };
    const fail = (reason: string, retryable = false) => settle(() => {
      req.destroy();
      reject(new BackendUnreachable(reason, retryable));
    });
    const req = (tls ? https : http).request({
      hostname: base.hostname, port: base.port || (tls ? 443 : 80), method, path: target, headers, setHost: false,
      agent: o.agents ? (tls ? o.agents.https : o.agents.http) : false,
      // The Host header names chattrail; the certificate is the backend's.
      ...(tls ? { servername: base.hostname } : {}),
    }, (res) => {
      const declared = Number(res.headers['content-length'] ?? 0);
      const tooLarge = () => settle(() => {
        req.destroy();
        reject(new AwsError('InternalFailure', `The backend emulator at ${o.backendUrl} answered with more than ${MAX_ANSWER_BYTES / 1048576} MB`, 500));
      });
      if (declared > MAX_ANSWER_BYTES) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) return tooLarge();
        chunks.push(c);
      });
      res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: headersOf(res), body: Buffer.concat(chunks) })));
      res.on('error', (e) => fail(reasonOf(e)));
      res.on('close', () => { if (!res.complete) fail('the connection closed mid-answer'); });
    });
    timers.push(setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs));
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const t = setTimeout(() => fail(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`), CONNECT_TIMEOUT_MS);
      timers.push(t);
      socket.once('connect', () => clearTimeout(t));
    });
    req.on('error', (e: NodeJS.ErrnoException) => fail(reasonOf(e), req.reusedSocket && e.code === 'ECONNRESET'));
    req.end(body);
  });
}

/**
 * Signs `req` as `o.target` and sends it to the backend; resolves to whatever it answered. Rejects
 * with BackendUnreachable when it did not answer within `o.timeoutMs` (one retry when a keep-alive
 * socket turned out closed: the backend never saw that request).
 */
export async function sendSigned(req: ClientRequest, o: SendOptions): Promise<ClientResponse> {
  const base = new URL(o.backendUrl);
  const { path, query } = pathOf(req.url);
  const headers = await signedHeaders(req, o, path, query);
  const target = query ? `${path}?${query}` : path;
  const started = Date.now();
  try {
    return await sendOnce(base, o, req.method, target, headers, req.body, o.timeoutMs);
  } catch (e) {
    const left = o.timeoutMs - (Date.now() - started);
    if (!(e instanceof BackendUnreachable) || !e.retryable || left <= 0) throw e;
    return sendOnce(base, o, req.method, target, headers, req.body, left);
  }
}

export interface ForwarderOptions {
  /** The backend's state and address; `reportFailure`, when it has one, hears of calls that got no answer. */
  backend: { status(): BackendStatus; url(): string | undefined; reportFailure?(reason: string): void };
  timeoutMs: number;
  logger: Logger;
  /** chattrail's own host: moto builds SQS queue URLs from the Host it is called with. */
  host: () => string;
}

export class HttpForwarder implements Forwarder {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  constructor(private readonly opts: ForwarderOptions) {}

  async call(entry: CatalogEntry, model: ServiceModel, opName: string, input: Record<string, unknown>, target: BackendTarget): Promise<Record<string, unknown>> {
    const status = this.opts.backend.status();
    const url = this.opts.backend.url();
    if (status.state !== 'ready' || !url) {
      const where = status.url ?? url;
      throw new AwsError('ServiceUnavailable', `The backend emulator${where ? ` at ${where}` : ''} is ${status.state}${status.detail ? ` (${status.detail})` : ''}. Retry shortly.`, 503);
    }
    const request = serializeRequest(model, opName, input, { endpoint: url, protocol: entry.backendProtocol });
    const started = Date.now();
    let response: ClientResponse;
    try {
      response = await sendSigned(request, { backendUrl: url, target, service: entry.signingName, host: this.opts.host(), timeoutMs: this.opts.timeoutMs, agents: this.agents });
    } catch (e) {
      if (!(e instanceof BackendUnreachable)) throw e;
      this.opts.logger.warn('backend did not answer', { backend: url, service: entry.name, operation: opName, reason: e.message });
      this.opts.backend.reportFailure?.(e.message);
      throw new AwsError('ServiceUnavailable', `The backend emulator at ${url} did not answer: ${e.message}. Retry shortly.`, 503);
    }
    if (this.opts.logger.debugEnabled) {
      this.opts.logger.debug('backend answered', { service: entry.name, operation: opName, status: response.status, ms: Date.now() - started });
    }
    return readAnswer(entry, model, opName, response, url);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function isHtml(res: ClientResponse): boolean {
  const type = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type);
}

/**
 * The output of a 2xx answer, or the AWS error an error answer carries. An answer no codec can
 * read as either (moto's HTML 500 for an operation it does not implement, a 404 page for a route it
 * lacks, a 2xx that is not the output) is the backend's failure, never the caller's.
 */
function readAnswer(entry: CatalogEntry, model: ServiceModel, opName: string, res: ClientResponse, url: string): Record<string, unknown> {
  try {
    return parseResponse(model, opName, res, entry.backendProtocol);
  } catch (e) {
    // A codec names an error it found no code for by its HTTP status.
    const unread = isAwsError(e) && e.code === String(res.status) && (res.status >= 500 || isHtml(res));
    if (res.status >= 300 && isAwsError(e) && !unread) throw e;
    const how = res.status >= 300 ? 'failed on' : 'answered';
    const why = res.status >= 300 ? 'it may not implement this operation' : `chattrail could not read the answer (${e instanceof Error ? e.message : String(e)})`;
    throw new AwsError('InternalFailure', `The backend emulator at ${url} ${how} ${entry.name} ${opName} (HTTP ${res.status}); ${why}`, 500);
  }
}
