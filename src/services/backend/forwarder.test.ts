// HttpForwarder against an in-process fake backend: what is sent (signature, scope, account header,
// host, agent), and how each kind of answer or silence becomes output or an AwsError.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { Logger } from '../../common/runtime.js';
import { chattrailVersion } from '../../common/paths.js';
import { loadModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import { readScope, sha256Hex, signatureMatches, type SignatureScope } from '../../auth/sigv4.js';
import type { RequestHead } from '../../protocol/http.js';
import type { BackendStatus } from './backend.js';
import { loadCatalog } from './catalog.js';
import { HttpForwarder } from './forwarder.js';

interface Seen { head: RequestHead; body: Buffer; socket: net.Socket }
type Answer = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug: (msg, fields) => logs.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => logs.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logs.push({ level: 'error', msg, fields }),
  debugEnabled: true,
};

const catalog = loadCatalog();
const ssm = catalog.byName('ssm')!;
const apigateway = catalog.byName('apigateway')!;
const ec2 = catalog.byName('ec2')!;
const ssmModel = loadModel('ssm');
const target = { accountId: '111122223333', region: 'us-west-2' };

async function rejectsWith(p: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<AwsError> {
  const err = await p.then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(err instanceof AwsError, `an AwsError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.equal(err.status, status);
  if (message) assert.match(err.message, message);
  return err;
}

describe('HttpForwarder', () => {
  let server: http.Server;
  let url: string;
  let seen: Seen[];
  let answer: Answer;
  let state: BackendStatus;
  const failures: string[] = [];
  let forwarder: HttpForwarder;

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = req.url ?? '/';
        const q = raw.indexOf('?');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const body = Buffer.concat(chunks);
        seen.push({ head: { method: req.method ?? '', rawPath: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)), headers }, body, socket: req.socket });
        answer(req, res, body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    forwarder = new HttpForwarder({
      backend: { status: () => state, url: () => state.url, reportFailure: (r) => failures.push(r) },
      timeoutMs: 400, logger, host: () => 'chattrail.example:4566',
    });
  });
  after(async () => {
    forwarder.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen = [];
    failures.length = 0;
    logs.length = 0;
    state = { state: 'ready', url };
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
  });

  async function verifySignature(s: Seen): Promise<SignatureScope> {
    const scope = readScope(s.head);
    assert.ok('signature' in scope, 'an Authorization header with a SigV4 scope');
    assert.ok(await signatureMatches(s.head, scope, 'chattrail', undefined, sha256Hex(s.body)), 'signed with the secret chattrail over what was sent');
    assert.ok(scope.signedHeaders.includes('host'), 'the Host header is signed');
    return scope;
  }

  it('sends a json call signed as the caller account and region, with the account header, chattrail host and agent', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      .end(JSON.stringify({ Parameter: { Name: 'p', Value: 'v', Version: 3, LastModifiedDate: 1700000000 } }));
    const out = await forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target);
    assert.deepEqual((out.Parameter as Record<string, unknown>).Value, 'v');
    assert.ok((out.Parameter as Record<string, unknown>).LastModifiedDate instanceof Date, 'output read by the model');
    assert.equal(seen.length, 1);
    const { head, body } = seen[0];
    assert.equal(head.headers['x-amz-target'], 'AmazonSSM.GetParameter');
    assert.deepEqual(JSON.parse(body.toString()), { Name: 'p' });
    assert.equal(head.headers['x-moto-account-id'], '111122223333');
    assert.equal(head.headers.host, 'chattrail.example:4566');
    assert.equal(head.headers['user-agent'], `chattrail/${chattrailVersion()}`);
    const scope = await verifySignature(seen[0]);
    assert.deepEqual([scope.accessKeyId, scope.region, scope.service], ['111122223333', 'us-west-2', 'ssm']);
    assert.ok(scope.signedHeaders.includes('x-moto-account-id'));
  });

  it('signs a rest call over its path and query, with the signing name as the scope service', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'abc123', name: 'api' }));
    const out = await forwarder.call(apigateway, loadModel('apigateway'), 'GetRestApi', { restApiId: 'abc 1/2' }, { accountId: '444455556666', region: 'eu-west-1' });
    assert.deepEqual(out, { id: 'abc123', name: 'api' });
    assert.equal(seen[0].head.method, 'GET');
    assert.equal(seen[0].head.rawPath, '/restapis/abc%201%2F2');
    const scope = await verifySignature(seen[0]);
    assert.deepEqual([scope.accessKeyId, scope.region, scope.service], ['444455556666', 'eu-west-1', 'apigateway']);
  });

  it('sends ec2 as a form and reads its XML answer', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' })
      .end('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo><item><regionName>us-west-2</regionName></item></regionInfo></DescribeRegionsResponse>');
    const out = await forwarder.call(ec2, loadModel('ec2'), 'DescribeRegions', { RegionNames: ['us-west-2'] }, target);
    assert.deepEqual(out, { Regions: [{ RegionName: 'us-west-2' }] });
    const form = new URLSearchParams(seen[0].body.toString());
    assert.equal(form.get('Action'), 'DescribeRegions');
    assert.equal(form.get('RegionName.1'), 'us-west-2');
    assert.equal((await verifySignature(seen[0])).service, 'ec2');
  });

  it('rethrows the backend error a JSON body carries, with its code and status', async () => {
    answer = (_req, res) => res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ParameterNotFound' })
      .end(JSON.stringify({ __type: 'ParameterNotFound', message: 'Parameter p not found.' }));
    await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'ParameterNotFound', 400, /^Parameter p not found\.$/);
  });

  it('answers InternalFailure, naming the backend and the operation, for an HTML 500', async () => {
    answer = (_req, res) => res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>500 Internal Server Error</title>');
    const err = await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'InternalFailure', 500);
    assert.equal(err.message, `The backend emulator at ${url} failed on ssm GetParameter (HTTP 500); it may not implement this operation`);
    assert.doesNotMatch(err.message, /doctype/);
  });

  it('answers InternalFailure for an HTML 404 page (a rest route the backend lacks)', async () => {
    answer = (_req, res) => res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>404 Not Found</title>');
    await rejectsWith(forwarder.call(apigateway, loadModel('apigateway'), 'GetRestApi', { restApiId: 'x' }, target), 'InternalFailure', 500, /failed on apigateway GetRestApi \(HTTP 404\)/);
  });

  it('answers InternalFailure when a 2xx is not the output', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<DescribeRegionsResponse><regionInfo>');
    await rejectsWith(forwarder.call(ec2, loadModel('ec2'), 'DescribeRegions', {}, target), 'InternalFailure', 500, /answered ec2 DescribeRegions \(HTTP 200\); chattrail could not read/);
  });

  it('answers ServiceUnavailable within about the bound when the backend is silent, and reports it', async () => {
    answer = () => { /* never answers */ };
    const started = Date.now();
    await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'ServiceUnavailable', 503,
      new RegExp(`^The backend emulator at ${url} did not answer: no answer within 0.4 s\\. Retry shortly\\.$`));
    const took = Date.now() - started;
    assert.ok(took >= 390 && took < 1000, `gave up after ${took} ms`);
    assert.deepEqual(failures, ['no answer within 0.4 s']);
    assert.ok(logs.some((l) => l.level === 'warn' && l.fields?.reason === 'no answer within 0.4 s'));
  });

  it('answers ServiceUnavailable when the connection is refused', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    state = { state: 'ready', url: `http://127.0.0.1:${port}` };
    await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'ServiceUnavailable', 503,
      new RegExp(`at http://127\\.0\\.0\\.1:${port} did not answer: connection refused\\. Retry shortly\\.`));
    assert.equal(failures.length, 1);
  });

  it('answers ServiceUnavailable when the connection drops mid-answer', async () => {
    answer = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '100' });
      res.write('{"Parameter":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'ServiceUnavailable', 503, /did not answer: /);
  });

  it('refuses an answer larger than the bound without reading it', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(65 * 1024 * 1024) });
      res.write('{');
    };
    await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'InternalFailure', 500, /answered with more than 64 MB/);
  });

  it('fails fast with ServiceUnavailable, naming the state, while the backend is not ready', async () => {
    for (const s of [{ state: 'down', url, detail: 'moto_server exited (killed by SIGKILL)' }, { state: 'starting', url }] as BackendStatus[]) {
      state = s;
      const err = await rejectsWith(forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p' }, target), 'ServiceUnavailable', 503);
      assert.match(err.message, new RegExp(`^The backend emulator at ${url} is ${s.state}`));
      if (s.detail) assert.ok(err.message.includes(s.detail));
    }
    assert.equal(seen.length, 0, 'no request reached the backend');
  });

  it('reuses one keep-alive connection across calls', async () => {
    await forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'a' }, target);
    await forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'b' }, target);
    assert.equal(seen.length, 2);
    assert.equal(seen[0].socket, seen[1].socket);
  });

  it('never logs bodies', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Parameter: { Name: 'p', Value: 's3cr3t-value' } }));
    await forwarder.call(ssm, ssmModel, 'GetParameter', { Name: 'p', WithDecryption: true }, target);
    assert.ok(logs.length > 0, 'the call was logged');
    assert.doesNotMatch(JSON.stringify(logs), /s3cr3t-value/);
  });
});
