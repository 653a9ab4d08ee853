// Large bodies end to end with the real AWS CLI and boto3: uploads spool to disk and downloads
// stream from it (the server's RSS stays far below the object size), content round-trips, no
// temp file survives a success or a tampered body, and an over-limit API body gets its 413 read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliErrorCode, startTestServer, type TestServer } from './harness.js';
import { errorCodeOf, send, signRequest } from './signed-fetch.js';
import { chunkedUpload } from './security-sigv4-helpers.js';

const MB = 1024 * 1024;

/** Writes `size` pseudo-random bytes a chunk at a time (never whole in memory); answers the MD5. */
function makeFile(file: string, size: number, seed: number): string {
  const md5 = crypto.createHash('md5');
  const fd = fs.openSync(file, 'w');
  const chunk = crypto.createHash('sha512').update(String(seed)).digest();
  const block = Buffer.alloc(MB);
  for (let i = 0; i < block.length; i += chunk.length) chunk.copy(block, i);
  for (let written = 0; written < size; written += MB) {
    block.writeUInt32BE(written / MB, 0);
    const part = block.subarray(0, Math.min(MB, size - written));
    md5.update(part);
    fs.writeSync(fd, part);
  }
  fs.closeSync(fd);
  return md5.digest('hex');
}

function md5OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('md5');
    fs.createReadStream(file).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

/** Peak RSS growth of this process (the server runs in it) while `work` runs. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

/** Files left in the spool and in every bucket's temp folder. */
function leftovers(dataDir: string): string[] {
  const out: string[] = [];
  const spool = path.join(dataDir, 'spool');
  if (fs.existsSync(spool)) out.push(...fs.readdirSync(spool).map((f) => `spool/${f}`));
  const objects = path.join(dataDir, 'objects');
  for (const b of fs.existsSync(objects) ? fs.readdirSync(objects) : []) {
    const tmp = path.join(objects, b, '.tmp');
    if (fs.existsSync(tmp)) out.push(...fs.readdirSync(tmp).map((f) => `objects/${b}/.tmp/${f}`));
  }
  return out;
}

