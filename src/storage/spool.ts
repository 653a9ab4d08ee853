// Large upload bodies on their way to the object store: written to owner-only files under
// `<dataDir>/spool/` as they arrive (with backpressure, so RSS stays flat), handed to S3 as
// SpooledFiles that the store renames into place, and removed on every other path. Leftovers of
// a kill -9 are swept when S3 starts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SpooledFile, SpoolSink } from '../protocol/payload.js';

/** The spool folder of a data folder: beside `objects/`, so a rename moves a body into place. */
export function spoolDirOf(dataDir: string): string {
  return path.join(dataDir, 'spool');
}

/** Removes every file left in the spool (a crash mid-upload) and makes sure the folder exists, owner-only. */
export function sweepSpool(dir: string): number {
  let removed = 0;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(dir)) {
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Written bytes queued past this make the writer ask its caller to wait (the socket is paused). */
const HIGH_WATER = 1024 * 1024;

export class Spool {
  constructor(readonly dir: string) {}

  /** A new, empty spool file (mode 0600), written in order as chunks are handed in. */
  create(): SpoolWriter {
    return new SpoolWriter(path.join(this.dir, crypto.randomBytes(16).toString('hex')), this.dir);
  }
}

/**
 * One spool file being written. Writes are queued in order on one file handle; `write` answers a
 * promise only when the queue is long (the caller waits for it before reading more). `discard` is
 * safe at any time, any number of times, and after the file was moved away.
 */
export class SpoolWriter implements SpoolSink {
  private chain: Promise<void>;
  private fh?: fs.promises.FileHandle;
  private queued = 0;
  private failure?: Error;
  private size = 0;
  private discarded = false;

  constructor(readonly path: string, dir: string) {
    this.chain = fs.promises.mkdir(dir, { recursive: true, mode: 0o700 })
      .then(() => fs.promises.open(this.path, 'wx', 0o600))
      .then((fh) => { this.fh = fh; });
    this.watch();
  }

  write(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.queued += chunk.length;
    this.size += chunk.length;
    this.chain = this.chain.then(async () => {
      await writeAll(this.fh!, chunk);
      this.queued -= chunk.length;
    });
    this.watch();
    return this.queued > HIGH_WATER ? this.chain : undefined;
  }

  /** Every byte written and synced to disk; the file is closed and ready to be renamed. */
  async finish(md5?: string): Promise<SpooledFile> {
    await this.chain;
    if (this.discarded) throw new Error('the spool file was discarded');
    const fh = this.fh!;
    this.fh = undefined;
    try { await fh.sync(); } finally { await fh.close(); }
    return { path: this.path, size: this.size, md5 };
  }

  async discard(): Promise<void> {
    this.discarded = true;
    await this.chain.catch(() => undefined);
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => undefined);
    await fs.promises.unlink(this.path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  }

  /** Remembers the first failure (a full disk) so the next write throws it; no unhandled rejection. */
  private watch(): void {
    this.chain.catch((e: unknown) => { this.failure ??= e instanceof Error ? e : new Error(String(e)); });
  }
}

async function writeAll(fh: fs.promises.FileHandle, chunk: Buffer): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}
