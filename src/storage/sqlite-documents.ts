// DocumentStore on SQLite: one table, JSON text documents, primary key (kind, account, region, id).
// Changes are published in process only: one SQLite file has one writer process.
import type { DocumentKey, DocumentStore, ListOptions } from './documents.js';
import { ChangeBus } from './changes.js';
import type { Migration, Sqlite } from './sqlite.js';
import { decodeDocument, encodeDocument } from './document-codec.js';

export const documentMigrations: Migration[] = [{
  id: '0001-documents',
  sql: `CREATE TABLE documents (
    kind TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL,
    doc TEXT NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, account, region, id)
  ) WITHOUT ROWID;`,
}];

const encode = encodeDocument;
const decode = decodeDocument;

export class SqliteDocumentStore implements DocumentStore {
  readonly changes = new ChangeBus();
  private readonly q;
  constructor(private readonly db: Sqlite) {
    this.q = {
      get: db.prepare('SELECT doc FROM documents WHERE kind = ? AND account = ? AND region = ? AND id = ?').pluck(),
      insert: db.prepare('INSERT OR IGNORE INTO documents (kind, account, region, id, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      upsert: db.prepare('INSERT INTO documents (kind, account, region, id, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, account, region, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at'),
      del: db.prepare('DELETE FROM documents WHERE kind = ? AND account = ? AND region = ? AND id = ?'),
      list: db.prepare('SELECT id, doc FROM documents WHERE kind = ? AND account = ? AND region = ? AND id > ? AND id >= ? AND id < ? ORDER BY id LIMIT ?'),
      listAll: db.prepare('SELECT account, region, id, doc FROM documents WHERE kind = ? ORDER BY account, region, id'),
    };
  }

  async get<T>(k: DocumentKey): Promise<T | undefined> {
    const text = this.q.get.get(k.kind, k.accountId, k.region, k.id) as string | undefined;
    return text === undefined ? undefined : decode<T>(text);
  }

  // Each statement below commits on its own (autocommit), so publishing right after it is "after the commit".
  async create<T>(k: DocumentKey, doc: T): Promise<boolean> {
    const created = this.q.insert.run(k.kind, k.accountId, k.region, k.id, encode(doc), Date.now()).changes === 1;
    if (created) this.published(k);
    return created;
  }

  async put<T>(k: DocumentKey, doc: T): Promise<void> {
    this.q.upsert.run(k.kind, k.accountId, k.region, k.id, encode(doc), Date.now());
    this.published(k);
  }

  /** Publishes once the transaction has committed; `fn` throwing rolls back and publishes nothing. */
  async update<T>(k: DocumentKey, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const { next, wrote } = this.db.transaction(() => {
      const text = this.q.get.get(k.kind, k.accountId, k.region, k.id) as string | undefined;
      const result = fn(text === undefined ? undefined : decode<T>(text));
      if (result !== undefined) this.q.upsert.run(k.kind, k.accountId, k.region, k.id, encode(result), Date.now());
      else if (text !== undefined) this.q.del.run(k.kind, k.accountId, k.region, k.id);
      return { next: result, wrote: result !== undefined || text !== undefined };
    })();
    if (wrote) this.published(k);
    return next;
  }

  async delete(k: DocumentKey): Promise<boolean> {
    const deleted = this.q.del.run(k.kind, k.accountId, k.region, k.id).changes === 1;
    if (deleted) this.published(k);
    return deleted;
  }

  async list<T>(kind: string, accountId: string, region: string, opts: ListOptions = {}): Promise<{ id: string; doc: T }[]> {
    const prefix = opts.prefix ?? '';
    // `prefix + U+FFFF` bounds the range so the primary key index serves prefix scans.
    const rows = this.q.list.all(kind, accountId, region, opts.after ?? '', prefix, prefix + '\uffff', opts.limit ?? -1) as { id: string; doc: string }[];
    return rows.map((r) => ({ id: r.id, doc: decode<T>(r.doc) }));
  }

  async listAll<T>(kind: string): Promise<{ key: DocumentKey; doc: T }[]> {
    const rows = this.q.listAll.all(kind) as { account: string; region: string; id: string; doc: string }[];
    return rows.map((r) => ({ key: { kind, accountId: r.account, region: r.region, id: r.id }, doc: decode<T>(r.doc) }));
  }

  private published(k: DocumentKey): void {
    this.changes.publish({ kind: k.kind, accountId: k.accountId, region: k.region, id: k.id });
  }
}
