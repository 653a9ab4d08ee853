// Record feed overhead: signed+recorded GetCallerIdentity throughput of chattrail with 10 idle feed
// consumers registered versus none. Both servers run at once, each on its own data folder, and are
// loaded in alternating rounds (the side that goes first swaps every round) so drift hits both.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminCredentials, freePort, type Server } from './processes.js';
import { findWrk, runNodeLoad, runWrk, type LoadResult } from './load.js';
import { signGetCallerIdentity } from './sign.js';
import type { BenchRow } from './chat.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'feed-server.js');
const CONSUMERS = 10;
const CONNECTIONS = 16;
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
/** USER_HZ: the unit of /proc/<pid>/stat's CPU times, 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

async function startServer(consumers: number): Promise<Server & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-bench-feed-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER, String(consumers)], {
    env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_HOST: '127.0.0.1', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`feed-server.js exited with ${proc.exitCode}`);
    try { if ((await fetch(`${url}/_chattrail/health`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('feed-server.js did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => { clearTimeout(force); resolve(); });
    proc.kill('SIGTERM');
  });
  return { url, proc, dataDir, stop };
}

/**
 * Many short rounds rather than a few long ones: each round measures both servers back to back,
 * and the ratio is the median of the rounds' ratios, so this machine's drift (and other processes'
 * bursts) cancel within a round instead of landing on one side.
 */
/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function runFeedBench(seconds = Number(process.env.BENCH_FEED_SECONDS ?? 5), rounds = Math.max(2, Number(process.env.BENCH_FEED_ROUNDS ?? 8))): Promise<BenchRow[]> {
  const wrk = findWrk();
  const none = await startServer(0);
  const ten = await startServer(CONSUMERS);
  try {
    const sides = [none, ten].map(async (s) => ({ s, call: await signGetCallerIdentity(s.url, adminCredentials(s.dataDir)) }));
    const [a, b] = await Promise.all(sides);
    const load = (x: typeof a, secs: number) => (wrk ? runWrk(wrk, x.s.url, x.call, CONNECTIONS, secs) : runNodeLoad(x.s.url, x.call, CONNECTIONS, secs));
    await load(a, 3); // warm-up: the JIT and SQLite's page cache
    await load(b, 3);
    const results: [LoadResult[], LoadResult[]] = [[], []];
    const cpu: [number[], number[]] = [[], []];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const side = i === 0 ? a : b;
        const before = cpuSeconds(side.s.proc.pid!);
        const res = await load(side, seconds);
        results[i].push(res);
        cpu[i].push(((cpuSeconds(side.s.proc.pid!) - before) / res.total) * 1e6);
      }
      log(`  feed round ${r + 1}: no consumers ${results[0][r].requestsPerSecond.toFixed(0)} req/s (${cpu[0][r].toFixed(0)} µs CPU/call), ` +
        `${CONSUMERS} idle consumers ${results[1][r].requestsPerSecond.toFixed(0)} req/s (${cpu[1][r].toFixed(0)} µs CPU/call)`);
    }
    const mean = (xs: LoadResult[]) => xs.reduce((n, x) => n + x.requestsPerSecond, 0) / xs.length;
    const failures = [...results[0], ...results[1]].reduce((n, x) => n + x.failures, 0);
    if (failures) throw new Error(`${failures} calls failed`);
    const ratio = median(results[1].map((x, i) => x.requestsPerSecond / results[0][i].requestsPerSecond));
    const cpuRatio = median(cpu[1].map((x, i) => x / cpu[0][i]));
    return [{
      metric: `sts req/s (signed+recorded, c=${CONNECTIONS}), ${CONSUMERS} idle feed consumers vs none (median of ${rounds} paired rounds)`,
      value: mean(results[1]).toFixed(0), peer: `${mean(results[0]).toFixed(0)} (none)`, ratio: `${ratio.toFixed(3)}x`, target: 'within 3 %', pass: Math.abs(1 - ratio) < 0.03,
    }, {
      // Server CPU per call moves far less than req/s when other processes share the machine.
      metric: `server CPU per call, ${CONSUMERS} idle feed consumers vs none (median ratio)`,
      value: `${median(cpu[1]).toFixed(0)} µs`, peer: `${median(cpu[0]).toFixed(0)} µs (none)`, ratio: `${cpuRatio.toFixed(3)}x`, target: 'within 3 %', pass: Math.abs(1 - cpuRatio) < 0.03,
    }];
  } finally {
    await Promise.all([none.stop(), ten.stop()]);
    for (const s of [none, ten]) fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runFeedBench().then((rows) => { for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`); }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
}
