// SigV4 verification against requests signed by @smithy/signature-v4 (what the SDKs use): the
// direct computation for `/` requests and the general path must accept exactly the same requests,
// and what a signature claims (host, region, body, every signed header) must hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { checkTime, declaredPayloadHash, isHexSha256, readScope, scopeProblem, signatureMatches, simpleSignature, type SignatureScope } from './sigv4.js';
import type { RawRequest } from '../protocol/http.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

interface SignOpts {
  path?: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string; service?: string;
  sessionToken?: string; method?: string; region?: string; unsigned?: string[];
}

async function signed(opts: SignOpts): Promise<RawRequest> {
  const signer = new SignatureV4({
    credentials: { ...creds, sessionToken: opts.sessionToken }, region: opts.region ?? 'us-east-1', service: opts.service ?? 'sts',
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: opts.service !== 's3', applyChecksum: false,
  });
  const req = new HttpRequest({
    method: opts.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: opts.path ?? '/', query: opts.query ?? {},
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded', ...opts.headers }, body: opts.body,
  });
  const out = await signer.sign(req, { signingDate: new Date(), unsignableHeaders: new Set(opts.unsigned ?? []) });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = String(v);
  const query = new URLSearchParams(opts.query ?? {});
  return { method: out.method, rawPath: opts.path ?? '/', query, headers, body: Buffer.from(opts.body ?? '') };
}

function scopeOf(req: RawRequest): SignatureScope {
  const s = readScope(req);
  assert.ok(!('kind' in s), 'a signed request has a scope');
  return s;
}

const body = 'Action=GetCallerIdentity&Version=2011-06-15';
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

/** The payload hash the pipeline verifies the signature over: the declared one, or the body's own. */
function payloadHashOf(r: RawRequest): string {
  return declaredPayloadHash(r, scopeOf(r)) ?? sha256(r.body);
}

/** What the pipeline's authentication accepts: the scope rules, the signature, the body against a declared hash. */
async function accepted(r: RawRequest, secret = creds.secretAccessKey, token?: string): Promise<boolean> {
  const scope = scopeOf(r);
  if (scopeProblem(r, scope, 'us-east-1') || checkTime(scope, new Date())) return false;
  const hash = payloadHashOf(r);
  if (!(await signatureMatches(r, scope, secret, token, hash))) return false;
  return !isHexSha256(hash) || sha256(r.body) === hash.toLowerCase();
}

test('accepts what the SDK signer produces, with or without a session token', async () => {
  const r = await signed({ body });
  assert.equal(await accepted(r, creds.secretAccessKey), true);
  // The direct computation itself agrees with the SDK, not just the general path behind it.
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey, payloadHashOf(r)), scopeOf(r).signature);
  const t = await signed({ body, sessionToken: 'FQoGZXIvYXdzEXAMPLETOKEN' });
  assert.equal(simpleSignature(t, scopeOf(t), creds.secretAccessKey, payloadHashOf(t)), scopeOf(t).signature);
  assert.equal(await accepted(t, creds.secretAccessKey, 'FQoGZXIvYXdzEXAMPLETOKEN'), true);
});

test('canonicalizes header values as the signer does (runs of spaces and tabs, edges)', async () => {
  const r = await signed({ body, headers: { 'x-amz-target': '  Some.Op  ', 'x-custom': 'a   b\t\tc ' } });
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey, payloadHashOf(r)), scopeOf(r).signature);
  assert.equal(await accepted(r, creds.secretAccessKey), true);
});

test('headers the client did not sign may change; signed ones, the body and the key may not', async () => {
  const r = await signed({ body });
  r.headers['user-agent'] = 'something else';
  assert.equal(await accepted(r, creds.secretAccessKey), true);
  const wrongKey = await signed({ body });
  assert.equal(await accepted(wrongKey, 'not-the-secret'), false);
  const tamperedBody = await signed({ body });
  tamperedBody.body = Buffer.from(body.replace('GetCallerIdentity', 'GetSessionToken'));
  assert.equal(await accepted(tamperedBody, creds.secretAccessKey), false);
  const tamperedHeader = await signed({ body });
  tamperedHeader.headers['content-type'] = 'application/json';
  assert.equal(await accepted(tamperedHeader, creds.secretAccessKey), false);
  const tamperedMethod = await signed({ body });
  tamperedMethod.method = 'PUT';
  assert.equal(await accepted(tamperedMethod, creds.secretAccessKey), false);
});

