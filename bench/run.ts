// `npm run bench`: signed GetCallerIdentity throughput of chattrail (every call recorded durably)
// beside moto_server (records nothing), LookupEvents latency over a large event store, peak RSS, the
// chat round trip (bench/chat.ts) and the record feed's cost (bench/feed.ts), printed as one table.
// BENCH_EVENTS, BENCH_SECONDS, BENCH_ROUNDS, BENCH_LOOKUPS, BENCH_CHAT_ROUNDS and BENCH_FEED_ROUNDS make a quick run possible.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCredentials, peakRssMiB, startChattrail, startMoto, type Server } from './processes.js';
import { findWrk, runNodeLoad, runWrk, type LoadResult } from './load.js';
import { signGetCallerIdentity, signLookupEvents, type BenchCredentials, type SignedCall } from './sign.js';
import { EVENT_NAMES, USERS, seedEvents, userName } from './seed.js';
import { runBackendBench } from './backend.js';
import { measureLatency, type LatencyResult } from './latency.js';
import { runChatBench } from './chat.js';
import { runDeliveryBench } from './delivery.js';
import { runStartupBench } from './startup.js';
import { runFeedBench } from './feed.js';

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

const EVENTS = envInt('BENCH_EVENTS', 1_000_000);
const SECONDS = envInt('BENCH_SECONDS', 10);
const LOOKUPS = envInt('BENCH_LOOKUPS', 500);
const CONNECTIONS = 16;
const ROUNDS = Math.max(1, envInt('BENCH_ROUNDS', 3));
const MOTO_CREDS: BenchCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

async function checkOnce(url: string, call: SignedCall, what: string): Promise<void> {
  const res = await fetch(url + call.path, { method: call.method, headers: call.headers, body: call.body });
  if (res.status !== 200) throw new Error(`${what} answered ${res.status} to the benchmark request: ${(await res.text()).slice(0, 300)}`);
}

/** Warm-up, then the measured run, with wrk when available. */
async function throughput(server: Server, call: SignedCall, wrk: string | undefined): Promise<LoadResult> {
  const load = (secs: number) => (wrk ? runWrk(wrk, server.url, call, CONNECTIONS, secs) : runNodeLoad(server.url, call, CONNECTIONS, secs));
  await load(2);
  return load(SECONDS);
}

/** Rounds of equal length: total calls over total time. */
function combine(rounds: LoadResult[]): LoadResult {
  const total = rounds.reduce((n, r) => n + r.total, 0);
  return {
    ...rounds[0],
    total,
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    requestsPerSecond: rounds.reduce((n, r) => n + r.requestsPerSecond, 0) / rounds.length,
  };
}

function accountOf(dataDir: string): string {
  const m = /# account (\d{12})/.exec(fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8'));
  if (!m) throw new Error('no account id in the credentials file');
  return m[1];
}

async function lookupLatency(dataDir: string, creds: BenchCredentials): Promise<{ byName: LatencyResult; byUser: LatencyResult; rss: number }> {
  const server = await startChattrail(dataDir);
  try {
    const pick = <T>(xs: T[], i: number) => xs[(i * 7919 + 13) % xs.length];
    const names = EVENT_NAMES.map((e) => e.name);
    const users = Array.from({ length: USERS }, (_, i) => userName(i));
    const byNameCalls: SignedCall[] = [];
    const byUserCalls: SignedCall[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      byNameCalls.push(await signLookupEvents(server.url, creds, 'EventName', pick(names, i)));
      byUserCalls.push(await signLookupEvents(server.url, creds, 'Username', pick(users, i)));
    }
    // Warm the JIT and the page cache as a running server would be.
    await measureLatency(server.url, [...byNameCalls.slice(0, 50), ...byUserCalls.slice(0, 50)]);
    const byName = await measureLatency(server.url, byNameCalls);
    const byUser = await measureLatency(server.url, byUserCalls);
    return { byName, byUser, rss: peakRssMiB(server.proc.pid!) };
  } finally {
    await server.stop();
  }
}

interface Row { metric: string; chattrail: string; moto: string; ratio: string; target: string; pass: string }

