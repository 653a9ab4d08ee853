// The shared paging: member names from the models' paginator files, one token format that is
// refused (with the service's own error) when it comes from another listing or was altered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import {
  decodeToken, encodeToken, limitBounds, pageInput, pageOf, pageOutput, Pages, paginatorOf, readAhead, signedTokens, sortedByKey, type PagePolicy,
} from './pagination.js';

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

const iam = new Pages({ service: 'iam', defaultLimit: 100, badToken: () => new AwsError('ValidationError', 'Invalid Marker.') });
const alice = { accountId: '111111111111' };
const bob = { accountId: '222222222222' };
const rejectsWith = async (p: Promise<unknown>, code: string) => assert.rejects(p, (e) => (e as AwsError).code === code);

test('a token is bound to its operation, the caller\'s account and the listing\'s parent: any other is the service\'s error', () => {
  const users = ['ann', 'bob', 'cy'];
  const first = iam.list('ListUsers', { MaxItems: 2 }, alice, users, id);
  assert.ok(first.next);
  assert.deepEqual(iam.list('ListUsers', { Marker: first.next }, alice, users, id).items, ['cy']);
  assert.equal(codeOf(() => iam.list('ListRoles', { Marker: first.next }, alice, users, id)), 'ValidationError', 'another operation');
  assert.equal(codeOf(() => iam.list('ListUsers', { Marker: first.next }, bob, users, id)), 'ValidationError', 'another account');
  const tags = iam.list('ListUserTags', { MaxItems: 1 }, alice, ['a', 'b'], id, { parent: 'AIDA1' });
  assert.equal(codeOf(() => iam.list('ListUserTags', { Marker: tags.next }, alice, ['a', 'b'], id, { parent: 'AIDA2' })), 'ValidationError', 'another user\'s tags');
  assert.equal(codeOf(() => iam.list('ListUsers', { Marker: `${first.next}x` }, alice, users, id)), 'ValidationError', 'an altered token');
  assert.ok(first.next!.length <= 320, 'fits IAM\'s markerType');
});

test('page sizes: the service\'s default, the model\'s bounds for the limit member, and the service\'s own cap', () => {
  assert.deepEqual(limitBounds('iam', 'ListUsers'), { min: 1, max: 1000 });
  assert.deepEqual(limitBounds('organizations', 'ListAccounts'), { min: 1, max: 20 });
  assert.deepEqual(limitBounds('sns', 'ListTopics'), {}, 'no limit member');
  assert.equal(iam.limit('ListUsers', {}), 100);
  assert.equal(iam.limit('ListUsers', { MaxItems: 5000 }), 1000, 'above the model\'s maximum');
  assert.equal(iam.limit('ListUsers', { MaxItems: 0 }), 1, 'below its minimum');
  const orgs = new Pages({ service: 'organizations', defaultLimit: 50, badToken: () => new AwsError('X', 'x') });
  assert.equal(orgs.limit('ListAccounts', {}), 20, 'a default above the model\'s maximum is lowered to it');
  const lambda = new Pages({ service: 'lambda', defaultLimit: 50, maxLimit: 50, badToken: () => new AwsError('X', 'x') });
  assert.equal(lambda.limit('ListFunctions', { MaxItems: 1000 }), 50, 'Lambda\'s cap below the model\'s 10000');
  const s3 = new Pages({ service: 's3', defaultLimit: 1000, maxLimit: 1000, operations: { ListBuckets: { defaultLimit: 10000, maxLimit: 10000 } }, badToken: () => new AwsError('X', 'x') });
  assert.equal(s3.limit('ListObjectsV2', { MaxKeys: 0 }), 0, 'S3 takes MaxKeys 0 (the model sets no minimum)');
  assert.equal(s3.limit('ListBuckets', {}), 10000, 'an operation\'s own default');
  assert.equal(iam.list('ListUsers', { MaxItems: 2 }, alice, ['a', 'b', 'c'], id).items.length, 2);
});