test('paths and query strings take the general path and still verify', async () => {
  const r = await signed({ method: 'GET', path: '/2015-03-31/functions/my%20fn/configuration', query: { Qualifier: '$LATEST', a: 'b c' }, service: 'lambda' });
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey, payloadHashOf(r)), undefined, 'not a simple request');
  assert.equal(await accepted(r, creds.secretAccessKey), true);
  r.query.set('Qualifier', '1');
  assert.equal(await accepted(r, creds.secretAccessKey), false);
});

/** One call of each protocol family, as the SDK v3 signs it (x-amz-content-sha256 signed) or the AWS CLI does (not). */
const SHAPES: { protocol: string; opts: SignOpts }[] = [
  { protocol: 'query', opts: { service: 'iam', body: 'Action=ListUsers&Version=2010-05-08&MaxItems=10&PathPrefix=%2Fdivision_abc%2F' } },
  { protocol: 'json', opts: { service: 'cloudtrail', body: '{"MaxResults":5}', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents' } } },
  { protocol: 'rest-json', opts: { service: 'lambda', path: '/2015-03-31/functions', body: '{"FunctionName":"f1","Role":"arn:aws:iam::123456789012:role/r"}', headers: { 'content-type': 'application/json' } } },
  { protocol: 'rest-xml', opts: { service: 's3', method: 'PUT', path: '/bucket/key.txt', body: 'the object bytes', headers: { 'content-type': 'text/plain' } } },
];

function sdkStyle(o: SignOpts): SignOpts {
  return { ...o, headers: { ...o.headers, 'x-amz-content-sha256': sha256(o.body ?? '') } };
}

test('every protocol: the request as signed is accepted; altering the body, host, region or any signed header is refused', async () => {
  for (const { protocol, opts } of SHAPES) {
    for (const variant of protocol === 'rest-xml' ? [sdkStyle(opts)] : [sdkStyle(opts), opts]) {
      const label = `${protocol} ${variant.headers?.['x-amz-content-sha256'] ? 'hash signed' : 'hash not signed'}`;
      assert.equal(await accepted(await signed(variant)), true, `${label}: as signed`);
      const body = await signed(variant);
      body.body = Buffer.from(body.body.toString().replace(/[a-z]/, 'X'));
      assert.equal(body.body.length, Buffer.byteLength(variant.body ?? ''), 'same length');
      assert.equal(await accepted(body), false, `${label}: body`);
      const host = await signed(variant);
      host.headers.host = 'evil.example:4566';
      assert.equal(await accepted(host), false, `${label}: host`);
      const region = await signed({ ...variant, region: 'zz-evil-9' });
      assert.deepEqual(scopeProblem(region, scopeOf(region), 'us-east-1'), { kind: 'region', region: 'zz-evil-9' }, `${label}: region`);
      assert.equal(await accepted(region), false);
      const moved = await signed(variant);
      moved.headers.authorization = moved.headers.authorization.replace('/us-east-1/', '/us-west-2/');
      assert.equal(await accepted(moved), false, `${label}: region changed after signing`);
      for (const h of scopeOf(await signed(variant)).signedHeaders) {
        const r = await signed(variant);
        r.headers[h] = h === 'x-amz-content-sha256' ? sha256('other') : `${r.headers[h]}0`;
        assert.equal(await accepted(r), false, `${label}: signed header ${h}`);
      }
    }
  }
});

test('the issue 18 reproduction: ListUsers signed, CreateUser of the same length sent, with x-amz-content-sha256 signed', async () => {
  const list = 'Action=ListUsers&Version=2010-05-08&MaxItems=100&PathPrefix=%2Fabcdefghijklmnop%2F';
  const create = 'Action=CreateUser&Version=2010-05-08&UserName=tampered&Path=%2Fabcdefghijklmnop%2F';
  assert.equal(list.length, create.length);
  const r = await signed(sdkStyle({ service: 'iam', body: list }));
  r.body = Buffer.from(create);
  assert.equal(await accepted(r), false);
});

test('host must be signed, for header signatures and presigned URLs', async () => {
  const r = await signed({ ...sdkStyle(SHAPES[0].opts), unsigned: ['host'] });
  assert.ok(!scopeOf(r).signedHeaders.includes('host'));
  assert.deepEqual(scopeProblem(r, scopeOf(r), 'us-east-1'), { kind: 'hostNotSigned' });
  const p: RawRequest = { method: 'GET', rawPath: '/b/k', headers: { host: 'h' }, body: Buffer.alloc(0), query: new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `${creds.accessKeyId}/20240101/us-east-1/s3/aws4_request`,
    'X-Amz-Date': '20240101T000000Z', 'X-Amz-Expires': '60', 'X-Amz-SignedHeaders': 'x-amz-date', 'X-Amz-Signature': 'a'.repeat(64),
  }) };
  assert.deepEqual(scopeProblem(p, scopeOf(p), 'us-east-1'), { kind: 'hostNotSigned' });
});

