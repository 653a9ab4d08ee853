// Bucket and object sub-resources against a real document store: a fresh bucket's answers (S3's
// 2023 defaults, "not configured" errors), put/get/delete round trips, versioning's honest limits,
// object tags following the object, and ListObjectVersions paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores } from '../../storage/stores.js';
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { s3Deps } from './index.js';
import { bucketHandlers } from './bucket-handlers.js';
import { objectHandlers } from './object-handlers.js';
import { configHandlers } from './config-handlers.js';
import { objectConfigHandlers } from './object-config-handlers.js';
import { versionHandlers } from './version-handlers.js';

let dir: string;
let close: () => Promise<void>;
let h: Record<string, Handler>;
const ACCOUNT = '111122223333';

function ctx(accountId = ACCOUNT): CallContext {
  return {
    requestId: 'REQ', principal: { type: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: 'AKIA' },
    accountId, region: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 'test', clock: { now: () => new Date('2024-05-06T07:08:09Z') },
    ids: { uuid: () => 'u', alnum: (n) => 'A'.repeat(n), secret: () => 's' },
    stores: {} as CallContext['stores'], homeRegion: 'us-east-1', addResource: () => {}, annotate: () => {}, authorize: async () => undefined,
  };
}

const call = async (op: string, input: Record<string, unknown>, c = ctx()) => (await h[op](input, c)) as Record<string, unknown>;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AwsError, String(e));
    return `${e.code} ${e.status ?? ''}`.trim();
  }
  return 'ok';
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-config-test-'));
  const stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  close = () => stores.close();
  const deps = s3Deps(stores.documents, dir, 1 << 20);
  h = { ...bucketHandlers(deps), ...objectHandlers(deps), ...configHandlers(deps), ...objectConfigHandlers(deps), ...versionHandlers(deps) };
  await call('CreateBucket', { Bucket: 'fresh-bucket' });
});
after(async () => {
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a fresh bucket answers like one created on S3 today', async () => {
  const B = { Bucket: 'fresh-bucket' };
  assert.deepEqual(await call('GetBucketVersioning', B), {});
  assert.deepEqual(await call('GetBucketEncryption', B), { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } });
  assert.deepEqual(await call('GetPublicAccessBlock', B), { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
  assert.deepEqual(await call('GetBucketOwnershipControls', B), { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
  assert.deepEqual(await call('GetBucketRequestPayment', B), { Payer: 'BucketOwner' });
  for (const op of ['GetBucketLogging', 'GetBucketAccelerateConfiguration', 'GetBucketNotificationConfiguration']) assert.deepEqual(await call(op, B), {}, op);
  const missing: Record<string, string> = {
    GetBucketCors: 'NoSuchCORSConfiguration', GetBucketWebsite: 'NoSuchWebsiteConfiguration', GetBucketLifecycleConfiguration: 'NoSuchLifecycleConfiguration',
    GetBucketReplication: 'ReplicationConfigurationNotFoundError', GetBucketTagging: 'NoSuchTagSet', GetObjectLockConfiguration: 'ObjectLockConfigurationNotFoundError',
  };
  for (const [op, err] of Object.entries(missing)) assert.equal(await code(call(op, B)), `${err} 404`, op);
  assert.equal(await code(call('GetBucketCors', { Bucket: 'no-such-bucket' })), 'NoSuchBucket 404');
  assert.equal(await code(call('GetBucketCors', B, ctx('999988887777'))), 'AccessDenied 403', 'another account needs a bucket policy');
});

test('versioning: Suspended and MFADelete Disabled are kept; Enabled and MFA delete are refused honestly', async () => {
  await call('CreateBucket', { Bucket: 'versioned' });
  const B = { Bucket: 'versioned' };
  assert.equal(await code(call('PutBucketVersioning', { ...B, VersioningConfiguration: { Status: 'Enabled' } })), 'NotImplemented 501');
  assert.deepEqual(await call('GetBucketVersioning', B), {}, 'a refused put changes nothing');
  assert.equal(await code(call('PutBucketVersioning', { ...B, VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Enabled' } })), 'AccessDenied 403');
  assert.equal(await code(call('PutBucketVersioning', { ...B, MFA: 'arn 123456', VersioningConfiguration: { MFADelete: 'Enabled' } })), 'NotImplemented 501');
  await call('PutBucketVersioning', { ...B, VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Disabled' } });
  assert.deepEqual(await call('GetBucketVersioning', B), { Status: 'Suspended', MFADelete: 'Disabled' });
});

test('sub-resources round-trip; deletes restore S3 defaults or leave "not configured"', async () => {
  const B = { Bucket: 'fresh-bucket' };
  const cors = [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['https://example.com'], MaxAgeSeconds: 300 }];
  await call('PutBucketCors', { ...B, CORSConfiguration: { CORSRules: cors } });
  assert.deepEqual(await call('GetBucketCors', B), { CORSRules: cors });
  await call('DeleteBucketCors', B);
  assert.equal(await code(call('GetBucketCors', B)), 'NoSuchCORSConfiguration 404');

  const kms = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/x' }, BucketKeyEnabled: true }] };
  await call('PutBucketEncryption', { ...B, ServerSideEncryptionConfiguration: kms });
  assert.deepEqual(await call('GetBucketEncryption', B), { ServerSideEncryptionConfiguration: kms });
  await call('DeleteBucketEncryption', B);
  assert.equal((await call('GetBucketEncryption', B) as { ServerSideEncryptionConfiguration: typeof kms }).ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');

  await call('PutPublicAccessBlock', { ...B, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } });
  assert.deepEqual(await call('GetPublicAccessBlock', B), { PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false } });
  await call('DeletePublicAccessBlock', B);
  assert.equal(await code(call('GetPublicAccessBlock', B)), 'NoSuchPublicAccessBlockConfiguration 404');
  await call('DeleteBucketOwnershipControls', B);
  assert.equal(await code(call('GetBucketOwnershipControls', B)), 'OwnershipControlsNotFoundError 404');
  await call('PutBucketOwnershipControls', { ...B, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });
  assert.deepEqual(await call('GetBucketOwnershipControls', B), { OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });

  await call('PutBucketTagging', { ...B, Tagging: { TagSet: [{ Key: 'team', Value: 'sec' }] } });
  assert.deepEqual(await call('GetBucketTagging', B), { TagSet: [{ Key: 'team', Value: 'sec' }] });
  assert.equal(await code(call('PutBucketTagging', { ...B, Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })), 'InvalidTag 400');
  await call('DeleteBucketTagging', B);
  assert.equal(await code(call('GetBucketTagging', B)), 'NoSuchTagSet 404');

  await call('PutBucketWebsite', { ...B, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } });
  assert.deepEqual(await call('GetBucketWebsite', B), { IndexDocument: { Suffix: 'index.html' } });
  const rules = [{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }];
  assert.deepEqual(await call('PutBucketLifecycleConfiguration', { ...B, LifecycleConfiguration: { Rules: rules } }), { TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' });
  assert.deepEqual((await call('GetBucketLifecycleConfiguration', B)).Rules, rules);
  assert.equal(await code(call('PutBucketReplication', { ...B, ReplicationConfiguration: { Role: 'r', Rules: [] } })), 'InvalidRequest 400');
});

test('CreateBucket with x-amz-object-ownership sets the ownership controls', async () => {
  await call('CreateBucket', { Bucket: 'writer-owned', ObjectOwnership: 'ObjectWriter' });
  assert.deepEqual(await call('GetBucketOwnershipControls', { Bucket: 'writer-owned' }), { OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });
});

test('object tags come with x-amz-tagging, change with PutObjectTagging, and go when the object is overwritten', async () => {
  await call('CreateBucket', { Bucket: 'tagged' });
  const O = { Bucket: 'tagged', Key: 'k' };
  await call('PutObject', { ...O, Body: Buffer.from('x'), Tagging: 'a=1&b=two%20words' });
  assert.deepEqual(await call('GetObjectTagging', O), { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }] });
  assert.equal((await call('HeadObject', O)).TagCount, 2);
  await call('PutObjectTagging', { ...O, Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } });
  assert.deepEqual(await call('GetObjectTagging', O), { TagSet: [{ Key: 'c', Value: '3' }] });
  await call('DeleteObjectTagging', O);
  assert.deepEqual(await call('GetObjectTagging', O), { TagSet: [] });
  await call('PutObjectTagging', { ...O, Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } });
  await call('PutObject', { ...O, Body: Buffer.from('y') });
  assert.deepEqual(await call('GetObjectTagging', O), { TagSet: [] }, 'a new object starts untagged');
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
  assert.equal(await code(call('PutObjectTagging', { ...O, Tagging: { TagSet: eleven } })), 'BadRequest 400');
  assert.equal(await code(call('GetObjectTagging', { ...O, Key: 'missing' })), 'NoSuchKey 404');
  assert.equal(await code(call('GetObjectTagging', { ...O, VersionId: '3HL4kqtJlcpXroDTDmJ' })), 'InvalidArgument 400');
  assert.deepEqual(await call('GetObjectTagging', { ...O, VersionId: 'null' }), { TagSet: [] });
  const acl = await call('GetObjectAcl', O) as { Owner: { ID: string }; Grants: { Permission: string }[] };
  assert.match(acl.Owner.ID, /^[0-9a-f]{64}$/);
  assert.equal(acl.Grants[0].Permission, 'FULL_CONTROL');
  assert.equal(await code(call('GetObjectAcl', { ...O, Key: 'missing' })), 'NoSuchKey 404');
});

test('ListObjectVersions: every object is its key\'s latest "null" version; markers page through', async () => {
  await call('CreateBucket', { Bucket: 'listing' });
  for (const k of ['a/1', 'a/2', 'b', 'c', 'd']) await call('PutObject', { Bucket: 'listing', Key: k, Body: Buffer.from(k) });
  const L = (extra: Record<string, unknown>) => call('ListObjectVersions', { Bucket: 'listing', ...extra });
  type Page = { Versions?: { Key: string; VersionId: string; IsLatest: boolean }[]; CommonPrefixes?: { Prefix: string }[]; IsTruncated: boolean; NextKeyMarker?: string; NextVersionIdMarker?: string };
  const first = await L({ MaxKeys: 2 }) as Page;
  assert.deepEqual(first.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]), [['a/1', 'null', true], ['a/2', 'null', true]]);
  assert.equal(first.IsTruncated, true);
  assert.deepEqual([first.NextKeyMarker, first.NextVersionIdMarker], ['a/2', 'null']);
  const second = await L({ MaxKeys: 2, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }) as Page;
  assert.deepEqual(second.Versions?.map((v) => v.Key), ['b', 'c']);
  const grouped = await L({ Delimiter: '/', MaxKeys: 1 }) as Page;
  assert.deepEqual([grouped.CommonPrefixes, grouped.NextKeyMarker, grouped.NextVersionIdMarker], [[{ Prefix: 'a/' }], 'a/', undefined]);
  const after = await L({ Delimiter: '/', KeyMarker: 'a/' }) as Page;
  assert.deepEqual(after.Versions?.map((v) => v.Key), ['b', 'c', 'd'], 'a common-prefix marker skips the whole prefix');
  assert.equal((await L({ Prefix: 'a/' }) as Page).Versions?.length, 2);
  assert.equal(await code(L({ VersionIdMarker: 'null' })), 'InvalidArgument 400');
  assert.equal(await code(L({ KeyMarker: 'b', VersionIdMarker: 'xyz' })), 'InvalidArgument 400');
  assert.equal(await code(L({ EncodingType: 'base64' })), 'InvalidArgument 400');
});
