import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDeliverer, retryDelaySeconds } from './delivery.js';
import { createLogger } from '../../common/runtime.js';
import { OutboundGuard } from '../../net/outbound.js';

const quiet = createLogger('error', () => undefined);
/** These endpoints listen on loopback, which the operator must allow explicitly. */
const loopback = new OutboundGuard(['127.0.0.0/8']);

test('retry delays follow the backoff function and stay bounded', () => {
  assert.equal(retryDelaySeconds({ numRetries: 3, minDelayTarget: 20, maxDelayTarget: 20, backoffFunction: 'linear' }, 2), 20);
  assert.deepEqual([0, 1, 2].map((i) => retryDelaySeconds({ numRetries: 3, minDelayTarget: 1, maxDelayTarget: 5, backoffFunction: 'linear' }, i)), [1, 3, 5]);
  assert.deepEqual([0, 1, 2, 3].map((i) => retryDelaySeconds({ numRetries: 4, minDelayTarget: 1, maxDelayTarget: 5, backoffFunction: 'exponential' }, i)), [1, 2, 4, 5]);
  assert.equal(retryDelaySeconds({ numRetries: 3, minDelayTarget: 0, maxDelayTarget: 99999, backoffFunction: 'exponential' }, 30), 3600);
});

async function endpoint(statuses: number[]): Promise<{ url: string; hits: { headers: http.IncomingHttpHeaders; body: string }[]; close(): Promise<void> }> {
  const hits: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(hits.length - 1, statuses.length - 1)]);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

test('a failing endpoint is retried until it answers 2xx, then left alone', async () => {
  const ep = await endpoint([500, 503, 200]);
  const d = new HttpDeliverer({ logger: quiet, secondMs: 5, outbound: loopback });
  try {
    d.deliver({ url: ep.url, headers: { 'x-amz-sns-message-type': 'Notification' }, body: 'hello' }, { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 1, backoffFunction: 'linear' });
    await until(() => ep.hits.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ep.hits.length, 3);
    assert.equal(ep.hits[2].body, 'hello');
    assert.equal(ep.hits[2].headers['x-amz-sns-message-type'], 'Notification');
  } finally {
    await d.stop();
    await ep.close();
  }
});

test('retries stop after numRetries, and when the subscription is gone', async () => {
  const ep = await endpoint([500]);
  const d = new HttpDeliverer({ logger: quiet, secondMs: 5, outbound: loopback });
  try {
    d.deliver({ url: ep.url, headers: {}, body: 'a' }, { numRetries: 2, minDelayTarget: 1, maxDelayTarget: 1, backoffFunction: 'linear' });
    await until(() => ep.hits.length >= 3);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(ep.hits.length, 3, 'one attempt plus two retries');
    ep.hits.length = 0;
    d.deliver({ url: ep.url, headers: {}, body: 'b' }, { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 1, backoffFunction: 'linear' }, async () => false);
    await until(() => ep.hits.length >= 1);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(ep.hits.length, 1, 'no retry once unsubscribed');
  } finally {
    await d.stop();
    await ep.close();
  }
});

test('an unreachable endpoint does not throw, and stop() drops pending retries', async () => {
  const d = new HttpDeliverer({ logger: quiet, secondMs: 60_000, timeoutMs: 500, outbound: loopback });
  d.deliver({ url: 'http://127.0.0.1:1/nothing', headers: {}, body: 'x' });
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await d.stop();
  assert.ok(Date.now() - started < 1000);
});

test('by default a loopback endpoint gets nothing: refused once, logged, never retried', async () => {
  const ep = await endpoint([200]);
  const logged: string[] = [];
  const d = new HttpDeliverer({ logger: createLogger('warn', (line) => { logged.push(line); }), secondMs: 5 });
  try {
    d.deliver({ url: ep.url, headers: { 'x-amz-sns-message-id': 'm-1' }, body: 'secret' }, { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 1, backoffFunction: 'linear' });
    await until(() => logged.length > 0);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(ep.hits.length, 0);
    assert.equal(logged.length, 1, 'one refusal, no retries');
    assert.match(logged[0], /sns delivery refused/);
    assert.match(logged[0], /loopback/);
  } finally {
    await d.stop();
    await ep.close();
  }
});
