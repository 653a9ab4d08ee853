// Paging for the list operations of every native service, driven by the model's paginator file
// (models/<svc>/paginators-1.json): token, limit and result member names come from there, page
// sizes from the model's bounds and the service's default, and one opaque token format is bound
// to its operation, the caller's account and the listing's parent, refused with the service's error.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { modelsDir } from '../../common/paths.js';

/** One operation's entry of a botocore paginator file. */
export interface Paginator {
  /** A member name; S3's marker pairs (ListObjectVersions) name several. */
  input_token: string | string[];
  /** A member name; S3 names pairs, or an expression (ListObjects: `NextMarker || Contents[-1].Key`). */
  output_token: string | string[];
  limit_key?: string;
  /** IAM, S3: the output member that says another page follows (IsTruncated). */
  more_results?: string;
  result_key: string | string[];
}

const files = new Map<string, Record<string, Paginator>>();

/** The paginator of `service`'s `operation`, as botocore (and so the AWS CLI) pages it. */
export function paginatorOf(service: string, operation: string): Paginator {
  let all = files.get(service);
  if (!all) {
    const file = path.join(modelsDir, service, 'paginators-1.json');
    all = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { pagination: Record<string, Paginator> }).pagination : {};
    files.set(service, all);
  }
  const p = all[operation];
  if (!p) throw new Error(`no paginator for ${service} ${operation}`);
  return p;
}

/** A member the paginator names plainly: an opaque token has one name, not a pair or an expression. */
function memberName(name: string | string[], where = 'paginator'): string {
  if (typeof name !== 'string' || !/^\w+$/.test(name)) throw new Error(`${where}: ${JSON.stringify(name)} is not one opaque token member`);
  return name;
}

/** The model's bounds of the operation's limit member (IAM MaxItems 1..1000, Organizations MaxResults 1..20). */
export function limitBounds(service: string, operation: string): { min?: number; max?: number } {
  const limitKey = paginatorOf(service, operation).limit_key;
  const model = loadModel(service);
  const input = model.operation(operation)?.input?.shape;
  const ref = limitKey && input ? model.shape(input).members?.[limitKey] : undefined;
  if (!ref) return {};
  const { min, max } = model.shape(ref.shape);
  return { min, max };
}

/** How a token carries the key to resume after, checked against the listing it was handed out for. */
export interface TokenCodec {
  seal(scope: string, key: string): string;
  /** The key, or undefined for a token this codec did not seal for `scope` exactly. */
  open(token: string, scope: string): string | undefined;
}

const digest = (scope: string) => crypto.createHash('sha256').update(scope).digest('base64url').slice(0, 16);

