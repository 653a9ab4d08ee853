// What the PostgreSQL tests share: the database from CHATTRAIL_TEST_POSTGRES_URL (tests skip when
// it is unset) and a throwaway schema per test file, dropped afterwards.
import crypto from 'node:crypto';
import pg from 'pg';
import { quoteIdent } from '../../src/storage/postgres.js';

// Tests read the environment directly: config.ts owns the product's settings, not the test harness's.
export const TEST_URL = process.env.CHATTRAIL_TEST_POSTGRES_URL;
/** For node:test's `{ skip }` option: false, or why the test cannot run. */
export const SKIP: string | false = TEST_URL ? false : 'CHATTRAIL_TEST_POSTGRES_URL not set';

export interface TestSchema {
  url: string;
  schema: string;
  /** A pool of its own, with search_path on the schema, for poking at tables directly. */
  admin: pg.Pool;
  drop(): Promise<void>;
}

/** Creates `chattrail_test_<random>`; `drop()` removes it with everything in it. */
export async function createTestSchema(): Promise<TestSchema> {
  if (!TEST_URL) throw new Error('CHATTRAIL_TEST_POSTGRES_URL not set');
  const url = TEST_URL;
  const schema = `chattrail_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  admin.on('error', () => { /* an idle connection dropped: the next query reconnects */ });
  await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  return {
    url, schema, admin,
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await admin.end();
    },
  };
}
