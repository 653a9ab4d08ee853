import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard, OutboundRefused, type Resolver } from './outbound.js';

interface Listener { port: number; hits: { url: string; headers: http.IncomingHttpHeaders; body: string }[]; server: http.Server }

async function listen(answer: (res: http.ServerResponse) => void = (res) => res.end('ok')): Promise<Listener> {
  const hits: Listener['hits'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { hits.push({ url: req.url ?? '', headers: req.headers, body }); answer(res); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, hits, server };
}

let target: Listener;
let elsewhere: Listener;
before(async () => {
  elsewhere = await listen();
  target = await listen((res) => { res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/next` }); res.end(); });
});
after(() => { target.server.close(); elsewhere.server.close(); });

const post = (g: OutboundGuard, url: string) => g.post(url, { headers: { 'content-type': 'text/plain' }, body: 'hello' });
const resolverTo = (address: string, calls?: string[]): Resolver => async (name) => {
  calls?.push(name);
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

test('the default refuses every spelling of a literal loopback, private or metadata host', () => {
  const g = new OutboundGuard();
  const spellings = [
    'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0x7f000001/',
    'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://0.0.0.0/', 'http://0/',
    'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[64:ff9b::a9fe:a9fe]/',
    'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.0.1/', 'http://100.64.0.1/', 'http://[fe80::1]/', 'http://[fc00::1]/',
    'http://224.0.0.1/', 'http://255.255.255.255/', 'https://user:pw@127.0.0.1:8443/x',
  ];
  for (const url of spellings) assert.ok(g.urlRefusal(url), url);
  // Names are judged when dialled, not here; public literals pass.
  assert.equal(g.urlRefusal('http://localhost/'), undefined);
  assert.equal(g.urlRefusal('http://8.8.8.8/'), undefined);
  assert.equal(g.urlRefusal('http://[2606:4700:4700::1111]/'), undefined);
});

test('the operator allows all private addresses, or a CIDR list of them', () => {
  assert.equal(new OutboundGuard(true).urlRefusal('http://169.254.169.254/'), undefined);
  const some = new OutboundGuard(['127.0.0.0/8']);
  assert.equal(some.urlRefusal('http://2130706433/'), undefined);
  assert.equal(some.urlRefusal('http://[::ffff:127.0.0.1]/'), undefined);
  assert.match(some.urlRefusal('http://169.254.169.254/') ?? '', /metadata/);
  assert.match(some.urlRefusal('http://[::1]/') ?? '', /loopback/);
});

test('a POST to a refused literal never leaves the process', async () => {
  const before = target.hits.length;
  for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]']) {
    await assert.rejects(post(new OutboundGuard(), `http://${host}:${target.port}/`), (e: unknown) => e instanceof OutboundRefused && /loopback/.test(e.reason));
  }
  assert.equal(target.hits.length, before);
});

test('a name resolving to a refused address is refused at connect time, after one resolution', async () => {
  const calls: string[] = [];
  const g = new OutboundGuard([], resolverTo('127.0.0.1', calls));
  const before = target.hits.length;
  await assert.rejects(post(g, `http://hooks.example.test:${target.port}/`), (e: unknown) => e instanceof OutboundRefused && e.address === '127.0.0.1');
  assert.equal(target.hits.length, before);
  // One lookup, by the socket itself: nothing re-resolves between the check and the connection.
  assert.deepEqual(calls, ['hooks.example.test']);
  const mapped = new OutboundGuard([], resolverTo('::ffff:169.254.169.254'));
  await assert.rejects(post(mapped, 'http://metadata.example.test/'), (e: unknown) => e instanceof OutboundRefused && /metadata/.test(e.reason));
});

test('of a name with mixed answers, the socket is handed only the allowed addresses', async () => {
  const g = new OutboundGuard([], async () => [{ address: '10.0.0.7', family: 4 }, { address: '93.184.216.34', family: 4 }, { address: '::1', family: 6 }]);
  const all = await new Promise<[unknown, unknown]>((resolve) => g.lookup('mixed.test', { all: true }, (err, a) => resolve([err, a])));
  assert.deepEqual(all, [null, [{ address: '93.184.216.34', family: 4 }]]);
  const none = await new Promise<unknown>((resolve) => g.lookup('mixed.test', { family: 6 }, (err) => resolve(err)));
  assert.ok(none instanceof OutboundRefused && none.address === '::1');
  const ok = new OutboundGuard([], async () => [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }]);
  const one = await new Promise<[unknown, unknown, unknown]>((resolve) => ok.lookup('public.test', { family: 6 }, (err, a, f) => resolve([err, a, f])));
  assert.deepEqual(one, [null, '2606:2800:220:1::1', 6]);
});

test('allowed, the POST arrives with its body and Basic credentials, and a redirect is answered, not followed', async () => {
  const g = new OutboundGuard(['127.0.0.0/8'], resolverTo('127.0.0.1'));
  const before = elsewhere.hits.length;
  const status = await post(g, `http://sns:pa%3Ass@hooks.example.test:${target.port}/hook?x=1`);
  assert.equal(status, 302);
  const hit = target.hits.at(-1)!;
  assert.equal(hit.url, '/hook?x=1');
  assert.equal(hit.body, 'hello');
  assert.equal(hit.headers.authorization, `Basic ${Buffer.from('sns:pa:ss').toString('base64')}`);
  assert.equal(elsewhere.hits.length, before, 'the redirect target was not called');
});
