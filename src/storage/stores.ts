// Every store a handler may use, assembled once at startup from the configured backends.
import path from 'node:path';
import type { DocumentStore } from './documents.js';
import type { EventStore } from '../trail/event-store.js';
import { migrate, openSqlite, type Migration, type Sqlite } from './sqlite.js';
import { SqliteDocumentStore, documentMigrations } from './sqlite-documents.js';
import { SqliteEventStore, eventMigrations } from '../trail/sqlite-event-store.js';

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
