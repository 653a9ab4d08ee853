// DocumentStore on PostgreSQL: one table, JSON text documents, primary key (kind, account, region,
// id) — the SQLite store's semantics, byte for byte the same stored text. Changes are published in
// process after each commit and, with `notify`, NOTIFYed in the same transaction for other nodes.
import type pg from 'pg';
import type { DocumentKey, DocumentStore, ListOptions } from './documents.js';
import { ChangeBus, encodeChangeMessage, type DocumentChange } from './changes.js';
import { inTransaction, type PgMigration } from './postgres.js';
import { decodeDocument, encodeDocument } from './document-codec.js';

/**
 * COLLATE "C" orders ids by UTF-8 bytes, which is code point order and what SQLite's BINARY
 * collation does: `list` pages and prefix ranges then agree across backends, whatever the
 * database's locale. `doc` is TEXT, not JSONB: JSONB reorders keys and refuses \u0000, which
 * the Date tag below uses.
 */
export const pgDocumentMigrations: PgMigration[] = [{
  id: '0001-documents',
  sql: `CREATE TABLE documents (
    kind TEXT COLLATE "C" NOT NULL, account TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL,
    doc TEXT NOT NULL, updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, account, region, id)
  );`,
}];

const encode = encodeDocument;
const decode = decodeDocument;

const KEY = 'kind = $1 AND account = $2 AND region = $3 AND id = $4';
const SQL = {
  get: `SELECT doc FROM documents WHERE ${KEY}`,
  lockedGet: `SELECT doc FROM documents WHERE ${KEY} FOR UPDATE`,
  insert: 'INSERT INTO documents (kind, account, region, id, doc, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
  upsert: `INSERT INTO documents (kind, account, region, id, doc, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (kind, account, region, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`,
  replace: `UPDATE documents SET doc = $5, updated_at = $6 WHERE ${KEY}`,
  del: `DELETE FROM documents WHERE ${KEY}`,
  list: `SELECT id, doc FROM documents WHERE kind = $1 AND account = $2 AND region = $3 AND id > $4 AND id >= $5 AND id < $6
    ORDER BY id LIMIT $7`,
  listAll: 'SELECT account, region, id, doc FROM documents WHERE kind = $1 ORDER BY account, region, id',
  notify: 'SELECT pg_notify($1, $2)',
};

/**
 * The single-statement writes with their NOTIFY: a data-modifying CTE feeds pg_notify one row per
 * row written, so the statement (its own transaction) notifies exactly when it wrote, at its
 * commit, in one round trip; its row count is the written row count, as before.
 */
const NOTIFYING = {
  insert: `WITH w AS (${SQL.insert} RETURNING 1) SELECT pg_notify($7, $8) FROM w`,
  upsert: `WITH w AS (${SQL.upsert} RETURNING 1) SELECT pg_notify($7, $8) FROM w`,
  del: `WITH w AS (${SQL.del} RETURNING 1) SELECT pg_notify($5, $6) FROM w`,
};

/** Where other nodes hear of this store's writes: the channel they LISTEN on, and this node's name. */
export interface PgNotifyOptions {
  channel: string;
  origin: string;
}

/** How often `update` re-reads after losing a race to create the same missing document. */
const UPDATE_ATTEMPTS = 20;

export class PostgresDocumentStore implements DocumentStore {
  readonly changes = new ChangeBus();
  constructor(private readonly pool: pg.Pool, private readonly notify?: PgNotifyOptions) {}

  async get<T>(k: DocumentKey): Promise<T | undefined> {
    const r = await this.pool.query<{ doc: string }>(SQL.get, keyOf(k));
    return r.rows.length ? decode<T>(r.rows[0].doc) : undefined;
  }

  async create<T>(k: DocumentKey, doc: T): Promise<boolean> {
    const created = (await this.write('insert', [...keyOf(k), encode(doc), Date.now()], k)).rowCount === 1;
    if (created) this.changes.publish(changeOf(k));
    return created;
  }

