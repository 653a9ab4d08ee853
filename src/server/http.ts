// node:http front door: reads each request's head, hands it to the right receiver (AWS APIs,
// Slack, console, chattrail's own endpoints) and writes the answer. Receivers other than the AWS
// pipeline get the body read (bounded); the pipeline reads it itself, once the head is
// authenticated. Nothing here knows AWS but the shape of a body over the limit. Answers whose body
// is an open file (S3 GetObject) are streamed from it.
import crypto from 'node:crypto';
import http from 'node:http';
import { pipeline } from 'node:stream';
import { takeSlice } from '../protocol/payload.js';
import { BodyTooLarge, type PendingRequest, type RawRequest, type RawResponse, type RequestHead } from '../protocol/http.js';
import type { Logger } from '../common/runtime.js';
import type { Route } from '../core/routes.js';
import { clientAddress, type TrustedProxies } from './client-address.js';
import { IncomingBody } from './incoming-body.js';

export interface FrontDoor {
  routes: Route[];
  /** The AWS pipeline: the body is still to be read, under `maxBodyBytes`. */
  aws(req: PendingRequest, sourceIp: string): Promise<RawResponse>;
  maxBodyBytes(req: { method: string; path: string }): number;
  logger: Logger;
  /** CHATTRAIL_TRUSTED_PROXIES: peers whose X-Forwarded-For names the client. */
  trustedProxies?: TrustedProxies;
}

function headersOf(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    out[k] = out[k] === undefined ? raw[i + 1] : `${out[k]}, ${raw[i + 1]}`;
  }
  return out;
}

/**
 * The one error answered outside any receiver, so it is shaped here: AWS-style, in JSON for
 * callers that speak it (X-Amz-Target or a JSON content type), in query/XML form otherwise.
 */
function tooLarge(limit: number, headers: http.IncomingHttpHeaders): RawResponse {
  const message = `Request body exceeds the limit of ${limit} bytes`;
  const requestId = crypto.randomUUID();
  if (headers['x-amz-target'] || /json/.test(String(headers['content-type'] ?? ''))) {
    return {
      status: 413,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'RequestEntityTooLargeException' },
      body: JSON.stringify({ __type: 'RequestEntityTooLargeException', message }),
    };
  }
  return {
    status: 413,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export function createHttpServer(door: FrontDoor): http.Server {
  const server = http.createServer((req, res) => serve(door, req, res, false));
  // Node would answer `100 Continue` at once; the body is asked for only when a receiver reads it,
  // so an S3 upload (the CLI and SDKs send Expect: 100-continue) is refused before it is sent.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => serve(door, req, res, true));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 300_000;
  return server;
}

function serve(door: FrontDoor, req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const limit = door.maxBodyBytes({ method: req.method ?? 'GET', path: rawPath });
  const body = new IncomingBody(req, res, limit, expectsContinue);
  if (body.declaredLength !== undefined && body.declaredLength > limit) {
    answer(res, body, tooLarge(limit, req.headers));
    return;
  }
  const head: RequestHead = { method: req.method ?? 'GET', rawPath, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), headers: headersOf(req) };
  const sourceIp = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], door.trustedProxies);
  const route = matchRoute(door.routes, rawPath);
  const handling = route
    ? body.readAll().then((b) => route.handle({ ...head, body: b } satisfies RawRequest, sourceIp))
    : door.aws({ ...head, body }, sourceIp);
  const started = door.logger.debugEnabled ? performance.now() : 0;
  handling.then((out) => {
    body.dispose();
    answer(res, body, out);
    if (started) door.logger.debug('request', { method: head.method, path: rawPath, status: out.status, ms: Math.round((performance.now() - started) * 10) / 10, sourceIp });
  }, (e: unknown) => {
    body.dispose();
    if (e instanceof BodyTooLarge) { answer(res, body, tooLarge(e.limit, req.headers)); return; }
    // The client went away mid-body: there is no one to answer.
    if (req.destroyed && !req.complete) return;
    door.logger.error('unhandled error in receiver', { path: rawPath, error: e instanceof Error ? e.stack : String(e) });
    answer(res, body, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal error\n' });
  });
}

/** Writes the answer; a body nobody read is drained (bounded) or the connection closes after it. */
function answer(res: http.ServerResponse, body: IncomingBody, out: RawResponse): void {
  if (res.headersSent || res.destroyed) return;
  const close = body.settle();
  send(res, close ? { ...out, headers: { ...out.headers, connection: 'close' } } : out);
}

/** The route with the longest prefix that matches, so `/_chattrail/lambda/` beats `/_chattrail/`. */
function matchRoute(routes: Route[], rawPath: string): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if ((rawPath.startsWith(r.prefix) || rawPath === r.prefix.replace(/\/$/, '')) && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

function send(res: http.ServerResponse, out: RawResponse): void {
  const slice = takeSlice(out.body);
  if (res.headersSent) { void slice?.handle.close().catch(() => undefined); return; }
  const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
  const headers: Record<string, string | number> = { ...out.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = slice ? slice.length : body.length;
  res.writeHead(out.status, headers);
  if (!slice) { res.end(body); return; }
  // A stored object is streamed from its open file: never whole in memory.
  if (slice.length === 0) { res.end(); void slice.handle.close().catch(() => undefined); return; }
  const file = slice.handle.createReadStream({ start: slice.start, end: slice.start + slice.length - 1, autoClose: true });
  pipeline(file, res, () => { void slice.handle.close().catch(() => undefined); });
}
