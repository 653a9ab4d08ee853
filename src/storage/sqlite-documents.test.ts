// SqliteDocumentStore's change publication: every committed write publishes its key once, before
// the write's promise resolves; no-op writes and rolled-back updates publish nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteDocumentStore, documentMigrations } from './sqlite-documents.js';
import { migrate } from './sqlite.js';
import { checkChangeContract, checkPublishedAfterCommit } from '../../test/support/change-contract.js';

const db = new Database(':memory:');
migrate(db, documentMigrations);
const store = new SqliteDocumentStore(db);
after(() => db.close());

test('each committed write publishes its key once; no-op writes and failed updates publish nothing', async () => {
  await checkChangeContract(store, 'thing');
});

test('a listener already reads the committed state, before the write resolves', async () => {
  await checkPublishedAfterCommit(store, 'seen');
});

test('a write whose statement fails publishes nothing', async () => {
  const heard: string[] = [];
  store.changes.onChange('broken', (c) => heard.push(c.kind));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(store.put({ kind: 'broken', accountId: 'a', region: 'r', id: 'x' }, cyclic));
  await assert.rejects(store.update({ kind: 'broken', accountId: 'a', region: 'r', id: 'x' }, () => cyclic));
  assert.deepEqual(heard, []);
  assert.equal(await store.get({ kind: 'broken', accountId: 'a', region: 'r', id: 'x' }), undefined);
});

test('a listener that throws does not fail the write that already committed', async () => {
  const k = { kind: 'loud', accountId: 'a', region: 'r', id: 'x' };
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  const stop = store.changes.onChange('loud', () => { throw new Error('listener bug'); });
  try {
    await store.put(k, { v: 1 });
    assert.deepEqual(await store.get(k), { v: 1 });
    await new Promise((r) => setImmediate(r));
    assert.ok(warnings.some((w) => w.includes('listener bug')), warnings.join('\n'));
  } finally {
    stop();
    process.off('warning', onWarning);
  }
});
