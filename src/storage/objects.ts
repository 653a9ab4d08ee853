// The object store behind embedded S3: object bytes as files under `<root>/<bucket>/`, named by a
// hash of the key (a key can never reach the file system as a path), and an index of object
// metadata in the documents store, keyed so listing in S3 key order is an indexed range scan.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentKey, DocumentStore } from './documents.js';
import type { FileSlice, SpooledFile } from '../protocol/payload.js';
import { renamed, sweepTemp, unlinkQuietly, writeContent, type ObjectSource } from './object-files.js';

export type { ObjectSource };

export { rememberMd5 } from './object-files.js';

function sizeOf(src: ObjectSource): number {
  return Buffer.isBuffer(src) ? src.length : 'handle' in src ? src.length : src.size;
}

/** What S3 keeps about an object besides its bytes. */
export interface ObjectMeta {
  key: string;
  size: number;
  /** MD5 of the bytes, hex, without quotes (multipart objects: `<md5 of part md5s>-<parts>`). */
  etag: string;
  contentType: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** User metadata (`x-amz-meta-*`), lower-case names without the prefix. */
  metadata: Record<string, string>;
  /** Checksums the writer declared and we verified, by algorithm (`CRC32`: base64). */
  checksums?: Record<string, string>;
  /** Object tags (PutObjectTagging, `x-amz-tagging`), in the order given; they go when the object is overwritten. */
  tags?: { Key: string; Value: string }[];
  lastModified: Date;
}

export type ObjectWrite = Omit<ObjectMeta, 'key' | 'size' | 'etag' | 'lastModified'> & { etag?: string; lastModified: Date };

export interface ListRequest {
  prefix?: string;
  delimiter?: string;
  /** Resume after this position: a key, or a cursor returned by an earlier page. */
  after?: string;
  /** `after` is a cursor from `ListPage.cursor` rather than a key (ListObjectsV2 tokens). */
  afterIsCursor?: boolean;
  maxKeys: number;
}

export type ListEntry = { kind: 'object'; meta: ObjectMeta } | { kind: 'prefix'; prefix: string };

export interface ListPage {
  entries: ListEntry[];
  truncated: boolean;
  /** Where the next page starts (opaque; pass back with `afterIsCursor`). */
  cursor?: string;
}

/** A small async interface, so an S3-compatible backend could stand in for the folder. */
export interface ObjectStore {
  put(bucket: string, key: string, body: ObjectSource, meta: ObjectWrite): Promise<ObjectMeta>;
  /** The bytes (or the inclusive byte range) and metadata; undefined when there is no such key. */
  get(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; body: Buffer } | undefined>;
  /**
   * The object's file, open, with the (inclusive) range to read: what stays readable whatever
   * overwrites it meanwhile. The caller closes `slice.handle`. Undefined when there is no such key.
   */
  open(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; slice: FileSlice } | undefined>;
  head(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  /** Replaces the object's tags (empty removes them); undefined when there is no such key. */
  setTags(bucket: string, key: string, tags: { Key: string; Value: string }[]): Promise<ObjectMeta | undefined>;
  /** True when an object was deleted. */
  delete(bucket: string, key: string): Promise<boolean>;
  list(bucket: string, req: ListRequest): Promise<ListPage>;
  isEmpty(bucket: string): Promise<boolean>;
  /** Removes what is left of a bucket's folder and unfinished uploads (the caller checked it has no objects). */
  dropBucket(bucket: string): Promise<void>;
  /** Multipart uploads: parts are kept aside until `completeUpload` joins them into the object. */
  createUpload(bucket: string, key: string, meta: ObjectWrite): Promise<string>;
  getUpload(bucket: string, uploadId: string): Promise<Upload | undefined>;
  /** Undefined when the upload does not exist (never started, completed or aborted). */
  putPart(bucket: string, uploadId: string, partNumber: number, body: ObjectSource, at: Date): Promise<Part | undefined>;
  /** Joins the named parts, in the order given, into the upload's object; its ETag is `<md5 of part md5s>-<n>`. */
  completeUpload(bucket: string, uploadId: string, partNumbers: number[], at: Date): Promise<ObjectMeta | undefined>;
  abortUpload(bucket: string, uploadId: string): Promise<boolean>;
}

export interface Part {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface Upload {
  uploadId: string;
  key: string;
  meta: ObjectWrite;
  initiated: Date;
  /** By part number. */
  parts: Record<string, Part & { file: string }>;
}

interface IndexDoc extends ObjectMeta {
  /** File name inside the bucket folder: `<aa>/<sha256(key)>.<version>`. */
  file: string;
}


const KIND = 's3-object';
const UPLOAD_KIND = 's3-upload';
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const ACCOUNT = 'global';
/** Bucket names reaching this store were validated by S3's rules; this re-check keeps paths safe anyway. */
const SAFE_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Index ids are the key's UTF-8 bytes in hex: hex preserves byte order (S3 lists keys in UTF-8
 * binary order), byte prefixes stay string prefixes, and every id is ASCII, so the store's
 * `prefix + U+FFFF` range bound holds even for keys with characters beyond U+FFFF.
 */
function idOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('hex');
}
/** Sorts after every id that starts with `id`: the cursor that skips a whole common prefix. */
function pastPrefix(id: string): string {
  return id + 'g';
}

