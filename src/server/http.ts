// node:http front door: reads each request (bounded), hands it to the right receiver (AWS APIs,
// Slack, console, chattrail's own endpoints) and writes the answer. Nothing here knows AWS.
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

function tooLarge(limit: number): RawResponse {
  return { status: 413, headers: { 'content-type': 'text/plain', connection: 'close' }, body: `Request body exceeds the limit of ${limit} bytes\n` };
}

export function createHttpServer(door: FrontDoor): http.Server {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const limit = door.maxBodyBytes({ method: req.method ?? 'GET', path: rawPath });
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      send(res, tooLarge(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        aborted = true;
        send(res, tooLarge(limit));
        req.destroy();
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
      const route = door.routes.find((r) => rawPath.startsWith(r.prefix) || rawPath === r.prefix.replace(/\/$/, ''));
      const handling = route ? route.handle(raw, sourceIp) : door.aws(raw, sourceIp);
      handling.then((out) => send(res, out), (e: unknown) => {
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

function send(res: http.ServerResponse, out: RawResponse): void {
  if (res.headersSent) return;
  const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
  const headers: Record<string, string | number> = { ...out.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = body.length;
  res.writeHead(out.status, headers);
  res.end(body);
}
