// The body of a node:http request, read only when a receiver asks for it (the AWS pipeline first
// authenticates the head), and ended safely when the answer goes out without it: a client waiting
// for `100 Continue` never sends it; one that sends anyway is drained to a bound, so it reads the
// answer instead of a broken pipe, and nothing it sends is kept. Whatever a reader left behind
// (a spool file) is disposed of once the answer is out.
import type http from 'node:http';
import { BodyTooLarge, type BodySource } from '../protocol/http.js';

/** How much of an unwanted body is read and dropped before the connection is cut. */
export const DISCARD_BYTES = 128 * 1024 * 1024;

export class IncomingBody implements BodySource {
  readonly declaredLength: number | undefined;
  private state: 'waiting' | 'reading' | 'done' | 'abandoned' = 'waiting';
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(private readonly req: http.IncomingMessage, private readonly res: http.ServerResponse,
    readonly limit: number, private expectsContinue: boolean) {
    const length = req.headers['content-length'];
    // Neither Content-Length nor Transfer-Encoding: HTTP/1.1 says there is no body.
    this.declaredLength = length !== undefined ? Number(length) : req.headers['transfer-encoding'] ? undefined : 0;
  }

  /**
   * Reads the body, handing each chunk to `onChunk`; when it answers a promise (a spool file is
   * behind), the socket is paused until it settles, so a fast client never fills memory.
   */
  read(limit: number, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<void> {
    if (this.state !== 'waiting') return Promise.reject(new Error('the request body was read already'));
    const max = Math.min(limit, this.limit);
    if (this.declaredLength !== undefined && this.declaredLength > max) {
      this.state = 'abandoned';
      return Promise.reject(new BodyTooLarge(max));
    }
    this.state = 'reading';
    if (this.expectsContinue) {
      this.expectsContinue = false;
      this.res.writeContinue();
    }
    const { req } = this;
    if (req.readableEnded) { this.state = 'done'; return Promise.resolve(); }
    // Most API bodies have arrived whole by the time the head is checked: take them as they lie.
    if (this.declaredLength !== undefined && req.readableLength === this.declaredLength) return this.readArrived(max, onChunk);
    return new Promise((resolve, reject) => {
      let size = 0;
      const finish = (e?: Error) => {
        if (this.state !== 'reading') return;
        req.off('data', onData); req.off('end', onEnd); req.off('error', onError); req.off('close', onClose);
        if (!e) { this.state = 'done'; resolve(); return; }
        this.state = 'abandoned';
        req.pause();
        reject(e);
      };
      let behind: Promise<void> | undefined;
      const onData = (c: Buffer) => {
        size += c.length;
        if (size > max) { finish(new BodyTooLarge(max)); return; }
        let wait: Promise<void> | void;
        try { wait = onChunk(c); } catch (e) { finish(e instanceof Error ? e : new Error(String(e))); return; }
        if (!wait) return;
        req.pause();
        behind = wait.then(() => { if (this.state === 'reading') req.resume(); }, (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
      };
      // The last chunk's write may still be queued when the body ends: it is part of the body.
      const onEnd = () => { if (behind) behind.then(() => finish(), finish); else finish(); };
      const onError = (e: Error) => finish(e);
      const onClose = () => { if (!req.complete) finish(new Error('the client closed the connection before the body ended')); };
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', onError);
      req.once('close', onClose);
    });
  }

  /**
   * Every declared byte is already buffered by node: read them in one step, no listeners. Nothing
   * more can come for this request; resuming lets the stream reach its end as usual.
   */
  private readArrived(max: number, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<void> {
    const { req } = this;
    const c = req.read() as Buffer | null;
    this.state = 'done';
    req.resume();
    if (c === null) return Promise.resolve();
    if (c.length > max) { this.state = 'abandoned'; return Promise.reject(new BodyTooLarge(max)); }
    try { return onChunk(c) ?? Promise.resolve(); } catch (e) { return Promise.reject(e); }
  }

  /** Runs `cleanup` once the request is answered, whatever happened (a spool file nobody took). */
  defer(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Called by the front door once the answer is out (or there is no one to answer); costs nothing when nothing was deferred. */
  dispose(): void {
    if (this.cleanups.length === 0) return;
    for (const c of this.cleanups.splice(0)) void c().catch(() => undefined);
  }

  /** Reads the whole body into one buffer (receivers that need it before anything else). */
  async readAll(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    await this.read(this.limit, (c) => { chunks.push(c); size += c.length; });
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  }

  /**
   * Called as the answer goes out. A body nobody read is dropped as it arrives, up to a bound; true
   * when the connection must close after the answer instead (the body will never come, or is
   * too large to wait for).
   */
  settle(): boolean {
    if (this.state === 'done') return false;
    // Never told to continue: the client sends nothing more on this request.
    if (this.expectsContinue || this.state === 'reading') return true;
    if (this.declaredLength !== undefined && this.declaredLength > DISCARD_BYTES) return true;
    this.state = 'done';
    const { req } = this;
    let dropped = 0;
    req.on('data', (c: Buffer) => {
      dropped += c.length;
      if (dropped > DISCARD_BYTES) req.socket.destroy();
    });
    req.on('error', () => { /* the client went away while being drained: nothing to do */ });
    req.resume();
    return false;
  }
}
