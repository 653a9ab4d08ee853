// PostgresEventStore against a real PostgreSQL (CHATTRAIL_TEST_POSTGRES_URL), in a schema of its own:
// lookups agree with SqliteEventStore on the same events; group commit is durable and all-or-nothing;
// readAfter never skips an event, with one writer or with two "processes" on the same database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createPool, migrate, type Postgres } from './postgres.js';
import { migrate as migrateSqlite } from './sqlite.js';
import { SKIP, createTestSchema, type TestSchema } from '../../test/support/postgres.js';
import { PostgresEventStore, pgEventMigrations } from './postgres-event-store.js';
import { SqliteEventStore, eventMigrations } from './sqlite-event-store.js';
import type { LookupAttributeKey, LookupQuery, StoredEvent } from './event-store.js';

let ts: TestSchema;
let db: Postgres;
let store: PostgresEventStore;
const extraPools: Postgres[] = [];

before(async () => {
  if (SKIP) return;
  ts = await createTestSchema();
  db = createPool({ url: ts.url, schema: ts.schema });
  await migrate(db, pgEventMigrations);
  store = new PostgresEventStore(db.pool);
});

after(async () => {
  if (SKIP) return;
  await store.close();
  await Promise.all([db, ...extraPools].map((p) => p.pool.end()));
  await ts.drop();
});

/** Another "process": its own pool and store on the same schema. */
function otherProcess(): PostgresEventStore {
  const p = createPool({ url: ts.url, schema: ts.schema });
  extraPools.push(p);
  return new PostgresEventStore(p.pool);
}

let n = 0;
function ev(over: Partial<StoredEvent> = {}): StoredEvent {
  n++;
  return {
    eventId: `evt-${n}`, accountId: '111111111111', region: 'us-east-1', eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, n % 60)),
    eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', readOnly: true, management: true, resources: [],
    record: JSON.stringify({ eventID: `evt-${n}`, n }), ...over,
  };
}

test('an empty store: lastSeq 0, nothing to read', { skip: SKIP }, async () => {
  assert.equal(await store.lastSeq(), 0);
  assert.deepEqual(await store.readAfter(0, 10), []);
});

test('lookups agree with the SQLite store for every attribute, time range and page', { skip: SKIP }, async () => {
  const names = ['CreateUser', 'DeleteUser', 'GetObject', 'ListUsers'];
  const fixture: StoredEvent[] = [];
  for (let i = 0; i < 80; i++) {
    fixture.push(ev({
      accountId: i % 9 === 0 ? '999999999999' : '123456789012', region: i % 7 === 0 ? 'eu-west-1' : 'us-east-1',
      // Several events share a millisecond: pages must break ties by seq.
      eventTime: new Date(Date.UTC(2024, 2, 1) + Math.floor(i / 3) * 1000),
      eventName: names[i % 4], eventSource: i % 4 === 2 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
      username: i % 5 === 0 ? undefined : `user${i % 3}`, accessKeyId: i % 6 === 0 ? undefined : `AKIA${i % 2}`,
      readOnly: i % 4 >= 2, management: i % 11 !== 0,
      resources: i % 4 === 0 ? [{ type: 'AWS::IAM::User', name: `u${i % 5}` }, { type: 'AWS::IAM::User', name: 'shared' }, { type: 'AWS::IAM::Policy', name: 'p' }] : [],
    }));
  }
  const sqlite = new Database(':memory:');
  migrateSqlite(sqlite, eventMigrations);
  const lite = new SqliteEventStore(sqlite);
  const base = await store.lastSeq();
  // Sequentially, so both stores hand out seqs in the same order (SQLite's offset by `base`).
  for (const e of fixture) {
    await store.append({ ...e, resources: [...e.resources] });
    await lite.append({ ...e, resources: [...e.resources] });
  }
  const shift = (es: StoredEvent[]) => es.map((e) => ({ ...e, seq: (e.seq ?? 0) - base }));
  const attrs: [LookupAttributeKey, string][] = [['EventName', 'CreateUser'], ['Username', 'user1'], ['EventSource', 's3.amazonaws.com'],
    ['AccessKeyId', 'AKIA1'], ['ReadOnly', 'true'], ['ReadOnly', 'false'], ['ResourceType', 'AWS::IAM::User'], ['ResourceName', 'shared'],
    ['ResourceName', 'u0'], ['EventId', fixture[5].eventId], ['EventName', 'NoSuchEvent']];
  const ranges = [[Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)], [Date.UTC(2024, 2, 1) + 5000, Date.UTC(2024, 2, 1) + 12000]];
  let compared = 0;
  for (const attribute of [undefined, ...attrs.map(([key, value]) => ({ key, value }))]) {
    for (const [start, end] of ranges) {
      let pgAfter: LookupQuery['after'];
      for (let page = 0; page < 30; page++) {
        const q: LookupQuery = { accountId: '123456789012', region: 'us-east-1', attribute, start: new Date(start), end: new Date(end), limit: 7 };
        const got = shift(await store.lookup({ ...q, after: pgAfter }));
        const want = await lite.lookup({ ...q, after: pgAfter && { time: pgAfter.time, seq: pgAfter.seq - base } });
        assert.deepEqual(got, want, `${JSON.stringify(attribute)} ${start}-${end} page ${page}`);
        compared += got.length;
        const last = got.at(-1);
        if (!last) break;
        pgAfter = { time: last.eventTime.getTime(), seq: (last.seq ?? 0) + base };
      }
    }
  }
  assert.ok(compared > 200, `compared ${compared} events`);
  // Spot checks that do not lean on SQLite: data events never show, and an event naming two
  // resources of the asked type appears once, with its resources in recorded order.
  const byType = await store.lookup({ accountId: '123456789012', region: 'us-east-1', attribute: { key: 'ResourceType', value: 'AWS::IAM::User' }, start: new Date(0), end: new Date(Date.UTC(2030, 0)), limit: 100 });
  assert.equal(new Set(byType.map((e) => e.seq)).size, byType.length);
  assert.ok(byType.every((e) => e.management));
  assert.deepEqual(byType[0].resources.map((r) => r.name).slice(1), ['shared', 'p']);
  await lite.close();
  sqlite.close();
});

