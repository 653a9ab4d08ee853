// node:http front door: reads each request (bounded), hands it to the right receiver (AWS APIs,
// Slack, console, chattrail's own endpoints) and writes the answer. Nothing here knows AWS but the
// shape of the one error answered before any receiver runs: a body over the limit.
import crypto from 'node:crypto';
import http from 'node:http';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import type { Logger } from './runtime.js';

export interface Route {
  /** Path prefix this receiver owns, e.g. `/slack/`; the AWS pipeline takes everything else. */
  prefix: string;
  handle(req: RawRequest, sourceIp: string): Promise<RawResponse>;
}

export interface FrontDoor {
  routes: Route[];
  aws(req: RawRequest, sourceIp: string): Promise<RawResponse>;
  maxBodyBytes(req: { method: string; path: string }): number;
  logger: Logger;
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
 * The one error answered before any receiver sees the request, so it is shaped here: AWS-style, in
 * JSON for callers that speak it (X-Amz-Target or a JSON content type), in query/XML form otherwise.
 */
function tooLarge(limit: number, headers: http.IncomingHttpHeaders): RawResponse {
  const message = `Request body exceeds the limit of ${limit} bytes`;
  const requestId = crypto.randomUUID();
  if (headers['x-amz-target'] || /json/.test(String(headers['content-type'] ?? ''))) {
    return {
      status: 413,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'RequestEntityTooLargeException', connection: 'close' },
      body: JSON.stringify({ __type: 'RequestEntityTooLargeException', message }),
    };
  }
  return {
    status: 413,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, connection: 'close' },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export function createHttpServer(door: FrontDoor): http.Server {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const limit = door.maxBodyBytes({ method: req.method ?? 'GET', path: rawPath });
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      send(res, tooLarge(limit, req.headers));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      if (aborted) return;
      size += c.length;
      if (size > limit) {
        aborted = true;
        chunks.length = 0;
        // Close only once the answer is out, or the caller sees a reset instead of the 413.
        res.once('finish', () => req.destroy());
        send(res, tooLarge(limit, req.headers));
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => { aborted = true; });
    req.on('end', () => {
      if (aborted) return;
      const raw: RawRequest = {
        method: req.method ?? 'GET', rawPath, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: headersOf(req), body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      };
      const sourceIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
      const route = matchRoute(door.routes, rawPath);
      const handling = route ? route.handle(raw, sourceIp) : door.aws(raw, sourceIp);
      const started = door.logger.debugEnabled ? performance.now() : 0;
      handling.then((out) => {
        send(res, out);
        if (started) door.logger.debug('request', { method: raw.method, path: rawPath, status: out.status, ms: Math.round((performance.now() - started) * 10) / 10, sourceIp });
      }, (e: unknown) => {
        door.logger.error('unhandled error in receiver', { path: rawPath, error: e instanceof Error ? e.stack : String(e) });
        send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal error\n' });
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 300_000;
  return server;
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
  if (res.headersSent) return;
  const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
  const headers: Record<string, string | number> = { ...out.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = body.length;
  res.writeHead(out.status, headers);
  res.end(body);
}
