// The backend emulator's lifecycle (issue 11): MotoSupervisor owns a moto_server child (start on a
// free loopback port, readiness, restart after a crash, stop); ExternalBackend watches an emulator
// someone else runs. Both call a backend ready only once it proves it keeps accounts apart.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from '../../common/runtime.js';
import type { Backend, BackendStatus } from './backend.js';
import { BackendUnreachable, sendSigned } from './forwarder.js';

/** The account the readiness probe asks as: an emulator answering with another merges accounts. */
export const PROBE_ACCOUNT = '000000000001';
const POLL_MS = 100;
const PROBE_TIMEOUT_MS = 2000;
const STOP_GRACE_MS = 5000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;

type Probe = { ok: true } | { ok: false; reason: string; merged?: boolean };

/** A signed STS GetCallerIdentity as account PROBE_ACCOUNT: ready only when the answer names that account. */
export async function probeBackend(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Probe> {
  const body = Buffer.from('Action=GetCallerIdentity&Version=2011-06-15');
  let res;
  try {
    res = await sendSigned(
      { method: 'POST', url: `${url}/`, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
      { backendUrl: url, target: { accountId: PROBE_ACCOUNT, region: 'us-east-1' }, service: 'sts', host: new URL(url).host, timeoutMs },
    );
  } catch (e) {
    return { ok: false, reason: e instanceof BackendUnreachable ? e.message : String(e) };
  }
  const account = /<Account>\s*([^<\s]*)\s*<\/Account>/.exec(res.body.toString())?.[1];
  if (res.status !== 200 || !account) return { ok: false, reason: `STS GetCallerIdentity answered HTTP ${res.status} without an account` };
  if (account !== PROBE_ACCOUNT) {
    return { ok: false, merged: true, reason: `asked as account ${PROBE_ACCOUNT}, it answered as ${account}: it merges accounts (is MOTO_ACCOUNT_ID set for it?), so tenants would share resources` };
  }
  return { ok: true };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A probe's wait: what is left before the deadline, but long enough to mean something. */
const probeBound = (deadline: number) => Math.min(PROBE_TIMEOUT_MS, Math.max(POLL_MS, deadline - Date.now()));

/** The executable `command` names (a path, or a name on PATH), if it exists. */
function findExecutable(command: string, searchPath: string | undefined): string | undefined {
  const candidates = command.includes('/') ? [command] : (searchPath ?? '').split(':').filter(Boolean).map((d) => path.join(d, command));
  return candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface MotoSupervisorOptions {
  command: string;
  startTimeoutMs: number;
  logger: Logger;
}

/** Runs moto_server as chattrail's child: the only owner of that process. */
export class MotoSupervisor implements Backend {
  private state: BackendStatus = { state: 'down', detail: 'not started' };
  private child?: ChildProcess;
  private port?: number;
  private stopping = false;
  /** Restarts since the backend last stayed up a while: the exponent of the backoff. */
  private failures = 0;
  private readyAt = 0;
  private restartTimer?: NodeJS.Timeout;
  /** The child's environment: never MOTO_ACCOUNT_ID (it would merge every account) nor moto's own IAM switch. */
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: MotoSupervisorOptions) {
    this.env = { ...process.env, PYTHONUNBUFFERED: '1' };
    delete this.env.MOTO_ACCOUNT_ID;
    delete this.env.INITIAL_NO_AUTH_ACTION_COUNT;
  }

  status(): BackendStatus {
    return { ...this.state };
  }

  url(): string | undefined {
    return this.port === undefined ? undefined : `http://127.0.0.1:${this.port}`;
  }

  /** The process id of the running child (tests). */
  pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const command = findExecutable(this.opts.command, this.env.PATH);
    if (!command) {
      this.state = { state: 'down', detail: `${this.opts.command} not found` };
      throw new Error(`${this.opts.command} not found${this.opts.command.includes('/') ? '' : ' on PATH'}: pip install 'moto[server]', or set CHATTRAIL_BACKEND_COMMAND`);
    }
    const deadline = Date.now() + this.opts.startTimeoutMs;
    // A port someone else took between our probe and moto's bind makes moto exit: try a new one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launch(command, deadline);
      } catch (e) {
        this.state = { state: 'down', url: this.url(), detail: (e as Error).message };
        if (!(e instanceof EarlyExit) || attempt >= 3 || Date.now() >= deadline || this.stopping) throw e;
      }
    }
  }

  /** Spawns the child on a fresh port and resolves once it answers the probe as PROBE_ACCOUNT. */
  private async launch(command: string, deadline: number): Promise<void> {
    const port = await freeLoopbackPort();
    if (this.stopping) throw new Error('the backend was stopped while starting');
    this.port = port;
    const url = this.url()!;
    this.state = { state: 'starting', url };
    const setpriv = findExecutable('setpriv', this.env.PATH);
    const args = ['-H', '127.0.0.1', '-p', String(port)];
    // setpriv: a chattrail killed with SIGKILL takes its moto_server with it. Own process group:
    // a Ctrl-C meant for chattrail reaches moto through stop(), not as a crash to recover from.
    const child = setpriv
      ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(command, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const tail: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 5) tail.shift();
        if (this.opts.logger.debugEnabled) this.opts.logger.debug('backend output', { pid: child.pid, line });
      });
    }
    let exit: string | undefined;
    child.once('error', (e) => { exit = e.message; });
    child.once('exit', (code, signal) => {
      exit ??= signal ? `killed by ${signal}` : `exit code ${code}`;
      this.onExit(child, exit);
    });
    for (;;) {
      if (exit !== undefined) throw new EarlyExit(`${this.opts.command} exited before answering (${exit})${tail.length ? `: ${tail.join(' | ')}` : ''}`);
      if (this.stopping) throw new Error('the backend was stopped while starting');
      const probe = await probeBackend(url, probeBound(deadline));
      if (probe.ok && exit === undefined && !this.stopping) {
        this.state = { state: 'ready', url };
        this.readyAt = Date.now();
        this.opts.logger.info('backend ready', { backend: url, pid: child.pid });
        return;
      }
      if (!probe.ok && (probe.merged || Date.now() + POLL_MS >= deadline)) {
        this.kill(child, 'SIGKILL');
        throw new Error(probe.merged
          ? `The backend emulator at ${url} is unsafe: ${probe.reason}`
          : `${this.opts.command} did not answer within ${this.opts.startTimeoutMs / 1000} s at ${url}: ${probe.reason}`);
      }
      await delay(POLL_MS);
    }
  }

  private onExit(child: ChildProcess, why: string): void {
    if (child !== this.child || this.stopping) return;
    // Exits while starting are the launch loop's to handle.
    if (this.state.state !== 'ready') return;
    this.state = { state: 'down', url: this.url(), detail: `${this.opts.command} exited (${why})` };
    // A backend that crashes soon after each restart backs off further; one that ran a while starts over.
    if (Date.now() - this.readyAt > STABLE_MS) this.failures = 0;
    this.opts.logger.warn('backend exited: every resource it held is gone (their records remain); restarting', { backend: this.url(), reason: why });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const wait = Math.min(500 * 2 ** this.failures, MAX_BACKOFF_MS);
    this.failures++;
    this.restartTimer = setTimeout(() => {
      const command = findExecutable(this.opts.command, this.env.PATH) ?? this.opts.command;
      this.launch(command, Date.now() + this.opts.startTimeoutMs).catch((e: Error) => {
        if (this.stopping) return;
        if (this.child && this.child.exitCode === null) this.kill(this.child, 'SIGKILL');
        this.state = { state: 'down', url: this.url(), detail: e.message };
        this.opts.logger.warn('backend restart failed', { reason: e.message, retryInMs: Math.min(500 * 2 ** this.failures, MAX_BACKOFF_MS) });
        this.scheduleRestart();
      });
    }, wait);
  }

  /** Signals the child's whole process group (a wrapper script's children too). */
  private kill(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.state = { state: 'stopped', url: this.url() };
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const hard = setTimeout(() => this.kill(child, 'SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      this.kill(child, 'SIGTERM');
    });
  }
}