/** `v1.` + base64url of [digest of the scope, key]: short enough for IAM's 320-character Marker. */
export const plainTokens: TokenCodec = {
  seal: (scope, key) => `v1.${Buffer.from(JSON.stringify([digest(scope), key])).toString('base64url')}`,
  open(token, scope) {
    if (!token.startsWith('v1.')) return undefined;
    try {
      const v = JSON.parse(Buffer.from(token.slice(3), 'base64url').toString('utf8')) as unknown;
      const key = Array.isArray(v) && typeof v[1] === 'string' ? v[1] : undefined;
      return key !== undefined && plainTokens.seal(scope, key) === token ? key : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Tokens nobody can forge without `secret`: base64url of `key.mac`, the MAC over scope and key (CloudTrail). */
export function signedTokens(secret: Buffer): TokenCodec {
  const mac = (scope: string, key: string) => crypto.createHmac('sha256', secret).update(scope).update('\u0000').update(key).digest('base64url').slice(0, 22);
  const seal = (scope: string, key: string) => Buffer.from(`${key}.${mac(scope, key)}`).toString('base64url');
  return {
    seal,
    open(token, scope) {
      const text = Buffer.from(token, 'base64url').toString('utf8');
      const key = text.slice(0, Math.max(0, text.lastIndexOf('.')));
      const want = Buffer.from(seal(scope, key));
      const got = Buffer.from(token);
      return text.includes('.') && want.length === got.length && crypto.timingSafeEqual(want, got) ? key : undefined;
    },
  };
}

export interface PagePolicy {
  /** What the token belongs to: a token of another listing is refused. */
  scope: string;
  defaultLimit: number;
  /** Larger limits are lowered to this. */
  maxLimit?: number;
  /**
   * `order` (the default): items are sorted by key and the next page starts at the first key after
   * the token's, so deletions between calls neither skip nor repeat. `position`: items keep their
   * own order and the token's key must still be listed.
   */
  resume?: 'order' | 'position';
  /** The service's own refusal of a token it did not hand out. */
  badToken: () => AwsError;
  /** The shared `v1.` tokens unless the service signs its own. */
  tokens?: TokenCodec;
  /** A token's key is used only if it passes (keys reach store queries). */
  validKey?: (key: string) => boolean;
}

export interface Page<T> {
  items: T[];
  /** The token of the next page; undefined on the last. */
  next?: string;
}

export function encodeToken(scope: string, lastKey: string): string {
  return plainTokens.seal(scope, lastKey);
}

/** The key to resume after, or the service's bad-token error for a token of another listing. */
export function decodeToken(token: string, policy: Pick<PagePolicy, 'scope' | 'badToken' | 'tokens' | 'validKey'>): string {
  const key = (policy.tokens ?? plainTokens).open(token, policy.scope);
  if (key === undefined || (policy.validKey && !policy.validKey(key))) throw policy.badToken();
  return key;
}

/** One page of `items`: `limit` of them after the token's key, and the token of the page after. */
export function pageOf<T>(items: readonly T[], keyOf: (t: T) => string, token: string | undefined, limit: number | undefined, policy: PagePolicy): Page<T> {
  let start = 0;
  if (token !== undefined) {
    const after = decodeToken(token, policy);
    if (policy.resume === 'position') {
      start = items.findIndex((t) => keyOf(t) === after) + 1;
      if (start === 0) throw policy.badToken();
    } else {
      start = items.findIndex((t) => keyOf(t) > after);
      if (start < 0) start = items.length;
    }
  }
  const size = Math.max(1, Math.min(limit ?? policy.defaultLimit, policy.maxLimit ?? Infinity));
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: page, next: more ? (policy.tokens ?? plainTokens).seal(policy.scope, keyOf(page[page.length - 1])) : undefined };
}

/** Items sorted by their key, as `order` paging needs them. */
export function sortedByKey<T>(items: readonly T[], keyOf: (t: T) => string): T[] {
  return items.map((t) => ({ t, k: keyOf(t) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.t);
}

/**
 * A page as the operation's output members: the results under the paginator's result key (or, for
 * several, each under its own, which must be one the paginator names), the token under its output
 * token, and the more-results member (IsTruncated) where the paginator names one.
 */
export function pageOutput(p: Paginator, page: { items: readonly unknown[] | Record<string, unknown>; next?: string; more?: boolean }): Record<string, unknown> {
  const keys = Array.isArray(p.result_key) ? p.result_key : [p.result_key];
  let out: Record<string, unknown>;
  if (Array.isArray(page.items)) {
    if (keys.length > 1) throw new Error(`several result keys (${keys.join(', ')}): name each`);
    out = { [keys[0]]: page.items };
  } else {
    const stray = Object.keys(page.items).filter((k) => !keys.includes(k));
    if (stray.length) throw new Error(`${stray.join(', ')}: not a result key of this paginator (${keys.join(', ')})`);
    out = { ...page.items };
  }
  if (p.more_results) out[p.more_results] = page.more ?? page.next !== undefined;
  if (page.next !== undefined) out[memberName(p.output_token)] = page.next;
  return out;
}

/** The token and limit a request carries, read by the paginator's member names. */
export function pageInput(p: Paginator, input: Record<string, unknown>): { token?: string; limit?: number } {
  const token = input[memberName(p.input_token)];
  const limit = p.limit_key ? input[p.limit_key] : undefined;
  return { token: typeof token === 'string' ? token : undefined, limit: typeof limit === 'number' ? limit : undefined };
}

/** A service's paging, where the model leaves it to the service. */
export interface ServicePaging {
  /** The model name: its paginator file and service model. */
  service: string;
  /** The page size of a request that names none (and of operations without a limit member). */
  defaultLimit: number;
  /** A cap below the model's maximum, to which larger requests are lowered (Lambda: 50). */
  maxLimit?: number;
  /** Operations whose page sizes differ from the service's. */
  operations?: Record<string, { defaultLimit?: number; maxLimit?: number }>;
  /** The service's refusal of a token it did not hand out for the listing. */
  badToken: (operation: string) => AwsError;
  /** The shared `v1.` tokens unless the service signs its own. */
  tokens?: TokenCodec;
}

/** The caller a token is bound to. */
export interface Caller {
  accountId: string;
}

export interface ListingOptions {
  /** What is listed beyond the operation and the caller's account (a role, a topic, a query): tokens of another are refused. */
  parent?: string;
}

/** A store's answer for one page: the items, and the key after which the next page starts (none on the last). */
export interface Slice<T> {
  items: T[];
  next?: string;
  /** Whether another page follows, where the store knows it without a key to resume at (S3 MaxKeys 0). */
  more?: boolean;
}

/** Reads up to `limit` items after `after` (a key a token carried, undefined for the first page). */
export type Reader<T> = (after: string | undefined, limit: number) => Promise<Slice<T>>;

export interface Listed<T> {
  items: T[];
  /** The token of the next page; undefined on the last. */
  next?: string;
  /**
   * The operation's output members: `results` (an array, or one array per result key) under the
   * paginator's result key(s), the next token (present, possibly undefined) and IsTruncated-like members.
   */
  output(results: readonly unknown[] | Record<string, unknown>): Record<string, unknown>;
}

/** One service's listings, every one paged the same way. */
export class Pages {
  private readonly tokens: TokenCodec;

  constructor(private readonly svc: ServicePaging) {
    this.tokens = svc.tokens ?? plainTokens;
  }

  /** The page size of `operation` for `input`: its limit member or the default, within the model's bounds and the service's cap. */
  limit(operation: string, input: object): number {
    const p = paginatorOf(this.svc.service, operation);
    const own = this.svc.operations?.[operation];
    const { limit } = pageInput(p, input as Record<string, unknown>);
    const { min, max } = limitBounds(this.svc.service, operation);
    const cap = Math.min(max ?? Infinity, own?.maxLimit ?? this.svc.maxLimit ?? Infinity);
    return Math.max(min ?? 0, Math.min(limit ?? own?.defaultLimit ?? this.svc.defaultLimit, cap));
  }

  /** A page of items held in memory: sorted by key (`order`), or in their own order (`position`). */
  list<T>(operation: string, input: object, caller: Caller, items: readonly T[], keyOf: (t: T) => string, opts: ListingOptions & { resume?: 'order' | 'position' } = {}): Listed<T> {
    const p = this.paginator(operation);
    const limit = this.limit(operation, input);
    const { token } = pageInput(p, input as Record<string, unknown>);
    const ordered = opts.resume === 'position' ? items : sortedByKey(items, keyOf);
    const page = pageOf(ordered, keyOf, token, limit, { ...this.policy(operation, caller, opts), defaultLimit: limit, resume: opts.resume });
    return listed(p, page.items, page.next);
  }

  /** A page read from a store by `read`; a token's key reaches it only if `validKey` accepts it. */
  async read<T>(operation: string, input: object, caller: Caller, read: Reader<T>, opts: ListingOptions & { validKey?: (key: string) => boolean } = {}): Promise<Listed<T>> {
    const p = this.paginator(operation);
    const limit = this.limit(operation, input);
    const { token } = pageInput(p, input as Record<string, unknown>);
    const policy = { ...this.policy(operation, caller, opts), validKey: opts.validKey };
    const slice = await read(token === undefined ? undefined : decodeToken(token, policy), limit);
    return listed(p, slice.items, slice.next === undefined ? undefined : this.tokens.seal(policy.scope, slice.next), slice.more);
  }

  /** The operation's paginator, which must page by one opaque token (not S3's markers). */
  private paginator(operation: string): Paginator {
    const p = paginatorOf(this.svc.service, operation);
    memberName(p.input_token, `${this.svc.service} ${operation}`);
    memberName(p.output_token, `${this.svc.service} ${operation}`);
    return p;
  }

  private policy(operation: string, caller: Caller, opts: ListingOptions): PagePolicy {
    return {
      scope: [this.svc.service, operation, caller.accountId, opts.parent ?? ''].join('\u0000'),
      defaultLimit: this.svc.defaultLimit, tokens: this.tokens, badToken: () => this.svc.badToken(operation),
    };
  }
}

function listed<T>(p: Paginator, items: T[], next: string | undefined, more?: boolean): Listed<T> {
  return { items, next, output: (results) => listOutput(p, results, next, more) };
}

/** `pageOutput` as handlers answer it: the token member is there on the last page too, undefined. */
export function listOutput(p: Paginator, results: readonly unknown[] | Record<string, unknown>, next?: string, more?: boolean): Record<string, unknown> {
  return { [memberName(p.output_token)]: undefined, ...pageOutput(p, { items: results, next, more }) };
}

/** A store read that fetches one item more than the page, to know whether another page follows. */
export function readAhead<T>(fetch: (after: string | undefined, n: number) => Promise<T[]>, keyOf: (t: T) => string): Reader<T> {
  return async (after, limit) => {
    const rows = await fetch(after, limit + 1);
    const items = rows.slice(0, limit);
    return { items, next: rows.length > limit && items.length ? keyOf(items[items.length - 1]) : undefined };
  };
}
