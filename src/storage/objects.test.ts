// The folder object store: byte-exact round trips, keys that try to escape the folder, atomic
// overwrites, and listing (UTF-8 order, prefixes, delimiters, markers, cursors) that stays cheap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores } from './stores.js';
import type { DocumentStore } from './documents.js';
import { FolderObjectStore, commonPrefixOf, rememberMd5, type ObjectWrite } from './objects.js';

let dir: string;
let close: () => Promise<void>;
let docs: DocumentStore;
let store: FolderObjectStore;
const root = () => path.join(dir, 'objects');
const meta = (extra: Partial<ObjectWrite> = {}): ObjectWrite => ({ contentType: 'binary/octet-stream', metadata: {}, lastModified: new Date('2024-01-02T03:04:05Z'), ...extra });

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'objects-test-'));
  const stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  docs = stores.documents;
  close = () => stores.close();
  store = new FolderObjectStore(root(), docs);
});
after(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function filesUnder(d: string): string[] {
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

test('bytes, etag and metadata round-trip exactly; an overwrite leaves one file', async () => {
  const body = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0]);
  const m = await store.put('round-trip', 'a/b.bin', body, meta({ metadata: { signature: 'abc' }, contentEncoding: 'gzip' }));
  assert.equal(m.etag, crypto.createHash('md5').update(body).digest('hex'));
  const got = await store.get('round-trip', 'a/b.bin');
  assert.ok(got);
  assert.deepEqual(got.body, body);
  assert.equal(got.meta.size, 8);
  assert.deepEqual(got.meta.metadata, { signature: 'abc' });
  assert.equal(got.meta.contentEncoding, 'gzip');
  assert.deepEqual(got.meta.lastModified, new Date('2024-01-02T03:04:05Z'));
  await store.put('round-trip', 'a/b.bin', Buffer.from('second'), meta());
  assert.equal((await store.get('round-trip', 'a/b.bin'))?.body.toString(), 'second');
  const files = filesUnder(path.join(root(), 'round-trip')).filter((f) => !f.includes(`${path.sep}.tmp${path.sep}`));
  assert.equal(files.length, 1, 'the replaced version was removed');
  assert.deepEqual(await store.get('round-trip', 'a/b.bin', { start: 1, end: 3 }).then((r) => r?.body.toString()), 'eco');
});

