import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../core/service.js';
import { resolveFunction } from './names.js';
import type { StoredFunction } from './store.js';
import { codeFilesOf, deleteVersion, publish, resolveQualifier } from './versions.js';

let n = 0;
const ctx = { accountId: '123456789012', region: 'us-west-2', clock: { now: () => new Date('2025-01-01T00:00:00Z') }, ids: { uuid: () => `rev-${++n}` } } as unknown as CallContext;
const ARN = 'arn:aws:lambda:us-west-2:123456789012:function:f';

function fn(): StoredFunction {
  return {
    config: {
      FunctionName: 'f', FunctionArn: ARN, Role: 'r', CodeSize: 1, Description: '', Timeout: 3, MemorySize: 128, LastModified: 'x', CodeSha256: 'sha-a',
      Version: '$LATEST', TracingConfig: { Mode: 'PassThrough' }, RevisionId: 'rev-0', State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip',
      Architectures: ['x86_64'], EphemeralStorage: { Size: 512 }, SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' }, LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/f' },
    },
    codeFileId: 'CODEA', tags: {},
  };
}

test('publish numbers versions, snapshots $LATEST, and returns the same version when nothing changed', () => {
  const first = publish(fn(), { Description: 'one' }, ctx);
  assert.equal(first.version, '1');
  const v1 = first.fn.versions?.['1'];
  assert.equal(v1?.config.FunctionArn, `${ARN}:1`);
  assert.equal(v1?.config.Version, '1');
  assert.equal(v1?.config.Description, 'one');
  assert.equal(v1?.codeFileId, 'CODEA');
  assert.equal(publish(first.fn, {}, ctx).version, '1');
  const changed: StoredFunction = { ...first.fn, config: { ...first.fn.config, RevisionId: 'rev-new', CodeSha256: 'sha-b' }, codeFileId: 'CODEB' };
  const second = publish(changed, {}, ctx);
  assert.equal(second.version, '2');
  assert.deepEqual([...codeFilesOf(second.fn)].sort(), ['CODEA', 'CODEB']);
});

test('publish refuses a stale RevisionId or a CodeSha256 that is not $LATEST', () => {
  assert.throws(() => publish(fn(), { RevisionId: 'other' }, ctx), (e) => isAwsError(e) && e.code === 'PreconditionFailedException');
  assert.throws(() => publish(fn(), { CodeSha256: 'nope' }, ctx), (e) => isAwsError(e) && e.code === 'InvalidParameterValueException'
    && e.message === 'CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST (sha-a). Please try again');
});

test('version numbers are never reused after a delete', () => {
  let f = publish(fn(), {}, ctx).fn;
  f = { ...f, config: { ...f.config, RevisionId: 'changed' } };
  f = publish(f, {}, ctx).fn;
  f = deleteVersion(f, resolveFunction('f', ctx), '2');
  f = { ...f, config: { ...f.config, RevisionId: 'changed-again' } };
  assert.equal(publish(f, {}, ctx).version, '3');
});

test('resolveQualifier: none, $LATEST, a version, an alias; unknown ones are not found', () => {
  const f: StoredFunction = { ...publish(fn(), {}, ctx).fn, aliases: { prod: { Name: 'prod', FunctionVersion: '1', Description: '', RevisionId: 'a' } } };
  assert.deepEqual({ ...resolveQualifier(f, resolveFunction('f', ctx)), target: undefined }, { target: undefined, version: '$LATEST', arn: ARN });
  assert.equal(resolveQualifier(f, resolveFunction('f', ctx, '$LATEST')).arn, `${ARN}:$LATEST`);
  const v = resolveQualifier(f, resolveFunction('f:1', ctx));
  assert.equal(v.version, '1');
  assert.equal(v.target.config.FunctionArn, `${ARN}:1`);
  const a = resolveQualifier(f, resolveFunction('f', ctx, 'prod'));
  assert.deepEqual([a.version, a.arn], ['1', `${ARN}:prod`]);
  for (const q of ['7', 'beta']) {
    assert.throws(() => resolveQualifier(f, resolveFunction('f', ctx, q)), (e) => isAwsError(e) && e.code === 'ResourceNotFoundException' && e.message === `Function not found: ${ARN}:${q}`);
  }
});

test('deleteVersion refuses versions an alias uses, aliases themselves, and unknown versions', () => {
  const f: StoredFunction = { ...publish(fn(), {}, ctx).fn, aliases: { prod: { Name: 'prod', FunctionVersion: '1', Description: '', RevisionId: 'a' } } };
  const ref = resolveFunction('f', ctx);
  assert.throws(() => deleteVersion(f, ref, '1'), (e) => isAwsError(e) && e.code === 'ResourceConflictException' && /\[prod\]/.test(e.message));
  assert.throws(() => deleteVersion(f, ref, 'prod'), (e) => isAwsError(e) && e.code === 'InvalidParameterValueException');
  assert.throws(() => deleteVersion(f, ref, '9'), (e) => isAwsError(e) && e.code === 'ResourceNotFoundException');
  assert.deepEqual(deleteVersion({ ...f, aliases: {} }, ref, '1').versions, {});
});
