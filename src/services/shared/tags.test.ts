// The shared tag rules: each check runs only when the service names its refusal, with the
// service's own code and message; merges keep one tag per key as the service orders them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { checkTag, mergeTags, removeTags, replaceTags, tagsFromMap, tagsToMap, validateTags, type TagPolicy, type TagProblem } from './tags.js';

const ALL: TagProblem[] = ['tooMany', 'duplicate', 'emptyKey', 'keyTooLong', 'valueTooLong', 'reserved', 'characters'];
/** Every refusal enabled, each answering its problem's name as the code. */
const strict: TagPolicy = { maxTags: 3, errors: Object.fromEntries(ALL.map((p) => [p, (d: { key: string }) => new AwsError(p, `${p}:${d.key}`)])) };
const lenient: TagPolicy = { maxTags: 3, errors: {} };

function codeOf(fn: () => unknown): string {
  try { fn(); return 'ok'; } catch (e) { return (e as AwsError).code; }
}

test('each check answers with the error the service gave it', () => {
  const one = (Key: string, Value?: string) => codeOf(() => validateTags([{ Key, Value }], strict));
  assert.equal(one('team', 'sec'), 'ok');
  assert.equal(one(''), 'emptyKey');
  assert.equal(one('k'.repeat(128), 'v'.repeat(256)), 'ok');
  assert.equal(one('k'.repeat(129)), 'keyTooLong');
  assert.equal(one('k', 'v'.repeat(257)), 'valueTooLong');
  assert.equal(one('é'.repeat(128)), 'ok', 'lengths count characters, not bytes');
  assert.equal(one('AWS:cloudformation'), 'reserved', 'the prefix is refused in any case');
  assert.equal(one('a#b'), 'characters');
  assert.equal(one('path/to:x=y+z-w@v_u.t ü 7'), 'ok', 'letters, spaces, digits and _.:/=+-@ are allowed');
  assert.equal(codeOf(() => validateTags([{ Key: 'a' }, { Key: 'a' }], strict)), 'duplicate');
  assert.equal(codeOf(() => checkTag({ Key: 'x', Value: 'y' }, { ...strict, maxKeyLength: 0 })), 'keyTooLong', 'limits are per service');
});

test('a problem without an error is not checked: a repeated key keeps its last value', () => {
  for (const Key of ['', 'aws:x', 'a#b', 'k'.repeat(300)]) assert.equal(codeOf(() => validateTags([{ Key }], lenient)), 'ok', Key);
  assert.deepEqual(mergeTags([], [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }], lenient), [{ Key: 'a', Value: '2' }]);
  assert.equal(codeOf(() => mergeTags([], [{ Key: 'a' }, { Key: 'b' }, { Key: 'c' }, { Key: 'd' }], lenient)), 'ok');
});

test('the count is enforced on the merged result, not the request', () => {
  const have = [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }];
  assert.equal(codeOf(() => mergeTags(have, [{ Key: 'a', Value: 'x' }], strict)), 'ok', 'replacing a key adds none');
  assert.equal(codeOf(() => mergeTags(have, [{ Key: 'd', Value: '4' }], strict)), 'tooMany');
  assert.equal(codeOf(() => replaceTags([...have, { Key: 'd' }, { Key: 'd' }], strict)), 'tooMany', 'a whole set is counted first');
});

test('a replaced key stays in place or moves to the end, as the service orders tags', () => {
  const have = [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }];
  const keys = (p: TagPolicy) => mergeTags(have, [{ Key: 'a', Value: 'x' }], p).map((t) => `${t.Key}=${t.Value}`);
  assert.deepEqual(keys({ ...lenient, replaced: 'in-place' }), ['a=x', 'b=2']);
  assert.deepEqual(keys({ ...lenient, replaced: 'appended' }), ['b=2', 'a=x']);
});

test('case-insensitive keys (IAM): Team replaces team, and is a duplicate of it in one request', () => {
  const iam: TagPolicy = { ...strict, maxTags: 50, caseInsensitiveKeys: true, replaced: 'appended' };
  assert.deepEqual(mergeTags([{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'p' }], [{ Key: 'Team', Value: 'b' }], iam),
    [{ Key: 'env', Value: 'p' }, { Key: 'Team', Value: 'b' }]);
  assert.equal(codeOf(() => mergeTags([], [{ Key: 'Team' }, { Key: 'team' }], iam)), 'duplicate');
  assert.deepEqual(removeTags([{ Key: 'Team', Value: 'b' }, { Key: 'env', Value: 'p' }], ['TEAM'], iam), [{ Key: 'env', Value: 'p' }]);
  assert.deepEqual(removeTags([{ Key: 'Team', Value: 'b' }], ['TEAM']), [{ Key: 'Team', Value: 'b' }], 'exact keys elsewhere');
});

test('removal by key, or by key and value (CloudTrail RemoveTags); maps convert both ways', () => {
  const have = [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c' }];
  assert.deepEqual(removeTags(have, ['a', 'zz']), have.slice(1));
  assert.deepEqual(removeTags(have, [{ Key: 'b', Value: 'other' }]), have, 'a value that does not match keeps the tag');
  assert.deepEqual(removeTags(have, [{ Key: 'b', Value: '2' }, { Key: 'c' }]), [{ Key: 'a', Value: '1' }]);
  assert.deepEqual(tagsFromMap({ x: '1', y: '2' }), [{ Key: 'x', Value: '1' }, { Key: 'y', Value: '2' }]);
  assert.deepEqual(tagsToMap([{ Key: 'x', Value: '1' }, { Key: 'y' }]), { x: '1', y: '' });
});
