// End-to-end: the embedded S3 driven by the AWS CLI (`aws s3`, `aws s3api`), SDK v3 and raw signed
// requests — byte-exact transfers, listings and paging, bucket policies across accounts, error
// bodies, keys that try to escape the data folder, the records S3 calls leave, and the bucket
// sink trail delivery writes through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  S3Client, CreateBucketCommand, GetBucketLocationCommand, PutObjectCommand, GetObjectCommand, CopyObjectCommand, ListObjectsV2Command, DeleteObjectsCommand, HeadObjectCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { signedFetch, errorCodeOf, fetchUrl } from './signed-fetch.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import { cloudTrailBuckets, type BucketSink } from '../../src/services/cloudtrail/delivery/sinks.js';

const execFileP = promisify(execFile);

/** The parts of a CloudTrail record these tests read. */
interface S3Record {
  eventName: string;
  errorCode?: string;
  readOnly: boolean;
  managementEvent: boolean;
  eventCategory: string;
  requestParameters: Record<string, string>;
  responseElements: unknown;
  additionalEventData: Record<string, unknown>;
  resources: { type: string; ARN: string }[];
}

describe('s3', () => {
  let srv: TestServer;
  let other: AdminCredentials;
  let work: string;
  let sdk: S3Client;

  /** `aws ...` for commands whose output is not JSON (`aws s3 ...`, `aws s3 presign`). */
  async function cli(args: string[], opts: { region?: string; creds?: AdminCredentials; config?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const creds = opts.creds ?? srv.admin;
    const env = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: opts.region ?? 'us-east-1',
      AWS_CONFIG_FILE: opts.config ?? '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
    };
    try {
      const { stdout, stderr } = await execFileP('aws', ['--endpoint-url', srv.url, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
    }
  }

  /** The S3 records written since `seq`, parsed. */
  async function recordsSince(seq: number): Promise<S3Record[]> {
    const events = await srv.app.stores.events.readAfter(seq, 10_000);
    return events.filter((e) => e.eventSource === 's3.amazonaws.com').map((e) => JSON.parse(e.record) as S3Record);
  }

  function objectFiles(): string[] {
    const root = path.join(srv.dataDir, 'objects');
    return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  }

  before(async () => {
    srv = await startTestServer();
    other = await createAccount(srv.app.identity, randomIds, systemClock, 'second');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 's3-e2e-'));
    sdk = new S3Client(srv.sdkConfig());
  });
  after(async () => {
    sdk.destroy();
    await srv.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('aws s3: mb, cp both ways byte for byte, ls, sync, rm, rb — and what CloudTrail records', async () => {
    const seq = await srv.app.stores.events.lastSeq();
    const binary = crypto.randomBytes(70_000);
    binary[0] = 0;
    const local = path.join(work, 'a file ü.bin');
    fs.writeFileSync(local, binary);
    assert.equal((await cli(['s3', 'mb', 's3://cli-bucket'])).code, 0);
    const up = await cli(['s3', 'cp', local, 's3://cli-bucket/dir/a file ü.bin']);
    assert.equal(up.code, 0, up.stderr);
    const down = path.join(work, 'down.bin');
    assert.equal((await cli(['s3', 'cp', 's3://cli-bucket/dir/a file ü.bin', down])).code, 0);
    assert.ok(fs.readFileSync(down).equals(binary), 'binary content round-trips byte for byte');

    const tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'one.txt'), 'one');
    fs.writeFileSync(path.join(tree, 'sub', 'two.json'), '{"two":2}');
    const sync = await cli(['s3', 'sync', tree, 's3://cli-bucket/tree']);
    assert.equal(sync.code, 0, sync.stderr);
    const ls = await cli(['s3', 'ls', 's3://cli-bucket/']);
    assert.match(ls.stdout, /PRE dir\/\n/);
    assert.match(ls.stdout, /PRE tree\/\n/);
    const all = await cli(['s3', 'ls', 's3://cli-bucket', '--recursive']);
    assert.deepEqual(all.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(3).join(' ')), ['dir/a file ü.bin', 'tree/one.txt', 'tree/sub/two.json']);
    assert.match((await cli(['s3', 'ls'])).stdout, / cli-bucket\n/);

    const rb = await cli(['s3', 'rb', 's3://cli-bucket']);
    assert.equal(cliErrorCode({ ...rb, json: undefined }), 'BucketNotEmpty');
    assert.equal((await cli(['s3', 'rm', 's3://cli-bucket', '--recursive'])).code, 0);
    assert.equal((await cli(['s3', 'rb', 's3://cli-bucket'])).code, 0);
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'head-bucket', '--bucket', 'cli-bucket'])), '404');

    const records = await recordsSince(seq);
    const put = records.find((r) => r.eventName === 'PutObject' && r.requestParameters.key === 'dir/a file ü.bin');
    assert.ok(put, 'the upload was recorded');
    assert.deepEqual(Object.keys(put.requestParameters).slice(0, 3), ['bucketName', 'Host', 'key']);
    assert.equal(put.requestParameters.bucketName, 'cli-bucket');
    assert.equal(put.requestParameters.Host, new URL(srv.url).host);
    assert.equal(put.eventCategory, 'Data');
    assert.equal(put.managementEvent, false);
    assert.equal(put.responseElements, null);
    assert.deepEqual(put.resources.map((r) => [r.type, r.ARN]),
      [['AWS::S3::Object', 'arn:aws:s3:::cli-bucket/dir/a file ü.bin'], ['AWS::S3::Bucket', 'arn:aws:s3:::cli-bucket']]);
    assert.deepEqual(Object.keys(put.additionalEventData), ['SignatureVersion', 'bytesTransferredIn', 'AuthenticationMethod', 'x-amz-id-2', 'bytesTransferredOut']);
    assert.equal(put.additionalEventData.bytesTransferredIn, binary.length);
    const get = records.find((r) => r.eventName === 'GetObject');
    assert.equal(get?.additionalEventData.bytesTransferredOut, binary.length);
    const list = records.find((r) => r.eventName === 'ListObjects' && r.requestParameters['list-type'] === '2');
    assert.ok(list, 'ListObjectsV2 is recorded as ListObjects with list-type 2');
    assert.equal(list.eventCategory, 'Data');
    const mb = records.find((r) => r.eventName === 'CreateBucket');
    assert.equal(mb?.eventCategory, 'Management');
    assert.equal(mb?.readOnly, false);
    const notEmpty = records.find((r) => r.eventName === 'DeleteBucket' && r.errorCode);
    assert.equal(notEmpty?.errorCode, 'BucketNotEmpty');
    assert.equal(notEmpty?.requestParameters.bucketName, 'cli-bucket');
  });

  test('aws s3 cp of a 9 MiB file: multipart up, ranged down, part-copied', async () => {
    const big = crypto.randomBytes(9 * 1024 * 1024);
    const local = path.join(work, 'big.bin');
    fs.writeFileSync(local, big);
    assert.equal((await cli(['s3', 'mb', 's3://big-bucket'])).code, 0);
    const up = await cli(['s3', 'cp', local, 's3://big-bucket/big.bin']);
    assert.equal(up.code, 0, up.stderr);
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'big-bucket', '--key', 'big.bin']);
    assert.match(head.json.ETag, /^"[0-9a-f]{32}-2"$/, 'a two-part upload');
    assert.equal(head.json.ContentLength, big.length);
    const down = await cli(['s3', 'cp', 's3://big-bucket/big.bin', path.join(work, 'big.out')]);
    assert.equal(down.code, 0, down.stderr);
    assert.ok(fs.readFileSync(path.join(work, 'big.out')).equals(big));
    const copy = await cli(['s3', 'cp', 's3://big-bucket/big.bin', 's3://big-bucket/big-copy.bin']);
    assert.equal(copy.code, 0, copy.stderr);
    const copied = await sdk.send(new GetObjectCommand({ Bucket: 'big-bucket', Key: 'big-copy.bin' }));
    assert.ok(Buffer.from(await copied.Body!.transformToByteArray()).equals(big), 'a multipart copy (UploadPartCopy) keeps every byte');
    assert.equal((await cli(['s3', 'rb', 's3://big-bucket', '--force'])).code, 0);
    assert.ok(!fs.existsSync(path.join(srv.dataDir, 'objects', 'big-bucket')), 'the bucket folder is gone, parts included');
  });

  test('s3api: regions, metadata, paging with markers and tokens, delimiters', async () => {
    const west = await srv.aws(['s3api', 'create-bucket', '--bucket', 'west-bucket', '--create-bucket-configuration', 'LocationConstraint=us-west-2'], { region: 'us-west-2' });
    assert.equal(west.code, 0, west.stderr);
    assert.equal((await srv.aws(['s3api', 'get-bucket-location', '--bucket', 'west-bucket'])).json.LocationConstraint, 'us-west-2');
    const westSdk = new S3Client(srv.sdkConfig('us-west-2'));
    assert.equal(await westSdk.send(new CreateBucketCommand({ Bucket: 'wrong-region', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })).catch((e: Error) => e.name), 'IllegalLocationConstraintException');
    westSdk.destroy();
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'east-bucket'])).code, 0);
    assert.equal((await srv.aws(['s3api', 'get-bucket-location', '--bucket', 'east-bucket'])).json.LocationConstraint, null);
    assert.equal((await sdk.send(new GetBucketLocationCommand({ Bucket: 'east-bucket' }))).LocationConstraint, undefined);
    assert.equal((await sdk.send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }))).LocationConstraint, 'us-west-2');

    const body = path.join(work, 'digest.json.gz');
    fs.writeFileSync(body, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
    const put = await srv.aws(['s3api', 'put-object', '--bucket', 'east-bucket', '--key', 'p/digest.json.gz', '--body', body,
      '--content-type', 'application/json', '--content-encoding', 'gzip', '--metadata', 'signature=abc123,signature-algorithm=SHA256withRSA']);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.json.ETag, `"${crypto.createHash('md5').update(fs.readFileSync(body)).digest('hex')}"`);
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'east-bucket', '--key', 'p/digest.json.gz']);
    assert.deepEqual(head.json.Metadata, { signature: 'abc123', 'signature-algorithm': 'SHA256withRSA' });
    assert.equal(head.json.ContentType, 'application/json');
    assert.equal(head.json.ContentEncoding, 'gzip');
    assert.equal(head.json.ContentLength, 6);
    assert.equal(head.json.ETag, put.json.ETag);
    assert.ok(!Number.isNaN(Date.parse(head.json.LastModified)));

    for (const k of ['p/a', 'p/b', 'p/c/1', 'p/c/2', 'q']) {
      await sdk.send(new PutObjectCommand({ Bucket: 'east-bucket', Key: k, Body: k }));
    }
    const page1 = await srv.aws(['s3api', 'list-objects', '--bucket', 'east-bucket', '--prefix', 'p/', '--max-keys', '2', '--no-paginate']);
    assert.deepEqual(page1.json.Contents.map((c: { Key: string }) => c.Key), ['p/a', 'p/b']);
    assert.equal(page1.json.IsTruncated, true);
    const page2 = await srv.aws(['s3api', 'list-objects', '--bucket', 'east-bucket', '--prefix', 'p/', '--max-keys', '2', '--no-paginate', '--marker', 'p/b']);
    assert.deepEqual(page2.json.Contents.map((c: { Key: string }) => c.Key), ['p/c/1', 'p/c/2']);
    const paged = await srv.aws(['s3api', 'list-objects', '--bucket', 'east-bucket', '--page-size', '2']);
    assert.deepEqual(paged.json.Contents.map((c: { Key: string }) => c.Key), ['p/a', 'p/b', 'p/c/1', 'p/c/2', 'p/digest.json.gz', 'q']);
    const folders = await srv.aws(['s3api', 'list-objects', '--bucket', 'east-bucket', '--prefix', 'p/', '--delimiter', '/', '--max-keys', '3', '--no-paginate']);
    assert.deepEqual(folders.json.Contents.map((c: { Key: string }) => c.Key), ['p/a', 'p/b']);
    assert.deepEqual(folders.json.CommonPrefixes, [{ Prefix: 'p/c/' }]);
    assert.equal(folders.json.NextMarker, 'p/c/');
    const v2 = await srv.aws(['s3api', 'list-objects-v2', '--bucket', 'east-bucket', '--max-keys', '4', '--no-paginate', '--start-after', 'p/a']);
    assert.equal(v2.json.KeyCount, 4);
    assert.equal(v2.json.IsTruncated, true);
    const rest = await srv.aws(['s3api', 'list-objects-v2', '--bucket', 'east-bucket', '--no-paginate', '--continuation-token', v2.json.NextContinuationToken]);
    assert.deepEqual(rest.json.Contents.map((c: { Key: string }) => c.Key), ['q']);
    assert.equal(await sdk.send(new ListObjectsV2Command({ Bucket: 'east-bucket', ContinuationToken: 'bogus!' })).catch((e: Error) => e.name), 'InvalidArgument');
  });

  test('error codes: NoSuchBucket, NoSuchKey, BucketAlreadyOwnedByYou/Exists, InvalidBucketName, MalformedPolicy, NoSuchBucketPolicy', async () => {
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'get-bucket-location', '--bucket', 'no-such-bucket'])), 'NoSuchBucket');
    // us-east-1 answers 200 to re-creating your own bucket (a legacy the model's doc describes).
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'east-bucket'])).code, 0);
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'create-bucket', '--bucket', 'east-bucket'], { creds: other })), 'BucketAlreadyExists');
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'create-bucket', '--bucket', 'Bad_Name'])), 'InvalidBucketName');
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'get-bucket-policy', '--bucket', 'east-bucket'])), 'NoSuchBucketPolicy');
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'east-bucket', '--policy', '{"Statement": "nope"}'])), 'MalformedPolicy');
    const foreign = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }] });
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'east-bucket', '--policy', foreign])), 'MalformedPolicy');

    // The XML error bodies carry the fields S3 adds.
    const creds = { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey };
    const noKey = await signedFetch({ url: srv.url, method: 'GET', path: '/east-bucket/missing%20key', service: 's3', region: 'us-east-1', credentials: creds });
    assert.equal(noKey.status, 404);
    assert.equal(errorCodeOf(noKey), 'NoSuchKey');
    assert.match(noKey.text, /<Key>missing key<\/Key>/);
    const noBucket = await signedFetch({ url: srv.url, method: 'GET', path: '/gone-bucket', service: 's3', region: 'us-east-1', credentials: creds });
    assert.match(noBucket.text, /<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>gone-bucket<\/BucketName>/);
    // A body that does not match its signed x-amz-content-sha256 is refused, after authentication, and recorded.
    const seq = await srv.app.stores.events.lastSeq();
    const tampered = await signedFetch({
      url: srv.url, method: 'PUT', path: '/east-bucket/tampered', service: 's3', region: 'us-east-1', credentials: creds,
      headers: { 'x-amz-content-sha256': crypto.createHash('sha256').update('what was signed').digest('hex') }, body: 'what was sent',
    });
    assert.equal(errorCodeOf(tampered), 'XAmzContentSHA256Mismatch');
    assert.equal((await recordsSince(seq)).find((r) => r.eventName === 'PutObject')?.errorCode, 'XAmzContentSHA256Mismatch');
    assert.equal(await sdk.send(new HeadObjectCommand({ Bucket: 'east-bucket', Key: 'tampered' })).catch((e: Error) => e.name), 'NotFound');
  });

  test('bucket policies: another account is denied without one, let in by one; a Deny binds the owner too', async () => {
    const tryOther = async () => ({
      list: cliErrorCode(await srv.aws(['s3api', 'list-objects-v2', '--bucket', 'east-bucket'], { creds: other })),
      get: cliErrorCode(await srv.aws(['s3api', 'get-object', '--bucket', 'east-bucket', '--key', 'q', path.join(work, 'q.out')], { creds: other })),
      put: cliErrorCode(await srv.aws(['s3api', 'put-object', '--bucket', 'east-bucket', '--key', 'from-other'], { creds: other })),
    });
    assert.deepEqual(await tryOther(), { list: 'AccessDenied', get: 'AccessDenied', put: 'AccessDenied' });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadForOther', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::east-bucket', 'arn:aws:s3:::east-bucket/*'] },
        { Sid: 'KeepQ', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::east-bucket/q' },
      ],
    });
    assert.equal((await srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'east-bucket', '--policy', policy])).code, 0);
    assert.equal((await srv.aws(['s3api', 'get-bucket-policy', '--bucket', 'east-bucket'])).json.Policy, policy, 'returned verbatim');
    assert.deepEqual(await tryOther(), { list: undefined, get: undefined, put: 'AccessDenied' });
    assert.equal(fs.readFileSync(path.join(work, 'q.out'), 'utf8'), 'q');
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'delete-object', '--bucket', 'east-bucket', '--key', 'q'])), 'AccessDenied');
    assert.equal((await srv.aws(['s3api', 'delete-bucket-policy', '--bucket', 'east-bucket'])).code, 0);
    assert.equal(cliErrorCode(await srv.aws(['s3api', 'list-objects-v2', '--bucket', 'east-bucket'], { creds: other })), 'AccessDenied');
    assert.equal((await srv.aws(['s3api', 'list-buckets'], { creds: other })).json.Buckets.length, 0, 'ListBuckets shows only your own');
  });

  test('SDK v3: streamed aws-chunked uploads, ranges, copies, batch deletes; keys cannot escape the data folder', async () => {
    const west = new S3Client(srv.sdkConfig('us-west-2'));
    const bytes = crypto.randomBytes(3000);
    const file = path.join(work, 'stream.bin');
    fs.writeFileSync(file, bytes);
    await west.send(new PutObjectCommand({ Bucket: 'west-bucket', Key: 'dir/ü x+y.bin', Body: fs.createReadStream(file) }));
    const whole = await west.send(new GetObjectCommand({ Bucket: 'west-bucket', Key: 'dir/ü x+y.bin' }));
    assert.ok(Buffer.from(await whole.Body!.transformToByteArray()).equals(bytes), 'aws-chunked body stored as the real bytes');
    const part = await west.send(new GetObjectCommand({ Bucket: 'west-bucket', Key: 'dir/ü x+y.bin', Range: 'bytes=10-19' }));
    assert.equal(part.$metadata.httpStatusCode, 206);
    assert.equal(part.ContentRange, 'bytes 10-19/3000');
    assert.ok(Buffer.from(await part.Body!.transformToByteArray()).equals(bytes.subarray(10, 20)));
    const copied = await west.send(new CopyObjectCommand({ Bucket: 'west-bucket', Key: 'copy', CopySource: `west-bucket/${encodeURIComponent('dir/ü x+y.bin')}` }));
    assert.equal(copied.CopyObjectResult?.ETag, whole.ETag);
    const cliCopy = await cli(['s3', 'cp', 's3://west-bucket/copy', 's3://west-bucket/cli-copy'], { region: 'us-west-2' });
    assert.equal(cliCopy.code, 0, cliCopy.stderr);
    assert.equal((await west.send(new HeadObjectCommand({ Bucket: 'west-bucket', Key: 'cli-copy' }))).ContentLength, 3000);

    const hostile = ['../../../escape.txt', '/abs/path', '..\\..\\win', 'a/../../b'];
    for (const Key of hostile) await west.send(new PutObjectCommand({ Bucket: 'west-bucket', Key, Body: Key }));
    const cliDots = await cli(['s3', 'cp', file, 's3://west-bucket/../cli-escape.bin'], { region: 'us-west-2' });
    assert.equal(cliDots.code, 0, cliDots.stderr);
    const root = path.resolve(srv.dataDir, 'objects');
    for (const f of objectFiles()) {
      assert.ok(path.resolve(f).startsWith(root + path.sep));
      assert.match(path.relative(root, f), /^[a-z0-9.-]+[/\\](\.tmp[/\\]|[0-9a-f]{2}[/\\][0-9a-f]{64}\.[0-9a-f]{16}$)/);
    }
    assert.equal(fs.existsSync(path.join(srv.dataDir, 'escape.txt')), false);
    assert.equal(fs.existsSync(path.join(srv.dataDir, 'cli-escape.bin')), false);
    const listed = await west.send(new ListObjectsV2Command({ Bucket: 'west-bucket' }));
    for (const k of hostile) assert.ok(listed.Contents?.some((c) => c.Key === k), `${k} is an ordinary key`);

    const del = await west.send(new DeleteObjectsCommand({ Bucket: 'west-bucket', Delete: { Objects: hostile.map((Key) => ({ Key })) } }));
    assert.deepEqual(del.Deleted?.map((d) => d.Key).sort(), [...hostile].sort());
    west.destroy();
  });

  test('presigned SigV4 URLs authenticate by query string', async () => {
    const config = path.join(work, 'config');
    fs.writeFileSync(config, '[default]\ns3 =\n    signature_version = s3v4\n');
    const url = (await cli(['s3', 'presign', 's3://east-bucket/q', '--expires-in', '60'], { config })).stdout.trim();
    assert.match(url, /X-Amz-Signature=/);
    const seq = await srv.app.stores.events.lastSeq();
    const got = await fetchUrl(url);
    assert.equal(got.status, 200);
    assert.equal(got.text, 'q');
    assert.equal((await recordsSince(seq)).find((r) => r.eventName === 'GetObject')?.additionalEventData.AuthenticationMethod, 'QueryString');
  });

  test('URLs presigned with SigV2 (the AWS CLI v1 default for aws s3 presign) work until they expire', async () => {
    const url = (await cli(['s3', 'presign', 's3://east-bucket/q', '--expires-in', '60'])).stdout.trim();
    assert.match(url, /AWSAccessKeyId=.*Signature=.*Expires=|Signature=/);
    const seq = await srv.app.stores.events.lastSeq();
    const got = await fetchUrl(url);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.text, 'q');
    const record = (await recordsSince(seq)).find((r) => r.eventName === 'GetObject');
    assert.equal(record?.additionalEventData.SignatureVersion, 'SigV2');
    assert.equal(record?.additionalEventData.AuthenticationMethod, 'QueryString');
    const tampered = await fetchUrl(url.replace('/q?', '/other?'));
    assert.equal(tampered.status, 403);
    assert.match(tampered.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    const stale = new URL(url);
    stale.searchParams.set('Expires', String(Math.floor(Date.now() / 1000) - 5));
    const expired = await fetchUrl(stale.toString());
    assert.equal(expired.status, 403);
    assert.match(expired.text, /<Code>AccessDenied<\/Code>|expired/);
  });

  // Needs the pipeline to verify the signature on the request as received, before S3's rewrite
  // turns `<bucket>.localhost/key` into `/bucket/key` (the signature covers the original path).
  test('virtual-hosted requests reach the same objects', async () => {
    // `<bucket>.localhost` resolved to the server, as a wildcard DNS entry would.
    const agent = new http.Agent({ lookup: (_h, o, cb) => (o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) });
    const vhost = new S3Client({ ...srv.sdkConfig(), endpoint: `http://localhost:${new URL(srv.url).port}`, forcePathStyle: false, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
    const head = await vhost.send(new HeadObjectCommand({ Bucket: 'east-bucket', Key: 'q' })).catch((e: Error) => e);
    vhost.destroy();
    assert.ok(!(head instanceof Error), `virtual-hosted HeadObject failed: ${head instanceof Error ? head.name : ''}`);
    assert.equal(head.ContentLength, 1);
  });

  test('the bucket sink: delivery checks, writes as CloudTrail without a record, regions', async () => {
    const sink = cloudTrailBuckets(srv.app.modules.find((m) => m.buckets)?.buckets) as BucketSink;
    const account = srv.admin.accountId;
    const source = { trailArn: `arn:aws:cloudtrail:us-east-1:${account}:trail/main`, accountId: account };
    const prefix = `AWSLogs/${account}/`;
    assert.equal((await sink.checkDelivery('no-such-bucket', prefix, source) as { code?: string }).code, 'S3BucketDoesNotExistException');
    assert.equal((await sink.checkDelivery('east-bucket', prefix, source) as { code?: string }).code, 'InsufficientS3BucketPolicyException');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::east-bucket', Condition: { StringEquals: { 'aws:SourceArn': source.trailArn } } },
        { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::east-bucket/${prefix}*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': account } } },
      ],
    });
    assert.equal((await srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'east-bucket', '--policy', policy])).code, 0);
    assert.deepEqual(await sink.checkDelivery('east-bucket', prefix, source), { ok: true });
    assert.equal((await sink.checkDelivery('east-bucket', prefix, { ...source, trailArn: `${source.trailArn}2` })).ok, false);

    const seq = await srv.app.stores.events.lastSeq();
    const key = `${prefix}CloudTrail-Digest/us-east-1/2024/01/01/digest.json.gz`;
    await sink.putObject('east-bucket', key, Buffer.from([1, 2, 3]), { contentType: 'application/json', contentEncoding: 'gzip', metadata: { signature: 'f00d', 'signature-algorithm': 'SHA256withRSA' } });
    assert.equal(await srv.app.stores.events.lastSeq(), seq, 'CloudTrail deliveries are not recorded');
    const head = await srv.aws(['s3api', 'head-object', '--bucket', 'east-bucket', '--key', key]);
    assert.deepEqual(head.json.Metadata, { signature: 'f00d', 'signature-algorithm': 'SHA256withRSA' });
    assert.equal(head.json.ContentEncoding, 'gzip');
    await assert.rejects(sink.putObject('no-such-bucket', 'k', Buffer.from('x'), { contentType: 'text/plain' }));
    assert.equal(await sink.bucketRegion('west-bucket'), 'us-west-2');
    assert.equal(await sink.bucketRegion('east-bucket'), 'us-east-1');
    assert.equal(await sink.bucketRegion('no-such-bucket'), undefined);
  });
});
