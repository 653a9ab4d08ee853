// Opens the embedded SQLite database (WAL) and applies numbered migrations once. WAL with
// synchronous=NORMAL makes every committed transaction survive a killed process; FULL (configurable)
// also survives power loss at some throughput cost.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Sqlite = Database.Database;

export interface Migration {
  /** Globally unique and ordered: `0001-documents`, `0002-events`... */
  id: string;
  sql: string;
}

export function openSqlite(file: string, opts: { synchronous: 'normal' | 'full' }): Sqlite {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB page cache: keeps LookupEvents' indexes hot
  db.pragma('temp_store = MEMORY');
  return db;
}

export function migrate(db: Sqlite, migrations: Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set((db.prepare('SELECT id FROM migrations').all() as { id: string }[]).map((r) => r.id));
  const pending = migrations.filter((m) => !done.has(m.id)).sort((a, b) => a.id.localeCompare(b.id));
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
    })();
  }
}