  async put<T>(k: DocumentKey, doc: T): Promise<void> {
    await this.write('upsert', [...keyOf(k), encode(doc), Date.now()], k);
    this.changes.publish(changeOf(k));
  }

  /**
   * SELECT ... FOR UPDATE serializes updates of an existing document. A missing one has no row to
   * lock, so two updaters could both see `undefined`; the write is then an INSERT that does nothing
   * on conflict, and the loser re-reads (now locking the winner's row) and calls `fn` again with
   * it. So `fn` may run more than once under contention; only its last result is stored.
   * Publishes after COMMIT only; a rollback (fn throwing, a failed statement) publishes nothing.
   */
  async update<T>(k: DocumentKey, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const key = keyOf(k);
    const { next, wrote } = await inTransaction(this.pool, async (c) => {
      const done = async (result: T | undefined) => {
        if (this.notify) await c.query(SQL.notify, [this.notify.channel, encodeChangeMessage(this.notify.origin, changeOf(k))]);
        return { next: result, wrote: true };
      };
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        const r = await c.query<{ doc: string }>(SQL.lockedGet, key);
        const current = r.rows.length ? decode<T>(r.rows[0].doc) : undefined;
        const result = fn(current);
        if (result === undefined) {
          if (current === undefined) return { next: result, wrote: false };
          await c.query(SQL.del, key);
          return done(result);
        }
        if (current !== undefined) {
          await c.query(SQL.replace, [...key, encode(result), Date.now()]);
          return done(result);
        }
        if ((await c.query(SQL.insert, [...key, encode(result), Date.now()])).rowCount === 1) return done(result);
      }
      throw new Error(`document ${k.kind}/${k.id} kept being created concurrently; gave up after ${UPDATE_ATTEMPTS} attempts`);
    });
    if (wrote) this.changes.publish(changeOf(k));
    return next;
  }

  async delete(k: DocumentKey): Promise<boolean> {
    const deleted = (await this.write('del', keyOf(k), k)).rowCount === 1;
    if (deleted) this.changes.publish(changeOf(k));
    return deleted;
  }

  /** One autocommitted write statement, NOTIFYing in it when other nodes listen. */
  private write(statement: keyof typeof NOTIFYING, params: (string | number)[], k: DocumentKey): Promise<pg.QueryResult> {
    if (!this.notify) return this.pool.query(SQL[statement], params);
    return this.pool.query(NOTIFYING[statement], [...params, this.notify.channel, encodeChangeMessage(this.notify.origin, changeOf(k))]);
  }

  async list<T>(kind: string, accountId: string, region: string, opts: ListOptions = {}): Promise<{ id: string; doc: T }[]> {
    const prefix = opts.prefix ?? '';
    // SQLite reads a negative LIMIT as none; PostgreSQL rejects it and reads NULL as none.
    const limit = opts.limit !== undefined && opts.limit >= 0 ? opts.limit : null;
    // `prefix + U+FFFF` bounds the range so the primary key index serves prefix scans (as in SQLite).
    const r = await this.pool.query<{ id: string; doc: string }>(SQL.list,
      [kind, accountId, region, opts.after ?? '', prefix, prefix + '\uffff', limit]);
    return r.rows.map((row) => ({ id: row.id, doc: decode<T>(row.doc) }));
  }

  async listAll<T>(kind: string): Promise<{ key: DocumentKey; doc: T }[]> {
    const r = await this.pool.query<{ account: string; region: string; id: string; doc: string }>(SQL.listAll, [kind]);
    return r.rows.map((row) => ({ key: { kind, accountId: row.account, region: row.region, id: row.id }, doc: decode<T>(row.doc) }));
  }
}

function keyOf(k: DocumentKey): string[] {
  return [k.kind, k.accountId, k.region, k.id];
}

function changeOf(k: DocumentKey): DocumentChange {
  return { kind: k.kind, accountId: k.accountId, region: k.region, id: k.id };
}
