// Issue 18, item 3: a signature binds everything it claims (body, host, region, every signed
// header) for each protocol family, and nothing is buffered before the head is authenticated.
// Raw signed requests for the attacks; the SDK v3 and the AWS CLI for the paths that must work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S3Client, CreateBucketCommand, GetObjectCommand, PutObjectCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { IAMClient, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { errorCodeOf, errorMessageOf, FORM, send, signRequest, type Credentials, type SignedRequestInput } from './signed-fetch.js';
import { chunkedUpload, rawExchange, signWith } from './security-sigv4-helpers.js';

const MAX_BODY = 64 * 1024;

/** A PUT URL presigned by botocore itself, with SigV4 or SigV2 (`signature_version`). */
function presignPut(endpoint: string, creds: Credentials, version: string, key: string): string {
  const script = `
import sys, botocore.session, botocore.config
c = botocore.session.get_session().create_client('s3', region_name='us-east-1', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2],
  aws_secret_access_key=sys.argv[3], config=botocore.config.Config(signature_version=sys.argv[4], s3={'addressing_style': 'path'}))
print(c.generate_presigned_url('put_object', Params={'Bucket': 'sig-bucket', 'Key': sys.argv[5]}, ExpiresIn=300))`;
  return execFileSync('python3', ['-c', script, endpoint, creds.accessKeyId, creds.secretAccessKey, version, key], { encoding: 'utf8' }).trim();
}
const MAX_OBJECT = 12 * 1024 * 1024;
const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('security: SigV4 signatures bind what they claim; bodies wait for authentication', () => {
  let srv: TestServer;
  let creds: Credentials;
  let s3: S3Client;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-sigv4-'));

  before(async () => {
    srv = await startTestServer({ CHATTRAIL_MAX_BODY_BYTES: String(MAX_BODY), CHATTRAIL_MAX_OBJECT_BYTES: String(MAX_OBJECT) });
    creds = { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey };
    s3 = new S3Client(srv.sdkConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'sig-bucket' }));
  });
  after(async () => {
    s3.destroy();
    await srv.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** One call per protocol family, its body hash signed as the SDK v3 signs it, and how that family refuses a bad signature. */
  const calls = (): { protocol: string; input: SignedRequestInput; refused: [number, string] }[] => {
    const iam = 'Action=ListUsers&Version=2010-05-08&MaxItems=10';
    const trail = '{"MaxResults":5}';
    const lambda = '{"FunctionName":"sig-fn","Runtime":"nodejs20.x","Role":"arn:aws:iam::123456789012:role/none","Handler":"i.h","Code":{}}';
    const object = 'the object as signed';
    return [
      { protocol: 'query', refused: [403, 'SignatureDoesNotMatch'], input: { url: srv.url, service: 'iam', region: 'us-east-1', credentials: creds, body: iam, headers: { 'content-type': FORM, 'x-amz-content-sha256': sha(iam) } } },
      { protocol: 'json', refused: [400, 'InvalidSignatureException'], input: { url: srv.url, service: 'cloudtrail', region: 'us-east-1', credentials: creds, body: trail,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'x-amz-content-sha256': sha(trail) } } },
      { protocol: 'rest-json', refused: [403, 'InvalidSignatureException'], input: { url: srv.url, path: '/2015-03-31/functions', service: 'lambda', region: 'us-east-1', credentials: creds, body: lambda,
        headers: { 'content-type': 'application/json', 'x-amz-content-sha256': sha(lambda) } } },
      { protocol: 'rest-xml', refused: [403, 'SignatureDoesNotMatch'], input: { url: srv.url, method: 'PUT', path: '/sig-bucket/signed.txt', service: 's3', region: 'us-east-1', credentials: creds, body: object,
        headers: { 'content-type': 'text/plain', 'x-amz-content-sha256': sha(object) } } },
    ];
  };

  test("the issue's reproduction: ListUsers signed, CreateUser of the same length sent: refused, no user", async () => {
    const list = 'Action=ListUsers&Version=2010-05-08&MaxItems=100&PathPrefix=%2Fabcdefghijklmnop%2F';
    const create = 'Action=CreateUser&Version=2010-05-08&UserName=tampered&Path=%2Fabcdefghijklmnop%2F';
    assert.equal(list.length, create.length);
    const p = await signRequest({ url: srv.url, service: 'iam', region: 'us-east-1', credentials: creds, body: list, headers: { 'content-type': FORM, 'x-amz-content-sha256': sha(list) } });
    const a = await send({ ...p, body: Buffer.from(create) });
    assert.equal(a.status, 403, a.text);
    assert.equal(errorCodeOf(a), 'SignatureDoesNotMatch');
    const iam = new IAMClient(srv.sdkConfig());
    assert.equal(await iam.send(new GetUserCommand({ UserName: 'tampered' })).then(() => 'exists', (e: Error) => e.name), 'NoSuchEntityException');
    // The SDK v3 (which signs x-amz-content-sha256 for every service) still works.
    assert.ok(Array.isArray((await iam.send(new ListUsersCommand({}))).Users));
    iam.destroy();
  });

  test('every protocol: an altered body, host or signed header is refused; as signed it is accepted', async () => {
    const seq = await srv.app.stores.events.lastSeq();
    for (const { protocol, input, refused } of calls()) {
      const ok = await send(await signRequest(input));
      assert.ok(ok.status < 400 || !/Signature|Incomplete/.test(errorCodeOf(ok) ?? ''), `${protocol} as signed: ${ok.text}`);
      const p = await signRequest(input);
      const body = await send({ ...p, body: Buffer.from(p.body.toString().replace(/[a-z]/, 'Z')) });
      const [status, code] = protocol === 'rest-xml' ? [400, 'XAmzContentSHA256Mismatch'] : refused;
      assert.deepEqual([body.status, errorCodeOf(body)], [status, code], `${protocol} body: ${body.text}`);
      const host = await send({ ...p, headers: { ...p.headers, host: 'evil.example' } });
      assert.deepEqual([host.status, errorCodeOf(host)], refused, `${protocol} host`);
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(p.headers.authorization)![1].split(';');
      for (const h of signedHeaders.filter((x) => x !== 'host' && x !== 'content-length')) {
        const name = Object.keys(p.headers).find((k) => k.toLowerCase() === h)!;
        const altered = h === 'x-amz-date' ? p.headers[name].replace(/(\d\d)Z$/, (_, sec: string) => `${sec === '07' ? '08' : '07'}Z`) : h === 'x-amz-content-sha256' ? sha('other') : `${p.headers[name]}x`;
        const a = await send({ ...p, headers: { ...p.headers, [name]: altered } });
        assert.ok(a.status === 400 || a.status === 403, `${protocol} ${h}: ${a.text}`);
        assert.match(errorCodeOf(a) ?? '', /Signature|Incomplete/, `${protocol} ${h}: ${a.text}`);
      }
    }
    // Refused signatures are not calls: only S3's body mismatch (headers authenticated) is recorded.
    const recorded = (await srv.app.stores.events.readAfter(seq, 1000)).map((e) => `${e.eventSource} ${e.eventName} ${JSON.parse(e.record).errorCode ?? ''}`);
    assert.ok(recorded.includes('s3.amazonaws.com PutObject XAmzContentSHA256Mismatch'), recorded.join('\n'));
    assert.equal(recorded.filter((r) => !r.startsWith('s3.') && /Signature/.test(r)).length, 0);
  });

  test('a region outside the aws partition is refused in each protocol, with the SDK v3 and the AWS CLI; nothing recorded there', async () => {
    const seq = await srv.app.stores.events.lastSeq();
    const expected: Record<string, [number, string]> = {
      query: [403, 'SignatureDoesNotMatch'], json: [400, 'InvalidSignatureException'], 'rest-json': [403, 'InvalidSignatureException'], 'rest-xml': [400, 'AuthorizationHeaderMalformed'],
    };
    for (const { protocol, input } of calls()) {
      const a = await send(await signRequest({ ...input, region: 'zz-evil-9' }));
      assert.deepEqual([a.status, errorCodeOf(a)], expected[protocol], `${protocol}: ${a.text}`);
      assert.match(errorMessageOf(a) ?? '', /zz-evil-9/);
    }
    const evil = new S3Client(srv.sdkConfig('zz-evil-9'));
    const sdk = await evil.send(new PutBucketTaggingCommand({ Bucket: 'sig-bucket', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } })).catch((e: Error) => e.name);
    assert.equal(sdk, 'AuthorizationHeaderMalformed');
    evil.destroy();
    // The command: botocore follows the <Region> of the answer, as with real S3, so the
    // call is made again signed for us-east-1, and recorded there, where trails and history look.
    const cli = await srv.aws(['s3api', 'put-bucket-tagging', '--bucket', 'sig-bucket', '--tagging', 'TagSet=[{Key=k,Value=v}]'], { region: 'zz-evil-9' });
    assert.equal(cli.code, 0, cli.stderr);
    const stsCli = await srv.aws(['sts', 'get-caller-identity'], { region: 'zz-evil-9' });
    assert.equal(cliErrorCode(stsCli), 'SignatureDoesNotMatch', stsCli.stderr);
    const events = await srv.app.stores.events.readAfter(seq, 1000);
    assert.deepEqual(events.filter((e) => e.region === 'zz-evil-9'), []);
    assert.deepEqual(events.filter((e) => e.eventName === 'PutBucketTagging').map((e) => e.region), ['us-east-1'], 'only the redirected call');
  });

  test('host must be signed (S3 names it; other services call the signature incomplete), presigned URLs too', async () => {
    const iam = calls()[0].input;
    const q = await send(await signWith({ ...iam }, { unsigned: ['host'] }));
    assert.deepEqual([q.status, errorCodeOf(q)], [400, 'IncompleteSignature'], q.text);
    const obj = calls()[3].input;
    const r = await send(await signWith({ ...obj }, { unsigned: ['host'] }));
    assert.deepEqual([r.status, errorCodeOf(r)], [403, 'AccessDenied'], r.text);
    assert.match(r.text, /<HeadersNotSigned>host<\/HeadersNotSigned>/);
    const url = await signWith({ url: srv.url, method: 'GET', path: '/sig-bucket/signed.txt', service: 's3', region: 'us-east-1', credentials: creds, headers: { 'content-type': 'text/plain' } },
      { unsigned: ['host'], presign: true });
    assert.match(url.path, /X-Amz-SignedHeaders=content-type&/);
    const pre = await send(url);
    assert.deepEqual([pre.status, errorCodeOf(pre)], [403, 'AccessDenied'], pre.text);
  });

  test('UNSIGNED-PAYLOAD and STREAMING-* only where S3 allows them', async () => {
    const body = 'Action=ListUsers&Version=2010-05-08';
    for (const value of ['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
      const a = await send(await signRequest({ url: srv.url, service: 'iam', region: 'us-east-1', credentials: creds, body, headers: { 'content-type': FORM, 'x-amz-content-sha256': value } }));
      assert.deepEqual([a.status, errorCodeOf(a)], [403, 'SignatureDoesNotMatch'], `${value}: ${a.text}`);
    }
    const put = await send(await signRequest({ url: srv.url, method: 'PUT', path: '/sig-bucket/unsigned.txt', service: 's3', region: 'us-east-1', credentials: creds, body: 'free', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }));
    assert.equal(put.status, 200, put.text);
    const odd = await send(await signRequest({ url: srv.url, method: 'PUT', path: '/sig-bucket/odd.txt', service: 's3', region: 'us-east-1', credentials: creds, body: 'x', headers: { 'x-amz-content-sha256': 'NOT-A-HASH' } }));
    assert.deepEqual([odd.status, errorCodeOf(odd)], [400, 'InvalidArgument'], odd.text);
  });

  test('signed aws-chunked uploads: every chunk signature is checked', async () => {
    const data = crypto.randomBytes(200_000);
    const ok = await chunkedUpload(srv.url, creds, '/sig-bucket/chunked.bin', data, {});
    assert.equal(ok.status, 200, ok.text);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sig-bucket', Key: 'chunked.bin' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), data);
    const bad = await chunkedUpload(srv.url, creds, '/sig-bucket/forged.bin', data, { tamperChunk: 1 });
    assert.deepEqual([bad.status, errorCodeOf(bad)], [403, 'SignatureDoesNotMatch'], bad.text);
    assert.equal(await s3.send(new GetObjectCommand({ Bucket: 'sig-bucket', Key: 'forged.bin' })).then(() => 'stored', (e: Error) => e.name), 'NoSuchKey');
  });

  test('the head is judged before the body: an unsigned upload is refused before 100 Continue, a badly signed one mid-body', async () => {
    const u = new URL(srv.url);
    const head = { method: 'PUT', path: '/sig-bucket/big.bin', host: u.hostname, port: Number(u.port) };
    const waiting = await rawExchange({ ...head, headers: { host: u.host, 'content-length': String(3 * 1024 * 1024), expect: '100-continue' } }, { send: 0 });
    assert.deepEqual([waiting.status, errorCodeOf(waiting), waiting.continued], [403, 'AccessDenied', false], waiting.text);
    // Wrong secret, no Expect: the answer comes while 64 KiB of 3 MiB are sent; the rest is drained.
    const p = await signRequest({ url: srv.url, method: 'PUT', path: '/sig-bucket/big.bin', service: 's3', region: 'us-east-1',
      credentials: { ...creds, secretAccessKey: 'not-the-secret' }, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(3 * 1024 * 1024) } });
    const mid = await rawExchange({ ...head, headers: p.headers }, { send: 64 * 1024, thenSend: 3 * 1024 * 1024 - 64 * 1024 });
    assert.deepEqual([mid.status, errorCodeOf(mid)], [403, 'SignatureDoesNotMatch'], mid.text);
    assert.equal(mid.answeredAfterBytes, 64 * 1024, 'answered before the body was sent');
    assert.equal(mid.writeError, undefined, 'the rest was drained, not cut');
  });

  test('bodies over the limit: a signed streamed body gets its 413; the AWS CLI prints it instead of a broken pipe', async () => {
    const p = await signRequest({ url: srv.url, service: 'sts', region: 'us-east-1', credentials: creds, body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': FORM } });
    const u = new URL(srv.url);
    const headers: Record<string, string> = { ...p.headers, 'transfer-encoding': 'chunked' };
    delete headers['content-length'];
    const streamed = await rawExchange({ method: 'POST', path: '/', host: u.hostname, port: Number(u.port), headers }, { send: MAX_BODY + 4096, thenSend: 2 * 1024 * 1024, chunked: true });
    assert.deepEqual([streamed.status, errorCodeOf(streamed)], [413, 'RequestEntityTooLarge'], streamed.text);
    assert.equal(streamed.writeError, undefined, 'the client finishes sending: the rest is drained, not cut under it');
    const policy = path.join(work, 'big-policy.json');
    fs.writeFileSync(policy, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Sid: 'x'.repeat(3_000_000) }] }));
    const cli = await srv.aws(['iam', 'create-policy', '--policy-name', 'too-big', '--policy-document', `file://${policy}`]);
    assert.equal(cliErrorCode(cli), 'RequestEntityTooLarge', cli.stderr);
    const file = path.join(work, 'object.bin');
    fs.writeFileSync(file, crypto.randomBytes(MAX_OBJECT + 1024));
    const put = await srv.aws(['s3api', 'put-object', '--bucket', 'sig-bucket', '--key', 'too-big.bin', '--body', file]);
    assert.equal(cliErrorCode(put), 'RequestEntityTooLarge', put.stderr);
  });

  test('real clients keep working: SDK v3 uploads (Expect, checksums, aws-chunked streams) and aws s3 cp multipart', async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'sig-bucket', Key: 'sdk-big.bin', Body: big }));
    const { Readable } = await import('node:stream');
    await s3.send(new PutObjectCommand({ Bucket: 'sig-bucket', Key: 'sdk-stream.bin', Body: Readable.from([big.subarray(0, 100_000), big.subarray(100_000, 250_000)]), ContentLength: 250_000 }));
    for (const [key, want] of [['sdk-big.bin', big], ['sdk-stream.bin', big.subarray(0, 250_000)]] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'sig-bucket', Key: key }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), want, key);
    }
    // Presigned PUTs, as botocore makes them: SigV4 (UNSIGNED-PAYLOAD) and SigV2 (no region, no payload hash).
    for (const version of ['s3v4', 's3']) {
      const url = presignPut(srv.url, creds, version, `presigned-${version}.txt`);
      const put = await send({ method: 'PUT', path: new URL(url).pathname + new URL(url).search, headers: { host: new URL(url).host, 'content-length': '9' }, body: Buffer.from('presigned'), host: new URL(url).hostname, port: Number(new URL(url).port) });
      assert.equal(put.status, 200, `${version}: ${put.text}`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'sig-bucket', Key: `presigned-${version}.txt` }));
      assert.equal(await got.Body!.transformToString(), 'presigned');
    }
    const file = path.join(work, 'multipart.bin');
    // Over the CLI's 8 MB threshold: a multipart upload, each part signed with its SHA-256.
    fs.writeFileSync(file, crypto.randomBytes(MAX_OBJECT - 1024));
    const up = await srv.aws(['s3', 'cp', file, 's3://sig-bucket/multipart.bin', '--only-show-errors']);
    assert.equal(up.code, 0, up.stderr);
    const back = path.join(work, 'back.bin');
    const down = await srv.aws(['s3', 'cp', 's3://sig-bucket/multipart.bin', back, '--only-show-errors']);
    assert.equal(down.code, 0, down.stderr);
    assert.ok(fs.readFileSync(back).equals(fs.readFileSync(file)));
  });
});
