// How the object store writes its files: pieces (buffers, spooled uploads, slices of open files,
// part files) streamed into one temp file a chunk at a time with their MD5 on the way, spooled
// uploads moved into place by rename, and temp files a crash left behind swept at start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileSlice, SpooledFile } from '../protocol/payload.js';

/**
 * An object's bytes on their way in: in memory, a spooled upload (moved into place by rename), or
 * a slice of an open file (a copy's source), which is streamed.
 */
export type ObjectSource = Buffer | SpooledFile | FileSlice;

/**
 * MD5s computed while a body arrived (the request pipeline hashes as it reads), by the very buffer,
 * so a large object is not hashed again here in one blocking call.
 */
const arrivedMd5 = new WeakMap<Buffer, string>();

export function rememberMd5(body: Buffer, md5Hex: string): void {
  arrivedMd5.set(body, md5Hex);
}

export function md5Of(body: Buffer): string {
  return arrivedMd5.get(body) ?? crypto.createHash('md5').update(body).digest('hex');
}

/** Moves a spooled file into place; false when it lies on another file system (it is copied instead). */
export async function renamed(from: string, to: string): Promise<boolean> {
  try {
    await fs.promises.rename(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EXDEV') return false;
    throw e;
  }
}

const COPY_CHUNK = 1024 * 1024;

/** Writes every piece in order, streaming files a chunk at a time; answers the MD5 of it all. */
export async function writeContent(fh: fs.promises.FileHandle, content: (ObjectSource | string)[]): Promise<string> {
  // One buffer whose MD5 the pipeline computed as it arrived: no second pass over it.
  if (content.length === 1 && Buffer.isBuffer(content[0])) {
    await fh.writeFile(content[0]);
    return md5Of(content[0]);
  }
  const md5 = crypto.createHash('md5');
  for (const c of content) {
    if (Buffer.isBuffer(c)) { md5.update(c); await fh.writeFile(c); continue; }
    const src = typeof c === 'string' || !('handle' in c) ? await fs.promises.open(typeof c === 'string' ? c : c.path, 'r') : c.handle;
    try {
      const start = typeof c !== 'string' && 'handle' in c ? c.start : 0;
      const length = typeof c !== 'string' && 'handle' in c ? c.length : (await src.stat()).size;
      await copyRange(src, start, length, fh, md5);
    } finally {
      // A slice's handle belongs to its caller; files opened here are closed here.
      if (typeof c === 'string' || !('handle' in c)) await src.close();
    }
  }
  return md5.digest('hex');
}

async function copyRange(src: fs.promises.FileHandle, start: number, length: number, to: fs.promises.FileHandle, md5: crypto.Hash): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(COPY_CHUNK, length)));
  let pos = start;
  let left = length;
  while (left > 0) {
    const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, left), pos);
    if (bytesRead === 0) throw new Error('an object file is shorter than its index says');
    const part = buf.subarray(0, bytesRead);
    md5.update(part);
    await writeAll(to, part);
    pos += bytesRead;
    left -= bytesRead;
  }
}

async function writeAll(fh: fs.promises.FileHandle, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

/** Temp files of writes a crash interrupted (`<bucket>/.tmp/*`): nothing points at them. */
export function sweepTemp(root: string): void {
  let buckets: string[];
  try { buckets = fs.readdirSync(root); } catch { return; }
  for (const b of buckets) fs.rmSync(path.join(root, b, '.tmp'), { recursive: true, force: true });
}

export async function unlinkQuietly(file: string): Promise<void> {
  await fs.promises.unlink(file).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
}
