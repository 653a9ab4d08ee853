// The shared paging: member names from the models' paginator files, one token format that is
// refused (with the service's own error) when it comes from another listing or was altered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { decodeToken, encodeToken, pageInput, pageOf, pageOutput, paginatorOf, sortedByKey, type PagePolicy } from './pagination.js';

const policy: PagePolicy = { scope: 'svc:List', defaultLimit: 2, badToken: () => new AwsError('BadToken', 'bad') };
const codeOf = (fn: () => unknown) => { try { fn(); return 'ok'; } catch (e) { return (e as AwsError).code; } };
const id = (s: string) => s;

test('paginator files name each service\'s token and limit members', () => {
  assert.deepEqual(paginatorOf('iam', 'ListUsers'), { input_token: 'Marker', limit_key: 'MaxItems', more_results: 'IsTruncated', output_token: 'Marker', result_key: 'Users' });
  assert.equal(paginatorOf('lambda', 'ListFunctions').output_token, 'NextMarker');
  assert.equal(paginatorOf('organizations', 'ListAccounts').limit_key, 'MaxResults');
  assert.equal(paginatorOf('sns', 'ListTopics').limit_key, undefined, 'SNS takes no page size');
  assert.throws(() => paginatorOf('sns', 'Publish'), /no paginator/);
});

test('walking every page serves each item once; the token of the last page is absent', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = pageOf(items, id, token, undefined, policy);
    seen.push(...p.items);
    token = p.next;
    pages++;
  } while (token);
  assert.deepEqual(seen, items);
  assert.equal(pages, 3);
  assert.equal(pageOf(items, id, undefined, 10, policy).next, undefined);
  assert.deepEqual(pageOf(items, id, undefined, 10, { ...policy, maxLimit: 3 }).items, ['a', 'b', 'c'], 'a cap lowers large limits');
});

test('in key order a deleted item neither skips nor repeats; by position the key must still be listed', () => {
  const first = pageOf(['a', 'b', 'c', 'd'], id, undefined, 2, policy);
  assert.deepEqual(pageOf(['a', 'c', 'd'], id, first.next, 2, policy).items, ['c', 'd'], 'b was deleted');
  const byPos = { ...policy, resume: 'position' as const };
  const p = pageOf(['$LATEST', '1', '2', '10'], id, undefined, 2, byPos);
  assert.deepEqual(pageOf(['$LATEST', '1', '2', '10'], id, p.next, 2, byPos).items, ['2', '10']);
  assert.equal(codeOf(() => pageOf(['$LATEST', '2', '10'], id, p.next, 2, byPos)), 'BadToken');
});

test('a token of another listing, an altered one, or no token at all is the service\'s own error', () => {
  assert.equal(decodeToken(encodeToken('svc:List', 'k'), policy), 'k');
  assert.equal(codeOf(() => decodeToken(encodeToken('svc:Other', 'k'), policy)), 'BadToken');
  for (const t of ['', 'not-a-token', 'v1.', 'v1.!!!', `v1.${Buffer.from('["svc:List",7]').toString('base64url')}`, Buffer.from('["svc:List","k"]').toString('base64url')]) {
    assert.equal(codeOf(() => pageOf(['a'], id, t, 1, policy)), 'BadToken', t);
  }
});

test('pages read from and written to the members the paginator names', () => {
  const iam = paginatorOf('iam', 'ListUsers');
  assert.deepEqual(pageInput(iam, { Marker: 'm', MaxItems: 5 }), { token: 'm', limit: 5 });
  assert.deepEqual(pageOutput(iam, { items: [1], next: 'n' }), { Users: [1], IsTruncated: true, Marker: 'n' });
  assert.deepEqual(pageOutput(iam, { items: [] }), { Users: [], IsTruncated: false });
  assert.deepEqual(pageOutput(paginatorOf('lambda', 'ListAliases'), { items: [], next: 'n' }), { Aliases: [], NextMarker: 'n' });
  assert.deepEqual(sortedByKey([{ k: 'b' }, { k: 'a' }], (x) => x.k), [{ k: 'a' }, { k: 'b' }]);
});
