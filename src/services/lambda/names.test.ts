import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../protocol/errors.js';
import { lambdaTimestamp, parseFunctionName, resolveFunction } from './names.js';
import { readAhead } from '../shared/pagination.js';
import { pages } from './version-handlers.js';

const ctx = { accountId: '123456789012', region: 'us-west-2' };

test('parseFunctionName reads names, qualifiers, partial and full ARNs', () => {
  assert.deepEqual(parseFunctionName('my-fn'), { name: 'my-fn', region: undefined, accountId: undefined, qualifier: undefined });
  assert.deepEqual(parseFunctionName('my-fn:$LATEST'), { name: 'my-fn', region: undefined, accountId: undefined, qualifier: '$LATEST' });
  assert.deepEqual(parseFunctionName('123456789012:function:my-fn'), { name: 'my-fn', region: undefined, accountId: '123456789012', qualifier: undefined });
  assert.deepEqual(parseFunctionName('arn:aws:lambda:eu-west-1:210987654321:function:my_fn:prod'),
    { name: 'my_fn', region: 'eu-west-1', accountId: '210987654321', qualifier: 'prod' });
  assert.equal(parseFunctionName('has space'), undefined);
  assert.equal(parseFunctionName('arn:aws:lambda:us-west-2:123:function:x'), undefined);
});

test('resolveFunction fills in the caller account and region and builds the ARN', () => {
  assert.deepEqual(resolveFunction('f', ctx), { name: 'f', accountId: '123456789012', region: 'us-west-2', qualifier: undefined, arn: 'arn:aws:lambda:us-west-2:123456789012:function:f' });
  assert.equal(resolveFunction('f', ctx, '$LATEST').qualifier, '$LATEST');
  assert.equal(resolveFunction('999999999999:function:f', ctx).accountId, '999999999999');
});

test('resolveFunction refuses other regions and conflicting qualifiers the way Lambda words it', () => {
  assert.throws(() => resolveFunction('arn:aws:lambda:us-east-1:123456789012:function:f', ctx),
    (e) => isAwsError(e) && e.code === 'ResourceNotFoundException' && e.message === "Functions from 'us-east-1' are not reachable in this region ('us-west-2')");
  assert.throws(() => resolveFunction('f:1', ctx, '2'), (e) => isAwsError(e) && e.code === 'InvalidParameterValueException');
  assert.throws(() => resolveFunction('bad name', ctx), (e) => isAwsError(e) && e.code === 'InvalidParameterValueException');
});

test('lambdaTimestamp prints milliseconds and +0000', () => {
  assert.equal(lambdaTimestamp(new Date('2024-07-30T21:57:15Z')), '2024-07-30T21:57:15.000+0000');
});

test('markers round-trip and foreign markers are refused', async () => {
  const caller = { accountId: '123456789012' };
  const names = ['fn-1', 'fn-9', 'fn-z'];
  const read = readAhead(async (after: string | undefined, n: number) => names.filter((k) => after === undefined || k > after).slice(0, n), (k: string) => k);
  const first = await pages.read('ListFunctions', { MaxItems: 2 }, caller, read);
  const marker = first.output(first.items).NextMarker as string;
  assert.deepEqual((await pages.read('ListFunctions', { Marker: marker }, caller, read)).items, ['fn-z']);
  await assert.rejects(pages.read('ListFunctions', { Marker: 'bm90LWEtbWFya2Vy' }, caller, read), (e) => isAwsError(e) && e.code === 'InvalidParameterValueException');
});