export class FolderObjectStore implements ObjectStore {
  constructor(private readonly root: string, private readonly docs: DocumentStore) {
    sweepTemp(root);
  }

  private bucketDir(bucket: string): string {
    if (!SAFE_BUCKET.test(bucket) || bucket.includes('..')) throw new Error(`unsafe bucket name for the object store: ${JSON.stringify(bucket)}`);
    return path.join(this.root, bucket);
  }

  private docKey(bucket: string, key: string): DocumentKey {
    return { kind: KIND, accountId: ACCOUNT, region: bucket, id: idOf(key) };
  }

  async put(bucket: string, key: string, body: ObjectSource, meta: ObjectWrite): Promise<ObjectMeta> {
    const file = this.newFileName(key);
    const dir = this.bucketDir(bucket);
    const md5 = await this.writeAtomically(dir, file, [body]);
    try {
      return await this.commit(bucket, { ...meta, key, size: sizeOf(body), etag: meta.etag ?? md5, file });
    } catch (e) {
      await unlinkQuietly(path.join(dir, file));
      throw e;
    }
  }

  private newFileName(key: string): string {
    const hash = crypto.createHash('sha256').update(key, 'utf8').digest('hex');
    return `${hash.slice(0, 2)}/${hash}.${crypto.randomBytes(8).toString('hex')}`;
  }

  /** Points the index at a written file; the version it replaces is unreachable and can go. */
  private async commit(bucket: string, doc: IndexDoc): Promise<ObjectMeta> {
    let previous: IndexDoc | undefined;
    await this.docs.update<IndexDoc>(this.docKey(bucket, doc.key), (cur) => { previous = cur; return doc; });
    if (previous && previous.file !== doc.file) await unlinkQuietly(path.join(this.bucketDir(bucket), previous.file));
    return stripFile(doc);
  }

