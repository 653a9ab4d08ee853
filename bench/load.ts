// Load generation: replays one pre-signed request at a fixed concurrency with wrk (a C load
// generator, so the client costs little CPU), or with a node:http loop when wrk is unavailable.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SignedCall } from './sign.js';

const execFileP = promisify(execFile);

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  /** Answers that were not 2xx (or socket errors): a benchmark with any of these is invalid. */
  failures: number;
  tool: 'wrk' | 'node';
}

/** Finds wrk; installs it with apt-get when running as root and it is missing. */
export function findWrk(): string | undefined {
  for (const p of ['/usr/bin/wrk', '/usr/local/bin/wrk']) if (fs.existsSync(p)) return p;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', timeout: 180_000 });
      if (fs.existsSync('/usr/bin/wrk')) return '/usr/bin/wrk';
    } catch { /* fall back to the node load generator */ }
  }
  return undefined;
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function wrkScript(call: SignedCall): string {
  const lines = [`wrk.method = ${luaString(call.method)}`, `wrk.body = ${luaString(call.body)}`];
  // wrk adds Content-Length itself, and a Host header unless one is spelled exactly `Host`: a
  // second copy of either would change what the server sees and break the signature.
  for (const [k, v] of Object.entries(call.headers)) {
    if (k !== 'content-length') lines.push(`wrk.headers[${luaString(k === 'host' ? 'Host' : k)}] = ${luaString(v)}`);
  }
  return lines.join('\n') + '\n';
}

/** Runs `wrk -t threads -c connections -d seconds` with the call as a Lua request template. */
export async function runWrk(wrk: string, baseUrl: string, call: SignedCall, connections: number, seconds: number): Promise<LoadResult> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-bench-')), 'request.lua');
  fs.writeFileSync(script, wrkScript(call));
  try {
    const { stdout } = await execFileP(wrk, ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, baseUrl + call.path], { maxBuffer: 1 << 20 });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 'NaN');
    const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 'NaN');
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? '0');
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
    const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${stdout}`);
    return { requestsPerSecond: rps, total, failures: non2xx + sockErrors, tool: 'wrk' };
  } finally {
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
  }
}

/** The same replay from node: `connections` keep-alive loops for `seconds`. */
export async function runNodeLoad(baseUrl: string, call: SignedCall, connections: number, seconds: number): Promise<LoadResult> {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const deadline = Date.now() + seconds * 1000;
  let total = 0;
  let failures = 0;
  const one = () => new Promise<void>((resolve) => {
    const req = http.request({ host: u.hostname, port: Number(u.port), method: call.method, path: call.path, headers: call.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => { total++; if ((res.statusCode ?? 0) >= 300) failures++; resolve(); });
    });
    req.on('error', () => { total++; failures++; resolve(); });
    req.end(call.body);
  });
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, async () => { while (Date.now() < deadline) await one(); }));
  agent.destroy();
  return { requestsPerSecond: total / ((Date.now() - started) / 1000), total, failures, tool: 'node' };
}