test('many concurrent callers: every append durable, seqs strictly increasing in call order', { skip: SKIP }, async () => {
  const events = Array.from({ length: 300 }, () => ev({ accountId: '200000000001', resources: [{ type: 'T', name: 'n' }] }));
  await Promise.all(events.map((e) => store.append(e)));
  const seqs = events.map((e) => e.seq ?? -1);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`);
  // Read back through another pool: committed, not just visible to the writer's connection.
  const reader = otherProcess();
  const all = await reader.readAfter(seqs[0] - 1, 1000);
  const mine = all.filter((e) => e.accountId === '200000000001');
  assert.deepEqual(mine.map((e) => e.eventId), events.map((e) => e.eventId));
  assert.deepEqual(mine.map((e) => e.seq), seqs);
  assert.ok((await reader.lastSeq()) >= seqs[seqs.length - 1]);
});

test('a batch that fails rejects every caller in it and records none of it; the next batch works', { skip: SKIP }, async () => {
  const before = await store.lastSeq();
  const good = Array.from({ length: 5 }, () => ev({ accountId: '200000000002' }));
  // PostgreSQL text cannot hold NUL: this one event fails the whole transaction.
  const bad = ev({ accountId: '200000000002', eventName: 'Bad\u0000Name' });
  const results = await Promise.allSettled([...good, bad].map((e) => store.append(e)));
  assert.deepEqual(results.map((r) => r.status), Array(6).fill('rejected'));
  const reasons = new Set(results.map((r) => (r.status === 'rejected' ? r.reason : undefined)));
  assert.equal(reasons.size, 1, 'every caller gets the same error');
  assert.ok(good.every((e) => e.seq === undefined), 'no seq handed to a rejected event');
  assert.equal(await store.lastSeq(), before);
  assert.equal((await ts.admin.query("SELECT 1 FROM events WHERE account = '200000000002'")).rowCount, 0);
  const next = ev({ accountId: '200000000002' });
  await store.append(next);
  assert.ok((next.seq ?? 0) > before);
});

/** Polls readAfter like trail delivery does until `expected` events of `account` were seen; fails on a skip. */
async function deliverAll(reader: PostgresEventStore, from: number, account: string, expected: number, done: () => boolean): Promise<string[]> {
  let cursor = from;
  const seen: string[] = [];
  for (let idle = 0; idle < 200;) {
    const batch = await reader.readAfter(cursor, 25);
    for (const e of batch) {
      assert.ok((e.seq ?? 0) > cursor, 'readAfter goes strictly forward');
      cursor = e.seq ?? cursor;
      if (e.accountId === account) seen.push(e.eventId);
    }
    if (seen.length >= expected && done()) break;
    if (!batch.length) { idle = done() ? idle + 1 : 0; await new Promise((r) => setImmediate(r)); }
  }
  return seen;
}

async function appendInWaves(s: PostgresEventStore, account: string, waves: number, perWave: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let w = 0; w < waves; w++) {
    const batch = Array.from({ length: perWave }, (_, i) => ev({ accountId: account, eventId: `${prefix}-${w}-${i}` }));
    ids.push(...batch.map((e) => e.eventId));
    await Promise.all(batch.map((e) => s.append(e)));
    if (w % 3 === 0) await new Promise((r) => setTimeout(r, Math.random() * 3));
  }
  return ids;
}

test('readAfter never skips while appends and reads interleave (one process)', { skip: SKIP }, async () => {
  const start = await store.lastSeq();
  let finished = false;
  const writing = Promise.all([
    appendInWaves(store, '200000000003', 40, 5, 'a'), appendInWaves(store, '200000000003', 40, 3, 'b'),
  ]).finally(() => { finished = true; });
  const [seen, written] = await Promise.all([deliverAll(otherProcess(), start, '200000000003', 320, () => finished), writing]);
  assert.equal(seen.length, 320, 'each event delivered exactly once');
  assert.deepEqual([...seen].sort(), written.flat().sort());
});

test('two processes appending at once: readAfter from a third still sees every event exactly once', { skip: SKIP }, async () => {
  const p1 = otherProcess();
  const p2 = otherProcess();
  const start = await store.lastSeq();
  let finished = false;
  const writing = Promise.all([
    appendInWaves(p1, '200000000004', 60, 4, 'p1'), appendInWaves(p2, '200000000004', 60, 4, 'p2'),
    appendInWaves(p1, '200000000004', 60, 1, 'p1s'), appendInWaves(p2, '200000000004', 60, 1, 'p2s'),
  ]).finally(() => { finished = true; });
  const [seen, written] = await Promise.all([deliverAll(otherProcess(), start, '200000000004', 600, () => finished), writing]);
  assert.equal(seen.length, 600, 'each event delivered exactly once');
  assert.deepEqual([...seen].sort(), written.flat().sort());
  await Promise.all([p1.close(), p2.close()]);
});

test('purgeBefore deletes older events and their resources, and only those', { skip: SKIP }, async () => {
  const old = Array.from({ length: 4 }, (_, i) => ev({ accountId: '200000000005', eventTime: new Date(Date.UTC(1999, 11, 31, 0, 0, i)), resources: [{ type: 'T', name: 'old' }] }));
  const kept = ev({ accountId: '200000000005', eventTime: new Date(Date.UTC(2000, 0, 1)), resources: [{ type: 'T', name: 'old' }] });
  await Promise.all([...old, kept].map((e) => store.append(e)));
  assert.equal(await store.purgeBefore(new Date(Date.UTC(2000, 0, 1))), 4);
  const q = { accountId: '200000000005', region: 'us-east-1', start: new Date(0), end: new Date(Date.UTC(2001, 0)), limit: 50 };
  assert.deepEqual((await store.lookup(q)).map((e) => e.eventId), [kept.eventId]);
  assert.deepEqual((await store.lookup({ ...q, attribute: { key: 'ResourceName', value: 'old' } })).map((e) => e.eventId), [kept.eventId]);
  assert.equal((await ts.admin.query("SELECT 1 FROM event_resources WHERE account = '200000000005'")).rowCount, 1);
  assert.equal(await store.purgeBefore(new Date(Date.UTC(2000, 0, 1))), 0);
});

test('close waits for queued appends to commit, then refuses new ones', { skip: SKIP }, async () => {
  const s = otherProcess();
  const events = Array.from({ length: 20 }, () => ev({ accountId: '200000000006' }));
  const appended = events.map((e) => s.append(e));
  await s.close();
  assert.ok(events.every((e) => (e.seq ?? 0) > 0), 'every queued append committed before close returned');
  await Promise.all(appended);
  assert.equal((await ts.admin.query("SELECT 1 FROM events WHERE account = '200000000006'")).rowCount, 20);
  await assert.rejects(s.append(ev()), /closed/);
});
