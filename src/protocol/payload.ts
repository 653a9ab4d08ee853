// Reads a request body as it arrives: SHA-256 of the bytes as sent (to compare with a declared
// x-amz-content-sha256, or to verify a signature over them), aws-chunked decoding with each chunk
// signature checked through a callback, and the checksums the headers declare (Content-MD5,
// x-amz-checksum-*), all fed chunk by chunk so a large body never costs one long blocking hash.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';

/** Checks the signatures of a signed aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). */
export interface ChunkVerifier {
  /** True when `signature` signs the next chunk, whose data hashes to `dataSha256` (hex). */
  chunk(dataSha256: string, signature: string | undefined): boolean;
  /** Present when the body ends in signed trailer headers: true when `signature` signs them (`name:value\n` lines). */
  trailer?(canonical: string, signature: string | undefined): boolean;
}

export interface PayloadOptions {
  /** Hash the bytes as sent with SHA-256. */
  sha256?: boolean;
  /** The body is aws-chunked (x-amz-content-sha256 STREAMING-*): decode it. */
  chunked?: boolean;
  /** Signed chunks: every chunk (and the trailer, if any) must carry a valid signature. */
  verifier?: ChunkVerifier;
  /** MD5 of the decoded bytes even when no header declares one (S3's ETag). */
  md5?: boolean;
  /** The decoded size, when known and trusted: the body is assembled in one allocation. */
  expectedLength?: number;
  /** Past `threshold` decoded bytes, the body goes to a file instead of memory (large uploads). */
  spill?: Spill;
}

/** Where a large body goes once it outgrows memory. */
export interface Spill {
  threshold: number;
  open(): SpoolSink;
}

/** A file being written in order; `write` answers a promise when the caller should wait before reading more. */
export interface SpoolSink {
  write(chunk: Buffer): Promise<void> | undefined;
  finish(md5?: string): Promise<SpooledFile>;
  discard(): Promise<void>;
}

/** A body that lives in a file (a spooled upload): the object store moves it into place. */
export interface SpooledFile {
  path: string;
  size: number;
  /** Hex MD5 of the bytes, when computed as they arrived. */
  md5?: string;
}

/**
 * Bytes handed through layers that expect a Buffer (the codec puts a raw payload into the input
 * as it is) while they live in a file: an empty Buffer stands for them, and only the code that
 * made it can tell, by identity, what it stands for. Nothing can forge one from outside.
 */
const standIns = new WeakMap<Buffer, SpooledFile>();

/** An empty Buffer that stands for `file` (see fileBehind). */
export function standInFor(file: SpooledFile): Buffer {
  const b = Buffer.alloc(0);
  standIns.set(b, file);
  return b;
}

/** The file a stand-in Buffer stands for; undefined for ordinary bytes. */
export function fileBehind(body: unknown): SpooledFile | undefined {
  return Buffer.isBuffer(body) ? standIns.get(body) : undefined;
}

/** Bytes of an open file to send as an answer's body (GetObject), streamed by the front door. */
export interface FileSlice {
  handle: FileHandle;
  start: number;
  length: number;
}

const slices = new WeakMap<Buffer, { slice: FileSlice; timer: NodeJS.Timeout }>();
/** A slice nobody sends (an error after the handler ran) has its file closed after this long. */
const UNSENT_SLICE_MS = 60_000;

/** An empty Buffer that stands for `slice` in an answer, until the front door takes it (sliceBehind). */
export function sliceStandIn(slice: FileSlice): Buffer {
  const b = Buffer.alloc(0);
  const timer = setTimeout(() => { void slice.handle.close().catch(() => undefined); }, UNSENT_SLICE_MS);
  timer.unref();
  slices.set(b, { slice, timer });
  return b;
}

/** The slice a stand-in answers with, without taking it (its size, for the record). */
export function peekSlice(body: unknown): FileSlice | undefined {
  return Buffer.isBuffer(body) ? slices.get(body)?.slice : undefined;
}

/** Takes the slice a stand-in answers with: the caller now streams it and closes its file. */
export function takeSlice(body: unknown): FileSlice | undefined {
  if (!Buffer.isBuffer(body)) return undefined;
  const entry = slices.get(body);
  if (!entry) return undefined;
  slices.delete(body);
  clearTimeout(entry.timer);
  return entry.slice;
}