function printTable(rows: Row[]): void {
  const cols: (keyof Row)[] = ['metric', 'chattrail', 'moto', 'ratio', 'target', 'pass'];
  const head: Row = { metric: 'metric', chattrail: 'chattrail', moto: 'moto_server', ratio: 'ratio', target: 'target', pass: 'pass/fail' };
  const width = (c: keyof Row) => Math.max(...[head, ...rows].map((r) => r[c].length));
  const line = (r: Row) => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  process.stdout.write([line(head), `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`, ...rows.map(line)].join('\n') + '\n');
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  const wrk = findWrk();
  const tool = wrk ? `wrk -t2 -c${CONNECTIONS} -d${SECONDS}s` : `node load generator (wrk unavailable), c=${CONNECTIONS}, ${SECONDS}s`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-bench-'));
  try {
    // Both servers run at once and are loaded in alternation (chattrail, moto, chattrail, ...):
    // this machine's speed drifts over minutes, and measuring one after the other let that drift
    // move the ratio by a tenth either way.
    log(`throughput: chattrail and moto_server alternately, ${ROUNDS} rounds of ${tool}`);
    const ct = await startChattrail(dataDir);
    const creds = adminCredentials(dataDir);
    let moto: Server | undefined;
    const ctRounds: LoadResult[] = [];
    const motoRounds: LoadResult[] = [];
    let ctRss: number;
    try {
      const call = await signGetCallerIdentity(ct.url, creds);
      await checkOnce(ct.url, call, 'chattrail');
      let motoCall: SignedCall | undefined;
      try {
        moto = await startMoto();
        motoCall = await signGetCallerIdentity(moto.url, MOTO_CREDS);
        await checkOnce(moto.url, motoCall, 'moto_server');
      } catch (e) {
        log(`moto_server could not be measured: ${e instanceof Error ? e.message : String(e)}`);
      }
      for (let r = 0; r < ROUNDS; r++) {
        ctRounds.push(await throughput(ct, call, wrk));
        if (moto && motoCall) motoRounds.push(await throughput(moto, motoCall, wrk));
        log(`  round ${r + 1}: chattrail ${ctRounds[r].requestsPerSecond.toFixed(0)} req/s, moto_server ${motoRounds[r]?.requestsPerSecond.toFixed(0) ?? 'n/a'} req/s`);
      }
      ctRss = peakRssMiB(ct.proc.pid!);
    } finally {
      await ct.stop();
      await moto?.stop();
    }
    const ctLoad = combine(ctRounds);
    const motoLoad = motoRounds.length ? combine(motoRounds) : undefined;

    log(`seeding ${EVENTS.toLocaleString('en-US')} events`);
    const t0 = Date.now();
    const { bytes } = await seedEvents(dataDir, accountOf(dataDir), 'us-east-1', EVENTS, (n) => { if (n % 200_000 === 0) log(`  ${n.toLocaleString('en-US')}`); });
    log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s, records average ${EVENTS ? Math.round(bytes / EVENTS) : 0} bytes`);

    log(`LookupEvents: ${LOOKUPS} by EventName, ${LOOKUPS} by Username`);
    const lk = await lookupLatency(dataDir, creds);
    const dbMiB = fs.statSync(path.join(dataDir, 'chattrail.db')).size / 1024 / 1024;

    log('chat command round trip');
    const chatRows: Row[] = await runChatBench().then(
      (rows) => rows.map((r) => ({ metric: r.metric, chattrail: r.value, moto: r.peer, ratio: r.ratio, target: r.target, pass: r.target === '-' ? '-' : verdict(r.pass) })),
      (e: unknown) => [{ metric: `chat command round trip: failed (${e instanceof Error ? e.message : String(e)})`, chattrail: '-', moto: '-', ratio: '-', target: '-', pass: 'FAIL' }]);

    log('trail delivery');
    const deliveryRows: Row[] = await runDeliveryBench().then(
      (rows) => rows.map((r) => ({ metric: r.metric, chattrail: r.value, moto: r.peer, ratio: r.ratio, target: r.target, pass: r.target === '-' ? '-' : verdict(r.pass) })),
      (e: unknown) => [{ metric: `trail delivery: failed (${e instanceof Error ? e.message : String(e)})`, chattrail: '-', moto: '-', ratio: '-', target: '-', pass: 'FAIL' }]);

    log('start-to-healthy');
    const startRows: Row[] = await runStartupBench().then(
      (rows) => rows.map((r) => ({ metric: r.metric, chattrail: r.value, moto: r.peer, ratio: r.ratio, target: r.target, pass: verdict(r.pass) })),
      (e: unknown) => [{ metric: `start-to-healthy: failed (${e instanceof Error ? e.message : String(e)})`, chattrail: '-', moto: '-', ratio: '-', target: '-', pass: 'FAIL' }]);

    log('backend: ec2 describe-regions via chattrail+moto vs moto directly, alternately');
    const backendRows: Row[] = await runBackendBench().then(
      (rows) => rows.map((r) => ({ metric: r.metric, chattrail: r.value, moto: r.peer, ratio: r.ratio, target: r.target, pass: verdict(r.pass) })),
      (e: unknown) => [{ metric: `backend forwarding: failed (${e instanceof Error ? e.message : String(e)})`, chattrail: '-', moto: '-', ratio: '-', target: '-', pass: 'FAIL' }]);

    log('record feed: 10 idle consumers vs none, alternately');
    const feedRows: Row[] = await runFeedBench().then(
      (rows) => rows.map((r) => ({ metric: r.metric, chattrail: r.value, moto: r.peer, ratio: r.ratio, target: r.target, pass: verdict(r.pass) })),
      (e: unknown) => [{ metric: `record feed consumers: failed (${e instanceof Error ? e.message : String(e)})`, chattrail: '-', moto: '-', ratio: '-', target: '-', pass: 'FAIL' }]);

    const ratio = motoLoad ? ctLoad.requestsPerSecond / motoLoad.requestsPerSecond : NaN;
    const rss = Math.max(ctRss, lk.rss);
    const errors = ctLoad.failures + (motoLoad?.failures ?? 0) + lk.byName.failures + lk.byUser.failures;
    const events = `${(EVENTS / 1e6).toLocaleString('en-US')}M events`;
    printTable([
      { metric: `sts get-caller-identity req/s (signed, c=${CONNECTIONS})`, chattrail: ctLoad.requestsPerSecond.toFixed(0), moto: motoLoad ? motoLoad.requestsPerSecond.toFixed(0) : 'n/a', ratio: Number.isFinite(ratio) ? `${ratio.toFixed(1)}x` : 'n/a', target: '>= 30x moto', pass: Number.isFinite(ratio) ? verdict(ratio >= 30) : 'n/a' },
      { metric: `LookupEvents p50, EventName (${events})`, chattrail: ms(lk.byName.p50), moto: '-', ratio: '-', target: '-', pass: '-' },
      { metric: `LookupEvents p99, EventName (${events})`, chattrail: ms(lk.byName.p99), moto: '-', ratio: '-', target: '< 10 ms', pass: verdict(lk.byName.p99 < 10) },
      { metric: `LookupEvents p50, Username (${events})`, chattrail: ms(lk.byUser.p50), moto: '-', ratio: '-', target: '-', pass: '-' },
      { metric: `LookupEvents p99, Username (${events})`, chattrail: ms(lk.byUser.p99), moto: '-', ratio: '-', target: '< 10 ms', pass: verdict(lk.byUser.p99 < 10) },
      { metric: 'peak RSS (VmHWM)', chattrail: `${rss.toFixed(0)} MB`, moto: '-', ratio: '-', target: '< 300 MB', pass: verdict(rss < 300) },
      ...chatRows,
      ...deliveryRows,
      ...startRows,
      ...backendRows,
      ...feedRows,
    ]);
    process.stdout.write(`load: ${tool}; chattrail ${ctLoad.total} calls (each recorded durably before its 2xx), moto_server ${motoLoad?.total ?? 'n/a'} calls; ` +
      `non-2xx or socket errors: ${errors}; LookupEvents max ${ms(Math.max(lk.byName.max, lk.byUser.max))}, MaxResults 50; ` +
      `database ${dbMiB.toFixed(0)} MiB; peak RSS under load ${ctRss.toFixed(0)} MB, after lookups ${lk.rss.toFixed(0)} MB.\n`);
    if (errors > 0) process.exitCode = 1;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
