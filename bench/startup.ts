// Start-to-healthy: how long `npm start` takes to serve on a data folder that already exists and
// with nothing to compile (the restart people do all day), beside `moto_server` starting on this
// machine. Both are started in alternating rounds so the machine's drift hits both.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.js';
import type { BenchRow } from './chat.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** Spawns a server and resolves with the milliseconds until `url` answered; the server is then stopped. */
async function timeToHealthy(start: (port: number) => ChildProcess, urlOf: (port: number) => string, what: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const proc = start(port);
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode}`);
      try {
        const res = await fetch(urlOf(port), { signal: AbortSignal.timeout(500) });
        await res.arrayBuffer();
        if (res.ok || what === 'moto_server') return performance.now() - t0;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${what} did not become healthy within 60 s`);
  } finally {
    await stop(proc);
  }
}

function stop(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => { clearTimeout(force); resolve(); });
    proc.kill('SIGTERM');
  });
}

export async function runStartupBench(rounds = Number(process.env.BENCH_START_ROUNDS ?? 3)): Promise<BenchRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-start-'));
  // `npm start` execs node, so SIGTERM reaches the server itself.
  const chattrail = (port: number) => spawn('npm', ['start', '-s'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' },
  });
  const moto = (port: number) => spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    // The first start creates the account and may compile; what is measured is every start after it.
    const first = await timeToHealthy(chattrail, (p) => `http://127.0.0.1:${p}/_chattrail/health`, 'chattrail');
    log(`startup: first start on a fresh data folder ${first.toFixed(0)} ms`);
    const ct: number[] = [];
    const mt: number[] = [];
    for (let r = 0; r < rounds; r++) {
      ct.push(await timeToHealthy(chattrail, (p) => `http://127.0.0.1:${p}/_chattrail/health`, 'chattrail'));
      mt.push(await timeToHealthy(moto, (p) => `http://127.0.0.1:${p}/`, 'moto_server'));
      log(`  startup round ${r + 1}: chattrail (npm start) ${ct[r].toFixed(0)} ms, moto_server ${mt[r].toFixed(0)} ms`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const c = median(ct);
    const m = median(mt);
    return [{
      metric: `start-to-healthy, restart (npm start, median of ${rounds})`, value: `${(c / 1000).toFixed(2)} s`, peer: `${(m / 1000).toFixed(2)} s`,
      ratio: `${(c / m).toFixed(2)}x`, target: '< 2 s', pass: c < 2000,
    }];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runStartupBench().then((rows) => { for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`); }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
}
