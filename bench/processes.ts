// The servers under test, each in its own process: chattrail (the compiled CLI beside this file)
// and moto_server. Starts them on free loopback ports, waits until they answer, reads peak RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../test/support/ports.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { freePort };

export interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');


/** Until `url` answers (with a 2xx when `healthy`: chattrail's health says 503 while it starts). */
async function waitUntilUp(url: string, proc: ChildProcess, what: string, timeoutMs = 30_000, healthy = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode} before answering`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (!healthy || res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs} ms`);
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return () => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => { clearTimeout(force); resolve(); });
    proc.kill('SIGTERM');
  });
}

/**
 * Starts `chattrail start` on `dataDir` (created by the first start, with its admin key); `cli` runs
 * another build's CLI (bench/versus.ts compares with an earlier commit).
 */
export async function startChattrail(dataDir: string, cli = CLI, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...(process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), cli, "start"], {
    env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_HOST: '127.0.0.1', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/_chattrail/health`, proc, 'chattrail', 30_000, true);
  return { url, proc, stop: stopper(proc) };
}

export async function startMoto(): Promise<Server> {
  const port = await freePort();
  const proc = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, proc, 'moto_server');
  return { url, proc, stop: stopper(proc) };
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

/** The admin key the first start wrote into `<dataDir>/credentials`. */
export function adminCredentials(dataDir: string): { accessKeyId: string; secretAccessKey: string } {
  const text = fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8');
  const id = /aws_access_key_id = (\S+)/.exec(text)?.[1];
  const secret = /aws_secret_access_key = (\S+)/.exec(text)?.[1];
  if (!id || !secret) throw new Error(`no credentials in ${dataDir}`);
  return { accessKeyId: id, secretAccessKey: secret };
}
