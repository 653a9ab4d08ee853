// EventStore on SQLite with group commit: appends (and feed cursor commits) made in the same
// event-loop turn share one transaction, and each caller's promise resolves only after that
// transaction commits. One index per lookup attribute keeps LookupEvents to an index range scan.
import type { Migration, Sqlite } from './sqlite.js';
import type { EventStore, LookupQuery, StoredEvent } from './event-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * The writer checkpoints for itself only past this many WAL pages (~80 MiB), a safety net should the
 * checkpointer thread fall behind; SQLite's default of 1,000 pages put a checkpoint, with its fsyncs,
 * on the request path every few hundred commits.
 */
const WAL_SAFETY_PAGES = 20_000;

export const eventMigrations: Migration[] = [{
  id: '0002-events',
  sql: `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    event_time INTEGER NOT NULL,
    event_name TEXT NOT NULL,
    event_source TEXT NOT NULL,
    username TEXT,
    access_key_id TEXT,
    read_only INTEGER NOT NULL,
    management INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX events_by_time ON events (account, region, event_time, seq);
  CREATE INDEX events_by_name ON events (account, region, event_name, event_time, seq);
  CREATE INDEX events_by_user ON events (account, region, username, event_time, seq);
  CREATE INDEX events_by_source ON events (account, region, event_source, event_time, seq);
  CREATE INDEX events_by_key ON events (account, region, access_key_id, event_time, seq);
  -- No index on read_only: half of all events match either value, so the time index serves it.
  CREATE INDEX events_by_id ON events (event_id);
  CREATE TABLE event_resources (
    seq INTEGER NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, event_time INTEGER NOT NULL,
    type TEXT NOT NULL, name TEXT NOT NULL
  );
  CREATE INDEX resources_by_type ON event_resources (account, region, type, event_time, seq);
  CREATE INDEX resources_by_name ON event_resources (account, region, name, event_time, seq);
  CREATE INDEX resources_by_seq ON event_resources (seq);
  `,
}, {
  // The record feed's named consumers: the last seq each committed (src/records/feed.ts).
  id: '0003-feed-cursors',
  sql: 'CREATE TABLE feed_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_at INTEGER NOT NULL)',
}];

interface Row {
  seq: number; event_id: string; account: string; region: string; event_time: number; event_name: string;
  event_source: string; username: string | null; access_key_id: string | null; read_only: number; management: number; record: string;
}

const COLUMN: Record<string, string> = {
  EventName: 'event_name', Username: 'username', EventSource: 'event_source', AccessKeyId: 'access_key_id', ReadOnly: 'read_only',
};

interface Waiter { resolve: () => void; reject: (e: unknown) => void }
interface Pending extends Waiter { event: StoredEvent }
/** A consumer's cursor waiting for the next group commit; later commits in the same turn merge into it. */
interface PendingCursor { seq: number; waiters: Waiter[] }

export class SqliteEventStore implements EventStore {
  private pending: Pending[] = [];
  private cursors = new Map<string, PendingCursor>();
  private flushScheduled = false;
  private readonly insertEvent;
  private readonly upsertCursor;
  private readonly selectCursor;
  private readonly selectAfter;
  private readonly insertResource;
  private readonly writeBatch;
  private readonly resourcesOf;
  private readonly lookups = new Map<string, ReturnType<Sqlite['prepare']>>();
  private readonly checkpointer?: WalCheckpointer;

  constructor(private readonly db: Sqlite) {
    if (!db.memory) {
      db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_PAGES}`);
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      this.checkpointer = new WalCheckpointer(db.name, db.pragma('synchronous', { simple: true }) as number);
    }
    this.insertEvent = db.prepare(`INSERT INTO events (event_id, account, region, event_time, event_name, event_source, username, access_key_id, read_only, management, record)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertResource = db.prepare('INSERT INTO event_resources (seq, account, region, event_time, type, name) VALUES (?, ?, ?, ?, ?, ?)');
    this.resourcesOf = db.prepare('SELECT seq, type, name FROM event_resources WHERE seq IN (SELECT value FROM json_each(?))');
    this.upsertCursor = db.prepare(`INSERT INTO feed_cursors (name, seq, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET seq = MAX(seq, excluded.seq), updated_at = excluded.updated_at`);
    this.selectCursor = db.prepare('SELECT seq FROM feed_cursors WHERE name = ?').pluck();
    // Prepared once: the feed reads after every burst of appends.
    this.selectAfter = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.writeBatch = db.transaction((batch: Pending[], cursors: Map<string, PendingCursor>) => {
      const now = Date.now();
      for (const [name, c] of cursors) this.upsertCursor.run(name, c.seq, now);
      for (const { event: e } of batch) {
        const t = e.eventTime.getTime();
        const info = this.insertEvent.run(e.eventId, e.accountId, e.region, t, e.eventName, e.eventSource, e.username ?? null,
          e.accessKeyId ?? null, e.readOnly ? 1 : 0, e.management ? 1 : 0, e.record);
        e.seq = Number(info.lastInsertRowid);
        for (const r of e.resources) this.insertResource.run(e.seq, e.accountId, e.region, t, r.type, r.name);
      }
    });
  }

