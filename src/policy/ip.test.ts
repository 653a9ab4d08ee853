// IPv4/IPv6 parsing and CIDR membership for IpAddress/NotIpAddress.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipInCidr, parseIp } from './ip.js';

test('IPv4 CIDR membership at several prefix lengths', () => {
  assert.equal(ipInCidr('192.168.1.77', '192.168.1.0/24'), true);
  assert.equal(ipInCidr('192.168.2.77', '192.168.1.0/24'), false);
  assert.equal(ipInCidr('10.255.255.255', '10.0.0.0/8'), true);
  assert.equal(ipInCidr('11.0.0.0', '10.0.0.0/8'), false);
  assert.equal(ipInCidr('172.31.0.1', '172.16.0.0/12'), true);
  assert.equal(ipInCidr('172.32.0.1', '172.16.0.0/12'), false);
  assert.equal(ipInCidr('8.8.8.8', '0.0.0.0/0'), true);
  assert.equal(ipInCidr('203.0.113.9', '203.0.113.9/32'), true);
  assert.equal(ipInCidr('203.0.113.10', '203.0.113.9/32'), false);
});

test('a bare address is a single-host block', () => {
  assert.equal(ipInCidr('203.0.113.9', '203.0.113.9'), true);
  assert.equal(ipInCidr('203.0.113.8', '203.0.113.9'), false);
  assert.equal(ipInCidr('2001:db8::1', '2001:db8::1'), true);
  assert.equal(ipInCidr('2001:db8::2', '2001:db8::1'), false);
});

test('host bits in the block are ignored', () => {
  assert.equal(ipInCidr('10.1.2.3', '10.9.9.9/8'), true);
});

test('IPv6 CIDR membership, compressed and full forms', () => {
  assert.equal(ipInCidr('2001:db8:abcd:12::1', '2001:db8:abcd::/48'), true);
  assert.equal(ipInCidr('2001:db8:abce::1', '2001:db8:abcd::/48'), false);
  assert.equal(ipInCidr('2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::/32'), true);
  assert.equal(ipInCidr('fe80::1%eth0', 'fe80::/10'), true);
  assert.equal(ipInCidr('fec0::1', 'fe80::/10'), false);
  assert.equal(ipInCidr('::1', '::1/128'), true);
  assert.equal(ipInCidr('2001:db8::1', '::/0'), true);
  assert.equal(ipInCidr('2001:db8:0:0:1::1', '2001:db8::/63'), true);
  assert.equal(ipInCidr('2001:db8:0:2::1', '2001:db8::/63'), false);
});

test('IPv4-mapped IPv6 addresses (as Node reports sockets) match IPv4 blocks, and back', () => {
  assert.equal(ipInCidr('::ffff:127.0.0.1', '127.0.0.0/8'), true);
  assert.equal(ipInCidr('::ffff:7f00:1', '127.0.0.0/8'), true);
  assert.equal(ipInCidr('127.0.0.1', '::ffff:127.0.0.0/104'), true);
  // An IPv4 block never covers native IPv6 addresses.
  assert.equal(ipInCidr('2001:db8::1', '0.0.0.0/0'), false);
});

test('invalid addresses and blocks never match', () => {
  for (const ip of ['256.1.1.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8:9']) {
    assert.equal(ipInCidr(ip, '0.0.0.0/0'), false, ip);
    assert.equal(ipInCidr(ip, '::/0'), false, ip);
  }
  for (const cidr of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/x', '::/129', 'bogus/8', '10.0.0.0/']) {
    assert.equal(ipInCidr('10.0.0.1', cidr), false, cidr);
  }
});

test('parseIp expands :: and embedded IPv4 tails', () => {
  assert.deepEqual(parseIp('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(parseIp('1::8'), [1, 0, 0, 0, 0, 0, 0, 8]);
  assert.deepEqual(parseIp('64:ff9b::192.0.2.33'), [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]);
  assert.deepEqual(parseIp('10.0.0.1'), [0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
  assert.equal(parseIp('1:2:3:4:5:6:7:8::'), undefined);
});
