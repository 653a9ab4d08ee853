// Reading alias and run requests, finding a command's variables and filling them: positional in
// order of first appearance, `--var name=value`, values with spaces kept as one parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasRequest, commandVariables, fillCommand, quoteToken, runValues, runUsage } from './aliases.js';
import { tokenize } from './command.js';

test('alias verbs are read after the mention; other messages are not alias requests', () => {
  assert.deepEqual(aliasRequest('<@U0BOT> alias create fns lambda list-functions --region $region'),
    { kind: 'alias', verb: 'create', name: 'fns', commandText: 'lambda list-functions --region $region' });
  assert.deepEqual(aliasRequest('@aws alias create fns aws lambda list-functions'), { kind: 'alias', verb: 'create', name: 'fns', commandText: 'lambda list-functions' });
  assert.deepEqual(aliasRequest('@Amazon Q alias create fns'), { kind: 'alias', verb: 'create', name: 'fns', commandText: undefined });
  assert.deepEqual(aliasRequest('@aws alias list'), { kind: 'alias', verb: 'list' });
  assert.deepEqual(aliasRequest('@aws alias'), { kind: 'alias', verb: 'help' });
  assert.deepEqual(aliasRequest('@aws alias get fns'), { kind: 'alias', verb: 'get', name: 'fns' });
  assert.deepEqual(aliasRequest('@aws alias delete'), { kind: 'alias', verb: 'delete', name: undefined });
  assert.deepEqual(aliasRequest('@aws alias rename a b'), { kind: 'alias', verb: 'unknown', word: 'rename' });
  assert.deepEqual(aliasRequest('@aws run fns us-west-2 --var x="a b"'), { kind: 'run', name: 'fns', args: ['us-west-2', '--var', 'x=a b'] });
  assert.equal(aliasRequest('@aws run fns "open')?.kind, 'error');
  assert.equal(aliasRequest('@aws lambda list-functions'), undefined);
  assert.equal(aliasRequest('@aws runtime list'), undefined);
});

test('variables are found once each, in order of first appearance, bare or braced', () => {
  assert.deepEqual(commandVariables('ec2 describe-instances --instance-ids $id --region ${region} --filters Name=x,Values=$id'), ['id', 'region']);
  assert.deepEqual(commandVariables('sts get-caller-identity'), []);
});

test('filling replaces within words and keeps values with spaces or quotes as one parameter', () => {
  const filled = fillCommand('lambda invoke --function-name $fn --payload \'{"k": "$v"}\' --region ${region}', { fn: 'my fn', v: "it's", region: 'us-west-2' });
  assert.ok(filled.ok);
  assert.deepEqual(tokenize(filled.command), ['lambda', 'invoke', '--function-name', 'my fn', '--payload', '{"k": "it\'s"}', '--region', 'us-west-2']);
  assert.deepEqual(fillCommand('s3api list-objects --bucket $b --prefix $p', { b: 'x' }), { ok: false, missing: ['p'] });
  for (const t of ['plain', '', 'two words', 'it\'s "quoted"', 'back\\slash']) assert.deepEqual(tokenize(quoteToken(t)), [t]);
});

test('run values: positional fill the variables not named with --var, in order; mistakes are explained', () => {
  assert.deepEqual(runValues(['a', 'b'], ['x', 'y']), { ok: true, values: { x: 'a', y: 'b' } });
  assert.deepEqual(runValues(['--var', 'y=b', 'a'], ['x', 'y']), { ok: true, values: { x: 'a', y: 'b' } });
  assert.deepEqual(runValues(['-var', '$x=a=b'], ['x']), { ok: true, values: { x: 'a=b' } });
  assert.deepEqual(runValues(['a'], ['x', 'y']), { ok: true, values: { x: 'a' } });
  const extra = runValues(['a', 'b'], ['x']);
  assert.ok(!extra.ok && /Too many values/.test(extra.message) && /`b` is left over/.test(extra.message));
  const unknown = runValues(['--var', 'z=1'], ['x']);
  assert.ok(!unknown.ok && /no variable `z`; its variables are `\$x`/.test(unknown.message));
  assert.ok(!runValues(['--var'], ['x']).ok);
  assert.ok(!runValues(['--var', 'noequals'], ['x']).ok);
  assert.equal(runUsage('fns', ['region']), '`@aws run fns <region>` or `@aws run fns --var region=<value>`');
  assert.equal(runUsage('me', []), '`@aws run me`');
});
