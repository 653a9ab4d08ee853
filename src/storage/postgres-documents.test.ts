// PostgresDocumentStore against a real PostgreSQL (CHATTRAIL_TEST_POSTGRES_URL), in a schema of its
// own: the DocumentStore contract, and parity with SqliteDocumentStore on the same inputs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { DocumentKey, DocumentStore, ListOptions } from './documents.js';
import { createPool, migrate, type Postgres } from './postgres.js';
import { PostgresDocumentStore, pgDocumentMigrations } from './postgres-documents.js';
import { SqliteDocumentStore, documentMigrations } from './sqlite-documents.js';
import { migrate as migrateSqlite } from './sqlite.js';
import { SKIP, createTestSchema, type TestSchema } from '../../test/support/postgres.js';

let ts: TestSchema;
let db: Postgres;
let docs: PostgresDocumentStore;
let sqlite: Database.Database;
let lite: SqliteDocumentStore;

before(async () => {
  if (SKIP) return;
  ts = await createTestSchema();
  db = createPool({ url: ts.url, schema: ts.schema });
  await migrate(db, pgDocumentMigrations);
  docs = new PostgresDocumentStore(db.pool);
  sqlite = new Database(':memory:');
  migrateSqlite(sqlite, documentMigrations);
  lite = new SqliteDocumentStore(sqlite);
});

after(async () => {
  if (SKIP) return;
  await db.pool.end();
  await ts.drop();
  sqlite.close();
});

const key = (id: string, over: Partial<DocumentKey> = {}): DocumentKey => ({ kind: 'thing', accountId: '111111111111', region: 'us-east-1', id, ...over });

test('create inserts once; a second create on the same key returns false and changes nothing', { skip: SKIP }, async () => {
  assert.equal(await docs.get(key('c1')), undefined);
  assert.equal(await docs.create(key('c1'), { v: 1 }), true);
  assert.equal(await docs.create(key('c1'), { v: 2 }), false);
  assert.deepEqual(await docs.get(key('c1')), { v: 1 });
  // Same id, other account/region/kind: separate documents.
  assert.equal(await docs.create(key('c1', { accountId: '222222222222' }), { v: 3 }), true);
  assert.equal(await docs.create(key('c1', { region: 'global' }), { v: 4 }), true);
  assert.equal(await docs.create(key('c1', { kind: 'other' }), { v: 5 }), true);
  assert.deepEqual(await docs.get(key('c1')), { v: 1 });
});

test('put upserts; delete reports whether something was deleted', { skip: SKIP }, async () => {
  await docs.put(key('p1'), { v: 1 });
  await docs.put(key('p1'), { v: 2 });
  assert.deepEqual(await docs.get(key('p1')), { v: 2 });
  assert.equal(await docs.delete(key('p1')), true);
  assert.equal(await docs.delete(key('p1')), false);
  assert.equal(await docs.get(key('p1')), undefined);
});

test('documents round-trip exactly as in SQLite: Dates revived, same stored text', { skip: SKIP }, async () => {
  const doc = {
    created: new Date('2024-02-29T12:34:56.789Z'),
    nested: { when: [new Date(0), new Date('2030-01-01T00:00:00Z')], iso: '2024-01-01T00:00:00.000Z' },
    text: 'quote " backslash \\ nul \u0000 emoji 😀 é', n: 1.5, big: 2 ** 53, nothing: null, flag: false,
    tagged: '\u0000date:2020-01-01T00:00:00.000Z', list: [], obj: {},
  };
  await docs.put(key('d1'), doc);
  await lite.put(key('d1'), doc);
  const fromPg = await docs.get<typeof doc>(key('d1'));
  assert.deepEqual(fromPg, await lite.get(key('d1')));
  assert.ok(fromPg?.created instanceof Date);
  assert.equal(fromPg.created.toISOString(), '2024-02-29T12:34:56.789Z');
  assert.ok(fromPg.nested.when[1] instanceof Date);
  assert.equal(typeof fromPg.nested.iso, 'string', 'an ISO-looking string stays a string');
  const pgText = (await ts.admin.query<{ doc: string }>("SELECT doc FROM documents WHERE id = 'd1'")).rows[0].doc;
  const liteText = sqlite.prepare("SELECT doc FROM documents WHERE id = 'd1'").pluck().get();
  assert.equal(pgText, liteText);
});

test('update: creates from undefined, returns the result, deletes on undefined, rolls back when fn throws', { skip: SKIP }, async () => {
  const seen: unknown[] = [];
  const created = await docs.update<{ n: number }>(key('u1'), (cur) => { seen.push(cur); return { n: 1 }; });
  assert.deepEqual(created, { n: 1 });
  assert.deepEqual(seen, [undefined]);
  assert.deepEqual(await docs.update<{ n: number }>(key('u1'), (cur) => ({ n: (cur?.n ?? 0) + 1 })), { n: 2 });
  await assert.rejects(docs.update<{ n: number }>(key('u1'), () => { throw new Error('boom'); }), /boom/);
  assert.deepEqual(await docs.get(key('u1')), { n: 2 });
  assert.equal(await docs.update(key('u1'), () => undefined), undefined);
  assert.equal(await docs.get(key('u1')), undefined);
  // Returning undefined for a missing document is a no-op, not an error.
  assert.equal(await docs.update(key('u-missing'), () => undefined), undefined);
  assert.equal(await docs.get(key('u-missing')), undefined);
});

