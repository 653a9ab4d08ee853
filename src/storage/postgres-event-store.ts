// EventStore on PostgreSQL with group commit: appends queued in the same event-loop turn (and those
// arriving while a flush is in flight) share one transaction, and each caller's promise resolves
// only after COMMIT. Same indexes as the SQLite store, so LookupEvents stays an index range scan;
// feed consumers' cursors sit in `feed_cursors` beside the events.
import type pg from 'pg';
import { LOCK_CLASS, inTransaction, type PgMigration } from './postgres.js';
import type { EventStore, LookupQuery, StoredEvent } from './event-store.js';

/**
 * Times are epoch milliseconds (BIGINT), as in SQLite, so NextToken positions compare exactly.
 * `seq` takes values from its own sequence, handed out by the writer under the append lock (below).
 * `ord` keeps an event's resources in the order they were recorded.
 */
export const pgEventMigrations: PgMigration[] = [{
  id: '0002-events',
  sql: `
  CREATE SEQUENCE event_seq;
  CREATE TABLE events (
    seq BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    event_id TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    event_time BIGINT NOT NULL,
    event_name TEXT NOT NULL,
    event_source TEXT NOT NULL,
    username TEXT,
    access_key_id TEXT,
    read_only BOOLEAN NOT NULL,
    management BOOLEAN NOT NULL,
    record TEXT NOT NULL
  );
  ALTER SEQUENCE event_seq OWNED BY events.seq;
  CREATE INDEX events_by_time ON events (account, region, event_time, seq);
  CREATE INDEX events_by_name ON events (account, region, event_name, event_time, seq);
  CREATE INDEX events_by_user ON events (account, region, username, event_time, seq);
  CREATE INDEX events_by_source ON events (account, region, event_source, event_time, seq);
  CREATE INDEX events_by_key ON events (account, region, access_key_id, event_time, seq);
  -- No index on read_only: half of all events match either value, so the time index serves it.
  CREATE INDEX events_by_id ON events (event_id);
  CREATE TABLE event_resources (
    seq BIGINT NOT NULL, ord INTEGER NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, event_time BIGINT NOT NULL,
    type TEXT NOT NULL, name TEXT NOT NULL
  );
  CREATE INDEX resources_by_type ON event_resources (account, region, type, event_time, seq);
  CREATE INDEX resources_by_name ON event_resources (account, region, name, event_time, seq);
  CREATE INDEX resources_by_seq ON event_resources (seq, ord);
  `,
}, {
  // The record feed's named consumers: the last seq each committed (src/records/feed.ts).
  id: '0003-feed-cursors',
  sql: 'CREATE TABLE feed_cursors (name TEXT PRIMARY KEY, seq BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())',
}];

/** The append lock's second key, hashed with the schema so separate deployments never contend. */
const APPEND_LOCK = "hashtext('append:' || current_schema())";
/** Bounds one transaction's size (and its parameter arrays) when a large backlog has queued up. */
const MAX_BATCH = 1000;

interface Row {
  seq: string; event_id: string; account: string; region: string; event_time: string; event_name: string;
  event_source: string; username: string | null; access_key_id: string | null; read_only: boolean; management: boolean; record: string;
}

const COLUMN: Record<string, string> = {
  EventName: 'event_name', Username: 'username', EventSource: 'event_source', AccessKeyId: 'access_key_id', ReadOnly: 'read_only',
};

/**
 * One statement per batch: draw the batch's seqs (nextval, then setval past the whole batch —
 * safe because only lock holders draw from event_seq), insert the events with seq = first + i,
 * and their resources. `alloc` is volatile, so PostgreSQL evaluates it exactly once.
 */
const APPEND_BATCH = `WITH alloc AS (SELECT setval('event_seq', nextval('event_seq') + $1 - 1) AS last),
  ev AS (INSERT INTO events (seq, event_id, account, region, event_time, event_name, event_source, username, access_key_id, read_only, management, record)
    SELECT a.last - $1 + t.i, t.event_id, t.account, t.region, t.event_time, t.event_name, t.event_source, t.username, t.access_key_id, t.read_only, t.management, t.record
    FROM alloc a, unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[], $11::boolean[], $12::text[])
      WITH ORDINALITY AS t(event_id, account, region, event_time, event_name, event_source, username, access_key_id, read_only, management, record, i)),
  res AS (INSERT INTO event_resources (seq, ord, account, region, event_time, type, name)
    SELECT a.last - $1 + r.i, r.ord, r.account, r.region, r.event_time, r.type, r.name
    FROM alloc a, unnest($13::int[], $14::int[], $15::text[], $16::text[], $17::bigint[], $18::text[], $19::text[]) AS r(i, ord, account, region, event_time, type, name))
  SELECT last FROM alloc`;

