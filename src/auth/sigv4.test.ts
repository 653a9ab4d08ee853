// SigV4 verification against requests signed by @smithy/signature-v4 (what the SDKs use): the
// direct computation for `/` requests and the general path must accept exactly the same requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { readScope, signatureMatches, simpleSignature, type SignatureScope } from './sigv4.js';
import type { RawRequest } from '../protocol/http.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function signed(opts: { path?: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string; service?: string; sessionToken?: string; method?: string }): Promise<RawRequest> {
  const signer = new SignatureV4({
    credentials: { ...creds, sessionToken: opts.sessionToken }, region: 'us-east-1', service: opts.service ?? 'sts',
    sha256: Hash.bind(null, 'sha256'), uriEscapePath: opts.service !== 's3', applyChecksum: false,
  });
  const req = new HttpRequest({
    method: opts.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: opts.path ?? '/', query: opts.query ?? {},
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded', ...opts.headers }, body: opts.body,
  });
  const out = await signer.sign(req, { signingDate: new Date() });
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

test('accepts what the SDK signer produces, with or without a session token', async () => {
  const r = await signed({ body });
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), true);
  // The direct computation itself agrees with the SDK, not just the general path behind it.
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey), scopeOf(r).signature);
  const t = await signed({ body, sessionToken: 'FQoGZXIvYXdzEXAMPLETOKEN' });
  assert.equal(simpleSignature(t, scopeOf(t), creds.secretAccessKey), scopeOf(t).signature);
  assert.equal(await signatureMatches(t, scopeOf(t), creds.secretAccessKey, 'FQoGZXIvYXdzEXAMPLETOKEN'), true);
});

test('canonicalizes header values as the signer does (runs of spaces and tabs, edges)', async () => {
  const r = await signed({ body, headers: { 'x-amz-target': '  Some.Op  ', 'x-custom': 'a   b\t\tc ' } });
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey), scopeOf(r).signature);
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), true);
});

test('headers the client did not sign may change; signed ones, the body and the key may not', async () => {
  const r = await signed({ body });
  r.headers['user-agent'] = 'something else';
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), true);
  const wrongKey = await signed({ body });
  assert.equal(await signatureMatches(wrongKey, scopeOf(wrongKey), 'not-the-secret', undefined), false);
  const tamperedBody = await signed({ body });
  tamperedBody.body = Buffer.from(body.replace('GetCallerIdentity', 'GetSessionToken'));
  assert.equal(await signatureMatches(tamperedBody, scopeOf(tamperedBody), creds.secretAccessKey, undefined), false);
  const tamperedHeader = await signed({ body });
  tamperedHeader.headers['content-type'] = 'application/json';
  assert.equal(await signatureMatches(tamperedHeader, scopeOf(tamperedHeader), creds.secretAccessKey, undefined), false);
  const tamperedMethod = await signed({ body });
  tamperedMethod.method = 'PUT';
  assert.equal(await signatureMatches(tamperedMethod, scopeOf(tamperedMethod), creds.secretAccessKey, undefined), false);
});

test('paths and query strings take the general path and still verify', async () => {
  const r = await signed({ method: 'GET', path: '/2015-03-31/functions/my%20fn/configuration', query: { Qualifier: '$LATEST', a: 'b c' }, service: 'lambda' });
  assert.equal(simpleSignature(r, scopeOf(r), creds.secretAccessKey), undefined, 'not a simple request');
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), true);
  r.query.set('Qualifier', '1');
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), false);
});

test('a signed x-amz-content-sha256 is the payload hash used (S3 unsigned payloads)', async () => {
  const r = await signed({ service: 's3', method: 'PUT', path: '/', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'anything' });
  r.body = Buffer.from('something else entirely');
  assert.equal(await signatureMatches(r, scopeOf(r), creds.secretAccessKey, undefined), true);
});
