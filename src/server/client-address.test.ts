import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, TrustedProxies } from './client-address.js';

const proxies = new TrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);

test('without trusted proxies the socket address is the client, whatever X-Forwarded-For says', () => {
  assert.equal(clientAddress('::ffff:127.0.0.1', '203.0.113.9'), '127.0.0.1');
  assert.equal(clientAddress('127.0.0.1', '203.0.113.9', new TrustedProxies([])), '127.0.0.1');
  assert.equal(clientAddress('2001:db8::5', undefined), '2001:db8::5');
  assert.equal(clientAddress(undefined, undefined), '');
});

test('a request from an untrusted peer is not believed', () => {
  assert.equal(clientAddress('198.51.100.20', '10.0.0.9', proxies), '198.51.100.20');
});

test('behind trusted proxies: the right-most hop that is not a trusted proxy', () => {
  assert.equal(clientAddress('127.0.0.1', '203.0.113.9', proxies), '203.0.113.9');
  // The client wrote 6.6.6.6 itself; the proxies appended the rest.
  assert.equal(clientAddress('::ffff:10.1.1.1', '6.6.6.6, 203.0.113.9, 10.2.2.2', proxies), '203.0.113.9');
  assert.equal(clientAddress('10.1.1.1', ['6.6.6.6', '203.0.113.9:5555'], proxies), '203.0.113.9');
  assert.equal(clientAddress('fd00::1', '[2001:db8::7]:443, fd00::2', proxies), '2001:db8::7');
  assert.equal(clientAddress('127.0.0.1', '::ffff:198.51.100.1', proxies), '198.51.100.1');
});

test('a chain of trusted hops only, or garbage, stops at the last real hop', () => {
  assert.equal(clientAddress('127.0.0.1', '10.3.3.3, 10.2.2.2', proxies), '10.3.3.3');
  assert.equal(clientAddress('127.0.0.1', 'evil, 10.2.2.2', proxies), '10.2.2.2');
  assert.equal(clientAddress('127.0.0.1', 'unknown', proxies), '127.0.0.1');
  assert.equal(clientAddress('127.0.0.1', '', proxies), '127.0.0.1');
});