interface Pending { event: StoredEvent; resolve: () => void; reject: (e: unknown) => void }

/**
 * Why readAfter can never skip an event. Trail delivery reads `readAfter(cursor)` and moves its
 * cursor to the last seq it saw, so it relies on this: once a seq is visible, no lower seq can
 * become visible later. PostgreSQL sequences alone break that — nextval is taken at INSERT time,
 * so with two transactions in flight, seq 11 may commit (and be read) before seq 10 commits, and
 * the reader never looks back for 10. Two rules restore it:
 *  1. One writer per process: all appends go through `flush`, one transaction at a time; the next
 *     batch only starts after the previous one committed or rolled back.
 *  2. Across processes: every append transaction first takes `pg_advisory_xact_lock` (one key per
 *     schema) and only then draws its seqs from the sequence. The lock is held until COMMIT and
 *     released after the commit is visible, so transactions draw seqs and become visible in the
 *     same order. (A rolled-back batch leaves a gap in seq numbers, which readers do not mind:
 *     they never wait for a particular number, only for nothing lower to appear later.)
 * Seqs are drawn explicitly (a block of the batch's size, see APPEND_BATCH) so each caller's event
 * learns its own seq without relying on the order of RETURNING rows.
 */
export class PostgresEventStore implements EventStore {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private flushing?: Promise<void>;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  append(event: StoredEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.schedule();
    });
  }

  /** At most one flush in flight (rule 1 above); appends arriving meanwhile wait for the next. */
  private schedule(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits the queued appends in one transaction, then answers every caller in the batch. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.flushing) return; // close() flushed first; the running flush reschedules when done
    const batch = this.pending.splice(0, MAX_BATCH);
    if (!batch.length) return;
    this.flushing = this.writeBatch(batch).then(
      (seqs) => batch.forEach((p, i) => { p.event.seq = seqs[i]; p.resolve(); }),
      (e: unknown) => { for (const p of batch) p.reject(e); },
    ).finally(() => {
      this.flushing = undefined;
      if (this.pending.length) this.schedule();
    });
  }

  private writeBatch(batch: Pending[]): Promise<number[]> {
    const events = batch.map((p) => p.event);
    const res = events.flatMap((e, i) => e.resources.map((r, ord) => ({ i: i + 1, ord, e, r })));
    const values = [
      events.length, events.map((e) => e.eventId), events.map((e) => e.accountId), events.map((e) => e.region),
      events.map((e) => e.eventTime.getTime()), events.map((e) => e.eventName), events.map((e) => e.eventSource),
      events.map((e) => e.username ?? null), events.map((e) => e.accessKeyId ?? null),
      events.map((e) => e.readOnly), events.map((e) => e.management), events.map((e) => e.record),
      res.map((x) => x.i), res.map((x) => x.ord), res.map((x) => x.e.accountId), res.map((x) => x.e.region),
      res.map((x) => x.e.eventTime.getTime()), res.map((x) => x.r.type), res.map((x) => x.r.name),
    ];
    // Three round trips: BEGIN with the lock (rule 2), the batch, COMMIT.
    return inTransaction(this.pool, async (c) => {
      const r = await c.query<{ last: string }>({ name: 'append-batch', text: APPEND_BATCH, values });
      const first = Number(r.rows[0].last) - events.length + 1;
      return events.map((_, i) => first + i);
    }, `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${APPEND_LOCK})`);
  }

  async lookup(q: LookupQuery): Promise<StoredEvent[]> {
    const attr = q.attribute;
    const key = attr?.key ?? 'none';
    const params: unknown[] = [q.accountId, q.region];
    if (attr) params.push(attr.key === 'ReadOnly' ? attr.value === 'true' : attr.value);
    params.push(q.start.getTime(), q.end.getTime());
    if (q.after) params.push(q.after.time, q.after.seq);
    params.push(q.limit);
    // Named: each pooled connection plans each query shape once.
    const name = `lookup-${key}${q.after ? '-after' : ''}`;
    const r = await this.pool.query<Row>({ name, text: lookupSql(key, !!q.after), values: params });
    const events = r.rows.map(toEvent);
    // One query for the whole page; every event is asked for, since some services (IAM) keep
    // `resources` out of the record itself while Event history still lists them.
    if (events.length) {
      const bySeq = new Map(events.map((e) => [e.seq, e]));
      const rs = await this.pool.query<{ seq: string; type: string; name: string }>(
        'SELECT seq, type, name FROM event_resources WHERE seq = ANY($1::bigint[]) ORDER BY seq, ord', [events.map((e) => e.seq)]);
      for (const x of rs.rows) bySeq.get(Number(x.seq))?.resources.push({ type: x.type, name: x.name });
    }
    return events;
  }

  async readAfter(after: number, limit: number): Promise<StoredEvent[]> {
    const r = await this.pool.query<Row>({ name: 'read-after', text: 'SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', values: [after, limit] });
    return r.rows.map(toEvent);
  }

  async lastSeq(): Promise<number> {
    const r = await this.pool.query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
    return Number(r.rows[0].seq);
  }

  async cursor(name: string): Promise<number | undefined> {
    const r = await this.pool.query<{ seq: string }>({ name: 'feed-cursor', text: 'SELECT seq FROM feed_cursors WHERE name = $1', values: [name] });
    return r.rows.length ? Number(r.rows[0].seq) : undefined;
  }

  /** One statement, outside the append lock: a cursor never decides what becomes visible. */
  async commitCursor(name: string, seq: number): Promise<void> {
    await this.pool.query({
      name: 'feed-commit-cursor',
      text: `INSERT INTO feed_cursors (name, seq) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET seq = GREATEST(feed_cursors.seq, EXCLUDED.seq), updated_at = now()`,
      values: [name, seq],
    });
  }

  async purgeBefore(before: Date): Promise<number> {
    const t = before.getTime();
    return inTransaction(this.pool, async (c) => {
      await c.query('DELETE FROM event_resources WHERE event_time < $1', [t]);
      return (await c.query('DELETE FROM events WHERE event_time < $1', [t])).rowCount ?? 0;
    });
  }

  /** Refuses new appends, then waits until everything already queued has committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.pending.length) {
      if (this.flushing) await this.flushing;
      else this.flush();
    }
  }
}

function lookupSql(key: string, after: boolean): string {
  let n = 2;
  const p = () => `$${++n}`;
  const attr = key === 'none' ? '' : p();
  const range = `BETWEEN ${p()} AND ${p()}`;
  const page = `${after ? `AND (x.event_time, x.seq) < (${p()}, ${p()})` : ''} ORDER BY x.event_time DESC, x.seq DESC LIMIT ${p()}`;
  if (key === 'ResourceType' || key === 'ResourceName') {
    const col = key === 'ResourceType' ? 'type' : 'name';
    // DISTINCT ON: one event may name several resources of the same type.
    return `SELECT DISTINCT ON (x.event_time, x.seq) e.* FROM event_resources x JOIN events e ON e.seq = x.seq
      WHERE x.account = $1 AND x.region = $2 AND x.${col} = ${attr} AND x.event_time ${range} AND e.management ${page}`;
  }
  const filter = key === 'none' ? '' : `AND x.${key === 'EventId' ? 'event_id' : COLUMN[key]} = ${attr}`;
  return `SELECT * FROM events x WHERE x.account = $1 AND x.region = $2 ${filter} AND x.event_time ${range} AND x.management ${page}`;
}

function toEvent(r: Row): StoredEvent {
  return {
    seq: Number(r.seq), eventId: r.event_id, accountId: r.account, region: r.region, eventTime: new Date(Number(r.event_time)),
    eventName: r.event_name, eventSource: r.event_source, username: r.username ?? undefined,
    accessKeyId: r.access_key_id ?? undefined, readOnly: r.read_only, management: r.management,
    resources: [], record: r.record,
  };
}
