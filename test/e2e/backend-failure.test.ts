// When the backend fails (issue 11): an emulator that is not there, one that never answers, and
// moto_server killed mid-run. Every forwarded call gets a 2xx from the backend or a retryable
// ServiceUnavailable naming it, recorded; none hangs; native services keep working; the backend
// comes back on its own.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { cliErrorCode, startTestServer, type TestServer } from './harness.js';

const servers: TestServer[] = [];
after(async () => { for (const s of servers) await s.stop(); });

async function start(env: Record<string, string>): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}

async function health(srv: TestServer): Promise<{ state: string; url?: string }> {
  return ((await (await fetch(`${srv.url}/_chattrail/health`)).json()) as { backend: { state: string; url?: string } }).backend;
}

async function lastRecord(srv: TestServer, eventName: string): Promise<Record<string, any> | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const all = (await srv.app.stores.events.readAfter(0, 100_000)).map((e) => JSON.parse(e.record) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  return all.filter((r) => r.eventName === eventName).at(-1);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('backend failures', () => {
  test('an emulator that is not there: the server starts, forwarded calls answer ServiceUnavailable and are recorded, native ones work', async () => {
    const port = await freePort();
    const srv = await start({ CHATTRAIL_BACKEND_URL: `http://127.0.0.1:${port}`, CHATTRAIL_BACKEND_START_SECONDS: '1' });
    assert.equal((await health(srv)).state, 'down');
    const r = await srv.aws(['logs', 'describe-log-groups']);
    assert.equal(cliErrorCode(r), 'ServiceUnavailable', r.stderr);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal((await lastRecord(srv, 'DescribeLogGroups'))?.errorCode, 'ServiceUnavailable');
    assert.equal((await srv.aws(['sts', 'get-caller-identity'])).code, 0);
  });

  test('an emulator that never answers: ServiceUnavailable within the bound, recorded', async () => {
    // Answers the readiness probe as an account-aware emulator would, then hangs on every call.
    const hanging = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        if (!body.includes('Action=GetCallerIdentity')) return; // never answered
        const account = String(req.headers['x-moto-account-id']);
        res.writeHead(200, { 'content-type': 'text/xml' }).end(`<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::${account}:user/moto</Arn><UserId>X</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      });
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    try {
      const port = (hanging.address() as net.AddressInfo).port;
      const srv = await start({ CHATTRAIL_BACKEND_URL: `http://127.0.0.1:${port}`, CHATTRAIL_BACKEND_TIMEOUT_SECONDS: '1' });
      assert.equal((await health(srv)).state, 'ready');
      const t0 = Date.now();
      const r = await srv.aws(['sqs', 'list-queues']);
      const took = Date.now() - t0;
      assert.equal(cliErrorCode(r), 'ServiceUnavailable', r.stderr);
      assert.ok(took < 6000, `answered in ${took} ms`);
      assert.equal((await lastRecord(srv, 'ListQueues'))?.errorCode, 'ServiceUnavailable');
    } finally {
      hanging.closeAllConnections();
      await new Promise((r) => hanging.close(r));
    }
  });

  test('moto_server killed mid-run: 2xx or ServiceUnavailable for every call, none hangs, and it comes back', async () => {
    const srv = await start({ CHATTRAIL_BACKEND: 'moto', CHATTRAIL_BACKEND_TIMEOUT_SECONDS: '5' });
    const { url } = await health(srv);
    const port = new URL(url!).port;
    const logs = new CloudWatchLogsClient(srv.sdkConfig());
    const outcomes = new Map<string, number>();
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const t0 = Date.now();
        const code = await logs.send(new DescribeLogGroupsCommand({})).then(() => 'ok', (e: { name?: string }) => e.name ?? 'unknown');
        assert.ok(Date.now() - t0 < 7000, 'no call hangs');
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const pid = execFileSync('pgrep', ['-f', `moto_server -H 127.0.0.1 -p ${port}`]).toString().trim().split('\n')[0];
    process.kill(Number(pid), 'SIGKILL');
    const states = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const h = await health(srv);
      states.add(h.state);
      if (states.has('down') && h.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await loop;
    logs.destroy();
    assert.ok(states.has('down') || states.has('starting'), `the health showed the outage: ${[...states].join(', ')}`);
    assert.equal((await health(srv)).state, 'ready');
    const unexpected = [...outcomes.keys()].filter((k) => k !== 'ok' && k !== 'ServiceUnavailable');
    assert.deepEqual(unexpected, [], `only successes and ServiceUnavailable: ${JSON.stringify([...outcomes])}`);
    assert.ok((outcomes.get('ok') ?? 0) > 0 && (outcomes.get('ServiceUnavailable') ?? 0) > 0, JSON.stringify([...outcomes]));
    assert.equal((await srv.aws(['logs', 'describe-log-groups'])).code, 0, 'calls succeed again');
  });
});
