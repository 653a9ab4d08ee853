// Optional, not part of `npm run bench`: event-store append throughput with 16 concurrent appenders
// (each awaits its append, as a request does) on the embedded SQLite and on PostgreSQL, plus
// PostgreSQL with two writers ("processes") sharing the append lock.
// Run: BENCH_POSTGRES_URL=postgres://... node dist/bench/postgres.js   (BENCH_SECONDS, default 10)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbeddedStores, openPostgresStores, type Stores } from '../src/storage/stores.js';
import type { EventStore, StoredEvent } from '../src/storage/event-store.js';

const URL_ = process.env.BENCH_POSTGRES_URL;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const APPENDERS = 16;
const PADDING = 'x'.repeat(1200); // records are ~1.5 KB in practice

let n = 0;
function event(): StoredEvent {
  const i = ++n;
  return {
    eventId: crypto.randomUUID(), accountId: '123456789012', region: 'us-east-1', eventTime: new Date(),
    eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', username: `user${i % 50}`, accessKeyId: 'AKIAEXAMPLE',
    readOnly: true, management: true, resources: i % 4 === 0 ? [{ type: 'AWS::IAM::User', name: `user${i % 50}` }] : [],
    record: JSON.stringify({ eventVersion: '1.11', eventID: i, padding: PADDING }),
  };
}

/** Appends/s: APPENDERS loops spread over the given stores, each awaiting its own append. */
async function measure(stores: EventStore[], seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: APPENDERS }, async (_, i) => {
    const s = stores[i % stores.length];
    while (Date.now() < end) { await s.append(event()); done++; }
  }));
  return done / seconds;
}

async function run(name: string, open: () => Promise<Stores[]>): Promise<void> {
  const stores = await open();
  const events = stores.map((s) => s.events);
  await measure(events, 1); // warm-up
  const rate = await measure(events, SECONDS);
  process.stdout.write(`${name.padEnd(28)} ${rate.toFixed(0).padStart(8)} appends/s\n`);
  for (const s of stores) await s.close();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-bench-pg-'));
  const schema = `chattrail_bench_${crypto.randomBytes(4).toString('hex')}`;
  try {
    process.stdout.write(`${APPENDERS} concurrent appenders, ${SECONDS} s\n`);
    await run('sqlite (synchronous=normal)', async () => [openEmbeddedStores({ dataDir: dir, synchronous: 'normal' })]);
    await run('sqlite (synchronous=full)', async () => [openEmbeddedStores({ dataDir: dir, synchronous: 'full' })]);
    if (!URL_) { process.stdout.write('postgres: skipped (BENCH_POSTGRES_URL not set)\n'); return; }
    await run('postgres, 1 writer', async () => [await openPostgresStores({ url: URL_, schema, dataDir: dir })]);
    await run('postgres, 2 writers', async () => Promise.all([1, 2].map(() => openPostgresStores({ url: URL_, schema, dataDir: dir }))));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    if (URL_) {
      const admin = new pg.Client({ connectionString: URL_ });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  }
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exit(1); });
