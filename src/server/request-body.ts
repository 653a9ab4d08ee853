// How the AWS pipeline reads a request's body: under a limit, through a PayloadReader that hashes,
// decodes and checksums the bytes as they arrive, and never before the head has been checked as
// far as it can be without the body. Large upload bodies spill to a spool file as they arrive.
import fs from 'node:fs';
import { AwsError } from '../protocol/errors.js';
import { protocolOf, resolveOperation } from '../protocol/codec.js';
import { payloadOf } from '../protocol/rest-json.js';
import type { ServiceDefinition } from '../core/service.js';
import { bufferedBody, type BodySource, type PendingRequest, type RawRequest } from '../protocol/http.js';
import type { Protocol } from '../protocol/model.js';
import { PayloadReader, type Payload, type PayloadOptions, type Spill } from '../protocol/payload.js';
import type { Spool } from '../storage/spool.js';

/** Bodies read before their signature is verified (the signature covers their hash) stay under this unless told otherwise. */
export const DEFAULT_UNVERIFIED_BODY_BYTES = 10 * 1024 * 1024;

/** Bodies past this many (decoded) bytes go to a spool file when the operation takes a streaming upload. */
export const SPOOL_THRESHOLD = 1024 * 1024;

/**
 * The body read to its end, at most `limit` bytes, with what `opts` asks to compute on the way.
 * A spool file begun for it is removed if the read fails (too large, the client left).
 */
export async function readBody(req: PendingRequest, limit: number, opts: PayloadOptions): Promise<Payload> {
  const reader = new PayloadReader(req.headers, opts);
  try {
    await req.body.read(limit, (chunk) => reader.push(chunk));
  } catch (e) {
    await reader.discard();
    throw e;
  }
  return reader.spilled ? reader.finishSpooled() : reader.finish();
}

/** Removes a spooled body's file (a body that failed verification). */
export async function dropSpooled(payload: Payload): Promise<void> {
  if (payload.file) await fs.promises.unlink(payload.file.path).catch(() => undefined);
}

/**
 * Whether the request is a PUT of an operation whose input is a streaming blob payload (S3
 * PutObject, UploadPart): only those handlers take a file-backed body. The service's rewrite
 * (S3's virtual-hosted buckets) is applied to the head first, as routing will.
 */
export function takesStreamingUpload(service: ServiceDefinition, req: PendingRequest): boolean {
  if (req.method !== 'PUT') return false;
  const head: RawRequest = { method: req.method, rawPath: req.rawPath, query: req.query, headers: req.headers, body: Buffer.alloc(0) };
  try {
    const routed = service.rewrite ? service.rewrite(head) : head;
    const { op } = resolveOperation(service.model, routed, undefined, protocolOf(service.model, routed));
    const input = op.input ? service.model.shape(op.input.shape) : undefined;
    const payload = input ? payloadOf(service.model, input) : undefined;
    // botocore marks streaming on the member (S3's Body), smithy on the shape.
    const streaming = payload !== undefined && (input!.members![payload.name].streaming === true || payload.shape.streaming === true);
    return streaming && payload.shape.type === 'blob';
  } catch {
    return false;
  }
}

/** A body source that holds resources until its request is answered (the front door's IncomingBody). */
interface Disposer {
  defer(cleanup: () => Promise<void>): void;
}

function disposerOf(body: BodySource): Disposer | undefined {
  const d = body as BodySource & Partial<Disposer>;
  return typeof d.defer === 'function' ? (d as BodySource & Disposer) : undefined;
}

/**
 * Where a large body of `req` may go instead of memory: a spool file, removed once the request
 * is answered unless the store moved it into place first. Undefined for bodies that cannot grow
 * past the threshold (every API call: no work at all) and for sources nobody would clean up after.
 */
export function spillFor(req: PendingRequest, spool: () => Spool): Spill | undefined {
  const n = req.body.declaredLength;
  if (n !== undefined && n <= SPOOL_THRESHOLD) return undefined;
  const disposer = disposerOf(req.body);
  if (!disposer) return undefined;
  return {
    threshold: SPOOL_THRESHOLD,
    open: () => {
      const file = spool().create();
      disposer.defer(() => file.discard());
      return file;
    },
  };
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
