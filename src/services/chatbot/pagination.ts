// Paging for Chatbot's Describe*/List* operations: pages over store ids in order, with a NextToken
// that names the operation and the last id served, so a token from one listing fails on another.
import { AwsError } from '../../protocol/errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function encodeToken(scope: string, lastId: string): string {
  return Buffer.from(JSON.stringify([scope, lastId])).toString('base64url');
}

/** The id to resume after, or InvalidParameterException for a token of another listing. */
export function decodeToken(scope: string, token: string | undefined, code = 'InvalidParameterException'): string | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && v[0] === scope && typeof v[1] === 'string') return v[1];
  } catch { /* falls through */ }
  throw new AwsError(code, 'The NextToken is invalid: pass the NextToken of the previous page of the same request.');
}

/**
 * One page of `rows` (sorted by id): `limit` rows after the token's id. Callers hand in every row
 * of the listing; Chatbot resources are few per account, so filtering in memory keeps this simple.
 */
export function pageOf<T>(rows: { id: string; doc: T }[], scope: string, maxResults: number | undefined, token: string | undefined, dflt = 100): Page<T> {
  const after = decodeToken(scope, token);
  const rest = after === undefined ? rows : rows.filter((r) => r.id > after);
  const limit = maxResults ?? dflt;
  const page = rest.slice(0, limit);
  return { items: page.map((r) => r.doc), nextToken: rest.length > limit ? encodeToken(scope, page[page.length - 1].id) : undefined };
}
