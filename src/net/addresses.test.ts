import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrList, inList, nonPublicReason, normalizeIp, parseCidrList } from './addresses.js';

test('every non-public range is named, in IPv4 and IPv6', () => {
  const cases: [string, RegExp][] = [
    ['127.0.0.1', /loopback/], ['127.255.255.254', /loopback/], ['::1', /loopback/],
    ['10.1.2.3', /private/], ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.1.1', /private/],
    ['100.64.0.1', /CGNAT/], ['100.127.255.255', /CGNAT/], ['100.100.100.200', /CGNAT/],
    ['169.254.169.254', /metadata/], ['169.254.170.2', /link-local/], ['fe80::1', /link-local/], ['febf::1', /link-local/],
    ['fd00:ec2::254', /metadata/], ['fc00::1', /unique local/], ['fdff:ffff::1', /unique local/],
    ['0.0.0.0', /unspecified/], ['0.1.2.3', /unspecified/], ['::', /unspecified/],
    ['224.0.0.1', /multicast/], ['239.255.255.250', /multicast/], ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/], ['240.0.0.1', /reserved/],
    ['192.0.0.192', /IETF/], ['192.0.2.1', /documentation/], ['198.18.0.1', /benchmarking/], ['2001:db8::1', /documentation|IETF/],
    ['fec0::1', /site-local/], ['100::1', /discard/], ['64:ff9b:1::1', /NAT64/],
  ];
  for (const [ip, reason] of cases) assert.match(nonPublicReason(ip) ?? 'public', reason, ip);
});

test('IPv4 addresses hidden in IPv6 forms are judged as the IPv4 address', () => {
  for (const ip of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '[::ffff:127.0.0.1]', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe']) {
    assert.ok(nonPublicReason(ip), ip);
  }
  // IPv4-compatible, SIIT, NAT64 and 6to4 carry an IPv4 destination too.
  assert.match(nonPublicReason('::127.0.0.1') ?? '', /loopback, embedded/);
  assert.match(nonPublicReason('::ffff:0:10.0.0.1') ?? '', /private.*, embedded/);
  assert.match(nonPublicReason('64:ff9b::a9fe:a9fe') ?? '', /metadata.*embedded/);
  assert.match(nonPublicReason('2002:c0a8:0101::1') ?? '', /private.*, embedded/);
  // The same forms around a public address are public.
  assert.equal(nonPublicReason('64:ff9b::8.8.8.8'), undefined);
  assert.equal(nonPublicReason('2002:0808:0808::1'), undefined);
});

test('public addresses pass; non-addresses do not', () => {
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(nonPublicReason(ip), undefined, ip);
  }
  assert.equal(nonPublicReason('localhost'), 'not an IP address');
  assert.equal(nonPublicReason('2130706433'), 'not an IP address');
});

test('normalizeIp drops brackets, zones and the IPv4-mapped form', () => {
  assert.deepEqual(normalizeIp('::ffff:10.0.0.1'), { address: '10.0.0.1', family: 'ipv4' });
  assert.deepEqual(normalizeIp('[FE80::1%eth0]'), { address: 'fe80::1', family: 'ipv6' });
  assert.equal(normalizeIp('1.2.3'), undefined);
  assert.equal(normalizeIp('example.com'), undefined);
});

test('operator CIDR lists: parsed strictly, matched in either IPv4 spelling', () => {
  assert.deepEqual(parseCidrList('X', ' 127.0.0.0/8, ::1 ,10.0.0.5,,::ffff:192.168.0.0/112'), ['127.0.0.0/8', '::1/128', '10.0.0.5/32', '192.168.0.0/16']);
  for (const bad of ['127.0.0.0/33', 'fd00::/129', 'localhost', '10.0.0.0/8/1', '10.0.0.0/-1', '[::1]', '10.0.0.0/x']) {
    assert.throws(() => parseCidrList('CHATTRAIL_X', bad), /CHATTRAIL_X must be a comma-separated list of CIDR blocks/, bad);
  }
  const list = cidrList(parseCidrList('X', '127.0.0.0/8,fd00::/8'));
  assert.ok(inList(list, '127.1.2.3'));
  assert.ok(inList(list, '::ffff:127.0.0.1'));
  assert.ok(inList(list, 'fd00:ec2::254'));
  assert.ok(!inList(list, '128.0.0.1'));
  assert.ok(!inList(list, 'not-an-ip'));
});
