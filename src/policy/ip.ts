// IPv4/IPv6 addresses and CIDR blocks for the IpAddress/NotIpAddress operators. Every address is
// held as eight 16-bit groups, IPv4 as its IPv4-mapped IPv6 form, so Node's `::ffff:10.0.0.1`
// socket addresses match `10.0.0.0/8` and one comparison serves both families.

type Groups = readonly number[];

interface Cidr {
  groups: Groups;
  /** In IPv6 bits: an IPv4 `/8` becomes `/104`. */
  prefix: number;
}

const CIDR_CACHE_LIMIT = 1000;
/** Policies repeat the same few blocks; parse each once. `null` remembers an invalid one. */
const cidrCache = new Map<string, Cidr | null>();

/** `cidr` may be a bare address (a /32 or /128). Invalid input on either side never matches. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const block = parseCidrCached(cidr);
  if (block === null) return false;
  const address = parseIp(ip);
  if (address === undefined) return false;
  return samePrefix(address, block.groups, block.prefix);
}

export function parseIp(text: string): Groups | undefined {
  const zone = text.indexOf('%');
  const bare = zone < 0 ? text : text.slice(0, zone);
  if (bare.includes(':')) return parseIpv6(bare);
  const v4 = parseIpv4(bare);
  return v4 === undefined ? undefined : [0, 0, 0, 0, 0, 0xffff, v4[0], v4[1]];
}

function parseCidrCached(text: string): Cidr | null {
  let block = cidrCache.get(text);
  if (block === undefined) {
    block = parseCidr(text);
    if (cidrCache.size >= CIDR_CACHE_LIMIT) cidrCache.clear();
    cidrCache.set(text, block);
  }
  return block;
}

function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addressText = (slash < 0 ? text : text.slice(0, slash)).trim();
  const groups = parseIp(addressText);
  if (groups === undefined) return null;
  const isV4 = !addressText.includes(':');
  const max = isV4 ? 32 : 128;
  const bits = slash < 0 ? max : parsePrefix(text.slice(slash + 1), max);
  if (bits === undefined) return null;
  return { groups, prefix: isV4 ? bits + 96 : bits };
}

function parsePrefix(text: string, max: number): number | undefined {
  if (!/^\d{1,3}$/.test(text.trim())) return undefined;
  const bits = Number(text);
  return bits <= max ? bits : undefined;
}

function samePrefix(a: Groups, b: Groups, prefix: number): boolean {
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    if (bits === 0) return true;
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Two 16-bit groups, or undefined unless exactly four decimal octets 0-255. */
function parseIpv4(text: string): [number, number] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    octets.push(n);
  }
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return [(a << 8) | b, (c << 8) | d];
}

function parseIpv6(text: string): Groups | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Colon-separated hex groups; the last may be a dotted IPv4 address (two groups). */
function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4[0], v4[1]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
