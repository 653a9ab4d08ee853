// The address a request is attributed to (records' sourceIPAddress, aws:SourceIp, console sign-in
// throttling): the socket peer, unless that peer is a proxy the operator trusts
// (CHATTRAIL_TRUSTED_PROXIES); then the right-most X-Forwarded-For hop not itself a trusted proxy.
import type net from 'node:net';
import { cidrList, inList, normalizeIp } from '../net/addresses.js';

export class TrustedProxies {
  private readonly list: net.BlockList;
  readonly empty: boolean;
  constructor(cidrs: readonly string[]) {
    this.list = cidrList(cidrs);
    this.empty = cidrs.length === 0;
  }
  has(ip: string): boolean {
    return !this.empty && inList(this.list, ip);
  }
}

/** `::ffff:10.0.0.1` as `10.0.0.1`, as records have always shown it. */
function canonical(ip: string): string {
  return normalizeIp(ip)?.address ?? ip;
}

/**
 * One X-Forwarded-For entry as an address: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` or
 * `2001:db8::1`; undefined for anything else (`unknown`, an obfuscated name, garbage).
 */
function hopAddress(entry: string): string | undefined {
  const e = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(e);
  const withPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(e);
  const n = normalizeIp(bracketed?.[1] ?? withPort?.[1] ?? e);
  return n?.address;
}

/**
 * The client address. Behind trusted proxies, each proxy appends the address it received from,
 * so the list is read from the right: trusted hops are skipped, the first other one is the client.
 * Entries left of it were written by the client and are never believed. A hop that is not an
 * address stops the walk at the last hop known to be real.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted?: TrustedProxies): string {
  const peer = canonical(socketAddress ?? '');
  if (!trusted || trusted.empty || forwardedFor === undefined || !trusted.has(peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]);
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  // Every hop is a trusted proxy: the left-most is as close to the client as the chain tells.
  return client;
}
