// S3's rules for configuration documents, and the model check that turns schema breaks into
// MalformedXML: the exact codes a client sees for bad tags, CORS, website, lifecycle, encryption.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import {
  checkCors, checkEncryption, checkLifecycle, checkTags, checkWebsite, parseTaggingHeader, publicAccessBlockOf,
} from './config-checks.js';
import { checkConfigBody } from './config-body.js';
import { s3Model } from './model.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AwsError, String(e));
    return e.code;
  }
  return 'ok';
}

test('tags: unique keys, lengths, no aws: prefix, 10 per object and 50 per bucket', () => {
  assert.deepEqual(checkTags([{ Key: 'k', Value: 'v' }], 'bucket'), [{ Key: 'k', Value: 'v' }]);
  assert.equal(codeOf(() => checkTags([{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }], 'bucket')), 'InvalidTag');
  assert.equal(codeOf(() => checkTags([{ Key: 'x'.repeat(129), Value: '' }], 'bucket')), 'InvalidTag');
  assert.equal(codeOf(() => checkTags([{ Key: 'k', Value: 'x'.repeat(257) }], 'bucket')), 'InvalidTag');
  assert.equal(codeOf(() => checkTags([{ Key: 'aws:cloudformation:stack', Value: 'x' }], 'bucket')), 'InvalidTag');
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: '' }));
  assert.equal(codeOf(() => checkTags(many(11), 'object')), 'BadRequest');
  assert.equal(codeOf(() => checkTags(many(50), 'bucket')), 'ok');
  assert.equal(codeOf(() => checkTags(many(51), 'bucket')), 'InvalidTag');
  assert.deepEqual(parseTaggingHeader('a=1&b=x%2By&c='), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'x+y' }, { Key: 'c', Value: '' }]);
});

test('CORS, website, lifecycle, encryption and public access block documents', () => {
  assert.equal(codeOf(() => checkCors([{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }])), 'ok');
  assert.equal(codeOf(() => checkCors([{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }])), 'InvalidRequest');
  assert.equal(codeOf(() => checkCors([])), 'MalformedXML');
  assert.equal(codeOf(() => checkWebsite({ IndexDocument: { Suffix: 'index.html' } })), 'ok');
  assert.equal(codeOf(() => checkWebsite({ RedirectAllRequestsTo: { HostName: 'example.com' } })), 'ok');
  assert.equal(codeOf(() => checkWebsite({})), 'InvalidArgument');
  assert.equal(codeOf(() => checkWebsite({ IndexDocument: { Suffix: 'a/b.html' } })), 'InvalidArgument');
  assert.equal(codeOf(() => checkWebsite({ RedirectAllRequestsTo: { HostName: 'x' }, IndexDocument: { Suffix: 'i' } })), 'InvalidArgument');
  const rule = { ID: 'r', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } };
  assert.equal(codeOf(() => checkLifecycle([rule])), 'ok');
  assert.equal(codeOf(() => checkLifecycle([rule, rule])), 'InvalidArgument', 'duplicate IDs');
  assert.equal(codeOf(() => checkLifecycle([{ ID: 'r', Status: 'Enabled', Filter: {} }])), 'InvalidRequest', 'no action');
  assert.equal(codeOf(() => checkLifecycle([{ ...rule, Expiration: { Days: 0 } }])), 'InvalidArgument');
  assert.equal(codeOf(() => checkLifecycle([{ ...rule, Expiration: { Days: 1, Date: new Date() } }])), 'MalformedXML');
  assert.equal(codeOf(() => checkEncryption({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] })), 'ok');
  assert.equal(codeOf(() => checkEncryption({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }] })), 'InvalidArgument');
  assert.equal(codeOf(() => checkEncryption({ Rules: [] })), 'MalformedXML');
  assert.equal(codeOf(() => publicAccessBlockOf({})), 'InvalidRequest');
});

test('configuration bodies that break the model are MalformedXML, not InvalidArgument', () => {
  const model = s3Model();
  assert.equal(codeOf(() => checkConfigBody(model, 'PutBucketVersioning', { Bucket: 'b', VersioningConfiguration: { Status: 'On' } })), 'MalformedXML');
  assert.equal(codeOf(() => checkConfigBody(model, 'PutBucketTagging', { Bucket: 'b' })), 'MalformedXML', 'no body');
  assert.equal(codeOf(() => checkConfigBody(model, 'PutBucketTagging', { Bucket: 'b', Tagging: { TagSet: [{ Key: 'k' }] } })), 'MalformedXML', 'Tag without Value');
  assert.equal(codeOf(() => checkConfigBody(model, 'PutBucketVersioning', { Bucket: 'b', VersioningConfiguration: { Status: 'Suspended' } })), 'ok');
  assert.equal(codeOf(() => checkConfigBody(model, 'PutBucketPolicy', { Bucket: 'b' })), 'ok', 'other operations are left alone');
});
