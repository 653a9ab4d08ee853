// The cost of chattrail in front of a backend emulator (issue 11): signed `ec2 describe-regions`
// through chattrail+moto_server (verified, authorized, forwarded, recorded durably) beside the same
// call sent to that same moto_server directly, in alternating rounds. Throughput as a ratio of
// moto's own, and chattrail's added latency as the difference of the two medians.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCredentials, startChattrail, startMoto, type Server } from './processes.js';
import { signPost, type BenchCredentials, type SignedCall } from './sign.js';
import { findWrk, runNodeLoad, runWrk, type LoadResult } from './load.js';
import { measureLatency } from './latency.js';
import type { BenchRow } from './chat.js';

const MOTO_CREDS: BenchCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** `aws ec2 describe-regions` as the AWS CLI sends it (ec2 protocol, form body). */
function signDescribeRegions(url: string, creds: BenchCredentials): Promise<SignedCall> {
  return signPost(url, 'ec2', 'us-east-1', creds, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'chattrail-bench' },
    'Action=DescribeRegions&Version=2016-11-15');
}

const answered = (status: number, body: string) => status === 200 && body.includes('regionInfo');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function runBackendBench(rounds = Number(process.env.BENCH_BACKEND_ROUNDS ?? 3), seconds = Number(process.env.BENCH_BACKEND_SECONDS ?? 5)): Promise<BenchRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-bench-backend-'));
  let moto: Server | undefined;
  let ct: Server | undefined;
  try {
    moto = await startMoto();
    ct = await startChattrail(dataDir, undefined, { CHATTRAIL_BACKEND_URL: moto.url });
    const viaCt = await signDescribeRegions(ct.url, adminCredentials(dataDir));
    const direct = await signDescribeRegions(moto.url, MOTO_CREDS);
    // The first call builds EC2's service (a 500 KB model) and reads its authorization data: warm
    // both, as a running server would be, so the first round measures calls and not that.
    await measureLatency(ct.url, Array(20).fill(viaCt), answered);
    await measureLatency(moto.url, Array(20).fill(direct), answered);
    const wrk = findWrk();
    const load = (s: Server, call: SignedCall): Promise<LoadResult> => (wrk ? runWrk(wrk, s.url, call, 16, seconds) : runNodeLoad(s.url, call, 16, seconds));
    const ctRps: number[] = [];
    const motoRps: number[] = [];
    const ctP50: number[] = [];
    const motoP50: number[] = [];
    let failures = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await load(ct, viaCt);
      const b = await load(moto, direct);
      failures += a.failures + b.failures;
      ctRps.push(a.requestsPerSecond);
      motoRps.push(b.requestsPerSecond);
      const la = await measureLatency(ct.url, Array(150).fill(viaCt), answered);
      const lb = await measureLatency(moto.url, Array(150).fill(direct), answered);
      failures += la.failures + lb.failures;
      ctP50.push(la.p50);
      motoP50.push(lb.p50);
      log(`  backend round ${r + 1}: via chattrail ${a.requestsPerSecond.toFixed(0)} req/s p50 ${la.p50.toFixed(2)} ms, moto direct ${b.requestsPerSecond.toFixed(0)} req/s p50 ${lb.p50.toFixed(2)} ms`);
    }
    if (failures) throw new Error(`${failures} calls failed`);
    const ratio = median(ctRps) / median(motoRps);
    const added = median(ctP50) - median(motoP50);
    return [
      { metric: 'ec2 describe-regions req/s via chattrail+moto (c=16)', value: median(ctRps).toFixed(0), peer: median(motoRps).toFixed(0), ratio: `${ratio.toFixed(2)}x`, target: '>= 0.90x moto', pass: ratio >= 0.9 },
      { metric: 'chattrail added latency, p50 (sequential)', value: `${added.toFixed(2)} ms`, peer: `${median(motoP50).toFixed(2)} ms`, ratio: '-', target: '< 1 ms', pass: added < 1 },
    ];
  } finally {
    await ct?.stop();
    await moto?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('backend.js')) {
  runBackendBench().then((rows) => { for (const r of rows) console.log(`${r.metric}: ${r.value} vs ${r.peer} (${r.ratio}; target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`); }, (e: unknown) => { console.error(e); process.exit(1); });
}
