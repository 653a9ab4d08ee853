// Spooled upload bodies: a body over the threshold lands in an owner-only file with the same
// digests as in memory, the object store moves it into place (or streams a slice), a failed
// read leaves nothing, and a restart sweeps what a crash left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PayloadReader, fileBehind, type Payload } from '../protocol/payload.js';
import { Spool, sweepSpool } from './spool.js';
import { openEmbeddedStores } from './stores.js';
import { FolderObjectStore, type ObjectWrite } from './objects.js';

let dir: string;
let spool: Spool;
let store: FolderObjectStore;
let close: () => Promise<void>;
const meta: ObjectWrite = { contentType: 'binary/octet-stream', metadata: {}, lastModified: new Date('2024-01-02T03:04:05Z') };
const spoolFiles = () => fs.readdirSync(spool.dir);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
  spool = new Spool(path.join(dir, 'spool'));
  const stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  close = () => stores.close();
  store = new FolderObjectStore(path.join(dir, 'objects'), stores.documents);
});
after(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function spooled(data: Buffer, piece: number, threshold: number): Promise<{ payload: Payload; waits: number }> {
  const r = new PayloadReader({}, { sha256: true, md5: true, spill: { threshold, open: () => spool.create() } });
  let waits = 0;
  for (let i = 0; i < data.length; i += piece) {
    const w = r.push(data.subarray(i, i + piece));
    if (w) { waits++; await w; }
  }
  return { payload: r.spilled ? await r.finishSpooled() : r.finish(), waits };
}

test('a body over the threshold is spooled with the digests it would have had in memory; under it stays in memory', async () => {
  const data = crypto.randomBytes(3 * 1024 * 1024 + 17);
  const { payload, waits } = await spooled(data, 64 * 1024, 1024 * 1024);
  assert.ok(payload.file, 'spooled');
  assert.equal(payload.body.length, 0);
  assert.equal(fileBehind(payload.body), payload.file, 'the stand-in leads to the file');
  assert.equal(fileBehind(Buffer.alloc(0)), undefined, 'an ordinary empty buffer leads nowhere');
  assert.equal(payload.size, data.length);
  assert.equal(payload.sha256, crypto.createHash('sha256').update(data).digest('hex'));
  assert.equal(payload.md5, crypto.createHash('md5').update(data).digest('hex'));
  assert.ok(waits > 0, 'the reader was asked to wait for the disk');
  assert.deepEqual(fs.readFileSync(payload.file.path), data);
  assert.equal(fs.statSync(payload.file.path).mode & 0o777, 0o600);

  const small = await spooled(data.subarray(0, 1000), 100, 1024 * 1024);
  assert.equal(small.payload.file, undefined);
  assert.deepEqual(small.payload.body, data.subarray(0, 1000));
  assert.equal(spoolFiles().length, 1);

  // The store renames the spooled file into place: same bytes, the ETag is its MD5, the spool is empty.
  const m = await store.put('spool-bucket', 'big', payload.file, meta);
  assert.equal(m.etag, payload.md5);
  assert.equal(m.size, data.length);
  assert.deepEqual(spoolFiles(), []);
  const got = await store.get('spool-bucket', 'big');
  assert.deepEqual(got?.body, data);

  // A slice of an open object streams into another object (CopyObject) and a part (UploadPartCopy).
  const opened = await store.open('spool-bucket', 'big', { start: 10, end: 2_000_009 });
  assert.ok(opened);
  try {
    assert.equal(opened.slice.length, 2_000_000);
    const copy = await store.put('spool-bucket', 'copy', opened.slice, meta);
    assert.equal(copy.etag, crypto.createHash('md5').update(data.subarray(10, 2_000_010)).digest('hex'));
  } finally {
    await opened.slice.handle.close();
  }
  assert.deepEqual((await store.get('spool-bucket', 'copy'))?.body, data.subarray(10, 2_000_010));
});

test('discarding a spool file removes it whether or not it was finished; the sweep clears leftovers', async () => {
  const r = new PayloadReader({}, { spill: { threshold: 10, open: () => spool.create() } });
  await r.push(crypto.randomBytes(100));
  // The file is opened in the background: wait until it is there.
  for (let i = 0; i < 100 && spoolFiles().length === 0; i++) await new Promise((done) => setTimeout(done, 5));
  assert.equal(spoolFiles().length, 1);
  await r.discard();
  assert.deepEqual(spoolFiles(), []);

  const w = spool.create();
  await w.write(Buffer.from('abc'));
  const file = await w.finish();
  assert.equal(fs.readFileSync(file.path, 'utf8'), 'abc');
  await w.discard();
  await w.discard();
  assert.deepEqual(spoolFiles(), []);

  fs.writeFileSync(path.join(spool.dir, 'left-by-a-crash'), 'x');
  assert.equal(sweepSpool(spool.dir), 1);
  assert.deepEqual(spoolFiles(), []);
});
