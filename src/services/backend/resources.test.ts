// The resources forwarded calls are authorized on, from the service authorization reference's
// templates filled with the input; names AWS resolves first are resolved through the backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type CallContext } from '../../core/service.js';
import { loadCatalog } from './catalog.js';
import { resolverFor } from './resources.js';
import type { Forwarder } from './backend.js';

const ctx = { region: 'us-west-2', accountId: '111122223333' } as CallContext;
const asked: string[] = [];
const fake: Forwarder = {
  async call(entry, _model, op, input) {
    asked.push(`${entry.name} ${op} ${JSON.stringify(input)}`);
    if (op === 'DescribeKey' && input.KeyId === 'alias/app') return { KeyMetadata: { Arn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' } };
    if (op === 'DescribeSecret' && input.SecretId === 'app/db') return { ARN: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-AbCdEf' };
    throw new Error('not found');
  },
};

function resolve(service: string, op: string, input: Record<string, unknown>) {
  const entry = loadCatalog().byName(service)!;
  return resolverFor(entry, loadModel(service), fake)(op, input, ctx);
}
const arns = async (service: string, op: string, input: Record<string, unknown>) => {
  const r = await resolve(service, op, input);
  assert.ok(Array.isArray(r));
  return (r as { arn: string }[]).map((x) => x.arn);
};

test('one ARN per id, from the plural member', async () => {
  assert.deepEqual(await arns('ec2', 'StopInstances', { InstanceIds: ['i-1', 'i-2'] }), [
    'arn:aws:ec2:us-west-2:111122223333:instance/i-1', 'arn:aws:ec2:us-west-2:111122223333:instance/i-2']);
});

test('an action without a resource type is authorized on *; a placeholder the input lacks becomes *', async () => {
  assert.equal(await resolve('ec2', 'DescribeInstances', {}), UNSCOPED);
  // As AWS authorizes RunInstances: on the image, the new instance, and the network pieces it creates.
  assert.deepEqual(await arns('ec2', 'RunInstances', { ImageId: 'ami-1', MinCount: 1, MaxCount: 1 }), [
    'arn:aws:ec2:us-west-2::image/ami-1', 'arn:aws:ec2:us-west-2:111122223333:instance/*',
    'arn:aws:ec2:us-west-2:111122223333:network-interface/*', 'arn:aws:ec2:us-west-2:111122223333:security-group/*',
    'arn:aws:ec2:us-west-2:111122223333:subnet/*']);
  assert.deepEqual(await arns('cloudwatch', 'DescribeAlarms', {}), ['arn:aws:cloudwatch:us-west-2:111122223333:alarm:*']);
});

test('names as each service writes them: SSM without the leading slash, SQS from the queue URL, ECS cluster by name or ARN', async () => {
  assert.deepEqual(await arns('ssm', 'GetParameter', { Name: '/app/db' }), ['arn:aws:ssm:us-west-2:111122223333:parameter/app/db']);
  assert.deepEqual(await arns('sqs', 'DeleteQueue', { QueueUrl: 'http://127.0.0.1:4566/111122223333/jobs' }), ['arn:aws:sqs:us-west-2:111122223333:jobs']);
  assert.deepEqual(await arns('logs', 'CreateLogGroup', { logGroupName: '/app/web' }), ['arn:aws:logs:us-west-2:111122223333:log-group:/app/web']);
  assert.deepEqual(await arns('ecs', 'DeleteCluster', { cluster: 'web' }), ['arn:aws:ecs:us-west-2:111122223333:cluster/web']);
  assert.deepEqual(await arns('ecs', 'DeleteCluster', { cluster: 'arn:aws:ecs:us-west-2:111122223333:cluster/web' }), ['arn:aws:ecs:us-west-2:111122223333:cluster/web']);
});

test('a KMS alias and a secret name are authorized as the key and the secret they stand for', async () => {
  asked.length = 0;
  assert.deepEqual(await arns('kms', 'Decrypt', { KeyId: 'alias/app', CiphertextBlob: Buffer.from('x') }), ['arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
  assert.deepEqual(await arns('secretsmanager', 'GetSecretValue', { SecretId: 'app/db' }), ['arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-AbCdEf']);
  assert.equal(asked.length, 2);
  // Not found at the backend: authorized on the name as given (the call then fails there).
  assert.deepEqual(await arns('secretsmanager', 'GetSecretValue', { SecretId: 'nope' }), ['arn:aws:secretsmanager:us-west-2:111122223333:secret:nope']);
  // An ARN or a key id needs no lookup.
  asked.length = 0;
  await arns('secretsmanager', 'GetSecretValue', { SecretId: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:x-AbCdEf' });
  await arns('kms', 'DescribeKey', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' });
  assert.equal(asked.length, 0);
});