  append(event: StoredEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Rides along with the appends of the same turn: under load, consumers' cursors cost no
   * transaction (and no WAL sync) of their own.
   */
  commitCursor(name: string, seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const c = this.cursors.get(name);
      if (c) {
        c.seq = Math.max(c.seq, seq);
        c.waiters.push({ resolve, reject });
      } else {
        this.cursors.set(name, { seq, waiters: [{ resolve, reject }] });
      }
      this.schedule();
    });
  }

  async cursor(name: string): Promise<number | undefined> {
    return (this.selectCursor.get(name) as number | undefined) ?? undefined;
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits everything queued so far in one transaction, then answers every waiting caller. */
  private flush(): void {
    const batch = this.pending;
    const cursors = this.cursors;
    this.pending = [];
    if (cursors.size) this.cursors = new Map();
    this.flushScheduled = false;
    try {
      this.writeBatch(batch, cursors);
    } catch (e) {
      for (const p of batch) p.reject(e);
      for (const c of cursors.values()) for (const w of c.waiters) w.reject(e);
      return;
    }
    for (const p of batch) p.resolve();
    for (const c of cursors.values()) for (const w of c.waiters) w.resolve();
  }

  async lookup(q: LookupQuery): Promise<StoredEvent[]> {
    const attr = q.attribute;
    const key = attr?.key ?? 'none';
    let stmt = this.lookups.get(key + (q.after ? ':after' : ''));
    if (!stmt) {
      stmt = this.db.prepare(this.lookupSql(key, !!q.after));
      this.lookups.set(key + (q.after ? ':after' : ''), stmt);
    }
    const params: unknown[] = [q.accountId, q.region];
    if (attr) params.push(attr.key === 'ReadOnly' ? (attr.value === 'true' ? 1 : 0) : attr.value);
    params.push(q.start.getTime(), q.end.getTime());
    if (q.after) params.push(q.after.time, q.after.seq);
    params.push(q.limit);
    const events = (stmt.all(params) as Row[]).map(toEvent);
    // One query for the whole page: a query per event cost as much as the lookup itself at a
    // million events. Every event is asked for, since some services (IAM) keep `resources` out of
    // the record itself while Event history still lists them.
    if (events.length) {
      const bySeq = new Map(events.map((e) => [e.seq, e]));
      for (const r of this.resourcesOf.all(JSON.stringify(events.map((e) => e.seq))) as { seq: number; type: string; name: string }[]) {
        bySeq.get(r.seq)?.resources.push({ type: r.type, name: r.name });
      }
    }
    return events;
  }

  private lookupSql(key: string, after: boolean): string {
    const page = `${after ? 'AND (x.event_time, x.seq) < (?, ?)' : ''} ORDER BY x.event_time DESC, x.seq DESC LIMIT ?`;
    if (key === 'ResourceType' || key === 'ResourceName') {
      const col = key === 'ResourceType' ? 'type' : 'name';
      // DISTINCT: one event may name several resources of the same type.
      return `SELECT DISTINCT e.* FROM event_resources x JOIN events e ON e.seq = x.seq
        WHERE x.account = ? AND x.region = ? AND x.${col} = ? AND x.event_time BETWEEN ? AND ? AND e.management = 1 ${page}`;
    }
    if (key === 'EventId') {
      return `SELECT * FROM events x WHERE x.account = ? AND x.region = ? AND x.event_id = ? AND x.event_time BETWEEN ? AND ? AND x.management = 1 ${page}`;
    }
    const filter = key === 'none' ? '' : `AND x.${COLUMN[key]} = ?`;
    return `SELECT * FROM events x WHERE x.account = ? AND x.region = ? ${filter} AND x.event_time BETWEEN ? AND ? AND x.management = 1 ${page}`;
  }

  async readAfter(after: number, limit: number): Promise<StoredEvent[]> {
    return (this.selectAfter.all(after, limit) as Row[]).map(toEvent);
  }

  async lastSeq(): Promise<number> {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck().get() as number) ?? 0;
  }

  async purgeBefore(before: Date): Promise<number> {
    const t = before.getTime();
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM event_resources WHERE event_time < ?').run(t);
      return this.db.prepare('DELETE FROM events WHERE event_time < ?').run(t).changes;
    })();
  }

  async close(): Promise<void> {
    if (this.pending.length || this.cursors.size) this.flush();
    await this.checkpointer?.stop();
  }
}

function toEvent(r: Row): StoredEvent {
  return {
    seq: r.seq, eventId: r.event_id, accountId: r.account, region: r.region, eventTime: new Date(r.event_time),
    eventName: r.event_name, eventSource: r.event_source, username: r.username ?? undefined,
    accessKeyId: r.access_key_id ?? undefined, readOnly: r.read_only === 1, management: r.management === 1,
    resources: [], record: r.record,
  };
}
