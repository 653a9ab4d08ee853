// The protocol layer's view of HTTP: a request's head, its body (read in full, or still to be read
// on demand), and a response to write. The server builds these from node:http; nothing below the
// protocol layer sees node's objects.
import type { Payload } from './payload.js';

/** What arrives before the body: enough to authenticate a signed request. */
export interface RequestHead {
  method: string;
  /** Path without the query string, still percent-encoded as sent. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export interface RawRequest extends RequestHead {
  body: Buffer;
  /**
   * How the body was read: digests computed as the bytes arrived, aws-chunked decoding, problems
   * found. Set by the AWS pipeline; absent when a body was handed over as a plain buffer.
   */
  payload?: Payload;
}

/** A request whose body has not been read: the AWS pipeline authenticates the head first. */
export interface PendingRequest extends RequestHead {
  body: BodySource;
}

/** A body still on the wire, read at most once, under a limit. */
export interface BodySource {
  /** Content-Length as declared; undefined for a chunked transfer. */
  readonly declaredLength: number | undefined;
  /** The most this request may carry (the route's limit). */
  readonly limit: number;
  /**
   * Reads the body to its end, handing each chunk to `onChunk` as it arrives (nothing is kept
   * here). Rejects with BodyTooLarge past `limit` bytes, or when the client goes away.
   */
  read(limit: number, onChunk: (chunk: Buffer) => void): Promise<void>;
}

/** A body over the limit it was read under. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
  }
}

/** A body already in memory, as a BodySource (tests, callers that hold the bytes). */
export function bufferedBody(body: Buffer, limit = Number.MAX_SAFE_INTEGER): BodySource {
  let read = false;
  return {
    declaredLength: body.length,
    limit,
    async read(max, onChunk) {
      if (read) throw new Error('the body was read already');
      read = true;
      if (body.length > Math.min(max, limit)) throw new BodyTooLarge(Math.min(max, limit));
      if (body.length) onChunk(body);
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