test('concurrent updates never lose an increment, on a missing and on an existing document', { skip: SKIP }, async () => {
  const bump = (id: string) => docs.update<{ n: number }>(key(id), (cur) => ({ n: (cur?.n ?? 0) + 1 }));
  await Promise.all(Array.from({ length: 30 }, () => bump('race-new')));
  assert.deepEqual(await docs.get(key('race-new')), { n: 30 });
  await Promise.all(Array.from({ length: 30 }, () => bump('race-new')));
  assert.deepEqual(await docs.get(key('race-new')), { n: 60 });
});

test('update racing a create: the update sees the created document', { skip: SKIP }, async () => {
  const results = await Promise.all([
    docs.create(key('rc'), { n: 100 }),
    docs.update<{ n: number }>(key('rc'), (cur) => ({ n: (cur?.n ?? 0) + 1 })),
  ]);
  const final = await docs.get<{ n: number }>(key('rc'));
  // Either order is fine, but nothing may be lost: create first → 101; update first → create fails.
  assert.ok((results[0] === true && final?.n === 101) || (results[0] === false && final?.n === 1), JSON.stringify({ results, final }));
});

test('list and listAll order ids by code point with prefix/after/limit, exactly as SQLite does', { skip: SKIP }, async () => {
  const ids = ['user/a', 'user/B', 'user/b', 'user/é', 'user/z', 'user/😀', 'usera', 'user/', 'role/x', 'user/a/1', 'User/c'];
  for (const store of [docs, lite] as DocumentStore[]) {
    for (const id of ids) await store.put(key(id, { kind: 'listed' }), { id });
    await store.put(key('user/other-account', { kind: 'listed', accountId: '222222222222' }), {});
    await store.put(key('user/other-region', { kind: 'listed', region: 'eu-west-1' }), {});
  }
  const cases: ListOptions[] = [{}, { prefix: 'user/' }, { prefix: 'user/', limit: 3 }, { prefix: 'user/', after: 'user/b' },
    { after: 'user/z' }, { limit: 0 }, { prefix: 'nothing' }, { prefix: 'user/', after: 'user/b', limit: 2 }];
  for (const opts of cases) {
    const got = (await docs.list('listed', '111111111111', 'us-east-1', opts)).map((r) => r.id);
    const want = (await lite.list('listed', '111111111111', 'us-east-1', opts)).map((r) => r.id);
    assert.deepEqual(got, want, JSON.stringify(opts));
  }
  assert.deepEqual((await docs.list('listed', '111111111111', 'us-east-1', { prefix: 'user/', limit: 3 })).map((r) => r.id), ['user/', 'user/B', 'user/a']);
  const all = await docs.listAll('listed');
  assert.deepEqual(all, await lite.listAll('listed'));
  assert.equal(all.length, ids.length + 2);
  assert.deepEqual(await docs.listAll('no-such-kind'), []);
});

test('tables live in the test schema; ids compare in "C" order whatever the database locale', { skip: SKIP }, async () => {
  const r = await ts.admin.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'documents' AND table_schema = $1", [ts.schema]);
  assert.equal(r.rowCount, 1);
  const c = await ts.admin.query<{ collation_name: string }>("SELECT collation_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'documents' AND column_name = 'id'", [ts.schema]);
  assert.equal(c.rows[0].collation_name, 'C');
});

test('migrations: two processes migrating a fresh schema at once both succeed, each migration applied once', { skip: SKIP }, async () => {
  const fresh = `${ts.schema}_m`;
  const a = createPool({ url: ts.url, schema: fresh });
  const b = createPool({ url: ts.url, schema: fresh });
  try {
    const extra = { id: '0099-extra', sql: 'CREATE TABLE extra (x INTEGER)' };
    await Promise.all([migrate(a, [...pgDocumentMigrations, extra]), migrate(b, [...pgDocumentMigrations, extra])]);
    await migrate(a, [...pgDocumentMigrations, extra]); // and again later: a no-op
    const ids = await a.pool.query<{ id: string }>('SELECT id FROM chattrail_migrations ORDER BY id');
    assert.deepEqual(ids.rows.map((r) => r.id), ['0001-documents', '0099-extra']);
    // A failing migration leaves nothing behind and is retried next time.
    const bad = { id: '0100-bad', sql: 'CREATE TABLE half (x INTEGER); SELECT no_such_function()' };
    await assert.rejects(migrate(a, [bad]), /no_such_function/);
    const half = await a.pool.query("SELECT to_regclass('half') AS t");
    assert.equal((half.rows[0] as { t: string | null }).t, null);
    assert.equal((await a.pool.query("SELECT 1 FROM chattrail_migrations WHERE id = '0100-bad'")).rowCount, 0);
  } finally {
    await a.pool.query(`DROP SCHEMA IF EXISTS ${fresh} CASCADE`);
    await Promise.all([a.pool.end(), b.pool.end()]);
  }
});

test('schema names that could escape quoting are refused', { skip: SKIP }, () => {
  assert.throws(() => createPool({ url: ts.url, schema: 'x"; DROP TABLE documents; --' }), /lower-case identifier/);
  assert.throws(() => createPool({ url: ts.url, schema: 'Mixed' }), /lower-case identifier/);
  assert.throws(() => createPool({ url: 'mysql://h/db' }), /postgres:\/\//);
});
