// The trails resolver: a trail named by name or ARN is authorized as stored (a multi-region
// trail seen from another region keeps its home region's ARN), ListTags authorizes every trail
// it names, and malformed names or ARNs of another partition are CloudTrail's errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores, type Stores } from '../../storage/stores.js';
import { isAwsError } from '../../protocol/errors.js';
import { AUTHORIZED_PER_ITEM, type CallContext, type ResolvedResource, type ResourceResolution } from '../../core/service.js';
import { TrailStore } from './trails-store.js';
import { trailsResolver } from './trails-service.js';
import type { TrailDoc } from './trails-model.js';

const ACCT = '123456789012';
let dir: string;
let stores: Stores;
let store: TrailStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-trails-'));
  stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  store = new TrailStore(stores.documents, async () => undefined);
  const base = { accountId: ACCT, s3BucketName: 'b', includeGlobalServiceEvents: true, logFileValidationEnabled: false,
    isOrganizationTrail: false, tags: [], isLogging: true, logging: [], createdAt: new Date() };
  await store.create({ ...base, trailId: 't1', name: 'audit', homeRegion: 'us-east-1', isMultiRegionTrail: true } as TrailDoc);
  await store.create({ ...base, trailId: 't2', name: 'local', homeRegion: 'eu-west-1', isMultiRegionTrail: false } as TrailDoc);
});
after(async () => {
  await stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ctxIn = (region: string) => ({ accountId: ACCT, region }) as CallContext;
const arns = (r: ResourceResolution) => (r === AUTHORIZED_PER_ITEM ? ['per item'] : r.map((x) => x.arn));
const listed = (r: ResourceResolution): readonly ResolvedResource[] => (r === AUTHORIZED_PER_ITEM ? [] : r);
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isAwsError(e) ? e.code : String(e)));

test('a name resolves to the stored trail: a multi-region trail from another region keeps its home ARN', async () => {
  const resolve = trailsResolver(store);
  const home = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/audit`;
  assert.deepEqual(arns(await resolve('StopLogging', { Name: 'audit' }, ctxIn('us-east-1'))), [home]);
  assert.deepEqual(arns(await resolve('GetTrailStatus', { Name: 'audit' }, ctxIn('ap-south-1'))), [home]);
  assert.deepEqual(arns(await resolve('GetEventSelectors', { TrailName: home }, ctxIn('ap-south-1'))), [home]);
  const [r] = listed(await resolve('GetTrail', { Name: 'audit' }, ctxIn('us-west-2')));
  assert.equal(r.accountId, ACCT);
});

test('an unknown trail is the ARN a trail of that name would have here; CreateTrail the one it makes', async () => {
  const resolve = trailsResolver(store);
  assert.deepEqual(arns(await resolve('GetTrail', { Name: 'local' }, ctxIn('us-west-2'))), [`arn:aws:cloudtrail:us-west-2:${ACCT}:trail/local`]);
  assert.deepEqual(arns(await resolve('CreateTrail', { Name: 'audit', S3BucketName: 'b' }, ctxIn('us-west-2'))), [`arn:aws:cloudtrail:us-west-2:${ACCT}:trail/audit`]);
  assert.deepEqual(arns(await resolve('ListTrails', {}, ctxIn('us-west-2'))), ['*']);
  assert.deepEqual(arns(await resolve('DescribeTrails', { trailNameList: ['audit'] }, ctxIn('us-west-2'))), ['*']);
});

test('ListTags authorizes every trail it names; tag operations take ARNs only', async () => {
  const resolve = trailsResolver(store);
  const a = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/audit`;
  const b = `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/local`;
  assert.deepEqual(arns(await resolve('ListTags', { ResourceIdList: [a, b] }, ctxIn('us-east-1'))), [a, b]);
  assert.equal(await codeOf(resolve('AddTags', { ResourceId: 'audit', TagsList: [] }, ctxIn('us-east-1'))), 'CloudTrailARNInvalidException');
});

test('an ARN of another partition, or a malformed name, is refused before any policy sees it', async () => {
  const resolve = trailsResolver(store);
  for (const p of ['aws-x', 'aws-cn', 'aws-us-gov']) {
    const arn = `arn:${p}:cloudtrail:us-east-1:${ACCT}:trail/audit`;
    assert.equal(await codeOf(resolve('StopLogging', { Name: arn }, ctxIn('us-east-1'))), 'CloudTrailARNInvalidException', p);
    assert.equal(await codeOf(resolve('RemoveTags', { ResourceId: arn, TagsList: [] }, ctxIn('us-east-1'))), 'CloudTrailARNInvalidException', p);
  }
  assert.equal(await codeOf(resolve('StopLogging', { Name: 'a..b' }, ctxIn('us-east-1'))), 'InvalidTrailNameException');
  assert.equal(await codeOf(resolve('StopLogging', { Name: '' }, ctxIn('us-east-1'))), 'TrailNotProvidedException');
});
