// PostgreSQL plumbing shared by the PostgreSQL stores: the connection pool (every connection's
// search_path pinned to one schema at connect time) and the migrations runner, which several
// chattrail processes may start at the same moment.
import pg from 'pg';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (any libpq-style query options pass through). */
  url: string;
  /** Where chattrail's tables live; created when missing. Tests isolate themselves in their own. */
  schema?: string;
  /** Pool size (connections). */
  max?: number;
  /** An idle pooled connection failed (the pool drops it); without a listener Node would exit. */
  onError?: (e: Error) => void;
}

/** Ordered by id, applied once per schema: `0001-documents`, `0002-events`... */
export interface PgMigration {
  id: string;
  sql: string;
}

export interface Postgres {
  pool: pg.Pool;
  schema: string;
}

/** First key of every advisory lock chattrail takes; the second names the purpose and schema. */
export const LOCK_CLASS = 0x63747261; // 'ctra'
// Lower case only: search_path folds unquoted names to lower case, CREATE SCHEMA quotes them.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`PostgreSQL schema must be a lower-case identifier (a-z, 0-9, _), got '${schema}'`);
  return schema;
}

/**
 * The schema travels as a startup option (`-c search_path=...`), so it is in force before the
 * first query on every connection: no window in which a statement could land in another schema.
 */
export function createPool(opts: PostgresOptions): Postgres {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const url = new URL(opts.url);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('PostgreSQL URL must start with postgres:// or postgresql://');
  const options = [url.searchParams.get('options'), `-c search_path=${schema}`].filter(Boolean).join(' ');
  url.searchParams.set('options', options);
  const pool = new pg.Pool({ connectionString: url.toString(), max: opts.max ?? 10 });
  pool.on('error', (e) => opts.onError?.(e));
  return { pool, schema };
}

/**
 * Runs `fn` in a transaction on one pooled connection; rolls back (and drops the connection if the
 * rollback fails) on failure. `begin` may append parameterless statements to BEGIN, saving a round trip.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (e) {
    // A connection whose ROLLBACK fails is in an unknown state: destroy it rather than reuse it.
    const broken = await client.query('ROLLBACK').then(() => undefined, (err: unknown) => err);
    client.release(broken instanceof Error ? broken : undefined);
    throw e;
  }
}

/**
 * Applies each migration once, each in its own transaction holding a transaction-level advisory
 * lock for this schema: two processes starting together queue on the lock, and the second finds
 * the migration recorded and skips it. `CREATE ... IF NOT EXISTS` alone is not enough, since two
 * concurrent creators can both pass the check and one then fails on a unique index.
 */
export async function migrate(db: Postgres, migrations: PgMigration[]): Promise<void> {
  const lock = (c: pg.PoolClient) => c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, `migrate:${db.schema}`]);
  const table = `${quoteIdent(db.schema)}.chattrail_migrations`;
  await inTransaction(db.pool, async (c) => {
    await lock(c);
    // Checked first: CREATE SCHEMA IF NOT EXISTS wants CREATE on the database even when the schema exists.
    const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema]);
    if (!exists.rowCount) await c.query(`CREATE SCHEMA ${quoteIdent(db.schema)}`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  });
  const sorted = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  for (const m of sorted) {
    await inTransaction(db.pool, async (c) => {
      await lock(c);
      const done = await c.query(`SELECT 1 FROM ${table} WHERE id = $1`, [m.id]);
      if (done.rowCount) return;
      await c.query(m.sql);
      await c.query(`INSERT INTO ${table} (id) VALUES ($1)`, [m.id]);
    });
  }
}