/** The child exited before it answered (a port taken, a broken install). */
class EarlyExit extends Error {}

export interface ExternalBackendOptions {
  url: string;
  startTimeoutMs: number;
  logger: Logger;
}

const WATCH_READY_MS = 5000;
const WATCH_DOWN_MS = 1000;

/** An emulator chattrail does not run (CHATTRAIL_BACKEND_URL): probed at start, then watched. */
export class ExternalBackend implements Backend {
  private state: BackendStatus;
  private timer?: NodeJS.Timeout;
  private probing = false;
  private stopped = false;

  constructor(private readonly opts: ExternalBackendOptions) {
    this.state = { state: 'down', url: opts.url, detail: 'not started' };
  }

  status(): BackendStatus {
    return { ...this.state };
  }

  url(): string | undefined {
    return this.opts.url;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.state = { state: 'starting', url: this.opts.url };
    const deadline = Date.now() + this.opts.startTimeoutMs;
    for (;;) {
      const probe = await probeBackend(this.opts.url, probeBound(deadline));
      if (probe.ok) break;
      if (probe.merged) {
        this.state = { state: 'down', url: this.opts.url, detail: probe.reason };
        throw new Error(`The backend emulator at ${this.opts.url} is unsafe: ${probe.reason}`);
      }
      if (Date.now() + POLL_MS >= deadline) {
        // An emulator started after chattrail (compose ordering, a restart) is found by the watch:
        // until then forwarded calls answer ServiceUnavailable and native ones work.
        this.state = { state: 'down', url: this.opts.url, detail: probe.reason };
        this.opts.logger.warn('backend did not answer; forwarded services are unavailable until it does', { backend: this.opts.url, reason: probe.reason });
        this.watch(WATCH_DOWN_MS);
        return;
      }
      await delay(POLL_MS);
    }
    this.state = { state: 'ready', url: this.opts.url };
    this.opts.logger.info('backend ready', { backend: this.opts.url });
    this.watch(WATCH_READY_MS);
  }

  /** A forwarded call got no answer: look now rather than at the next watch. */
  reportFailure(): void {
    if (this.state.state === 'ready') this.watch(0);
  }

  private watch(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    const probe = await probeBackend(this.opts.url).finally(() => { this.probing = false; });
    if (this.stopped) return;
    const was = this.state.state;
    if (probe.ok) {
      this.state = { state: 'ready', url: this.opts.url };
      if (was !== 'ready') this.opts.logger.warn('backend answers again: resources created before it went away may be gone', { backend: this.opts.url });
    } else {
      this.state = { state: 'down', url: this.opts.url, detail: probe.reason };
      if (was === 'ready') this.opts.logger.warn('backend down', { backend: this.opts.url, reason: probe.reason });
    }
    this.watch(probe.ok ? WATCH_READY_MS : WATCH_DOWN_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.state = { state: 'stopped', url: this.opts.url };
  }
}