export interface Payload {
  /** The body's bytes (decoded when aws-chunked); for a spooled body, a stand-in for `file`. */
  body: Buffer;
  /** Decoded size in bytes (equal to body.length unless spooled). */
  size: number;
  /** The body went to a file (over the spill threshold). */
  file?: SpooledFile;
  /** It was aws-chunked, and `body` is what the chunks carried. */
  chunked: boolean;
  /** Bytes received on the wire. */
  rawLength: number;
  /** Hex SHA-256 of the bytes as sent, when asked for. */
  sha256?: string;
  /** Hex MD5 of the decoded bytes, when asked for or declared by Content-MD5. */
  md5?: string;
  /** Checksums of the decoded bytes, base64, by the header that declares them (`x-amz-checksum-crc32`). */
  checksums: Record<string, string>;
  /** aws-chunked trailer headers (checksums), the trailer signature left out. */
  trailers: Record<string, string>;
  /** A malformed or short aws-chunked body, in S3's words. */
  problem?: { code: string; message: string };
  /** False when a signed chunk or trailer did not verify. */
  signaturesValid: boolean;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_CHUNK_HEADER = 4096;
const MAX_TRAILER = 16 * 1024;

export interface Running {
  update(b: Buffer): void;
  digest(): string;
}

function hashOf(algorithm: string): Running {
  const h = crypto.createHash(algorithm);
  return { update: (b) => { h.update(b); }, digest: () => h.digest('base64') };
}

function crcOf(step: (b: Buffer, previous: number) => number): Running {
  let v = 0;
  return { update: (b) => { v = step(b, v); }, digest: () => { const out = Buffer.alloc(4); out.writeUInt32BE(v >>> 0); return out.toString('base64'); } };
}

/** The checksums S3 accepts, by the header that carries them. */
export const CHECKSUMS: Record<string, () => Running> = {
  'x-amz-checksum-crc32': () => crcOf((b, v) => zlib.crc32(b, v)),
  'x-amz-checksum-crc32c': () => crcOf(crc32c),
  'x-amz-checksum-sha1': () => hashOf('sha1'),
  'x-amz-checksum-sha256': () => hashOf('sha256'),
};

/** Checksums a request declares, in a header or as a trailer named by x-amz-trailer. */
export function declaredChecksums(headers: Record<string, string>): string[] {
  const trailer = headers['x-amz-trailer']?.split(',').map((s) => s.trim().toLowerCase());
  const out: string[] = [];
  for (const h in CHECKSUMS) if (headers[h] !== undefined || trailer?.includes(h)) out.push(h);
  return out;
}

/** Bodies up to this size are hashed once at the end (one call is cheaper than a Hash object). */
const ONE_SHOT_BYTES = 256 * 1024;

const sha256Hex: (data: Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Feeds chunks in, gets the decoded body and its digests out. */
export class PayloadReader {
  private rawLength = 0;
  private sha256?: crypto.Hash;
  private readonly md5?: crypto.Hash;
  private readonly sums: [string, Running][];
  private collector: Collector;
  private readonly decoder?: ChunkedDecoder;
  /** Set once the body outgrew the spill threshold: the bytes go there, not to the collector. */
  private sink?: SpoolSink;
  private decodedSize = 0;
  private wait?: Promise<void>;

  constructor(headers: Record<string, string>, private readonly opts: PayloadOptions = {}) {
    if (opts.md5 || headers['content-md5'] !== undefined) this.md5 = crypto.createHash('md5');
    this.sums = declaredChecksums(headers).map((h) => [h, CHECKSUMS[h]()]);
    // A body that may spill is never assembled in one allocation beyond the threshold.
    const expected = opts.spill && (opts.expectedLength ?? 0) > opts.spill.threshold ? undefined : opts.expectedLength;
    this.collector = new Collector(expected);
    if (opts.chunked) this.decoder = new ChunkedDecoder((data) => this.decoded(data), opts.verifier);
  }

  /** The body went to a spool file: finish with `finishSpooled`. */
  get spilled(): boolean {
    return this.sink !== undefined;
  }

  /** Takes the next chunk; a promise means "wait for it before pushing more" (the spool file is behind). */
  push(chunk: Buffer): Promise<void> | undefined {
    this.wait = undefined;
    this.rawLength += chunk.length;
    // A plain body is hashed in one call at the end while it is small (the collector holds it);
    // past that, when decoding, or when it may spill (the raw bytes are not kept), as it arrives.
    if (this.opts.sha256 && !this.sha256 && (this.decoder || this.opts.spill || this.rawLength > ONE_SHOT_BYTES)) {
      this.sha256 = crypto.createHash('sha256');
      if (!this.decoder) this.sha256.update(this.collector.result());
    }
    this.sha256?.update(chunk);
    if (this.decoder) this.decoder.push(chunk);
    else this.decoded(chunk);
    return this.wait;
  }

  private decoded(data: Buffer): void {
    this.md5?.update(data);
    for (const [, s] of this.sums) s.update(data);
    this.decodedSize += data.length;
    const { spill } = this.opts;
    if (!this.sink && spill && this.decodedSize > spill.threshold) {
      // Past the threshold: what was gathered goes first, and memory is let go of.
      this.sink = spill.open();
      const gathered = this.collector.result();
      this.collector = new Collector(undefined);
      if (gathered.length) this.sink.write(gathered);
    }
    if (this.sink) this.wait = this.sink.write(data) ?? this.wait;
    else this.collector.add(data);
  }

  /** The payload of a body that stayed in memory (no spill). */
  finish(): Payload {
    if (this.sink) throw new Error('the body was spooled: finish it with finishSpooled()');
    return this.result(this.collector.result());
  }

  /** The payload of a spooled body, once its file is complete on disk. */
  async finishSpooled(): Promise<Payload> {
    if (!this.sink) return this.finish();
    const out = this.result(Buffer.alloc(0));
    const file = await this.sink.finish(out.md5);
    return { ...out, body: standInFor(file), file };
  }

  /** Drops a spool file begun for a body that will not be used (too large, the client left). */
  async discard(): Promise<void> {
    await this.sink?.discard();
  }

  private result(body: Buffer): Payload {
    const end = this.decoder?.finish();
    return {
      body,
      size: this.decodedSize,
      chunked: this.decoder !== undefined,
      rawLength: this.rawLength,
      sha256: this.sha256 ? this.sha256.digest('hex') : this.opts.sha256 ? sha256Hex(body) : undefined,
      md5: this.md5?.digest('hex'),
      checksums: this.sums.length ? Object.fromEntries(this.sums.map(([h, s]) => [h, s.digest()])) : {},
      trailers: end?.trailers ?? {},
      problem: end?.problem,
      signaturesValid: end?.signaturesValid ?? !this.opts.verifier,
    };
  }
}

/** A whole body at once (callers that already hold the bytes). */
export function readPayload(headers: Record<string, string>, body: Buffer, opts: PayloadOptions = {}): Payload {
  const r = new PayloadReader(headers, opts);
  if (body.length) r.push(body);
  return r.finish();
}

/** Gathers the decoded bytes: into one buffer when the size is known, else a list joined once. */
class Collector {
  private chunks: Buffer[] = [];
  private size = 0;
  private buf?: Buffer;

  constructor(expected: number | undefined) {
    if (expected && expected > 0) this.buf = Buffer.allocUnsafe(expected);
  }

  add(b: Buffer): void {
    if (this.buf && this.size + b.length <= this.buf.length) {
      b.copy(this.buf, this.size);
    } else {
      // More than announced: keep what was gathered and go on as a list.
      if (this.buf) { this.chunks.push(this.buf.subarray(0, this.size)); this.buf = undefined; }
      this.chunks.push(b);
    }
    this.size += b.length;
  }

  result(): Buffer {
    if (this.buf) return this.buf.subarray(0, this.size);
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
  }
}

type Problem = { code: string; message: string };

/**
 * aws-chunked: `<hex-size>[;chunk-signature=<sig>]\r\n<bytes>\r\n` ... `0[;...]\r\n`, then optional
 * trailer lines `name:value\r\n` and a final `\r\n`, decoded as the bytes arrive.
 */
class ChunkedDecoder {
  private state: 'header' | 'data' | 'crlf' | 'trailer' = 'header';
  private line = '';
  private remaining = 0;
  private crlfSeen = 0;
  private chunkHash?: crypto.Hash;
  private chunkSignature?: string;
  private trailer = '';
  private problem?: Problem;
  private signaturesValid = true;

  constructor(private readonly out: (data: Buffer) => void, private readonly verifier?: ChunkVerifier) {}

  push(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length && !this.problem) {
      if (this.state === 'header') {
        const nl = buf.indexOf(0x0a, pos);
        const end = nl < 0 ? buf.length : nl + 1;
        this.line += buf.toString('latin1', pos, end);
        pos = end;
        if (this.line.length > MAX_CHUNK_HEADER) this.fail('InvalidRequest', 'Malformed aws-chunked chunk header');
        else if (nl >= 0) this.headerLine();
      } else if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - pos);
        const part = buf.subarray(pos, pos + n);
        this.chunkHash?.update(part);
        this.out(part);
        this.remaining -= n;
        pos += n;
        if (this.remaining === 0) this.endChunk();
      } else if (this.state === 'crlf') {
        if (buf[pos] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) this.fail('InvalidRequest', 'Malformed aws-chunked chunk terminator');
        pos++;
        if (++this.crlfSeen === 2) this.state = 'header';
      } else {
        this.trailer += buf.toString('latin1', pos);
        pos = buf.length;
        if (this.trailer.length > MAX_TRAILER) this.fail('InvalidRequest', 'The aws-chunked trailer is too large');
      }
    }
  }

  private headerLine(): void {
    const text = this.line.endsWith('\r\n') ? this.line.slice(0, -2) : undefined;
    this.line = '';
    const [sizeText, ...ext] = (text ?? '').split(';');
    if (text === undefined || !/^[0-9a-fA-F]{1,16}$/.test(sizeText.trim())) return this.fail('InvalidRequest', 'Malformed aws-chunked chunk header');
    const size = parseInt(sizeText.trim(), 16);
    const signature = ext.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length);
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256, signature);
      this.state = 'trailer';
      return;
    }
    this.remaining = size;
    this.chunkSignature = signature;
    this.chunkHash = this.verifier ? crypto.createHash('sha256') : undefined;
    this.state = 'data';
  }

  private endChunk(): void {
    if (this.chunkHash) this.verifyChunk(this.chunkHash.digest('hex'), this.chunkSignature);
    this.chunkHash = undefined;
    this.state = 'crlf';
    this.crlfSeen = 0;
  }

  private verifyChunk(dataSha256: string, signature: string | undefined): void {
    if (this.verifier && !this.verifier.chunk(dataSha256, signature)) this.signaturesValid = false;
  }

  private fail(code: string, message: string): void {
    this.problem ??= { code, message };
  }

  finish(): { trailers: Record<string, string>; problem?: Problem; signaturesValid: boolean } {
    if (this.state !== 'trailer') {
      this.fail('IncompleteBody', this.state === 'header' && this.line === '' ? 'The aws-chunked body ends before its final chunk' : 'The aws-chunked body is shorter than its chunk sizes');
    }
    const trailers: Record<string, string> = {};
    let signature: string | undefined;
    let canonical = '';
    for (const line of this.trailer.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') { signature = value; continue; }
      trailers[name] = value;
      canonical += `${name}:${value}\n`;
    }
    if (this.verifier) {
      // A signed body's trailer is signed too; unsigned trailers on a signed body are refused.
      const ok = this.verifier.trailer ? this.verifier.trailer(canonical, signature) : canonical === '' && signature === undefined;
      if (!ok) this.signaturesValid = false;
    }
    // With signed chunks, a body that cannot be decoded to its end is not proven either.
    return { trailers, problem: this.problem, signaturesValid: this.verifier ? this.signaturesValid && !this.problem : true };
  }
}

let crc32cTable: Uint32Array | undefined;
/** CRC-32C (Castagnoli), which node's zlib does not offer; `previous` continues a running value. */
export function crc32c(buf: Buffer, previous = 0): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[i] = c >>> 0;
    }
  }
  const t = crc32cTable;
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < buf.length; i++) crc = t[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
