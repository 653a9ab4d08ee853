// End-to-end: every authentication and input error path of the request pipeline, driven with raw
// SigV4-signed HTTP (and a few real-client checks), for both a query service (STS) and a json one
// (CloudTrail): each asserts the code, the status and the message shape; none may answer 5xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { FORM, errorCodeOf, errorMessageOf, fetchUrl, presignUrl, queryBody, send, signRequest, signedFetch, type Credentials, type RawAnswer } from './signed-fetch.js';
import { MovableClock, randomIds } from './core-fixtures.js';

const STS_VERSION = '2011-06-15';
const TRAIL_TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';
const JSON11 = 'application/x-amz-json-1.1';
const MAX_BODY = 64 * 1024;

describe('core: authentication and input errors', () => {
  let srv: TestServer;
  const clock = new MovableClock();
  const statuses: number[] = [];
  let admin: Credentials;

  /** Signed STS call (query protocol, form body). */
  const sts = async (params: Record<string, string>, o: { creds?: Credentials | null; date?: Date; headers?: Record<string, string>; body?: string } = {}) => {
    const { Action = 'GetCallerIdentity', ...rest } = params;
    const a = await signedFetch({
      url: srv.url, service: 'sts', region: 'us-east-1', credentials: o.creds === null ? undefined : (o.creds ?? admin),
      headers: { 'content-type': FORM, ...o.headers }, body: o.body ?? queryBody(Action, STS_VERSION, rest), signingDate: o.date,
    });
    statuses.push(a.status);
    return a;
  };
  /** Signed CloudTrail call (json 1.1). */
  const trail = async (op: string, body: string, o: { creds?: Credentials | null; date?: Date; headers?: Record<string, string> } = {}) => {
    const a = await signedFetch({
      url: srv.url, service: 'cloudtrail', region: 'us-east-1', credentials: o.creds === null ? undefined : (o.creds ?? admin),
      headers: { 'content-type': JSON11, 'x-amz-target': `${TRAIL_TARGET}.${op}`, ...o.headers }, body, signingDate: o.date,
    });
    statuses.push(a.status);
    return a;
  };
  const expectError = (a: RawAnswer, status: number, code: string, message?: RegExp | string) => {
    assert.equal(a.status, status, `${code}: ${a.text}`);
    assert.equal(errorCodeOf(a), code, a.text);
    if (message instanceof RegExp) assert.match(errorMessageOf(a) ?? '', message);
    else if (message !== undefined) assert.equal(errorMessageOf(a), message);
    assert.ok(a.requestId, 'every error carries a request id');
    assert.doesNotMatch(a.text, /at .*\.js:\d+/, 'no stack trace');
  };

  before(async () => {
    srv = await startTestServer({ CHATTRAIL_MAX_BODY_BYTES: String(MAX_BODY) }, { clock });
    admin = srv.admin;
  });
  after(async () => {
    await srv?.stop();
  });

  test('a correctly signed call succeeds on both protocols', async () => {
    const a = await sts({});
    assert.equal(a.status, 200, a.text);
    assert.match(a.text, new RegExp(`<Arn>arn:aws:iam::${srv.admin.accountId}:user/admin</Arn>`));
    const b = await trail('LookupEvents', '{"MaxResults":1}');
    assert.equal(b.status, 200, b.text);
    assert.equal((JSON.parse(b.text) as { Events: unknown[] }).Events.length, 1);
  });

  test('unknown access key: InvalidClientTokenId (query, 403) / UnrecognizedClientException (json, 400)', async () => {
    const stranger = { accessKeyId: `AKIA${randomIds.alnum(16)}`, secretAccessKey: randomIds.secret(40) };
    expectError(await sts({}, { creds: stranger }), 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    expectError(await trail('LookupEvents', '{}', { creds: stranger }), 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const cli = await srv.aws(['sts', 'get-caller-identity'], { creds: stranger });
    assert.equal(cliErrorCode(cli), 'InvalidClientTokenId');
    const client = new CloudTrailClient(srv.sdkConfig('us-east-1', stranger));
    const err = await client.send(new LookupEventsCommand({})).then(() => undefined, (e: { name: string; $metadata: { httpStatusCode?: number } }) => e);
    client.destroy();
    assert.equal(err?.name, 'UnrecognizedClientException');
    assert.equal(err?.$metadata.httpStatusCode, 400);
  });

  test('wrong secret: SignatureDoesNotMatch (403) / InvalidSignatureException (400)', async () => {
    const forged = { accessKeyId: admin.accessKeyId, secretAccessKey: randomIds.secret(40) };
    expectError(await sts({}, { creds: forged }), 403, 'SignatureDoesNotMatch', /^The request signature we calculated does not match the signature you provided/);
    expectError(await trail('LookupEvents', '{}', { creds: forged }), 400, 'InvalidSignatureException', /^The request signature we calculated does not match/);
    // A body changed after signing is the same failure.
    const p = await signRequest({ url: srv.url, service: 'sts', region: 'us-east-1', credentials: admin, headers: { 'content-type': FORM }, body: queryBody('GetCallerIdentity', STS_VERSION) });
    p.body = Buffer.from(queryBody('GetSessionToken', STS_VERSION).slice(0, p.body.length).padEnd(p.body.length, 'x'));
    const changed = await send(p);
    statuses.push(changed.status);
    expectError(changed, 403, 'SignatureDoesNotMatch');
    const client = new STSClient(srv.sdkConfig('us-east-1', forged));
    const err = await client.send(new GetCallerIdentityCommand({})).then(() => undefined, (e: { name: string; $metadata: { httpStatusCode?: number } }) => e);
    client.destroy();
    assert.equal(err?.name, 'SignatureDoesNotMatch');
    assert.equal(err?.$metadata.httpStatusCode, 403);
  });

  test('a clock 20 minutes off, either way, is refused', async () => {
    const past = new Date(Date.now() - 20 * 60_000);
    const future = new Date(Date.now() + 20 * 60_000);
    expectError(await sts({}, { date: past }), 403, 'SignatureDoesNotMatch', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    expectError(await sts({}, { date: future }), 403, 'SignatureDoesNotMatch', /^Signature not yet current: \d{8}T\d{6}Z is still later than/);
    expectError(await trail('LookupEvents', '{}', { date: past }), 400, 'InvalidSignatureException', /^Signature expired/);
    expectError(await trail('LookupEvents', '{}', { date: future }), 400, 'InvalidSignatureException', /^Signature not yet current/);
    // 10 minutes is within the 15 allowed.
    assert.equal((await sts({}, { date: new Date(Date.now() - 10 * 60_000) })).status, 200);
  });

  test('no signature: MissingAuthenticationToken (403) / MissingAuthenticationTokenException (400)', async () => {
    expectError(await sts({}, { creds: null }), 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    expectError(await trail('LookupEvents', '{}', { creds: null }), 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    // SDK v3 style X-Amz-Target (short prefix) is recognised too.
    const short = await signedFetch({ url: srv.url, service: 'cloudtrail', region: 'us-east-1', headers: { 'content-type': JSON11, 'x-amz-target': 'CloudTrail_20131101.LookupEvents' }, body: '{}' });
    statuses.push(short.status);
    expectError(short, 400, 'MissingAuthenticationTokenException');
  });

  test('a malformed Authorization header: IncompleteSignature / IncompleteSignatureException (400)', async () => {
    const headers = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/sts', 'x-amz-date': '20240101T000000Z' };
    expectError(await sts({}, { creds: null, headers }), 400, 'IncompleteSignature', /Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'/);
    expectError(await trail('LookupEvents', '{}', { creds: null, headers }), 400, 'IncompleteSignatureException');
    const badScope = { authorization: `AWS4-HMAC-SHA256 Credential=${admin.accessKeyId}/20240101/us-east-1/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': '20240101T000000Z' };
    expectError(await sts({}, { creds: null, headers: badScope }), 400, 'IncompleteSignature');
  });

  test('presigned GetCallerIdentity URLs: valid answers 200, expired is RequestExpired', async () => {
    const query = { Action: 'GetCallerIdentity', Version: STS_VERSION };
    const good = await presignUrl({ url: srv.url, method: 'GET', service: 'sts', region: 'us-east-1', credentials: admin, query, expiresIn: 60 });
    const ok = await fetchUrl(good);
    statuses.push(ok.status);
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<Arn>arn:aws:iam::\d{12}:user\/admin<\/Arn>/);
    const stale = await presignUrl({ url: srv.url, method: 'GET', service: 'sts', region: 'us-east-1', credentials: admin, query, expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000) });
    const expired = await fetchUrl(stale);
    statuses.push(expired.status);
    expectError(expired, 400, 'RequestExpired', 'Request has expired.');
    // A presigned URL whose query was altered no longer matches.
    const altered = await fetchUrl(good.replace('GetCallerIdentity', 'GetSessionToken'));
    statuses.push(altered.status);
    expectError(altered, 403, 'SignatureDoesNotMatch');
  });

  test('session tokens: required, must match, and expire', async () => {
    const issued = await srv.aws(['sts', 'get-session-token', '--duration-seconds', '900']);
    assert.equal(issued.code, 0, issued.stderr);
    const c = issued.json.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    assert.match(c.AccessKeyId, /^ASIA/);
    const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const ok = await sts({}, { creds: session });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<Arn>arn:aws:iam::\d{12}:user\/admin<\/Arn>/);
    const cli = await srv.aws(['sts', 'get-caller-identity'], { creds: session });
    assert.equal(cli.code, 0, cli.stderr);

    const noToken = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey };
    const wrongToken = { ...session, sessionToken: `${c.SessionToken.slice(0, -4)}AAAA` };
    expectError(await sts({}, { creds: noToken }), 403, 'InvalidClientTokenId');
    expectError(await sts({}, { creds: wrongToken }), 403, 'InvalidClientTokenId');
    expectError(await trail('LookupEvents', '{}', { creds: noToken }), 400, 'UnrecognizedClientException');
    expectError(await trail('LookupEvents', '{}', { creds: wrongToken }), 400, 'UnrecognizedClientException');
    const wrongCli = await srv.aws(['sts', 'get-caller-identity'], { creds: wrongToken });
    assert.equal(cliErrorCode(wrongCli), 'InvalidClientTokenId');
    // A token on a long-term key is refused as well.
    expectError(await sts({}, { creds: { ...admin, sessionToken: c.SessionToken } }), 403, 'InvalidClientTokenId');

    clock.offsetMs = 901_000; // past the 900 s session; requests are signed on the server's clock
    try {
      expectError(await sts({}, { creds: session, date: clock.now() }), 403, 'ExpiredToken', 'The security token included in the request is expired');
      expectError(await trail('LookupEvents', '{}', { creds: session, date: clock.now() }), 400, 'ExpiredTokenException', 'The security token included in the request is expired');
    } finally {
      clock.offsetMs = 0;
    }
  });

  test('unknown operations: InvalidAction (query) / UnknownOperationException (json)', async () => {
    expectError(await sts({ Action: 'StealEverything' }), 400, 'InvalidAction', /StealEverything/);
    expectError(await trail('StealEverything', '{}'), 400, 'UnknownOperationException', /StealEverything/);
    expectError(await sts({}, { body: `Version=${STS_VERSION}` }), 400, 'MissingAction');
  });

  test('malformed bodies and wrong content types are clean 4xx answers', async () => {
    expectError(await trail('LookupEvents', '{"MaxResults": 5,'), 400, 'SerializationException');
    expectError(await trail('LookupEvents', '{"MaxResults": "five"}'), 400, 'SerializationException', /MaxResults/);
    expectError(await trail('LookupEvents', '[1,2]'), 400, 'SerializationException');
    expectError(await trail('LookupEvents', '{}', { headers: { 'content-type': 'text/plain' } }), 415, 'UnsupportedMediaType');
    expectError(await sts({}, { headers: { 'content-type': 'application/json' } }), 415, 'UnsupportedMediaType');
    expectError(await sts({ Action: 'AssumeRole', DurationSeconds: 'soon', RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 'abc' }), 400, 'ValidationError', /durationSeconds|DurationSeconds/);
  });

  test('bodies over the limit get an AWS-style 413, declared or streamed', async () => {
    const big = `Action=GetCallerIdentity&Version=${STS_VERSION}&Pad=${'x'.repeat(MAX_BODY + 1000)}`;
    const declared = await sts({}, { body: big });
    expectError(declared, 413, 'RequestEntityTooLarge', /exceeds the limit of 65536 bytes/);
    const json = await trail('LookupEvents', JSON.stringify({ NextToken: 'x'.repeat(MAX_BODY + 1000) }));
    expectError(json, 413, 'RequestEntityTooLargeException');
    // Chunked, without Content-Length: the limit is enforced while reading.
    const streamed = await new Promise<RawAnswer>((resolve, reject) => {
      const u = new URL(srv.url);
      const req = http.request({ host: u.hostname, port: Number(u.port), method: 'POST', path: '/', headers: { 'content-type': FORM } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, requestId: String(res.headers['x-amzn-requestid'] ?? '') }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(16 * 1024));
      req.end();
    });
    statuses.push(streamed.status);
    // Unsigned: refused from its head, the body never read (security-sigv4 streams a signed one into a 413).
    expectError(streamed, 403, 'MissingAuthenticationToken');
  });

  test('model validation: required, length, range, pattern and enum, in each protocol\'s format', async () => {
    const role = `arn:aws:iam::${srv.admin.accountId}:role/nobody`;
    expectError(await sts({ Action: 'AssumeRole', RoleSessionName: 'abc' }), 400, 'ValidationError',
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    expectError(await sts({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'a' }), 400, 'ValidationError',
      "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
    expectError(await sts({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'abc', DurationSeconds: '100' }), 400, 'ValidationError',
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    expectError(await sts({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'no spaces!' }), 400, 'ValidationError',
      "1 validation error detected: Value 'no spaces!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    expectError(await sts({ Action: 'AssumeRole', RoleSessionName: 'a' }), 400, 'ValidationError', /^2 validation errors detected: Value null at 'roleArn'.*; Value 'a' at 'roleSessionName'/);
    expectError(await trail('LookupEvents', JSON.stringify({ LookupAttributes: [{ AttributeKey: 'Bogus', AttributeValue: 'x' }] })), 400, 'ValidationException',
      "1 validation error detected: Value 'Bogus' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum value set: [EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId]");
    expectError(await trail('LookupEvents', JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName' }] })), 400, 'ValidationException',
      "1 validation error detected: Value null at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must not be null");
    expectError(await trail('LookupEvents', JSON.stringify({ EventCategory: 'gossip' })), 400, 'InvalidEventCategoryException');
  });

  test('no answer on any of these paths was a 5xx, and the server still serves', async () => {
    // Every answer above was collected here (when the whole file runs, well over 40 of them).
    assert.deepEqual(statuses.filter((s) => s >= 500), []);
    assert.equal((await sts({})).status, 200);
  });
});