test('outputs name the paginator\'s members: result keys, output token, more-results', () => {
  const page = iam.list('ListUsers', { MaxItems: 1 }, alice, ['b', 'a'], id);
  assert.deepEqual(page.output(page.items), { Users: ['a'], IsTruncated: true, Marker: page.next });
  const last = iam.list('ListUsers', {}, alice, ['a'], id);
  assert.deepEqual(last.output(last.items), { Users: ['a'], IsTruncated: false, Marker: undefined }, 'the token member is there, undefined');
  const details = iam.list('GetAccountAuthorizationDetails', {}, alice, [], id);
  assert.deepEqual(details.output({ UserDetailList: [], Policies: [] }), { UserDetailList: [], Policies: [], IsTruncated: false, Marker: undefined });
  assert.throws(() => details.output({ Users: [] }), /not a result key/);
  assert.throws(() => details.output([]), /several result keys/);
  const s3 = new Pages({ service: 's3', defaultLimit: 1000, badToken: () => new AwsError('X', 'x') });
  assert.throws(() => s3.list('ListObjects', {}, alice, [], id), /not one opaque token member/, 'V1 markers are keys, not tokens');
});

test('store reads: pages follow the store\'s cursor, keys reach the store only when valid', async () => {
  const sns = new Pages({ service: 'sns', defaultLimit: 2, badToken: () => new AwsError('InvalidParameter', 'Invalid parameter: NextToken') });
  const all = ['t1', 't2', 't3', 't4', 't5'];
  const asked: (string | undefined)[] = [];
  const read = readAhead(async (after: string | undefined, n: number) => {
    asked.push(after);
    return all.filter((t) => after === undefined || t > after).slice(0, n);
  }, (t: string) => t);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await sns.read('ListTopics', token === undefined ? {} : { NextToken: token }, alice, read);
    seen.push(...page.items);
    token = page.output(page.items).NextToken as string | undefined;
  } while (token);
  assert.deepEqual(seen, all);
  assert.deepEqual(asked, [undefined, 't2', 't4']);
  const forged = encodeToken(['sns', 'ListTopics', alice.accountId, ''].join('\u0000'), '../etc');
  await rejectsWith(sns.read('ListTopics', { NextToken: forged }, alice, read, { validKey: (k) => /^\w+$/.test(k) }), 'InvalidParameter');
  assert.equal(asked.length, 3, 'the store was not asked');
});

test('signed tokens: base64url of key.mac, refused when the key, the scope or the secret differ', () => {
  const tokens = signedTokens(Buffer.alloc(32, 1));
  const t = tokens.seal('scope', '1700000000000.42');
  assert.match(Buffer.from(t, 'base64url').toString('utf8'), /^1700000000000\.42\.[\w-]{22}$/);
  assert.equal(tokens.open(t, 'scope'), '1700000000000.42');
  assert.equal(tokens.open(t, 'other'), undefined);
  assert.equal(signedTokens(Buffer.alloc(32, 2)).open(t, 'scope'), undefined);
  const tampered = Buffer.from(Buffer.from(t, 'base64url').toString('utf8').replace(/^\d+/, '1700000001000')).toString('base64url');
  assert.equal(tokens.open(tampered, 'scope'), undefined);
  for (const bad of ['', 'not-a-token', `${t}A`]) assert.equal(tokens.open(bad, 'scope'), undefined, bad);
  const trail = new Pages({ service: 'cloudtrail', defaultLimit: 50, tokens, badToken: () => new AwsError('InvalidNextTokenException', 'x') });
  const first = trail.list('ListTrails', {}, alice, Array.from({ length: 60 }, (_, i) => `arn:${String(i).padStart(2, '0')}`), id);
  assert.equal(first.items.length, 50);
  assert.equal(tokens.open(first.next!, ['cloudtrail', 'ListTrails', alice.accountId, ''].join('\u0000')), 'arn:49');
});
