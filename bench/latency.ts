// LookupEvents latency as a client sees it: pre-signed calls sent one after another on one
// keep-alive connection, timed from the first byte sent to the last byte of the answer.
import http from 'node:http';
import type { SignedCall } from './sign.js';

export interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  count: number;
  /** Answers that were not 200, or 200 with no events (a filter that matched nothing). */
  failures: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Sends each call in turn; returns latency percentiles in milliseconds. */
export async function measureLatency(baseUrl: string, calls: SignedCall[],
  ok: (status: number, body: string) => boolean = (status, body) => status === 200 && body.includes('"EventId"')): Promise<LatencyResult> {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let failures = 0;
  for (const call of calls) {
    const t0 = process.hrtime.bigint();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: Number(u.port), method: call.method, path: call.path, headers: call.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(call.body);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!ok(status, body)) failures++;
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1], count: times.length, failures };
}
