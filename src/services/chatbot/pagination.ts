// Paging for Chatbot's Describe*/List* operations on the shared paging (src/services/shared/pagination.ts):
// pages over store ids in order, with a NextToken that names the operation and the last id served,
// so a token from one listing fails on another.
import { AwsError } from '../../protocol/errors.js';
import { decodeToken as sharedDecode, encodeToken as sharedEncode, pageOf as sharedPageOf, type PagePolicy } from '../shared/pagination.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

function policy(scope: string, code: string, defaultLimit = 100): PagePolicy {
  return {
    scope: `chatbot:${scope}`, defaultLimit,
    badToken: () => new AwsError(code, 'The NextToken is invalid: pass the NextToken of the previous page of the same request.'),
  };
}

export function encodeToken(scope: string, lastId: string): string {
  return sharedEncode(`chatbot:${scope}`, lastId);
}

/** The id to resume after, or InvalidParameterException for a token of another listing. */
export function decodeToken(scope: string, token: string | undefined, code = 'InvalidParameterException'): string | undefined {
  return token === undefined ? undefined : sharedDecode(token, policy(scope, code));
}

/**
 * One page of `rows` (sorted by id): `limit` rows after the token's id. Callers hand in every row
 * of the listing; Chatbot resources are few per account, so filtering in memory keeps this simple.
 */
export function pageOf<T>(rows: { id: string; doc: T }[], scope: string, maxResults: number | undefined, token: string | undefined, dflt = 100): Page<T> {
  const page = sharedPageOf(rows, (r) => r.id, token, maxResults, policy(scope, 'InvalidParameterException', dflt));
  return { items: page.items.map((r) => r.doc), nextToken: page.next };
}
