// How the AWS pipeline reads a request's body: under a limit, through a PayloadReader that hashes,
// decodes and checksums the bytes as they arrive, and never before the head has been checked as
// far as it can be without the body.
import { AwsError } from '../protocol/errors.js';
import { bufferedBody, type PendingRequest, type RawRequest } from '../protocol/http.js';
import type { Protocol } from '../protocol/model.js';
import { PayloadReader, type Payload, type PayloadOptions } from '../protocol/payload.js';

/** Bodies read before their signature is verified (the signature covers their hash) stay under this unless told otherwise. */
export const DEFAULT_UNVERIFIED_BODY_BYTES = 10 * 1024 * 1024;

/** The body read to its end, at most `limit` bytes, with what `opts` asks to compute on the way. */
export async function readBody(req: PendingRequest, limit: number, opts: PayloadOptions): Promise<Payload> {
  const reader = new PayloadReader(req.headers, opts);
  await req.body.read(limit, (chunk) => reader.push(chunk));
  return reader.finish();
}

/**
 * The size to assemble the decoded body in, once the caller is authenticated: what the head
 * announces, trusted only up to the limit (a lie costs an allocation the caller could send anyway).
 */
export function expectedLength(req: PendingRequest, chunked: boolean, limit: number): number | undefined {
  const n = chunked ? Number(req.headers['x-amz-decoded-content-length']) : req.body.declaredLength;
  return n !== undefined && Number.isInteger(n) && n > 0 && n <= limit ? n : undefined;
}

/** A small body for telling which service an unsigned request meant (query forms name their Action there). */
export async function smallBody(req: PendingRequest, max: number): Promise<RawRequest> {
  const head = { method: req.method, rawPath: req.rawPath, query: req.query, headers: req.headers };
  const size = req.body.declaredLength;
  if (size === undefined || size === 0 || size > max) return { ...head, body: Buffer.alloc(0) };
  try {
    return { ...head, body: (await readBody(req, max, {})).body };
  } catch {
    return { ...head, body: Buffer.alloc(0) };
  }
}

/** A request whose body is already in memory, as the pipeline takes it (tests, internal callers). */
export function pendingOf(req: RawRequest): PendingRequest {
  return { method: req.method, rawPath: req.rawPath, query: req.query, headers: req.headers, body: bufferedBody(req.body) };
}

/** A body over its limit, in the protocol's words (read mid-stream: the head announced less, or nothing). */
export function tooLargeError(protocol: Protocol, limit: number): AwsError {
  const message = `Request body exceeds the limit of ${limit} bytes`;
  return protocol === 'json' || protocol === 'rest-json'
    ? new AwsError('RequestEntityTooLargeException', message, 413)
    : new AwsError('RequestEntityTooLarge', message, 413);
}
