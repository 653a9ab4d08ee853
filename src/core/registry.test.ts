// The registry: natives by signing name; lazy services built once, on first use, never in place of
// a native one; services sharing a signing name told apart by the target header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceRegistry } from './registry.js';
import { modelFromDescription } from '../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from './service.js';

function def(name: string, signingName = name): ServiceDefinition {
  const model = modelFromDescription(name, { metadata: { apiVersion: '1', endpointPrefix: name, protocol: 'json', serviceId: name, signingName }, operations: {}, shapes: {} });
  return { model, handlers: {}, recording: { eventSource: `${name}.amazonaws.com` }, resolveResources: async () => UNSCOPED };
}

test('a lazy service is built on first use, once, and listed by name before that', () => {
  const r = new ServiceRegistry();
  r.register(def('sts'));
  let built = 0;
  assert.equal(r.registerLazy({ modelName: 'logs', signingName: 'logs' }, () => { built++; return def('logs'); }), true);
  assert.deepEqual(r.names().sort(), ['logs', 'sts']);
  assert.deepEqual(r.all().map((d) => d.model.name), ['sts']);
  assert.equal(built, 0);
  assert.equal(r.forScope('logs')?.model.name, 'logs');
  assert.equal(r.byName('logs'), r.forScope('logs'));
  assert.equal(built, 1);
  assert.deepEqual(r.all().map((d) => d.model.name), ['sts', 'logs']);
});

test('a lazy service never shadows a native one, by signing name or by model name', () => {
  const r = new ServiceRegistry();
  const s3 = def('s3');
  r.register(s3);
  assert.equal(r.registerLazy({ modelName: 's3control', signingName: 's3' }, () => def('s3control', 's3')), false);
  assert.equal(r.registerLazy({ modelName: 's3', signingName: 'other' }, () => def('s3', 'other')), false);
  assert.equal(r.forScope('s3'), s3);
  assert.equal(r.byName('s3control'), undefined);
});

test('services sharing a signing name: the target header picks, else the preferred one', () => {
  const r = new ServiceRegistry();
  r.registerLazy({ modelName: 'dynamodb', signingName: 'dynamodb', targetPrefix: 'DynamoDB_20120810', preferred: true }, () => def('dynamodb'));
  r.registerLazy({ modelName: 'dynamodbstreams', signingName: 'dynamodb', targetPrefix: 'DynamoDBStreams_20120810' }, () => def('dynamodbstreams', 'dynamodb'));
  assert.equal(r.forScope('dynamodb', { headers: { 'x-amz-target': 'DynamoDBStreams_20120810.ListStreams' } })?.model.name, 'dynamodbstreams');
  assert.equal(r.forScope('dynamodb', { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' } })?.model.name, 'dynamodb');
  assert.equal(r.forScope('dynamodb', { headers: {} })?.model.name, 'dynamodb');
});

test('REST services sharing a signing name: the one whose routes match the method and path', () => {
  const r = new ServiceRegistry();
  r.registerLazy({ modelName: 'apigateway', signingName: 'apigateway', preferred: true, accepts: (h) => h.rawPath?.startsWith('/restapis') ?? false }, () => def('apigateway'));
  r.registerLazy({ modelName: 'apigatewayv2', signingName: 'apigateway', accepts: (h) => h.rawPath?.startsWith('/v2/') ?? false }, () => def('apigatewayv2', 'apigateway'));
  assert.equal(r.forScope('apigateway', { method: 'GET', rawPath: '/v2/apis', headers: {} })?.model.name, 'apigatewayv2');
  assert.equal(r.forScope('apigateway', { method: 'GET', rawPath: '/restapis', headers: {} })?.model.name, 'apigateway');
  assert.equal(r.forScope('apigateway', { method: 'GET', rawPath: '/nothing', headers: {} })?.model.name, 'apigateway', 'else the preferred one');
});
