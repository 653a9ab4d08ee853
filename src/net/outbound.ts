// The one way chattrail calls an address a tenant supplied (SNS http/https endpoints today; rule
// targets and webhooks later): only public addresses, or those the operator allows with
// CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS, judged on the address actually dialled. Redirects are not followed.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { cidrList, inList, nonPublicReason, normalizeIp } from './addresses.js';

/** `true`: any address; a list: public addresses and these CIDR blocks (empty: public only). */
export type AllowPrivate = true | readonly string[];

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Name resolution, injectable so tests can make any name resolve anywhere. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** A call refused because of where it would go; `code` lets callers tell it from network errors. */
export class OutboundRefused extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(readonly host: string, readonly address: string, readonly reason: string) {
    super(`refused to connect to ${host} (${address}): ${reason} address, not allowed by CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS`);
  }
}

export interface PostRequest {
  headers: Record<string, string>;
  body: string | Buffer;
  signal?: AbortSignal;
}

export class OutboundGuard {
  private readonly allowAll: boolean;
  private readonly allowed: net.BlockList;

  constructor(allowPrivate: AllowPrivate = [], private readonly resolve: Resolver = systemResolver) {
    this.allowAll = allowPrivate === true;
    this.allowed = cidrList(allowPrivate === true ? [] : allowPrivate);
  }

  /** Why `ip` may not be dialled (e.g. `loopback`), or undefined when it may. */
  refusal(ip: string): string | undefined {
    const reason = nonPublicReason(ip);
    if (reason === undefined || this.allowAll || inList(this.allowed, ip)) return undefined;
    return reason;
  }

  /**
   * For a URL whose host is an IP literal (in any spelling the URL parser accepts: 2130706433,
   * 0x7f.1, [::ffff:127.0.0.1]): why it may not be dialled. Names are judged when dialled.
   */
  urlRefusal(url: string | URL): string | undefined {
    let host: string;
    try { host = (typeof url === 'string' ? new URL(url) : url).hostname; } catch { return 'not a URL'; }
    return normalizeIp(host) ? this.refusal(host) : undefined;
  }

  /**
   * A net `lookup`: resolves the name and hands the socket only the addresses that pass, so it can
   * connect to nothing else (a DNS rebind between check and connect has no second lookup to win).
   * A name with no address left is refused. (`localhost` may answer ::1 and 127.0.0.1: with
   * 127.0.0.0/8 allowed, the socket gets 127.0.0.1 alone.)
   */
  readonly lookup: net.LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then((found) => {
      const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
      if (!wanted.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      const passed = wanted.filter((a) => this.refusal(a.address) === undefined);
      if (!passed.length) return callback(new OutboundRefused(hostname, wanted[0].address, this.refusal(wanted[0].address)!), '', 0);
      if (options.all) callback(null, passed);
      else callback(null, passed[0].address, passed[0].family);
    }, (e: NodeJS.ErrnoException) => callback(e, '', 0));
  };

  /**
   * POSTs `body` to `url` and resolves to the response status (the body is not read). Rejects with
   * OutboundRefused when the address is not allowed, with the network error otherwise. Redirects
   * are answers, not followed: a caller wanting to follow one must call again (and be judged again).
   */
  post(url: string, req: PostRequest): Promise<number> {
    let u: URL;
    try { u = new URL(url); } catch { return Promise.reject(new Error('not a URL')); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(new Error(`unsupported protocol ${u.protocol}`));
    // net.connect skips `lookup` for an IP literal, so a literal is judged here.
    const literal = normalizeIp(u.hostname);
    const refused = literal && this.refusal(u.hostname);
    if (refused) return Promise.reject(new OutboundRefused(u.hostname, literal.address, refused));
    const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
    const options: http.RequestOptions = {
      method: 'POST', protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined,
      path: `${u.pathname}${u.search}`, headers: { ...req.headers, 'content-length': String(body.length) },
      // SNS sends credentials in the URL as Basic authentication.
      auth: u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined,
      lookup: this.lookup, agent: false, signal: req.signal,
    };
    return new Promise<number>((resolve, reject) => {
      const r = (u.protocol === 'https:' ? https : http).request(options, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      r.on('error', reject);
      r.end(body);
    });
  }
}