  /**
   * temp file + fsync + rename: a reader or a crash sees the old bytes or the new, never half.
   * The content is buffers, spooled uploads (one alone is renamed into place: it was synced when
   * spooled), slices of open files, or files (multipart parts) streamed in order. Answers the
   * MD5 of what was written (hex), computed on the way when not known already.
   */
  private async writeAtomically(dir: string, file: string, content: (ObjectSource | string)[]): Promise<string> {
    const target = path.join(dir, file);
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const only = content.length === 1 ? content[0] : undefined;
    if (only !== undefined && typeof only !== 'string' && !Buffer.isBuffer(only) && !('handle' in only) && only.md5) {
      if (await renamed(only.path, target)) return only.md5;
    }
    const tmpDir = path.join(dir, '.tmp');
    await fs.promises.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, crypto.randomBytes(12).toString('hex'));
    let md5: string;
    const fh = await fs.promises.open(tmp, 'wx', 0o600);
    try {
      md5 = await writeContent(fh, content);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await unlinkQuietly(tmp);
      throw e;
    }
    await fh.close();
    try {
      await fs.promises.rename(tmp, target);
    } catch (e) {
      await unlinkQuietly(tmp);
      throw e;
    }
    return md5;
  }

  async head(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const doc = await this.docs.get<IndexDoc>(this.docKey(bucket, key));
    return doc ? stripFile(doc) : undefined;
  }

  async setTags(bucket: string, key: string, tags: { Key: string; Value: string }[]): Promise<ObjectMeta | undefined> {
    // Only the index changes: the bytes (and their file) stay as they are.
    const doc = await this.docs.update<IndexDoc>(this.docKey(bucket, key), (cur) => (cur ? { ...cur, tags: tags.length ? tags : undefined } : undefined));
    return doc ? stripFile(doc) : undefined;
  }

  async get(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; body: Buffer } | undefined> {
    const dir = this.bucketDir(bucket);
    // A concurrent overwrite may remove the file between reading the index and opening it: re-read.
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.docs.get<IndexDoc>(this.docKey(bucket, key));
      if (!doc) return undefined;
      try {
        const body = await readRange(path.join(dir, doc.file), range);
        return { meta: stripFile(doc), body };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    throw new Error(`object ${bucket}/${key} keeps changing under the reader`);
  }

  async open(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; slice: FileSlice } | undefined> {
    const dir = this.bucketDir(bucket);
    // As in get: an overwrite may remove the file between reading the index and opening it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.docs.get<IndexDoc>(this.docKey(bucket, key));
      if (!doc) return undefined;
      try {
        const handle = await fs.promises.open(path.join(dir, doc.file), 'r');
        const start = range?.start ?? 0;
        const end = Math.min(range?.end ?? doc.size - 1, doc.size - 1);
        return { meta: stripFile(doc), slice: { handle, start, length: Math.max(0, end - start + 1) } };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    throw new Error(`object ${bucket}/${key} keeps changing under the reader`);
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const dir = this.bucketDir(bucket);
    let previous: IndexDoc | undefined;
    await this.docs.update<IndexDoc>(this.docKey(bucket, key), (cur) => { previous = cur; return undefined; });
    if (!previous) return false;
    await unlinkQuietly(path.join(dir, previous.file));
    return true;
  }

  async isEmpty(bucket: string): Promise<boolean> {
    return (await this.docs.list(KIND, ACCOUNT, bucket, { limit: 1 })).length === 0;
  }

  async dropBucket(bucket: string): Promise<void> {
    for (const u of await this.docs.list(UPLOAD_KIND, ACCOUNT, bucket)) await this.docs.delete({ kind: UPLOAD_KIND, accountId: ACCOUNT, region: bucket, id: u.id });
    await fs.promises.rm(this.bucketDir(bucket), { recursive: true, force: true });
  }

  private uploadKey(bucket: string, uploadId: string): DocumentKey {
    return { kind: UPLOAD_KIND, accountId: ACCOUNT, region: bucket, id: uploadId };
  }

  async createUpload(bucket: string, key: string, meta: ObjectWrite): Promise<string> {
    this.bucketDir(bucket);
    const uploadId = crypto.randomBytes(16).toString('hex');
    await this.docs.create<Upload>(this.uploadKey(bucket, uploadId), { uploadId, key, meta, initiated: meta.lastModified, parts: {} });
    return uploadId;
  }

  async getUpload(bucket: string, uploadId: string): Promise<Upload | undefined> {
    return UPLOAD_ID.test(uploadId) ? this.docs.get<Upload>(this.uploadKey(bucket, uploadId)) : undefined;
  }

  async putPart(bucket: string, uploadId: string, partNumber: number, body: ObjectSource, at: Date): Promise<Part | undefined> {
    if (!UPLOAD_ID.test(uploadId) || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) return undefined;
    const dir = this.bucketDir(bucket);
    if (!(await this.getUpload(bucket, uploadId))) return undefined;
    const file = `.uploads/${uploadId}/${partNumber}.${crypto.randomBytes(8).toString('hex')}`;
    const etag = await this.writeAtomically(dir, file, [body]);
    const part = { partNumber, etag, size: sizeOf(body), lastModified: at, file };
    let replaced: string | undefined;
    const updated = await this.docs.update<Upload>(this.uploadKey(bucket, uploadId), (u) => {
      if (!u) return undefined;
      replaced = u.parts[partNumber]?.file;
      return { ...u, parts: { ...u.parts, [partNumber]: part } };
    });
    // Aborted meanwhile: this part has nowhere to go. Uploaded again: the earlier file goes.
    if (!updated) {
      await unlinkQuietly(path.join(dir, file));
      return undefined;
    }
    if (replaced) await unlinkQuietly(path.join(dir, replaced));
    const { file: _f, ...out } = part;
    return out;
  }

  async completeUpload(bucket: string, uploadId: string, partNumbers: number[], at: Date): Promise<ObjectMeta | undefined> {
    const dir = this.bucketDir(bucket);
    const upload = await this.getUpload(bucket, uploadId);
    if (!upload) return undefined;
    const parts = partNumbers.map((n) => upload.parts[n]);
    if (parts.some((p) => !p)) throw new Error(`upload ${uploadId} lacks a part to join`);
    const file = this.newFileName(upload.key);
    await this.writeAtomically(dir, file, parts.map((p) => path.join(dir, p.file)));
    const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.etag, 'hex')));
    const meta = await this.commit(bucket, {
      ...upload.meta, key: upload.key, size: parts.reduce((n, p) => n + p.size, 0), lastModified: at,
      etag: `${crypto.createHash('md5').update(md5s).digest('hex')}-${parts.length}`, file,
    });
    await this.abortUpload(bucket, uploadId);
    return meta;
  }

  async abortUpload(bucket: string, uploadId: string): Promise<boolean> {
    if (!UPLOAD_ID.test(uploadId)) return false;
    const dir = this.bucketDir(bucket);
    const existed = await this.docs.delete(this.uploadKey(bucket, uploadId));
    await fs.promises.rm(path.join(dir, '.uploads', uploadId), { recursive: true, force: true });
    return existed;
  }

  /**
   * One page in key order. With a delimiter, keys sharing `prefix + ... + delimiter` collapse to
   * one common prefix, and the scan jumps past all of them in one step, so a folder of 100k keys
   * costs one range query, not 100k rows.
   */
  async list(bucket: string, req: ListRequest): Promise<ListPage> {
    const prefix = req.prefix ?? '';
    const delimiter = req.delimiter || undefined;
    const entries: ListEntry[] = [];
    let cursor = this.startCursor(prefix, delimiter, req);
    const prefixId = idOf(prefix);
    for (;;) {
      const want = req.maxKeys - entries.length + 1;
      const rows = await this.docs.list<IndexDoc>(KIND, ACCOUNT, bucket, { prefix: prefixId, after: cursor, limit: Math.min(want, 1000) });
      if (rows.length === 0) return { entries, truncated: false };
      let jumped = false;
      for (const row of rows) {
        const common = delimiter ? commonPrefixOf(row.doc.key, prefix, delimiter) : undefined;
        if (entries.length >= req.maxKeys) return { entries, truncated: true, cursor };
        if (common !== undefined) {
          entries.push({ kind: 'prefix', prefix: common });
          cursor = pastPrefix(idOf(common));
          jumped = true;
          break;
        }
        entries.push({ kind: 'object', meta: stripFile(row.doc) });
        cursor = row.id;
      }
      if (!jumped && rows.length < Math.min(want, 1000)) return { entries, truncated: false };
    }
  }

  /** Where a listing starts: after a key (V1 Marker, V2 StartAfter) or at a cursor (V2 token). */
  private startCursor(prefix: string, delimiter: string | undefined, req: ListRequest): string | undefined {
    if (req.after === undefined || req.after === '') return undefined;
    if (req.afterIsCursor) return /^[0-9a-f]*g?$/.test(req.after) ? req.after : undefined;
    // A marker that is itself a common prefix (V1 NextMarker) means "that whole prefix was listed".
    const common = delimiter ? commonPrefixOf(req.after, prefix, delimiter) : undefined;
    return common === req.after ? pastPrefix(idOf(req.after)) : idOf(req.after);
  }
}

/** `prefix + <text up to and including the first delimiter after prefix>`, if the key has one. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const i = key.indexOf(delimiter, prefix.length);
  return i < 0 ? undefined : key.slice(0, i + delimiter.length);
}

function stripFile(doc: IndexDoc): ObjectMeta {
  const { file: _file, ...meta } = doc;
  return meta;
}

async function readRange(file: string, range?: { start: number; end: number }): Promise<Buffer> {
  if (!range) return fs.promises.readFile(file);
  const fh = await fs.promises.open(file, 'r');
  try {
    const len = range.end - range.start + 1;
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, range.start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
