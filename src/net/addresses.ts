// IP addresses at chattrail's network edges: which ones are not public (loopback, private,
// link-local, cloud metadata, multicast..., also when embedded in an IPv6 form), and the CIDR
// lists an operator configures (outbound allow-list, trusted proxies), held in net.BlockList.
import net from 'node:net';

export type Family = 'ipv4' | 'ipv6';

/**
 * The canonical form of an address: brackets and a zone id dropped, an IPv4-mapped IPv6 address
 * (`::ffff:7f00:1`) as its IPv4 address. Undefined when `text` is not an IP address at all.
 */
export function normalizeIp(text: string): { address: string; family: Family } | undefined {
  let bare = text.trim();
  if (bare.startsWith('[') && bare.endsWith(']')) bare = bare.slice(1, -1);
  const zone = bare.indexOf('%');
  if (zone >= 0) bare = bare.slice(0, zone);
  if (net.isIPv4(bare)) return { address: bare, family: 'ipv4' };
  if (!net.isIPv6(bare)) return undefined;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return { address: ipv4Of(groups[6], groups[7]), family: 'ipv4' };
  return { address: bare.toLowerCase(), family: 'ipv6' };
}

/** Eight 16-bit groups of a valid IPv6 address (net.isIPv6 already said it is one). */
function ipv6Groups(text: string): number[] {
  let t = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    t = `${t.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = t.split('::');
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const tl = parse(tail);
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - tl.length).fill(0), ...tl];
}

const ipv4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** Blocks that are not public unicast, most specific first so the reason names the real thing. */
const NON_PUBLIC: readonly [string, string][] = [
  ['169.254.169.254/32', 'link-local (cloud instance metadata)'],
  ['fd00:ec2::254/128', 'unique local (EC2 instance metadata)'],
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'shared address space (CGNAT, RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved (6to4 relay)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique local (IPv6 ULA)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

const NON_PUBLIC_LISTS = NON_PUBLIC.map(([cidr, reason]) => ({ list: cidrList([cidr]), reason }));

/** IPv6 forms that carry an IPv4 address the packet may end up at: checked as that address. */
function embeddedIpv4(groups: number[]): string | undefined {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  // IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated (::ffff:0:a.b.c.d, SIIT).
  if (zeros(0, 6) || (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0)) return ipv4Of(groups[6], groups[7]);
  // Well-known NAT64 prefix 64:ff9b::/96.
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return ipv4Of(groups[6], groups[7]);
  // 6to4: 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD.
  if (groups[0] === 0x2002) return ipv4Of(groups[1], groups[2]);
  return undefined;
}

/** Why `ip` is not a public unicast address (e.g. `loopback`), or undefined when it is public. */
export function nonPublicReason(ip: string): string | undefined {
  const n = normalizeIp(ip);
  if (!n) return 'not an IP address';
  for (const { list, reason } of NON_PUBLIC_LISTS) if (list.check(n.address, n.family)) return reason;
  if (n.family === 'ipv6') {
    const inner = embeddedIpv4(ipv6Groups(n.address));
    const why = inner === undefined ? undefined : nonPublicReason(inner);
    if (why) return `${why}, embedded in an IPv6 address`;
  }
  return undefined;
}

/** A BlockList of CIDR blocks (already validated by parseCidrList; a bare address is one host). */
export function cidrList(cidrs: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const n = normalizeIp(addr);
    if (!n) throw new Error(`not a CIDR block: ${c}`);
    const max = n.family === 'ipv4' ? 32 : 128;
    list.addSubnet(n.address, bits === undefined ? max : Number(bits), n.family);
  }
  return list;
}

/** Whether `ip` (any spelling normalizeIp accepts) is in `list`. */
export function inList(list: net.BlockList, ip: string): boolean {
  const n = normalizeIp(ip);
  return n !== undefined && list.check(n.address, n.family);
}

/**
 * Parses an operator's comma-separated CIDR list (`10.0.0.0/8, ::1`); a bare address is a single
 * host. Throws an Error naming the setting on anything else, so a typo stops start-up.
 */
export function parseCidrList(setting: string, text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const [addr, bits, extra] = item.split('/');
    const n = normalizeIp(addr);
    const max = n?.family === 'ipv4' ? 32 : 128;
    // An IPv4-mapped block (::ffff:10.0.0.0/104) is the IPv4 block it maps.
    const shift = n?.family === 'ipv4' && net.isIPv6(addr) ? 96 : 0;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) - shift : NaN;
    if (!n || extra !== undefined || !(prefix >= 0 && prefix <= max) || addr.includes('[')) {
      throw new Error(`${setting} must be a comma-separated list of CIDR blocks like 10.0.0.0/8 or fd00::/8, got '${item}'`);
    }
    out.push(`${n.address}/${prefix}`);
  }
  return out;
}