test('hostile keys never reach the file system as paths', async () => {
  const keys = ['../../../escape.txt', '/etc/passwd', '..\\..\\win.txt', 'nul\u0000byte', '..', '.', 'a/../../b', '%2e%2e/x'];
  for (const key of keys) await store.put('hostile', key, Buffer.from(key), meta());
  const files = filesUnder(root());
  for (const f of files) assert.ok(path.resolve(f).startsWith(path.resolve(root()) + path.sep), `${f} stays inside the objects folder`);
  for (const f of filesUnder(path.join(root(), 'hostile')).filter((x) => !x.includes('.tmp'))) {
    assert.match(path.relative(path.join(root(), 'hostile'), f), /^[0-9a-f]{2}[/\\][0-9a-f]{64}\.[0-9a-f]{16}$/);
  }
  assert.equal(fs.existsSync(path.join(dir, 'escape.txt')), false);
  assert.equal(fs.existsSync(path.join(root(), 'escape.txt')), false);
  for (const key of keys) assert.equal((await store.get('hostile', key))?.body.toString(), key);
  const listed = (await store.list('hostile', { maxKeys: 100 })).entries.map((e) => (e.kind === 'object' ? e.meta.key : e.prefix));
  assert.deepEqual(listed, [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
});

test('unsafe bucket names are refused before any path is built', async () => {
  for (const b of ['..', '../x', 'a/b', 'A-B', 'ab', 'x'.repeat(64), 'a..b']) {
    await assert.rejects(store.put(b, 'k', Buffer.from('x'), meta()), /unsafe bucket name/);
  }
});

test('keys list in UTF-8 byte order, prefixes included characters beyond U+FFFF', async () => {
  const keys = ['a', 'a/1', 'a\u{1F600}', 'a\uFFFD', 'ab', 'b', 'é'];
  for (const k of keys) await store.put('order', k, Buffer.from(k), meta());
  const all = (await store.list('order', { maxKeys: 100 })).entries.map((e) => (e.kind === 'object' ? e.meta.key : ''));
  assert.deepEqual(all, [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  const withPrefix = (await store.list('order', { prefix: 'a', maxKeys: 100 })).entries.map((e) => (e.kind === 'object' ? e.meta.key : ''));
  assert.deepEqual(withPrefix, ['a', 'a/1', 'ab', 'a\uFFFD', 'a\u{1F600}']);
});

test('delimiters collapse folders; markers and cursors resume where a page stopped', async () => {
  for (const k of ['logs/2024/a', 'logs/2024/b', 'logs/2025/a', 'logs/top.txt', 'readme', 'zeta/x']) await store.put('tree', k, Buffer.from(k), meta());
  const names = (p: Awaited<ReturnType<typeof store.list>>) => p.entries.map((e) => (e.kind === 'object' ? e.meta.key : `[${e.prefix}]`));
  const top = await store.list('tree', { delimiter: '/', maxKeys: 100 });
  assert.deepEqual(names(top), ['[logs/]', 'readme', '[zeta/]']);
  assert.equal(top.truncated, false);
  const inLogs = await store.list('tree', { prefix: 'logs/', delimiter: '/', maxKeys: 2 });
  assert.deepEqual(names(inLogs), ['[logs/2024/]', '[logs/2025/]']);
  assert.equal(inLogs.truncated, true);
  const next = await store.list('tree', { prefix: 'logs/', delimiter: '/', maxKeys: 2, after: inLogs.cursor, afterIsCursor: true });
  assert.deepEqual(names(next), ['logs/top.txt']);
  assert.equal(next.truncated, false);
  // A V1 marker naming a common prefix skips that whole prefix.
  const afterMarker = await store.list('tree', { delimiter: '/', maxKeys: 100, after: 'logs/' });
  assert.deepEqual(names(afterMarker), ['readme', '[zeta/]']);
  const plain = await store.list('tree', { maxKeys: 2, after: 'logs/2024/b' });
  assert.deepEqual(names(plain), ['logs/2025/a', 'logs/top.txt']);
  assert.equal(plain.truncated, true);
  assert.equal(commonPrefixOf('a/b/c', 'a/', '/'), 'a/b/');
  assert.equal(commonPrefixOf('a/b', 'a/', '/'), undefined);
});

test('a folder of many keys collapses in a handful of index queries', async () => {
  for (let i = 0; i < 1500; i++) await docs.put({ kind: 's3-object', accountId: 'global', region: 'many', id: Buffer.from(`big/${String(i).padStart(5, '0')}`).toString('hex') }, {
    key: `big/${String(i).padStart(5, '0')}`, size: 0, etag: 'x', contentType: 'x', metadata: {}, lastModified: new Date(), file: 'none',
  });
  await store.put('many', 'small', Buffer.from('s'), meta());
  let queries = 0;
  const counting = Object.create(docs) as DocumentStore;
  counting.list = (...a) => { queries++; return docs.list(...a); };
  const page = await new FolderObjectStore(root(), counting).list('many', { delimiter: '/', maxKeys: 1000 });
  assert.deepEqual(page.entries.map((e) => (e.kind === 'prefix' ? e.prefix : e.meta.key)), ['big/', 'small']);
  assert.ok(queries <= 3, `expected a skip past big/, got ${queries} queries`);
});

test('delete removes the index entry and the file; emptiness and dropping a bucket', async () => {
  await store.put('gone', 'k', Buffer.from('x'), meta());
  assert.equal(await store.isEmpty('gone'), false);
  assert.equal(await store.delete('gone', 'k'), true);
  assert.equal(await store.delete('gone', 'k'), false);
  assert.equal(await store.get('gone', 'k'), undefined);
  assert.equal(await store.isEmpty('gone'), true);
  assert.deepEqual(filesUnder(path.join(root(), 'gone')), []);
  await store.dropBucket('gone');
  assert.equal(fs.existsSync(path.join(root(), 'gone')), false);
});

test('multipart: parts join in the order named, with the multipart ETag; abort and bad ids leave nothing', async () => {
  const at = new Date('2024-05-06T07:08:09Z');
  const id = await store.createUpload('multi', 'big/file', meta({ contentType: 'text/plain', metadata: { a: '1' } }));
  assert.match(id, /^[0-9a-f]{32}$/);
  const p1 = await store.putPart('multi', id, 1, Buffer.from('first-'), at);
  await store.putPart('multi', id, 2, Buffer.from('stale'), at);
  const p2 = await store.putPart('multi', id, 2, Buffer.from('second'), at);
  assert.equal(p2?.size, 6);
  assert.equal(Object.keys((await store.getUpload('multi', id))?.parts ?? {}).length, 2);
  const done = await store.completeUpload('multi', id, [1, 2], at);
  const md5 = (s: string) => crypto.createHash('md5').update(s).digest();
  assert.equal(done?.etag, `${crypto.createHash('md5').update(Buffer.concat([md5('first-'), md5('second')])).digest('hex')}-2`);
  assert.equal(p1?.etag, md5('first-').toString('hex'));
  const got = await store.get('multi', 'big/file');
  assert.equal(got?.body.toString(), 'first-second');
  assert.deepEqual(got?.meta.metadata, { a: '1' });
  assert.equal(await store.getUpload('multi', id), undefined, 'a completed upload is gone');
  assert.equal(await store.putPart('multi', id, 3, Buffer.from('late'), at), undefined);

  const aborted = await store.createUpload('multi', 'other', meta());
  await store.putPart('multi', aborted, 1, Buffer.from('x'), at);
  assert.equal(await store.abortUpload('multi', aborted), true);
  assert.equal(await store.abortUpload('multi', aborted), false);
  for (const bad of ['../../x', `${aborted}/..`, '']) {
    assert.equal(await store.getUpload('multi', bad), undefined);
    assert.equal(await store.putPart('multi', bad, 1, Buffer.from('x'), at), undefined);
    assert.equal(await store.abortUpload('multi', bad), false);
  }
  const files = filesUnder(path.join(root(), 'multi')).filter((f) => !f.includes(`${path.sep}.tmp${path.sep}`));
  assert.equal(files.length, 1, 'only the joined object remains');
});

test('an MD5 computed while the body arrived is the ETag: the store does not hash that buffer again', async () => {
  const body = Buffer.from('hashed on the way in');
  rememberMd5(body, 'f'.repeat(32));
  assert.equal((await store.put('arrived-md5', 'k', body, meta())).etag, 'f'.repeat(32), 'the remembered digest, not a new one');
  const same = Buffer.from('hashed on the way in');
  assert.equal((await store.put('arrived-md5', 'k2', same, meta())).etag, crypto.createHash('md5').update(same).digest('hex'), 'other buffers are hashed');
});
