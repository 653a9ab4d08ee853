// RecordFeed on SQLite and (with CHATTRAIL_TEST_POSTGRES_URL) PostgreSQL: start positions, order,
// resuming from the stored cursor after a crash, per-consumer backoff, a stuck consumer never
// holding back appends or other consumers, polling for another process's records, shared reads.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate as migrateSqlite, openSqlite } from '../storage/sqlite.js';
import { createPool, migrate as migratePostgres } from '../storage/postgres.js';
import { SKIP, createTestSchema } from '../../test/support/postgres.js';
import { SqliteEventStore, eventMigrations } from '../storage/sqlite-event-store.js';
import { PostgresEventStore, pgEventMigrations } from '../storage/postgres-event-store.js';
import { RecordFeed, type FeedOptions, type FeedStore } from './feed.js';
import type { EventStore, StoredEvent } from '../storage/event-store.js';

/** One database; `open()` is one process's store on it (call again for a restart or a second process). */
interface Backend { open(): EventStore; drop(): Promise<void> }

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

function sqliteBackend(): Backend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-feed-'));
  const file = path.join(dir, 'chattrail.db');
  return {
    open() {
      const db = openSqlite(file, { synchronous: 'normal' });
      migrateSqlite(db, eventMigrations);
      const store = new SqliteEventStore(db);
      const close = store.close.bind(store);
      let closed = false;
      return Object.assign(store, { close: async () => { if (closed) return; closed = true; await close(); db.close(); } });
    },
    async drop() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

async function postgresBackend(): Promise<Backend> {
  const ts = await createTestSchema();
  const pools: ReturnType<typeof createPool>[] = [];
  await migratePostgres(createPoolFor(), pgEventMigrations);
  function createPoolFor() {
    const p = createPool({ url: ts.url, schema: ts.schema, max: 4 });
    pools.push(p);
    return p;
  }
  return {
    open: () => new PostgresEventStore(createPoolFor().pool),
    async drop() { await Promise.all(pools.map((p) => p.pool.end())); await ts.drop(); },
  };
}

const quiet = { warn: () => undefined, error: () => undefined };
const fast: FeedOptions = { wakeDelayMs: 5, pollMs: 50, retryMs: 20, maxBackoffMs: 200 };
let n = 0;

function ev(): StoredEvent {
  n++;
  return {
    eventId: `evt-${n}`, accountId: '111111111111', region: 'us-east-1', eventTime: new Date(), eventName: 'GetCallerIdentity',
    eventSource: 'sts.amazonaws.com', readOnly: true, management: true, resources: [{ type: 'AWS::IAM::User', name: 'alice' }], record: JSON.stringify({ eventID: `evt-${n}` }),
  };
}

/** Appends as the pipeline does: durably, then tells the feed. Returns the events' ids. */
async function record(store: EventStore, feed: RecordFeed | undefined, count: number): Promise<string[]> {
  const events = Array.from({ length: count }, ev);
  await Promise.all(events.map(async (e) => { await store.append(e); feed?.appended(e); }));
  return events.map((e) => e.eventId);
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A consumer that remembers what it saw, in order, with each batch's size. */
function collector(name: string, over: { startAt?: 'end' | 'start' | number; batchSize?: number; fail?: (batch: readonly StoredEvent[]) => boolean } = {}) {
  const seen: StoredEvent[] = [];
  const batches: number[] = [];
  return {
    seen, batches, ids: () => seen.map((e) => e.eventId),
    consumer: {
      name, startAt: over.startAt, batchSize: over.batchSize,
      async handle(batch: readonly StoredEvent[]) {
        if (over.fail?.(batch)) throw new Error(`${name} refuses`);
        seen.push(...batch);
        batches.push(batch.length);
      },
    },
  };
}

const backends: [string, string | false, () => Promise<Backend>][] = [
  ['SQLite', false, async () => sqliteBackend()],
  ['PostgreSQL', SKIP, postgresBackend],
];

for (const [label, skip, make] of backends) {
  describe(`record feed on ${label}`, { skip }, () => {
    let backend: Backend;
    const fresh = async () => {
      const b = (backend = await make());
      cleanups.push(() => b.drop());
      const store = backend.open();
      cleanups.push(() => store.close());
      return store;
    };

    test('start positions: end (default), start, after a seq; each placed once and kept', async () => {
      const store = await fresh();
      const early = await record(store, undefined, 3);
      const feed = new RecordFeed(store, quiet, fast);
      const atEnd = collector('at-end');
      const fromStart = collector('from-start', { startAt: 'start' });
      const fromSecond = collector('from-second', { startAt: (await store.lastSeq()) - 1 });
      for (const c of [atEnd, fromStart, fromSecond]) feed.register(c.consumer);
      await feed.start();
      assert.equal(await feed.position('at-end'), await store.lastSeq(), 'placed at the end and committed at once');
      const later = await record(store, feed, 2);
      await until('all three caught up', () => atEnd.seen.length === 2 && fromStart.seen.length === 5 && fromSecond.seen.length === 3);
      assert.deepEqual(atEnd.ids(), later);
      assert.deepEqual(fromStart.ids(), [...early, ...later]);
      assert.deepEqual(fromSecond.ids(), [early[2], ...later]);
      await feed.stop();
      assert.throws(() => feed.register(collector('at-end').consumer), /already registered/);
    });

    test('batches arrive in seq order within the batch size, each record once, the cursor at the last', async () => {
      const store = await fresh();
      const feed = new RecordFeed(store, quiet, fast);
      const c = collector('ordered', { batchSize: 7 });
      feed.register(c.consumer);
      await feed.start();
      const ids = await record(store, feed, 50);
      await until('50 records', () => c.seen.length >= 50);
      await feed.stop();
      const seqs = c.seen.map((e) => e.seq!);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq order');
      assert.deepEqual([...c.ids()].sort(), [...ids].sort(), 'every record exactly once');
      assert.ok(c.batches.every((b) => b <= 7), `batch sizes ${c.batches.join(',')}`);
      assert.equal(await feed.position('ordered'), await store.lastSeq());
    });

    test('a crash before the commit redelivers only the uncommitted batch, from the stored cursor', async () => {
      const store = await fresh();
      const ids = await record(store, undefined, 20);
      let crashAt = 3; // the third batch is handled, then the process "dies" before committing
      const seen: string[] = [];
      const feed = new RecordFeed(store, quiet, { ...fast, retryMs: 60_000 });
      feed.register({
        name: 'crashy', startAt: 'start', batchSize: 5,
        async handle(batch: readonly StoredEvent[]) {
          seen.push(...batch.map((e) => e.eventId));
          if (--crashAt === 0) throw new Error('killed');
        },
      });
      await feed.start();
      await until('the crash', () => crashAt === 0);
      await feed.stop();
      assert.equal(await feed.position('crashy'), (await store.readAfter(0, 20))[9].seq, 'two batches committed');
      await store.close();

      const reopened = backend.open(); // the restart
      cleanups.push(() => reopened.close());
      const again = collector('crashy', { startAt: 'end' }); // a stored cursor wins over startAt
      const feed2 = new RecordFeed(reopened, quiet, fast);
      feed2.register(again.consumer);
      await feed2.start();
      await until('the rest', () => again.seen.length >= 10);
      await feed2.stop();
      assert.deepEqual(again.ids(), ids.slice(10), 'resumed right after the committed cursor');
      const all = [...seen, ...again.ids()];
      assert.deepEqual([...new Set(all)].sort(), [...ids].sort(), 'nothing lost');
      const dupes = all.filter((id, i) => all.indexOf(id) !== i);
      assert.deepEqual(dupes, ids.slice(10, 15), 'duplicates only of the batch that was never committed');
    });

    test('a failing consumer backs off alone; once it recovers it gets everything', async () => {
      const store = await fresh();
      let broken = true;
      let attempts = 0;
      const failing = collector('failing', { fail: () => { attempts++; return broken; } });
      const healthy = collector('healthy');
      const feed = new RecordFeed(store, quiet, { ...fast, retryMs: 40, maxBackoffMs: 160 });
      feed.register(failing.consumer);
      feed.register(healthy.consumer);
      await feed.start();
      const ids = await record(store, feed, 5);
      await until('the healthy consumer', () => healthy.seen.length === 5, 1000);
      const t0 = Date.now();
      const more = await record(store, feed, 5); // wake-ups do not cut a backoff short
      await until('the healthy consumer again', () => healthy.seen.length === 10, 1000);
      await new Promise((r) => setTimeout(r, 400));
      const elapsed = Date.now() - t0;
      // 40, 80, 160, 160... ms apart: far fewer attempts than wake-ups and polls would cause.
      assert.ok(attempts >= 3 && attempts <= 2 + Math.ceil(elapsed / 100), `${attempts} attempts in ${elapsed} ms`);
      assert.equal(failing.seen.length, 0);
      broken = false;
      await until('the failing consumer recovers', () => failing.seen.length === 10, 2000);
      assert.deepEqual(failing.ids(), [...ids, ...more]);
      await feed.stop();
    });

    test('a consumer stuck in its handler delays neither appends nor the other consumers', async () => {
      const store = await fresh();
      const feed = new RecordFeed(store, quiet, fast);
      let release!: () => void;
      const stuck = new Promise<void>((r) => { release = r; });
      let stuckCalls = 0;
      feed.register({ name: 'stuck', async handle() { stuckCalls++; await stuck; } });
      const other = collector('other');
      feed.register(other.consumer);
      await feed.start();
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) await record(store, feed, 20);
      const appendMs = Date.now() - t0;
      await until('the other consumer', () => other.seen.length === 200);
      assert.equal(stuckCalls, 1, 'one batch in flight, never two at once');
      assert.ok(appendMs < 2000, `200 appends took ${appendMs} ms`);
      release();
      await feed.stop();
    });

    test('records appended by another process arrive by polling; live consumers only see this process', async () => {
      const store = await fresh();
      const other = backend.open();
      cleanups.push(() => other.close());
      const feed = new RecordFeed(store, quiet, fast);
      const durable = collector('durable');
      const live: string[] = [];
      feed.register(durable.consumer);
      feed.register({ name: 'live', live: true, handle: (b) => { live.push(...b.map((e) => e.eventId)); } });
      feed.register({ name: 'live-broken', live: true, handle: () => { throw new Error('a bug'); } });
      await feed.start();
      const mine = await record(store, feed, 2);
      assert.deepEqual(live, mine, 'live consumers are handed records at once, before any wake-up');
      const theirs = await record(other, undefined, 3); // no appended() here: only the poll can find them
      await until('the other process\'s records', () => durable.seen.length === 5, 2000);
      assert.deepEqual(durable.ids(), [...mine, ...theirs]);
      assert.deepEqual(live, mine);
      await feed.stop();
    });

    test('consumers at the same position share one read per wake-up', async () => {
      const store = await fresh();
      let reads = 0;
      const counting: FeedStore = {
        readAfter: (a, l) => { reads++; return store.readAfter(a, l); },
        lastSeq: () => store.lastSeq(), cursor: (x) => store.cursor(x), commitCursor: (x, s) => store.commitCursor(x, s),
      };
      const feed = new RecordFeed(counting, quiet, { ...fast, pollMs: 60_000 });
      const idle = Array.from({ length: 10 }, (_, i) => collector(`idle-${i}`));
      for (const c of idle) feed.register(c.consumer);
      await feed.start();
      await until('the first look', () => reads > 0);
      await new Promise((r) => setTimeout(r, 30));
      reads = 0;
      await record(store, feed, 4);
      await until('all ten', () => idle.every((c) => c.seen.length === 4));
      await new Promise((r) => setTimeout(r, 30));
      await feed.stop();
      // One read finds the records, one more (after the commits) finds nothing new.
      assert.ok(reads <= 2, `${reads} reads for ten consumers`);
      for (let i = 0; i < 10; i++) assert.equal(await store.cursor(`idle-${i}`), await store.lastSeq());
    });

    test('a consumer keeping up is served from memory; a record from elsewhere in between sends it to the store', async () => {
      const store = await fresh();
      const other = backend.open();
      cleanups.push(() => other.close());
      let reads = 0;
      const counting: FeedStore = {
        readAfter: (a, l) => { reads++; return store.readAfter(a, l); },
        lastSeq: () => store.lastSeq(), cursor: (x) => store.cursor(x), commitCursor: (x, s) => store.commitCursor(x, s),
      };
      const feed = new RecordFeed(counting, quiet, { ...fast, pollMs: 60_000 });
      const c = collector('keeping-up');
      feed.register(c.consumer);
      await feed.start();
      await until('the first look', () => reads > 0);
      reads = 0;
      const mine = await record(store, feed, 30);
      await until('30 records', () => c.seen.length === 30);
      assert.equal(reads, 0, 'no read while every record came from this process');
      const theirs = await record(other, undefined, 1);
      const after = await record(store, feed, 5);
      await until('6 more', () => c.seen.length === 36);
      assert.ok(reads >= 1, 'the gap was filled from the store');
      assert.deepEqual(c.ids(), [...mine, ...theirs, ...after]);
      assert.deepEqual(c.seen.map((e) => e.resources), c.seen.map(() => []), 'the same records as a read returns');
      await feed.stop();
    });

    test('a progress consumer is told how far the feed grew, never reads records, and resumes from its cursor', async () => {
      const store = await fresh();
      let reads = 0;
      const counting: FeedStore = Object.assign(Object.create(store) as EventStore, {
        readAfter: (a: number, l: number) => { reads++; return store.readAfter(a, l); },
      });
      await record(store, undefined, 2);
      const told: number[] = [];
      const progress = { name: 'progress', progress: true as const, startAt: 'start' as const, async handle(upTo: number) { told.push(upTo); } };
      const feed = new RecordFeed(counting, quiet, fast);
      feed.register(progress);
      await feed.start();
      const last = await store.lastSeq();
      await until('told of the backlog', () => told.includes(last));
      await record(store, undefined, 2000); // a backlog from elsewhere: one step, not four batches
      const end = await store.lastSeq();
      feed.wake();
      await until('told of the rest', () => told.includes(end));
      assert.equal(reads, 0, 'no record was read');
      assert.equal(await store.cursor('progress'), end);
      await feed.stop();
      const again = new RecordFeed(counting, quiet, fast);
      const later: number[] = [];
      again.register({ ...progress, async handle(upTo: number) { later.push(upTo); } });
      await again.start();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(later, [], 'nothing new since its cursor');
      await again.stop();
    });

    test('a consumer catching up on a backlog lets I/O run between batches', async () => {
      const store = await fresh();
      await record(store, undefined, 1000);
      const feed = new RecordFeed(store, quiet, fast);
      const c = collector('behind', { startAt: 'start', batchSize: 50 });
      let ioTurns = 0;
      let batchesAtFirstTurn = -1;
      const tick = setInterval(() => { if (ioTurns++ === 0) batchesAtFirstTurn = c.batches.length; }, 0);
      feed.register(c.consumer);
      await feed.start();
      await until('the backlog', () => c.seen.length === 1000);
      clearInterval(tick);
      assert.ok(batchesAtFirstTurn >= 0 && batchesAtFirstTurn < 20, `a timer ran before most of the 20 batches (after ${batchesAtFirstTurn})`);
      await feed.stop();
    });

    test('cursors are stored beside the events and never move backwards', async () => {
      const store = await fresh();
      assert.equal(await store.cursor('nobody'), undefined);
      await Promise.all([store.commitCursor('c', 5), store.commitCursor('c', 9), store.commitCursor('c', 7)]);
      assert.equal(await store.cursor('c'), 9);
      await store.commitCursor('c', 3);
      assert.equal(await store.cursor('c'), 9);
      await store.commitCursor('d', 0);
      assert.equal(await store.cursor('d'), 0);
    });
  });
}
