// `node dist/bench/versus.js <checkout>`: signed GetCallerIdentity throughput (every call recorded
// durably) of this build beside another build of chattrail (an earlier commit, checked out and
// built with `npm ci && npm run build`), both running at once and loaded in alternating rounds, the
// side that goes first swapping each round: "is this change within noise of before", in one run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCredentials, startChattrail, type Server } from './processes.js';
import { findWrk, runNodeLoad, runWrk, type LoadResult } from './load.js';
import { signGetCallerIdentity } from './sign.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONNECTIONS = 16;

async function main(): Promise<void> {
  const baseline = process.argv[2];
  const baselineCli = baseline && path.resolve(baseline, 'dist', 'src', 'cli', 'main.js');
  if (!baselineCli || !fs.existsSync(baselineCli)) {
    process.stderr.write('usage: node dist/bench/versus.js <checkout of another commit, built>\n');
    process.exit(2);
  }
  const wrk = findWrk();
  const sides: { name: string; server: Server; rounds: LoadResult[] }[] = [];
  const dirs: string[] = [];
  try {
    for (const [name, cli] of [['this build', undefined], [`baseline (${path.basename(path.resolve(baseline))})`, baselineCli]] as const) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-versus-'));
      dirs.push(dir);
      sides.push({ name, server: await startChattrail(dir, cli), rounds: [] });
    }
    const calls = await Promise.all(sides.map((s, i) => signGetCallerIdentity(s.server.url, adminCredentials(dirs[i]))));
    const load = (i: number, secs: number) => (wrk ? runWrk(wrk, sides[i].server.url, calls[i], CONNECTIONS, secs) : runNodeLoad(sides[i].server.url, calls[i], CONNECTIONS, secs));
    for (let i = 0; i < sides.length; i++) await load(i, 2);
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) sides[i].rounds.push(await load(i, SECONDS));
      process.stderr.write(`versus: round ${r + 1}: ${sides.map((s) => `${s.name} ${s.rounds[r].requestsPerSecond.toFixed(0)} req/s`).join(', ')}\n`);
    }
  } finally {
    for (const s of sides) await s.server.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  const perRound = sides[0].rounds.map((r, i) => r.requestsPerSecond / sides[1].rounds[i].requestsPerSecond).sort((a, b) => a - b);
  const median = perRound[Math.floor(perRound.length / 2)];
  const mean = (xs: LoadResult[]) => xs.reduce((n, r) => n + r.requestsPerSecond, 0) / xs.length;
  const rows = [
    ['metric', sides[0].name, sides[1].name, 'ratio (median of rounds)', 'rounds'],
    ['signed sts GetCallerIdentity req/s', mean(sides[0].rounds).toFixed(0), mean(sides[1].rounds).toFixed(0), `${median.toFixed(3)}x`,
      perRound.map((x) => x.toFixed(2)).join(' ')],
  ];
  const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) process.stdout.write(`| ${r.map((x, c) => x.padEnd(width[c])).join(' | ')} |\n`);
}

main().catch((e) => { process.stderr.write(`versus: ${e instanceof Error ? e.stack : String(e)}\n`); process.exit(1); });
