// Paging for list operations of every service: the token and limit member names come from the
// model's paginator file (models/<svc>/paginators-1.json), tokens have one opaque format that is
// validated on the way back in, and each service states its page sizes and its bad-token error.
import fs from 'node:fs';
import path from 'node:path';
import type { AwsError } from '../../protocol/errors.js';
import { modelsDir } from '../../common/paths.js';

/** One operation's entry of a botocore paginator file. */
export interface Paginator {
  input_token: string;
  output_token: string;
  limit_key?: string;
  /** IAM: the output member that says another page follows (IsTruncated). */
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

export interface PagePolicy {
  /** What the token belongs to (`service:Operation`, plus any parent): a token of another listing is refused. */
  scope: string;
  defaultLimit: number;
  /** Larger limits are lowered to this (Lambda); without it a limit is taken as given (the model bounds it). */
  maxLimit?: number;
  /**
   * `order` (the default): items are sorted by key and the next page starts at the first key after
   * the token's, so deletions between calls neither skip nor repeat. `position`: items keep their
   * own order and the token's key must still be listed.
   */
  resume?: 'order' | 'position';
  /** The service's own refusal of a token it did not hand out. */
  badToken: () => AwsError;
}

export interface Page<T> {
  items: T[];
  /** The token of the next page; undefined on the last. */
  next?: string;
}

/** `v1.` + base64url of [scope, last key]: opaque to clients, checked against its listing on return. */
export function encodeToken(scope: string, lastKey: string): string {
  return `v1.${Buffer.from(JSON.stringify([scope, lastKey])).toString('base64url')}`;
}

/** The key to resume after, or the service's bad-token error for a token of another listing. */
export function decodeToken(token: string, policy: Pick<PagePolicy, 'scope' | 'badToken'>): string {
  if (token.startsWith('v1.')) {
    try {
      const v = JSON.parse(Buffer.from(token.slice(3), 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(v) && v.length === 2 && v[0] === policy.scope && typeof v[1] === 'string') return v[1];
    } catch { /* refused below */ }
  }
  throw policy.badToken();
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
  return { items: page, next: more ? encodeToken(policy.scope, keyOf(page[page.length - 1])) : undefined };
}

/** Items sorted by their key, as `order` paging needs them. */
export function sortedByKey<T>(items: readonly T[], keyOf: (t: T) => string): T[] {
  return items.map((t) => ({ t, k: keyOf(t) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.t);
}

/**
 * A page as the operation's output members: the result under its result key, the token under the
 * paginator's output token, and IAM's IsTruncated where the paginator names one.
 */
export function pageOutput<T>(p: Paginator, page: Page<T>): Record<string, unknown> {
  const resultKey = Array.isArray(p.result_key) ? p.result_key[0] : p.result_key;
  const out: Record<string, unknown> = { [resultKey]: page.items };
  if (p.more_results) out[p.more_results] = page.next !== undefined;
  if (page.next !== undefined) out[p.output_token] = page.next;
  return out;
}

/** The token and limit a request carries, read by the paginator's member names. */
export function pageInput(p: Paginator, input: Record<string, unknown>): { token?: string; limit?: number } {
  const token = input[p.input_token];
  const limit = p.limit_key ? input[p.limit_key] : undefined;
  return { token: typeof token === 'string' ? token : undefined, limit: typeof limit === 'number' ? limit : undefined };
}
