// Document changes on PostgreSQL (CHATTRAIL_TEST_POSTGRES_URL): the store's own publication
// contract, and the LISTEN/NOTIFY transport between two "nodes" (two stores, two listeners) on one
// schema: a committed write reaches the other node, a rolled-back one never does, a node does not
// hear itself twice, and a dropped listener connection makes caches drop everything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, migrate, type Postgres } from './postgres.js';
import { PostgresDocumentStore, pgDocumentMigrations } from './postgres-documents.js';
import { PgChangeListener, changeChannel } from './pg-changes.js';
import type { Change } from './changes.js';
import { checkChangeContract, checkPublishedAfterCommit } from '../../test/support/change-contract.js';
import { SKIP, createTestSchema, type TestSchema } from '../../test/support/postgres.js';

let ts: TestSchema;
let db: Postgres;
let nodeA: PostgresDocumentStore;
let nodeB: PostgresDocumentStore;
let listenA: PgChangeListener;
let listenB: PgChangeListener;

before(async () => {
  if (SKIP) return;
  ts = await createTestSchema();
  db = createPool({ url: ts.url, schema: ts.schema });
  await migrate(db, pgDocumentMigrations);
  const channel = changeChannel(ts.schema);
  nodeA = new PostgresDocumentStore(db.pool, { channel, origin: 'node-a' });
  nodeB = new PostgresDocumentStore(db.pool, { channel, origin: 'node-b' });
  listenA = new PgChangeListener({ url: ts.url, channel, origin: 'node-a', bus: nodeA.changes, retryMs: 50 });
  listenB = new PgChangeListener({ url: ts.url, channel, origin: 'node-b', bus: nodeB.changes, retryMs: 50 });
  await Promise.all([listenA.start(), listenB.start()]);
});

after(async () => {
  if (SKIP) return;
  await Promise.all([listenA.close(), listenB.close()]);
  await db.pool.end();
  await ts.drop();
});

/** Resolves with the first change `store` hears of `kind` that `match` accepts (or rejects after 5 s). */
function next(store: PostgresDocumentStore, kind: string, match: (c: Change) => boolean = () => true): Promise<Change> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`no ${kind} change within 5 s`)); }, 5000);
    const stop = store.changes.onChange(kind, (c) => {
      if (!match(c)) return;
      clearTimeout(timer);
      stop();
      resolve(c);
    });
  });
}

const key = (kind: string, id: string) => ({ kind, accountId: '111111111111', region: 'global', id });

test('each committed write publishes its key once in process; no-op writes and failed updates publish nothing', { skip: SKIP }, async () => {
  await checkChangeContract(nodeA, 'thing');
});

test('a listener already reads the committed state, before the write resolves', { skip: SKIP }, async () => {
  await checkPublishedAfterCommit(nodeA, 'seen');
});

test('another node hears a committed write; the writer hears it once, not again by NOTIFY', { skip: SKIP }, async () => {
  const heardByA: Change[] = [];
  const stopA = nodeA.changes.onChange('access-key', (c) => heardByA.push(c));
  try {
    const atB = next(nodeB, 'access-key');
    await nodeA.put(key('access-key', 'AKIAREMOTE'), { status: 'Active' });
    assert.deepEqual(await atB, key('access-key', 'AKIAREMOTE'));
    // A's own NOTIFY has reached A's listener by now too (one channel, commit order): a later write
    // from B arriving at A proves it, and A must have heard its own write exactly once.
    const atA = next(nodeA, 'access-key', (c) => !('all' in c) && c.id === 'AKIAFROMB');
    await nodeB.delete(key('access-key', 'AKIAREMOTE'));
    await nodeB.put(key('access-key', 'AKIAFROMB'), {});
    await atA;
    assert.deepEqual(heardByA, [key('access-key', 'AKIAREMOTE'), key('access-key', 'AKIAREMOTE'), key('access-key', 'AKIAFROMB')]);
  } finally {
    stopA();
  }
});

test('a rolled-back update and a create that inserted nothing send no notification', { skip: SKIP }, async () => {
  const annAtB = next(nodeB, 'iam-user');
  await nodeA.put(key('iam-user', 'ann'), { n: 1 });
  await annAtB;
  const heard: Change[] = [];
  const stop = nodeB.changes.onChange('iam-user', (c) => heard.push(c));
  try {
    const marker = next(nodeB, 'iam-user', (c) => !('all' in c) && c.id === 'marker');
    await assert.rejects(nodeA.update(key('iam-user', 'ann'), () => { throw new Error('refused'); }), /refused/);
    assert.equal(await nodeA.create(key('iam-user', 'ann'), { n: 2 }), false);
    await nodeA.update(key('iam-user', 'nobody'), () => undefined);
    await nodeA.put(key('iam-user', 'marker'), {});
    await marker;
    // Notifications arrive in commit order: had anything before the marker notified, B heard it first.
    assert.deepEqual(heard, [key('iam-user', 'marker')]);
  } finally {
    stop();
  }
});

test('a deleting update in one transaction reaches the other node after its commit', { skip: SKIP }, async () => {
  await nodeA.put(key('iam-role', 'ops'), { n: 1 });
  const atB = next(nodeB, 'iam-role');
  await nodeA.update(key('iam-role', 'ops'), () => undefined);
  assert.deepEqual(await atB, key('iam-role', 'ops'));
  assert.equal(await nodeB.get(key('iam-role', 'ops')), undefined);
});

test('a listener whose connection dies tells its caches to drop everything, reconnects, and hears again', { skip: SKIP }, async () => {
  const dropped = next(nodeB, 'iam-group', (c) => 'all' in c);
  const channel = changeChannel(ts.schema);
  // Ends every session listening on our channel (node A's and node B's listeners).
  await ts.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [`LISTEN ${channel}`]);
  assert.deepEqual(await dropped, { kind: 'iam-group', all: true });
  // Reconnected (50 ms retry): a later write from A reaches B again.
  const deadline = Date.now() + 5000;
  for (;;) {
    // A round that misses leaves its waiter to time out quietly.
    const atB = next(nodeB, 'iam-group', (c) => !('all' in c) && c.id === 'after').catch(() => undefined);
    await nodeA.put(key('iam-group', 'after'), {});
    const got = await Promise.race([atB, new Promise<undefined>((r) => setTimeout(r, 300, undefined))]);
    if (got) break;
    assert.ok(Date.now() < deadline, 'the listener never came back');
  }
});
