// End-to-end: log file integrity validation with the AWS CLI's own validator. Digests are written
// every 2 s; `aws cloudtrail validate-logs` must find every digest and log file valid, in the home
// region and in another region's chain, then report exactly what was tampered with or deleted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from './harness.js';
import { awsText, createTrailBucket, sleep, waitDelivered, waitFor } from './trails-helpers.js';
import { readState } from '../../src/services/cloudtrail/delivery/state.js';
import type { TrailDoc } from '../../src/services/cloudtrail/trails-model.js';

/** validate-logs --verbose output: each valid digest with the log files it listed. */
function parseVerbose(stdout: string): { digest: string; logs: string[] }[] {
  const out: { digest: string; logs: string[] }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(Digest|Log) file\ts3:\/\/[^/]+\/(\S+)\tvalid$/.exec(line);
    if (m?.[1] === 'Digest') out.push({ digest: m[2], logs: [] });
    else if (m) out.at(-1)!.logs.push(m[2]);
  }
  return out;
}

describe('trail log file validation', () => {
  let srv: TestServer;
  let arn: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-tamper-'));
  const start = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  before(async () => {
    srv = await startTestServer({ CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1', CHATTRAIL_DIGEST_WINDOW_SECONDS: '2' });
    await createTrailBucket(srv, 'signed-logs', [`AWSLogs/${srv.admin.accountId}/`]);
  });
  after(async () => {
    await srv.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('validate-logs accepts every digest and log file, in each region chain', { timeout: 120_000 }, async () => {
    const made = await srv.aws(['cloudtrail', 'create-trail', '--name', 'signed', '--s3-bucket-name', 'signed-logs', '--is-multi-region-trail', '--enable-log-file-validation']);
    assert.equal(made.code, 0, made.stderr);
    arn = made.json.TrailARN;
    assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'signed'])).code, 0);
    // Calls a window apart land in separate log files; one in us-west-2 starts that region's chain.
    for (const region of ['us-east-1', 'us-east-1', 'us-west-2', 'us-east-1']) {
      await new STSClient(srv.sdkConfig(region)).send(new GetCallerIdentityCommand({}));
      await sleep(1200);
    }
    const { documents, events } = srv.app.stores;
    await waitDelivered(documents, events);
    const trail = (await documents.get<TrailDoc>({ kind: 'cloudtrail-trail', accountId: srv.admin.accountId, region: 'global', id: 'us-east-1/signed' }))!;
    // Wait until both chains have digested every delivered file, then a couple of empty windows more.
    await waitFor('digests covering every log file', async () => {
      const chains = Object.values((await readState(documents, trail))!.chains);
      return chains.length === 2 && chains.every((c) => c.files.length === 0 && !c.intent && c.previous);
    });
    await sleep(4500);

    const home = await awsText(srv, ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start, '--verbose']);
    assert.equal(home.code, 0, home.stdout + home.stderr);
    assert.doesNotMatch(home.stdout + home.stderr, /INVALID/);
    const digests = parseVerbose(home.stdout);
    const logCount = digests.reduce((n, d) => n + d.logs.length, 0);
    assert.ok(digests.length >= 5, `several digests: ${digests.length}`);
    assert.ok(logCount >= 3, `several log files: ${logCount}`);
    assert.match(home.stdout, new RegExp(`${digests.length}/${digests.length} digest files valid`));
    assert.match(home.stdout, new RegExp(`${logCount}/${logCount} log files valid`));
    assert.ok(digests.every((d) => d.digest.includes('/CloudTrail-Digest/us-east-1/')));

    const west = await awsText(srv, ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start, '--verbose'], 'us-west-2');
    assert.equal(west.code, 0, west.stdout + west.stderr);
    const westDigests = parseVerbose(west.stdout);
    assert.ok(westDigests.every((d) => d.digest.includes('/CloudTrail-Digest/us-west-2/')) && westDigests.length >= 2);
    assert.ok(westDigests.some((d) => d.logs.some((l) => l.includes('/CloudTrail/us-west-2/'))));
  });

  test('a changed log file, a deleted log file and a deleted digest are each reported, and only they', { timeout: 120_000 }, async () => {
    const before = parseVerbose((await awsText(srv, ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start, '--verbose'])).stdout);
    const withLogs = before.filter((d) => d.logs.length > 0);
    assert.ok(withLogs.length >= 2, 'two digests that list log files');
    const [changed] = withLogs[0].logs;
    const [removed] = withLogs[1].logs;
    // An empty digest between the newest and the oldest: removing it hides no log file.
    const gone = before.slice(1, -1).find((d) => d.logs.length === 0)!.digest;

    const file = path.join(tmp, 'log.json.gz');
    assert.equal((await srv.aws(['s3', 'cp', `s3://signed-logs/${changed}`, file])).code, 0);
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').replace('"readOnly":true', '"readOnly":false');
    fs.writeFileSync(file, zlib.gzipSync(text));
    assert.equal((await srv.aws(['s3', 'cp', file, `s3://signed-logs/${changed}`])).code, 0);
    assert.equal((await srv.aws(['s3', 'rm', `s3://signed-logs/${removed}`])).code, 0);
    assert.equal((await srv.aws(['s3', 'rm', `s3://signed-logs/${gone}`])).code, 0);

    const r = await awsText(srv, ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const invalid = r.stderr.split('\n').filter((l) => l.includes('INVALID'));
    assert.deepEqual(invalid.sort(), [
      `Digest file\ts3://signed-logs/${gone}\tINVALID: not found`,
      `Log file\ts3://signed-logs/${changed}\tINVALID: hash value doesn't match`,
      `Log file\ts3://signed-logs/${removed}\tINVALID: not found`,
    ].sort());
    assert.match(r.stdout, /1\/\d+ digest files INVALID/);
    assert.match(r.stdout, /2\/\d+ log files INVALID/);
  });
});
