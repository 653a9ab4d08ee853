// HTTP wire details of the Slack peer: turning a request into Web API params the ways Slack
// accepts them (form, JSON, multipart, query string), finding the caller's credentials, coercing
// parameter values, and writing Slack-shaped JSON responses. Method handlers never see HTTP.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SlackError, type Params } from './state.js';

export interface ParsedRequest {
  params: Params;
  token?: string;
  basic?: { user: string; password: string };
}

export interface MultipartPart {
  name?: string;
  filename?: string;
  data: Buffer;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * Params come from the query string and the body (body wins). Slack ignores a `token` inside a
 * JSON body (JSON callers must use the Authorization header), so only form bodies may carry one.
 */
export function parseRequest(headers: IncomingHttpHeaders, body: Buffer, query: URLSearchParams): ParsedRequest {
  const params: Params = Object.fromEntries(query);
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  let formToken: string | undefined = typeof params.token === 'string' ? params.token : undefined;
  if (contentType.startsWith('application/json')) {
    Object.assign(params, parseJsonBody(body));
  } else if (contentType.startsWith('multipart/form-data')) {
    for (const part of parseMultipart(body, headers['content-type'] ?? '')) {
      if (part.name !== undefined && part.filename === undefined) params[part.name] = part.data.toString('utf8');
    }
    formToken = typeof params.token === 'string' ? params.token : formToken;
  } else if (body.length > 0) {
    // Slack treats a body without a content type as form data, and so does @slack/web-api's server side.
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    formToken = typeof params.token === 'string' ? params.token : formToken;
  }
  delete params.token;
  const authorization = headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  return { params, token: bearer ?? formToken, basic: parseBasic(authorization) };
}

function parseJsonBody(body: Buffer): Params {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SlackError('invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SlackError('json_not_object');
  const { token: _ignored, ...rest } = value as Params;
  return rest;
}

function parseBasic(authorization: string): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Just enough multipart/form-data to read what @slack/web-api and curl -F send. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundaryText = match?.[1] ?? match?.[2];
  if (!boundaryText) throw new SlackError('invalid_form_data');
  const boundary = Buffer.from(`--${boundaryText}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(boundary);
  while (start !== -1) {
    const afterBoundary = start + boundary.length;
    if (body.subarray(afterBoundary, afterBoundary + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', afterBoundary);
    const next = headerEnd === -1 ? -1 : body.indexOf(boundary, headerEnd);
    if (next === -1) throw new SlackError('invalid_form_data');
    const partHeaders = body.subarray(afterBoundary, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(partHeaders)?.[0] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1],
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      // The CRLF before the next boundary belongs to the delimiter, not the data.
      data: body.subarray(headerEnd + 4, next - 2),
    });
    start = next;
  }
  return parts;
}

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Form bodies carry booleans as "true"/"1"; JSON bodies as real booleans. */
export function boolParam(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === '') return fallback;
  return value === true || value === 1 || value === 'true' || value === '1';
}

/** undefined when absent; NaN when present but not an integer, so callers can answer with their own error code. */
export function intParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : NaN;
}

/** Form bodies carry structured params (blocks, files) as JSON strings; JSON bodies carry them as values. */
export function jsonParam(params: Params, name: string, errorCode: string): unknown {
  const value = params[name];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackError(errorCode);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