test('regions: those of the aws partition and the home region; nothing else', async () => {
  for (const region of ['us-east-1', 'eu-central-2', 'ap-southeast-7']) {
    const r = await signed({ ...SHAPES[0].opts, region });
    assert.equal(scopeProblem(r, scopeOf(r), 'us-east-1'), undefined, region);
  }
  for (const region of ['zz-evil-9', 'cn-north-1', 'us-gov-west-1', 'aws-global', 'US-EAST-1']) {
    const r = await signed({ ...SHAPES[0].opts, region });
    assert.equal(scopeProblem(r, scopeOf(r), 'us-east-1')?.kind, 'region', region);
  }
});

test('UNSIGNED-PAYLOAD and STREAMING-* only for S3; other forms of the payload hash are refused', async () => {
  for (const value of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
    const s3 = await signed({ ...SHAPES[3].opts, headers: { ...SHAPES[3].opts.headers, 'x-amz-content-sha256': value } });
    assert.equal(scopeProblem(s3, scopeOf(s3), 'us-east-1'), undefined, `s3 ${value}`);
    const iam = await signed({ ...SHAPES[0].opts, headers: { 'x-amz-content-sha256': value } });
    assert.deepEqual(scopeProblem(iam, scopeOf(iam), 'us-east-1'), { kind: 'payloadHash', value }, `iam ${value}`);
  }
  const odd = await signed({ ...SHAPES[3].opts, headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' } });
  assert.equal(scopeProblem(odd, scopeOf(odd), 'us-east-1')?.kind, 'payloadHash');
  // S3's unsigned payload: the body is not bound, by the client's choice, as S3 allows.
  const r = await signed({ service: 's3', method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'anything' });
  r.body = Buffer.from('something else entirely');
  assert.equal(await accepted(r), true);
});

test('a signed header the request lacks is named before any signature is computed', async () => {
  const r = await signed({ ...SHAPES[1].opts });
  delete r.headers['x-amz-target'];
  assert.deepEqual(scopeProblem(r, scopeOf(r), 'us-east-1'), { kind: 'signedHeaderMissing', header: 'x-amz-target' });
});

test('presigned URLs: S3 signs UNSIGNED-PAYLOAD; other services sign the body, which then binds it', async () => {
  const signer = (service: string) => new SignatureV4({ credentials: creds, region: 'us-east-1', service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3', applyChecksum: false });
  const asRaw = (p: HttpRequest, body = ''): RawRequest => ({
    method: p.method, rawPath: p.path, headers: { host: '127.0.0.1:4566' }, body: Buffer.from(body),
    query: new URLSearchParams(p.query as Record<string, string>),
  });
  const base = (service: string, method: string, path: string, query: Record<string, string> = {}) =>
    new HttpRequest({ method, protocol: 'http:', hostname: '127.0.0.1', port: 4566, path, query, headers: { host: '127.0.0.1:4566' } });
  // As S3 presigners do: the payload hash is UNSIGNED-PAYLOAD, neither signed as a header nor hoisted.
  const s3Base = base('s3', 'GET', '/b/k');
  s3Base.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const hidden = new Set(['x-amz-content-sha256']);
  const s3 = asRaw(await signer('s3').presign(s3Base, { signingDate: new Date(), expiresIn: 60, unsignableHeaders: hidden, unhoistableHeaders: hidden }) as HttpRequest);
  assert.equal(declaredPayloadHash(s3, scopeOf(s3)), 'UNSIGNED-PAYLOAD');
  assert.equal(await accepted(s3), true);
  const sts = asRaw(await signer('sts').presign(base('sts', 'GET', '/', { Action: 'GetCallerIdentity', Version: '2011-06-15' }), { signingDate: new Date(), expiresIn: 60 }) as HttpRequest);
  assert.equal(declaredPayloadHash(sts, scopeOf(sts)), undefined, 'the body is hashed');
  assert.equal(await accepted(sts), true);
  const withBody = { ...sts, body: Buffer.from('Action=CreateUser&UserName=x') };
  assert.equal(await accepted(withBody), false, 'a body the URL did not sign');
});
