// Small HTTP helpers of the console's JSON API: answers, request bodies, and the checks every
// state-changing request passes (JSON only, same origin) before any CSRF token is looked at.
import type { RawRequest, RawResponse } from '../protocol/http.js';
import { SECURITY_HEADERS } from './static.js';

export class ApiProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): RawResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(p: ApiProblem, headers: Record<string, string> = {}): RawResponse {
  return json(p.status, { error: { code: p.code, message: p.message } }, headers);
}

/** The JSON object a POST carries. */
export function readBody(req: RawRequest): Record<string, unknown> {
  if (!req.body.length) return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new ApiProblem(400, 'BadRequest', 'The request body is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApiProblem(400, 'BadRequest', 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string, max: number, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ApiProblem(400, 'BadRequest', `${name} is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max) throw new ApiProblem(400, 'BadRequest', `${name} must be a string of at most ${max} characters.`);
  return v;
}

/**
 * Cross-site requests cannot send `application/json` without a CORS preflight (which we never
 * grant), and browsers name their origin on every POST: both must point at us.
 */
export function checkSameOrigin(req: RawRequest): void {
  const ctype = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ctype !== 'application/json') throw new ApiProblem(415, 'UnsupportedMediaType', 'Console API requests must be application/json.');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ApiProblem(403, 'CrossOriginRequest', 'Cross-origin requests are not allowed.');
  }
  if (!host || originHost !== host) throw new ApiProblem(403, 'CrossOriginRequest', 'Cross-origin requests are not allowed.');
}
