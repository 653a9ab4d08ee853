import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { keepAliveFetch } from './keep-alive-fetch.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; socket: number }

async function server(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const sockets = new WeakMap<object, number>();
  let nextSocket = 0;
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, ++nextSocket);
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: sockets.get(req.socket)! });
      answer(req, res, body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

test('string bodies go over node:http with keep-alive, and the answer reads like a fetch Response', async (t) => {
  const s = await server((_req, res) => { res.writeHead(201, 'Created', { 'content-type': 'application/json', 'x-extra': 'a' }); res.end('{"ok":true}'); });
  t.after(s.close);
  const fetchFn = keepAliveFetch(() => { throw new Error('must not fall back'); });
  const first = await fetchFn(`${s.url}/api/chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=%20' });
  assert.equal(first.status, 201);
  assert.equal(first.statusText, 'Created');
  assert.equal(first.ok, true);
  assert.equal(first.headers.get('content-type'), 'application/json');
  assert.equal(first.url, `${s.url}/api/chat.postMessage`);
  assert.deepEqual(await first.json(), { ok: true });
  await assert.rejects(first.text(), /already been read/);
  const second = await fetchFn(new URL(`${s.url}/again`), { method: 'POST', body: new URLSearchParams({ x: 'y z' }) });
  assert.equal(await second.clone().text(), '{"ok":true}');
  assert.equal(Buffer.from(await second.arrayBuffer()).toString(), '{"ok":true}');
  assert.equal(s.seen[0].body, 'a=1&b=%20');
  assert.equal(s.seen[0].headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(s.seen[0].headers['content-length'], '9');
  assert.equal(s.seen[1].body, 'x=y+z');
  assert.match(String(s.seen[1].headers['content-type']), /^application\/x-www-form-urlencoded/);
  assert.equal(s.seen[0].socket, s.seen[1].socket, 'the second call reuses the first connection');
});

test('other bodies, and non-http URLs, go to the fallback fetch unchanged', async () => {
  const calls: unknown[] = [];
  const fallback = (async (input: unknown, init?: RequestInit) => { calls.push([input, init?.body]); return new Response('fallback'); }) as typeof fetch;
  const fetchFn = keepAliveFetch(fallback);
  const form = new FormData();
  form.append('file', new Blob(['abc']), 'a.txt');
  assert.equal(await (await fetchFn('http://127.0.0.1:9/upload', { method: 'POST', body: form })).text(), 'fallback');
  assert.equal(await (await fetchFn('http://127.0.0.1:9/upload', { method: 'POST', body: new Uint8Array([1, 2]) })).text(), 'fallback');
  assert.equal(await (await fetchFn('data:text/plain,hi')).text(), 'fallback');
  assert.equal(calls.length, 3);
});

test('connection failures reject, aborts stop the request, redirects are refused when asked', async (t) => {
  const fetchFn = keepAliveFetch();
  await assert.rejects(fetchFn('http://127.0.0.1:9/nothing', { method: 'POST', body: 'x' }), /ECONNREFUSED/);
  const s = await server((req, res) => {
    if (req.url === '/redirect') { res.writeHead(302, { location: '/elsewhere' }); res.end(); return; }
    if (req.url === '/empty') { res.writeHead(204); res.end(); return; }
    setTimeout(() => { res.writeHead(200); res.end('late'); }, 2000).unref();
  });
  t.after(s.close);
  await assert.rejects(fetchFn(`${s.url}/redirect`, { method: 'POST', body: 'x', redirect: 'error' }), /redirect/);
  const empty = await fetchFn(`${s.url}/empty`, { method: 'POST', body: 'x' });
  assert.equal(empty.status, 204);
  assert.equal(empty.body, null);
  const started = Date.now();
  await assert.rejects(fetchFn(`${s.url}/slow`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(100) }));
  assert.ok(Date.now() - started < 1500, 'the abort ended the wait');
  await assert.rejects(fetchFn(`${s.url}/slow`, { method: 'POST', body: 'x', signal: AbortSignal.abort() }));
});

test('WebClient works over it: a call, a Slack error, and a 429 retry with Retry-After', async (t) => {
  let calls = 0;
  const s = await server((req, res, body) => {
    calls++;
    if (req.url === '/api/chat.postMessage' && calls === 1) { res.writeHead(429, { 'retry-after': '0' }); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/api/chat.postMessage') res.end(JSON.stringify({ ok: true, ts: '1.2', echoed: new URLSearchParams(body).get('text') }));
    else res.end(JSON.stringify({ ok: false, error: 'channel_not_found' }));
  });
  t.after(s.close);
  const client = new WebClient('xoxb-test', { slackApiUrl: `${s.url}/api/`, fetch: keepAliveFetch(), retryConfig: { retries: 1, minTimeout: 1, maxTimeout: 5 } });
  const posted = await client.chat.postMessage({ channel: 'C1', text: 'hello & bye' });
  assert.equal(posted.ts, '1.2');
  assert.equal((posted as { echoed?: string }).echoed, 'hello & bye');
  await assert.rejects(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' }), /channel_not_found/);
  assert.equal(s.seen[0].headers.authorization, 'Bearer xoxb-test');
});
