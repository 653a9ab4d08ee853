// Every store a handler may use, assembled once at startup from the configured backends.
import crypto from 'node:crypto';
import path from 'node:path';
import type { DocumentStore } from './documents.js';
import type { EventStore } from './event-store.js';
import { migrate, openSqlite, type Migration, type Sqlite } from './sqlite.js';
import { SqliteDocumentStore, documentMigrations } from './sqlite-documents.js';
import { SqliteEventStore, eventMigrations } from './sqlite-event-store.js';
import type { Config } from '../common/config.js';
import type { PgMigration } from './postgres.js';

export interface Stores {
  documents: DocumentStore;
  events: EventStore;
  /** The data folder (object store, keys, credentials file). */
  dataDir: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  dataDir: string;
  synchronous: 'normal' | 'full';
  /** Migrations contributed by services with tables of their own. */
  extraMigrations?: Migration[];
}

export function openEmbeddedStores(opts: StorageOptions): Stores & { sqlite: Sqlite } {
  const sqlite = openSqlite(path.join(opts.dataDir, 'chattrail.db'), { synchronous: opts.synchronous });
  migrate(sqlite, [...documentMigrations, ...eventMigrations, ...(opts.extraMigrations ?? [])]);
  const events = new SqliteEventStore(sqlite);
  return {
    sqlite,
    documents: new SqliteDocumentStore(sqlite),
    events,
    dataDir: opts.dataDir,
    async close() {
      await events.close();
      sqlite.close();
    },
  };
}

export interface PostgresStorageOptions {
  url: string;
  /** Default `public`; created when missing. */
  schema?: string;
  /** Still holds objects, keys and the credentials file: only documents and events move. */
  dataDir: string;
  /** Pool size (default 10). */
  max?: number;
  extraMigrations?: PgMigration[];
  onError?: (e: Error) => void;
}

/** Loads node-postgres only when asked for, so the embedded default starts exactly as before. */
export async function openPostgresStores(opts: PostgresStorageOptions): Promise<Stores> {
  const { createPool, migrate: migratePostgres } = await import('./postgres.js');
  const { PostgresDocumentStore, pgDocumentMigrations } = await import('./postgres-documents.js');
  const { PostgresEventStore, pgEventMigrations } = await import('./postgres-event-store.js');
  const { PgChangeListener, changeChannel } = await import('./pg-changes.js');
  const db = createPool({ url: opts.url, schema: opts.schema, max: opts.max, onError: opts.onError });
  try {
    await migratePostgres(db, [...pgDocumentMigrations, ...pgEventMigrations, ...(opts.extraMigrations ?? [])]);
  } catch (e) {
    await db.pool.end();
    throw e;
  }
  const events = new PostgresEventStore(db.pool);
  // Document changes reach the other nodes on this database through NOTIFY, heard on a LISTEN connection.
  const notify = { channel: changeChannel(db.schema), origin: crypto.randomUUID() };
  const documents = new PostgresDocumentStore(db.pool, notify);
  const listener = new PgChangeListener({ url: opts.url, ...notify, bus: documents.changes, onError: opts.onError });
  try {
    await listener.start();
  } catch (e) {
    await db.pool.end();
    throw e;
  }
  return {
    documents,
    events,
    dataDir: opts.dataDir,
    async close() {
      await listener.close();
      await events.close();
      await db.pool.end();
    },
  };
}

/** The configured backend: PostgreSQL when CHATTRAIL_DATABASE_URL is set, else the embedded SQLite. */
export async function openStores(config: Pick<Config, 'dataDir' | 'durability' | 'database'>, opts: { onError?: (e: Error) => void } = {}): Promise<Stores> {
  if (config.database) return openPostgresStores({ ...config.database, dataDir: config.dataDir, onError: opts.onError });
  return openEmbeddedStores({ dataDir: config.dataDir, synchronous: config.durability });
}
