// End-to-end: delivery survives what goes wrong. A removed bucket policy or a deleted bucket shows
// in GetTrailStatus and loses nothing once fixed; kill -9 and a restart of the real `chattrail start`
// process under load duplicate nothing; an external S3 endpoint (moto) going down and coming back
// on the same port gets every event exactly once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../support/ports.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { S3Client, CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand } from '@aws-sdk/client-iam';
import { startTestServer, cliErrorCode } from './harness.js';
import {
  createTrailBucket, deliveryCounts, logFiles, requestIdOf, s3Of, sleep, storedEvents, trailBucketPolicy, waitDelivered, waitFor, type LoggedRecord,
} from './trails-helpers.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));


async function waitUp(url: string, proc: ChildProcess, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    try { await fetch(url); return; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`${what} did not start`);
    await sleep(100);
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** Every requestID delivered, over snapshots of a bucket taken before parts of it were lost. */
function merged(...snapshots: Map<string, LoggedRecord[]>[]): Map<string, number> {
  const all = new Map<string, LoggedRecord[]>();
  for (const s of snapshots) for (const [k, v] of s) all.set(k, v);
  return deliveryCounts(all);
}

describe('trail delivery under failure', () => {
  test('a removed bucket policy and a deleted bucket show in the status; once fixed, nothing is lost or duplicated', { timeout: 180_000 }, async () => {
    const srv = await startTestServer({ CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1' });
    const s3 = s3Of(srv);
    const iam = new IAMClient(srv.sdkConfig());
    try {
      const acct = srv.admin.accountId;
      const { documents, events } = srv.app.stores;
      await createTrailBucket(srv, 'fragile', [`AWSLogs/${acct}/`]);
      assert.equal((await srv.aws(['cloudtrail', 'create-trail', '--name', 'fragile', '--s3-bucket-name', 'fragile'])).code, 0);
      // Write events only: the test's own S3 reads stay out of the trail, so snapshots are complete.
      assert.equal((await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'fragile', '--event-selectors', 'ReadWriteType=WriteOnly'])).code, 0);
      assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'fragile'])).code, 0);
      let users = 0;
      const writes = async (n: number) => { for (let i = 0; i < n; i++) await iam.send(new CreateUserCommand({ UserName: `u${users++}` })); };
      const status = async () => (await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'fragile'])).json;

      await writes(3);
      await waitDelivered(documents, events);
      assert.equal((await srv.aws(['s3api', 'delete-bucket-policy', '--bucket', 'fragile'])).code, 0);
      await writes(3);
      await waitFor('AccessDenied in the trail status', async () => (await status()).LatestDeliveryError === 'AccessDenied', 30_000);
      assert.equal((await srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'fragile', '--policy', trailBucketPolicy('fragile', [`AWSLogs/${acct}/`])])).code, 0);
      await waitDelivered(documents, events, 40_000);
      assert.equal((await status()).LatestDeliveryError, undefined);

      const beforeLoss = await logFiles(s3, 'fragile');
      assert.equal((await srv.aws(['s3', 'rb', 's3://fragile', '--force'])).code, 0);
      await writes(3);
      await waitFor('NoSuchBucket in the trail status', async () => (await status()).LatestDeliveryError === 'NoSuchBucket', 30_000);
      await createTrailBucket(srv, 'fragile', [`AWSLogs/${acct}/`]);
      const cut = await events.lastSeq();
      await waitDelivered(documents, events, 40_000);

      const counts = merged(beforeLoss, await logFiles(s3, 'fragile'));
      const stored = await storedEvents(events, 0);
      const start = stored.find((e) => e.eventName === 'StartLogging')!.seq!;
      const want = stored.filter((e) => e.seq! >= start && e.seq! <= cut && e.management && !e.readOnly).map(requestIdOf).sort();
      const seqOf = new Map(stored.map((e) => [requestIdOf(e), e.seq!]));
      assert.deepEqual([...counts.keys()].filter((id) => seqOf.get(id)! <= cut).sort(), want);
      assert.ok(want.length >= 12, `the writes and the bucket changes: ${want.length}`);
      assert.ok([...counts.values()].every((n) => n === 1), 'nothing delivered twice');
    } finally {
      s3.destroy();
      iam.destroy();
      await srv.stop();
    }
  });

  test('kill -9 and a restart of chattrail under load: every call delivered exactly once', { timeout: 180_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-trail-crash-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const start = () => {
      const p = spawn(process.execPath, [CLI, 'start'], {
        env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_HOST: '127.0.0.1', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error', CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return waitUp(`${url}/_chattrail/health`, p, 'chattrail').then(() => p);
    };
    let proc = await start();
    try {
      const file = fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8');
      const credentials = { accessKeyId: /aws_access_key_id = (\S+)/.exec(file)![1], secretAccessKey: /aws_secret_access_key = (\S+)/.exec(file)![1] };
      const config = { endpoint: url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 };
      const s3 = new S3Client(config);
      await s3.send(new CreateBucketCommand({ Bucket: 'crash-logs' }));
      const acct = (await new STSClient(config).send(new GetCallerIdentityCommand({}))).Account!;
      await s3.send(new PutBucketPolicyCommand({ Bucket: 'crash-logs', Policy: trailBucketPolicy('crash-logs', [`AWSLogs/${acct}/`]) }));
      const { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } = await import('@aws-sdk/client-cloudtrail');
      const ct = new CloudTrailClient(config);
      await ct.send(new CreateTrailCommand({ Name: 'crash', S3BucketName: 'crash-logs' }));
      await ct.send(new StartLoggingCommand({ Name: 'crash' }));

      const acked: string[] = [];
      const load = async (ms: number) => {
        const sts = new STSClient(config);
        const end = Date.now() + ms;
        await Promise.all(Array.from({ length: 8 }, async () => {
          while (Date.now() < end) {
            try { acked.push((await sts.send(new GetCallerIdentityCommand({}))).$metadata.requestId!); } catch { await sleep(20); }
          }
        }));
        sts.destroy();
      };
      // kill -9 in the middle of load, while windows are being delivered.
      const running = load(3500);
      await sleep(2500);
      proc.kill('SIGKILL');
      await exited(proc);
      await running;
      proc = await start();
      await load(2000);
      proc.kill('SIGTERM');
      await exited(proc);
      proc = await start();
      await load(1000);
      await ct.send(new StartLoggingCommand({ Name: 'crash' })); // a last write, so the wait below has a target

      const db = new Database(path.join(dataDir, 'chattrail.db'), { readonly: true });
      const caughtUp = () => {
        const last = (db.prepare('SELECT MAX(seq) FROM events').pluck().get() as number);
        const state = JSON.parse(db.prepare("SELECT doc FROM documents WHERE kind = 'cloudtrail-delivery'").pluck().get() as string) as { cursor: number; intent?: unknown };
        return state.cursor >= last && !state.intent ? last : undefined;
      };
      const cut = await waitFor('delivery after the restarts', async () => caughtUp(), 40_000);
      const rows = db.prepare('SELECT seq, record FROM events WHERE seq <= ? AND management = 1 AND region = ?').all(cut, 'us-east-1') as { seq: number; record: string }[];
      db.close();
      const startSeq = rows.find((r) => JSON.parse(r.record).eventName === 'StartLogging')!.seq;
      const want = rows.filter((r) => r.seq >= startSeq).map((r) => (JSON.parse(r.record) as { requestID: string }).requestID);
      const counts = deliveryCounts(await logFiles(s3, 'crash-logs'));
      const delivered = [...counts.keys()].filter((id) => want.includes(id));
      assert.equal(delivered.length, want.length, 'every stored call delivered');
      assert.ok([...counts.values()].every((n) => n === 1), 'no call delivered twice');
      assert.ok(acked.length > 50 && acked.every((id) => counts.has(id)), `every acknowledged call is in a log file (${acked.length})`);
      s3.destroy();
      ct.destroy();
    } finally {
      proc.kill('SIGTERM');
      await exited(proc);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('external S3 (moto): endpoint down, then back on the same port: every event delivered exactly once', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const startMoto = async () => {
      const p = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: true });
      await waitUp(endpoint, p, 'moto_server');
      return p;
    };
    const stopMoto = async (p: ChildProcess) => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } await exited(p); };
    let moto = await startMoto();
    const motoS3 = new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
    const srv = await startTestServer({
      CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1', CHATTRAIL_S3_DELIVERY_ENDPOINT: endpoint, CHATTRAIL_S3_DELIVERY_REGION: 'us-east-1',
      CHATTRAIL_S3_DELIVERY_ACCESS_KEY_ID: 'test', CHATTRAIL_S3_DELIVERY_SECRET_ACCESS_KEY: 'test',
    });
    const sts = new STSClient(srv.sdkConfig());
    try {
      const acct = srv.admin.accountId;
      const { documents, events } = srv.app.stores;
      const makeBucket = async () => {
        await motoS3.send(new CreateBucketCommand({ Bucket: 'ext-logs' }));
        await motoS3.send(new PutBucketPolicyCommand({ Bucket: 'ext-logs', Policy: trailBucketPolicy('ext-logs', [`AWSLogs/${acct}/`]) }));
      };
      const create = ['cloudtrail', 'create-trail', '--name', 'external', '--s3-bucket-name', 'ext-logs'];
      assert.equal(cliErrorCode(await srv.aws(create)), 'S3BucketDoesNotExistException', 'the bucket is looked up on the external endpoint');
      await makeBucket();
      assert.equal((await srv.aws(create)).code, 0);
      // Only GetCallerIdentity: the test's own calls while moto is down stay out of files moto will forget.
      const only = '[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventName","Equals":["GetCallerIdentity"]}]}]';
      assert.equal((await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'external', '--advanced-event-selectors', only])).code, 0);
      assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'external'])).code, 0);
      const ids: string[] = [];
      const calls = async (n: number) => { for (let i = 0; i < n; i++) ids.push((await sts.send(new GetCallerIdentityCommand({}))).$metadata.requestId!); };
      await calls(5);
      await waitDelivered(documents, events);
      const first = await logFiles(motoS3, 'ext-logs');

      await stopMoto(moto);
      await calls(5);
      await waitFor('a delivery error while the endpoint is down', async () =>
        (await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'external'])).json.LatestDeliveryError, 30_000);
      moto = await startMoto(); // moto keeps nothing across restarts: the bucket comes back empty
      await makeBucket();
      await calls(5);
      const cut = await events.lastSeq();
      await waitDelivered(documents, events, 60_000);

      const counts = merged(first, await logFiles(motoS3, 'ext-logs'));
      const stored = (await storedEvents(events, 0)).filter((e) => e.seq! <= cut);
      const start = stored.find((e) => e.eventName === 'StartLogging')!.seq!;
      const want = stored.filter((e) => e.seq! >= start && e.eventName === 'GetCallerIdentity').map(requestIdOf).sort();
      const seqOf = new Map(stored.map((e) => [requestIdOf(e), e.seq!]));
      assert.deepEqual([...counts.keys()].filter((id) => seqOf.has(id)).sort(), want);
      assert.ok(ids.every((id) => counts.get(id) === 1), 'all 15 calls, each once');
      assert.ok([...counts.values()].every((n) => n === 1));
      assert.equal((await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'external'])).json.LatestDeliveryError, undefined);
    } finally {
      sts.destroy();
      motoS3.destroy();
      await srv.stop();
      await stopMoto(moto);
    }
  });
});
