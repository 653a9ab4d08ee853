// End-to-end: a consumer of the record feed that is not a trail (feed-consumer-process.ts), inside a
// real `chattrail` process under signed load, killed with -9 while it lags behind, then restarted:
// every record reaches it, in seq order, and the only duplicates are the records it had handled past
// its committed cursor when it died, each exactly once more (its idempotence key, the eventID, dedups them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort } from '../support/ports.js';
import { FORM, queryBody, replayWhile, signRequest } from './signed-fetch.js';

const CHILD = fileURLToPath(new URL('./feed-consumer-process.js', import.meta.url));
const CONSUMER = 'test-notifier';
const CONCURRENCY = 4;

interface Line { pid: number; seq: number; eventId: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startChild(dataDir: string, port: number, out: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [CHILD, out], {
    env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_HOST: '127.0.0.1', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the consumer process exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/_chattrail/health`)).ok) return proc;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('the consumer process did not start');
    await sleep(100);
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

function readLines(out: string): Line[] {
  return fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [pid, seq, eventId] = l.split(' ');
    return { pid: Number(pid), seq: Number(seq), eventId };
  });
}

/** Reads the database as another process would, while the server runs (WAL readers never block it). */
function query<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'chattrail.db'), { readonly: true, fileMustExist: true });
  try { return fn(db); } finally { db.close(); }
}
const cursorOf = (db: Database.Database) => db.prepare('SELECT seq FROM feed_cursors WHERE name = ?').pluck().get(CONSUMER) as number | undefined;
const lastSeq = (db: Database.Database) => db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck().get() as number;

async function until<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

test('kill -9 of a lagging feed consumer: nothing lost, duplicates only past its committed cursor', { timeout: 180_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-feed-crash-'));
  const out = path.join(dataDir, 'consumer-effect.log');
  const port = await freePort();
  let proc = await startChild(dataDir, port, out);
  try {
    // Placed at the end of the store on its first start (`startAt` defaults to 'end').
    const firstCursor = await until('the consumer\'s first cursor', () => query(dataDir, cursorOf));
    const creds = fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8');
    const credentials = { accessKeyId: /aws_access_key_id = (\S+)/.exec(creds)![1], secretAccessKey: /aws_secret_access_key = (\S+)/.exec(creds)![1] };
    const call = await signRequest({
      url: `http://127.0.0.1:${port}`, service: 'sts', region: 'us-east-1', credentials,
      headers: { 'content-type': FORM }, body: queryBody('GetCallerIdentity', '2011-06-15'),
    });
    const acked: string[] = [];
    let loading = true;
    const load = replayWhile(call, acked, () => loading, CONCURRENCY);

    // Kill while the consumer lags and has written a batch it has not committed yet: the file is
    // read before the cursor, so what the file shows past the cursor was uncommitted at that moment.
    const killedPid = proc.pid!;
    const started = Date.now();
    await until('a lagging consumer in the middle of a batch', () => {
      if (Date.now() - started < 1500 || acked.length < 200) return undefined;
      const written = fs.existsSync(out) ? readLines(out).at(-1)?.seq ?? 0 : 0;
      const [cursor, last] = query(dataDir, (db) => [cursorOf(db)!, lastSeq(db)]);
      if (written > cursor && last > written) { proc.kill('SIGKILL'); return true; }
      return undefined;
    });
    await exited(proc);
    assert.equal(proc.signalCode, 'SIGKILL');
    const [cursorAtKill, lastAtKill] = query(dataDir, (db) => [cursorOf(db)!, lastSeq(db)]);
    assert.ok(cursorAtKill < lastAtKill, `killed with a backlog: cursor ${cursorAtKill}, last record ${lastAtKill}`);
    await sleep(300);
    loading = false;
    await load;

    proc = await startChild(dataDir, port, out);
    loading = true;
    const more = replayWhile(call, acked, () => loading, CONCURRENCY);
    await sleep(1000);
    loading = false;
    await more;
    const cut = await until('the consumer catching up', () => query(dataDir, (db) => {
      const last = lastSeq(db);
      return cursorOf(db)! >= last ? last : undefined;
    }), 120_000);
    proc.kill('SIGTERM');
    await exited(proc);

    const stored = query(dataDir, (db) => db.prepare("SELECT seq, event_id AS eventId, json_extract(record, '$.requestID') AS requestId FROM events WHERE seq > ? AND seq <= ? ORDER BY seq")
      .all(firstCursor, cut) as { seq: number; eventId: string; requestId: string }[]);
    const lines = readLines(out);
    const seqOf = new Map(stored.map((e) => [e.eventId, e.seq]));
    // Nothing lost: every record stored after the consumer registered reached it; nothing else did.
    assert.deepEqual([...new Set(lines.map((l) => l.eventId))].sort(), stored.map((e) => e.eventId).sort());
    assert.ok(lines.every((l) => seqOf.get(l.eventId) === l.seq), 'each line carries its record\'s seq');
    const byRequest = new Map(stored.map((e) => [e.requestId, e.eventId]));
    assert.ok(acked.length > 200 && acked.every((id) => byRequest.has(id)), `every acknowledged call is a record the consumer got (${acked.length})`);
    // In seq order within each run.
    for (const pid of new Set(lines.map((l) => l.pid))) {
      const seqs = lines.filter((l) => l.pid === pid).map((l) => l.seq);
      assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), `run ${pid} in seq order`);
    }
    // Duplicates: exactly what the killed run had handled past its committed cursor, each once more.
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l.eventId, (counts.get(l.eventId) ?? 0) + 1);
    const duplicated = [...counts].filter(([, c]) => c > 1).map(([id, c]) => { assert.equal(c, 2, id); return id; }).sort();
    const uncommitted = lines.filter((l) => l.pid === killedPid && l.seq > cursorAtKill).map((l) => l.eventId).sort();
    assert.ok(uncommitted.length > 0, 'the kill caught a batch between its effect and its commit');
    assert.deepEqual(duplicated, uncommitted);
    t.diagnostic(`${stored.length} records, ${acked.length} acknowledged; killed at cursor ${cursorAtKill} of ${lastAtKill}; ${duplicated.length} redelivered`);
  } finally {
    proc.kill('SIGTERM');
    await exited(proc);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