describe('large uploads and downloads', () => {
  let srv: TestServer;
  let work: string;
  const big = { size: 200 * MB, md5: '' };
  const mid = { size: 100 * MB, md5: '' };

  before(async () => {
    srv = await startTestServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-uploads-'));
    big.md5 = makeFile(path.join(work, 'big.bin'), big.size, 1);
    mid.md5 = makeFile(path.join(work, 'mid.bin'), mid.size, 2);
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'spool-bucket'])).code, 0);
  });
  after(async () => {
    await srv?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('aws s3 cp of 200 MB (multipart) and put-object of 100 MB: RSS stays flat, bytes round-trip, no temp file left', async () => {
    const up = await rssGrowth(() => srv.aws(['s3', 'cp', path.join(work, 'big.bin'), 's3://spool-bucket/big.bin']));
    assert.equal(up.result.code, 0, up.result.stderr);
    assert.ok(up.growth < 64 * MB, `RSS grew ${Math.round(up.growth / MB)} MB during a 200 MB upload`);

    const put = await rssGrowth(() => srv.aws(['s3api', 'put-object', '--bucket', 'spool-bucket', '--key', 'mid.bin', '--body', path.join(work, 'mid.bin')]));
    assert.equal(put.result.code, 0, put.result.stderr);
    assert.equal(put.result.json.ETag, `"${mid.md5}"`);
    assert.ok(put.growth < 48 * MB, `RSS grew ${Math.round(put.growth / MB)} MB during a 100 MB PutObject`);

    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'spool-bucket', '--key', 'big.bin']);
    assert.equal(head.json.ContentLength, big.size);
    assert.match(head.json.ETag, /-\d+"$/, 'the CLI uploaded in parts');

    const down = await rssGrowth(() => srv.aws(['s3api', 'get-object', '--bucket', 'spool-bucket', '--key', 'mid.bin', path.join(work, 'mid.out')]));
    assert.equal(down.result.code, 0, down.result.stderr);
    assert.ok(down.growth < 48 * MB, `RSS grew ${Math.round(down.growth / MB)} MB during a 100 MB GetObject`);
    assert.equal(await md5OfFile(path.join(work, 'mid.out')), mid.md5);

    // Ranged GETs (the CLI downloads large objects in parts) stream too.
    const cp = await srv.aws(['s3', 'cp', 's3://spool-bucket/big.bin', path.join(work, 'big.out')]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(await md5OfFile(path.join(work, 'big.out')), big.md5);
    const range = await srv.aws(['s3api', 'get-object', '--bucket', 'spool-bucket', '--key', 'mid.bin', '--range', 'bytes=5000000-5000099', path.join(work, 'range.out')]);
    assert.equal(range.json.ContentLength, 100);
    assert.equal(range.json.ContentRange, `bytes 5000000-5000099/${mid.size}`);
    const want = Buffer.alloc(100);
    const fd = fs.openSync(path.join(work, 'mid.bin'), 'r');
    fs.readSync(fd, want, 0, 100, 5_000_000);
    fs.closeSync(fd);
    assert.deepEqual(fs.readFileSync(path.join(work, 'range.out')), want);

    assert.deepEqual(leftovers(srv.dataDir), []);
    const parts = path.join(srv.dataDir, 'objects', 'spool-bucket', '.uploads');
    assert.deepEqual(fs.existsSync(parts) ? fs.readdirSync(parts) : [], [], 'completed uploads leave no parts');
  });

  test('a body that is not the one signed is refused and leaves no spool file', async () => {
    const signedFor = crypto.createHash('sha256').update('the body that was signed').digest('hex');
    const body = crypto.randomBytes(3 * MB);
    const req = await signRequest({
      url: srv.url, method: 'PUT', path: '/spool-bucket/tampered.bin', service: 's3', region: 'us-east-1',
      credentials: srv.admin, headers: { 'x-amz-content-sha256': signedFor, 'content-type': 'application/octet-stream' }, body,
    });
    const answer = await send(req);
    assert.equal(answer.status, 400);
    assert.equal(errorCodeOf(answer), 'XAmzContentSHA256Mismatch');
    assert.deepEqual(leftovers(srv.dataDir), []);
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'spool-bucket', '--key', 'tampered.bin']);
    assert.notEqual(head.code, 0, 'nothing was stored');
  });

  test('signed aws-chunked bodies decode into the spool; a forged chunk leaves nothing behind', async () => {
    const data = crypto.randomBytes(3 * MB + 5);
    const ok = await chunkedUpload(srv.url, srv.admin, '/spool-bucket/chunked.bin', data, {});
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.etag, `"${crypto.createHash('md5').update(data).digest('hex')}"`);
    const got = await srv.aws(['s3api', 'get-object', '--bucket', 'spool-bucket', '--key', 'chunked.bin', path.join(work, 'chunked.out')]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(fs.readFileSync(path.join(work, 'chunked.out')), data);

    const forged = await chunkedUpload(srv.url, srv.admin, '/spool-bucket/forged.bin', data, { tamperChunk: 40 });
    assert.equal(forged.status, 403);
    assert.equal(errorCodeOf(forged), 'SignatureDoesNotMatch');
    assert.deepEqual(leftovers(srv.dataDir), []);
  });

  test('a client that leaves mid-upload leaves no spool file', async () => {
    const body = crypto.randomBytes(8 * MB);
    const req = await signRequest({
      url: srv.url, method: 'PUT', path: '/spool-bucket/cut.bin', service: 's3', region: 'us-east-1',
      credentials: srv.admin, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body,
    });
    const http = await import('node:http');
    await new Promise<void>((resolve) => {
      const r = http.request({ host: req.host, port: req.port, method: req.method, path: req.path, headers: req.headers });
      r.on('error', () => resolve());
      r.write(body.subarray(0, 4 * MB), () => setTimeout(() => { r.destroy(); resolve(); }, 200));
    });
    // The server notices the closed socket, then disposes of the spool file.
    for (let i = 0; i < 50 && leftovers(srv.dataDir).length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(leftovers(srv.dataDir), []);
  });

  test('a spool file left by a crash is swept when the server starts again', async () => {
    const stray = path.join(srv.dataDir, 'spool', 'deadbeefdeadbeefdeadbeefdeadbeef');
    fs.writeFileSync(stray, 'half an upload');
    const tmp = path.join(srv.dataDir, 'objects', 'spool-bucket', '.tmp');
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'half-a-write'), 'x');
    const admin = srv.admin;
    await srv.app.close();
    srv = await startTestServer({}, {}, { dataDir: srv.dataDir, admin });
    assert.deepEqual(leftovers(srv.dataDir), []);
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'spool-bucket', '--key', 'mid.bin']);
    assert.equal(head.json.ContentLength, mid.size, 'stored objects survive the sweep');
  });
});

describe('an API body over the limit', () => {
  let srv: TestServer;
  let work: string;
  before(async () => {
    srv = await startTestServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-413-'));
  });
  after(async () => {
    await srv?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('25 MB to LookupEvents: the AWS CLI and boto3 print the 413 error, not a broken pipe', async () => {
    const input = path.join(work, 'big.json');
    fs.writeFileSync(input, JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'x'.repeat(25 * MB) }] }));
    const cli = await srv.aws(['cloudtrail', 'lookup-events', '--cli-input-json', `file://${input}`]);
    assert.equal(cliErrorCode(cli), 'RequestEntityTooLargeException', cli.stderr);

    const py = [
      'import boto3, sys',
      'from botocore.config import Config',
      "c = boto3.client('cloudtrail', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], config=Config(retries={'max_attempts': 0}))",
      'try:',
      "    c.lookup_events(LookupAttributes=[{'AttributeKey': 'EventName', 'AttributeValue': 'x' * (25 * 1024 * 1024)}])",
      "    print('no error')",
      'except c.exceptions.ClientError as e:',
      "    print('ClientError', e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])",
      'except Exception as e:',
      "    print(type(e).__name__)",
    ].join('\n');
    const out = await new Promise<string>((resolve) => {
      execFile('python3', ['-c', py, srv.url, srv.admin.accessKeyId, srv.admin.secretAccessKey], { env: { PATH: process.env.PATH ?? '', HOME: os.homedir() } },
        (_e, stdout, stderr) => resolve(stdout + stderr));
    });
    assert.equal(out.trim(), 'ClientError RequestEntityTooLargeException 413');
  });
});
