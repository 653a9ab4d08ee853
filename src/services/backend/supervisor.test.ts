// MotoSupervisor with the real moto_server (start, per-account answers, crash and restart, stop, a
// SIGKILLed parent, a missing command) and ExternalBackend against moto and small fakes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../common/runtime.js';
import { loadModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import { loadCatalog } from './catalog.js';
import { HttpForwarder, sendSigned } from './forwarder.js';
import { ExternalBackend, MotoSupervisor, PROBE_ACCOUNT, probeBackend } from './supervisor.js';

const warnings: string[] = [];
const logger: Logger = { ...createLogger('error'), warn: (msg) => warnings.push(msg) };
const COMMAND = 'moto_server';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The account STS at `url` says the caller is in, asked as `accountId`. */
async function callerAccount(url: string, accountId: string): Promise<string | undefined> {
  const res = await sendSigned(
    { method: 'POST', url: `${url}/`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15') },
    { backendUrl: url, target: { accountId, region: 'eu-west-1' }, service: 'sts', host: new URL(url).host, timeoutMs: 2000 },
  );
  return /<Account>(\d+)<\/Account>/.exec(res.body.toString())?.[1];
}

/** A fake emulator whose STS answers as `account` (or not at all while `up` is false). */
async function fakeSts(account: () => string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'text/xml' })
      .end(`<GetCallerIdentityResponse><GetCallerIdentityResult><Account>${account()}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, server };
}

describe('MotoSupervisor', () => {
  const moto = new MotoSupervisor({ command: COMMAND, startTimeoutMs: 15_000, logger });
  before(() => moto.start());
  after(() => moto.stop());

  it('is ready on a loopback port, and moto answers each account as itself', async () => {
    assert.equal(moto.status().state, 'ready');
    assert.match(moto.url() ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await probeBackend(moto.url()!), { ok: true });
    assert.equal(await callerAccount(moto.url()!, '111122223333'), '111122223333');
    assert.equal(await callerAccount(moto.url()!, PROBE_ACCOUNT), PROBE_ACCOUNT);
  });

  it('keeps one account\'s resources from another through the forwarder', async () => {
    const forwarder = new HttpForwarder({ backend: moto, timeoutMs: 5000, logger, host: () => 'localhost:4566' });
    try {
      const ssm = loadCatalog().byName('ssm')!;
      const model = loadModel('ssm');
      const a = { accountId: '111122223333', region: 'us-east-1' };
      await forwarder.call(ssm, model, 'PutParameter', { Name: '/app/key', Value: 'one', Type: 'String' }, a);
      const got = await forwarder.call(ssm, model, 'GetParameter', { Name: '/app/key' }, a);
      assert.equal((got.Parameter as Record<string, unknown>).Value, 'one');
      assert.match(String((got.Parameter as Record<string, unknown>).ARN), /:111122223333:parameter\/app\/key$/);
      for (const other of [{ accountId: '444455556666', region: 'us-east-1' }, { ...a, region: 'eu-west-1' }]) {
        const err = await forwarder.call(ssm, model, 'GetParameter', { Name: '/app/key' }, other).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof AwsError && err.code === 'ParameterNotFound', `not visible to ${other.accountId} in ${other.region}`);
      }
    } finally {
      forwarder.close();
    }
  });

  it('restarts on its own after the child is killed, and says the resources are gone', async () => {
    const pid = moto.pid()!;
    const before = moto.url();
    warnings.length = 0;
    process.kill(pid, 'SIGKILL');
    await until('down after the kill', () => moto.status().state === 'down', 2000);
    assert.match(moto.status().detail ?? '', /exited \(killed by SIGKILL\)/);
    assert.ok(warnings.some((w) => /every resource it held is gone/.test(w)), 'a warning that state is lost');
    await until('ready again', () => moto.status().state === 'ready', 10_000);
    assert.notEqual(moto.pid(), pid);
    assert.notEqual(moto.url(), before, 'a fresh port');
    assert.deepEqual(await probeBackend(moto.url()!), { ok: true });
  });

  it('stop() leaves no process and does not restart', async () => {
    const pid = moto.pid()!;
    await moto.stop();
    assert.equal(alive(pid), false);
    assert.equal(moto.status().state, 'stopped');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(moto.status().state, 'stopped');
    assert.equal(moto.pid(), undefined);
  });
});

describe('MotoSupervisor edges', () => {
  it('rejects start clearly when the command is missing', async () => {
    const s = new MotoSupervisor({ command: 'moto_server_missing_here', startTimeoutMs: 2000, logger });
    await assert.rejects(s.start(), { message: "moto_server_missing_here not found on PATH: pip install 'moto[server]', or set CHATTRAIL_BACKEND_COMMAND" });
    assert.equal(s.status().state, 'down');
    const abs = new MotoSupervisor({ command: '/nonexistent/moto_server', startTimeoutMs: 2000, logger });
    await assert.rejects(abs.start(), /\/nonexistent\/moto_server not found: pip install/);
  });

  it('rejects start when the command exits instead of serving', async () => {
    const s = new MotoSupervisor({ command: 'false', startTimeoutMs: 5000, logger });
    await assert.rejects(s.start(), /false exited before answering \(exit code 1\)/);
    assert.equal(s.status().state, 'down');
    await s.stop();
  });

  it('leaves no moto_server behind when chattrail is killed with SIGKILL', async () => {
    const supervisorJs = fileURLToPath(new URL('./supervisor.js', import.meta.url));
    const runtimeJs = fileURLToPath(new URL('../../common/runtime.js', import.meta.url));
    const script = `import { MotoSupervisor } from ${JSON.stringify(supervisorJs)}; import { createLogger } from ${JSON.stringify(runtimeJs)};
      const s = new MotoSupervisor({ command: 'moto_server', startTimeoutMs: 15000, logger: createLogger('error') });
      await s.start(); process.stdout.write(String(s.pid()) + '\\n'); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before moto was ready`)));
      });
      assert.ok(pid > 0 && alive(pid), 'moto runs');
      parent.kill('SIGKILL');
      await until('moto gone after its parent died', () => !alive(pid), 5000);
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    }
  });
});

describe('ExternalBackend', () => {
  it('is ready against an emulator that keeps accounts apart, and goes down and up with it', async () => {
    const fake = await fakeSts(() => PROBE_ACCOUNT);
    const b = new ExternalBackend({ url: fake.url, startTimeoutMs: 2000, logger });
    try {
      await b.start();
      assert.deepEqual(b.status(), { state: 'ready', url: fake.url });
      assert.equal(b.url(), fake.url);
      const port = Number(new URL(fake.url).port);
      fake.server.closeAllConnections();
      await new Promise((r) => fake.server.close(r));
      b.reportFailure();
      await until('down once a call failed', () => b.status().state === 'down', 2000);
      await new Promise<void>((r) => fake.server.listen(port, '127.0.0.1', r));
      await until('ready again', () => b.status().state === 'ready', 3000);
    } finally {
      await b.stop();
      fake.server.closeAllConnections();
      await new Promise((r) => fake.server.close(r));
    }
    assert.equal(b.status().state, 'stopped');
  });

  it('refuses an emulator that merges accounts', async () => {
    const fake = await fakeSts(() => '123456789012');
    try {
      const b = new ExternalBackend({ url: fake.url, startTimeoutMs: 2000, logger });
      await assert.rejects(b.start(), /is unsafe: asked as account 000000000001, it answered as 123456789012: it merges accounts/);
      assert.equal(b.status().state, 'down');
    } finally {
      fake.server.closeAllConnections();
      await new Promise((r) => fake.server.close(r));
    }
  });

  it('starts down (without failing the server) when nothing answers within the bound', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;
    await new Promise((r) => closed.close(r));
    const b = new ExternalBackend({ url, startTimeoutMs: 500, logger });
    const started = Date.now();
    await b.start();
    assert.ok(Date.now() - started < 1500);
    assert.equal(b.status().state, 'down');
    assert.match(b.status().detail ?? '', /connection refused/);
    await b.stop();
  });
});
