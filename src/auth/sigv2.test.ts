import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { RawRequest } from '../protocol/http.js';
import { readSigV2Query, sameSigV2, sigV2Signature } from './sigv2.js';

/** A URL presigned by botocore itself (signature_version 's3', what the AWS CLI v1 uses by default). */
function botocorePresign(params: Record<string, string>, token?: string): string {
  const script = `
import sys, json, botocore.session, botocore.config
s = botocore.session.get_session()
c = s.create_client('s3', region_name='us-east-1', endpoint_url='http://127.0.0.1:9', aws_access_key_id='AKIDEXAMPLE',
  aws_secret_access_key='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', aws_session_token=${token ? `'${token}'` : 'None'},
  config=botocore.config.Config(signature_version='s3', s3={'addressing_style': 'path'}))
print(c.generate_presigned_url('get_object', Params=json.loads(sys.argv[1]), ExpiresIn=300))`;
  return execFileSync('python3', ['-c', script, JSON.stringify(params)], { encoding: 'utf8' }).trim();
}

function asReceived(url: string): RawRequest {
  const u = new URL(url);
  return { method: 'GET', rawPath: u.pathname, query: u.searchParams, headers: { host: u.host }, body: Buffer.alloc(0) };
}

test('botocore SigV2 presigned URLs verify, with odd keys, sub-resources and a session token', () => {
  const cases: [Record<string, string>, string?][] = [
    [{ Bucket: 'b', Key: 'plain.txt' }],
    [{ Bucket: 'b', Key: 'dir/a b+c%ü.txt', ResponseContentType: 'text/plain', VersionId: 'v1' }],
    [{ Bucket: 'b', Key: 'k' }, 'FwoGZXIvYXdzEXAMPLETOKEN+/='],
  ];
  for (const [params, token] of cases) {
    const req = asReceived(botocorePresign(params, token));
    const v2 = readSigV2Query(req);
    assert.ok(v2 && typeof v2 === 'object', `a SigV2 query in ${req.rawPath}`);
    assert.equal(v2.securityToken, token);
    assert.ok(sameSigV2(sigV2Signature(req, v2, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'), v2.signature), JSON.stringify(params));
    assert.ok(!sameSigV2(sigV2Signature(req, v2, 'another-secret'), v2.signature));
    const moved = { ...req, rawPath: `${req.rawPath}x` };
    assert.ok(!sameSigV2(sigV2Signature(moved, v2, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'), v2.signature), 'the path is signed');
  }
});

test('incomplete SigV2 queries are named; other requests are not SigV2', () => {
  const req = (q: string): RawRequest => ({ method: 'GET', rawPath: '/b/k', query: new URLSearchParams(q), headers: {}, body: Buffer.alloc(0) });
  assert.equal(readSigV2Query(req('X-Amz-Credential=x')), undefined);
  assert.match(String(readSigV2Query(req('AWSAccessKeyId=AKID&Signature=abc'))), /Expires/);
  assert.match(String(readSigV2Query(req('AWSAccessKeyId=AKID&Signature=abc&Expires=soon'))), /Expires/);
});
