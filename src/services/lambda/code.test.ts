import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeStore, looksLikeZip } from './code.js';
import { randomIds } from '../../common/runtime.js';
import type { RawRequest } from '../../protocol/http.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-code-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An empty zip archive: just the end-of-central-directory record. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

function get(url: string): RawRequest {
  const u = new URL(url);
  return { method: 'GET', rawPath: u.pathname, query: u.searchParams, headers: {}, body: Buffer.alloc(0) };
}

test('looksLikeZip wants an end-of-central-directory record', () => {
  assert.equal(looksLikeZip(EMPTY_ZIP), true);
  assert.equal(looksLikeZip(Buffer.concat([Buffer.from('PK\x03\x04 local header...'), EMPTY_ZIP])), true);
  assert.equal(looksLikeZip(Buffer.from('print("hello")\n'.repeat(3))), false);
  assert.equal(looksLikeZip(Buffer.alloc(0)), false);
});

test('save writes the package under lambda/code and reports SHA-256 and size', async () => {
  const store = new CodeStore(dir, { now: () => new Date() }, randomIds);
  const saved = await store.save(EMPTY_ZIP);
  assert.match(saved.fileId, /^[A-Z2-7]{32}$/);
  assert.equal(saved.size, 22);
  assert.equal(saved.sha256, CodeStore.digest(EMPTY_ZIP).sha256);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'lambda', 'code')).filter((f) => f.startsWith(saved.fileId)), [`${saved.fileId}.zip`]);
  assert.deepEqual(await store.read(saved.fileId), EMPTY_ZIP);
  assert.equal(await store.read('../../etc/passwd'), undefined);
  await store.remove(saved.fileId);
  assert.equal(await store.read(saved.fileId), undefined);
});

test('presigned URLs serve the zip, refuse tampering, and expire after ten minutes', async () => {
  let now = new Date('2025-01-01T00:00:00Z');
  const store = new CodeStore(dir, { now: () => now }, randomIds);
  const { fileId } = await store.save(EMPTY_ZIP);
  const route = store.route();
  const url = store.presign(fileId, 'http://127.0.0.1:1');
  assert.ok(url.startsWith('http://127.0.0.1:1/_chattrail/lambda/code/'));
  const ok = await route.handle(get(url), '127.0.0.1');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'application/zip');
  assert.deepEqual(ok.body, EMPTY_ZIP);

  const other = await store.save(EMPTY_ZIP);
  const forged = url.replace(fileId, other.fileId);
  assert.equal((await route.handle(get(forged), '127.0.0.1')).status, 403);
  const badSignature = `${url.slice(0, -1)}${url.endsWith('A') ? 'B' : 'A'}`;
  assert.equal((await route.handle(get(badSignature), '127.0.0.1')).status, 403);
  const longerLife = url.replace(/(\/code\/[A-Z2-7]{32})\.(\d+)\./, (_m, id: string, e: string) => `${id}.${Number(e) + 3600}.`);
  assert.notEqual(longerLife, url);
  assert.equal((await route.handle(get(longerLife), '127.0.0.1')).status, 403);

  now = new Date(now.getTime() + 11 * 60_000);
  assert.equal((await route.handle(get(url), '127.0.0.1')).status, 403);
  // Another process's key (a restart) invalidates old links too.
  const restarted = new CodeStore(dir, { now: () => new Date('2025-01-01T00:00:00Z') }, randomIds);
  assert.equal((await restarted.route().handle(get(url), '127.0.0.1')).status, 403);
});
