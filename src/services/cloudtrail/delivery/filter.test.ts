import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, type TrailFilter } from './filter.js';
import { fakeEvent } from '../../../../test/support/trail-delivery.js';

const base: TrailFilter = { accounts: ['123456789012'], homeRegion: 'us-east-1', multiRegion: false, includeGlobal: true };

test('a single-region trail takes its own region only; a multi-region trail every region', () => {
  const west = fakeEvent({ region: 'us-west-2' });
  const home = fakeEvent({ region: 'us-east-1' });
  assert.equal(compileFilter(base)(west), undefined);
  assert.equal(compileFilter(base)(home), 'us-east-1');
  assert.equal(compileFilter({ ...base, multiRegion: true })(west), 'us-west-2');
});

test('other accounts are skipped unless the filter lists them (organization trails)', () => {
  const other = fakeEvent({ accountId: '222222222222' });
  assert.equal(compileFilter(base)(other), undefined);
  assert.equal(compileFilter({ ...base, accounts: ['123456789012', '222222222222'] })(other), 'us-east-1');
});

test('IncludeGlobalServiceEvents governs IAM; a single-region trail elsewhere files them under its own region', () => {
  const iam = fakeEvent({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false });
  assert.equal(compileFilter({ ...base, includeGlobal: false })(iam), undefined);
  assert.equal(compileFilter({ ...base, homeRegion: 'eu-west-1' })(iam), 'eu-west-1');
  assert.equal(compileFilter({ ...base, multiRegion: true })(iam), 'us-east-1');
});

test('basic selectors filter read/write, management and data events', () => {
  const read = fakeEvent({ readOnly: true });
  const write = fakeEvent({ readOnly: false, eventName: 'CreateTrail', eventSource: 'cloudtrail.amazonaws.com' });
  const ro = compileFilter({ ...base, eventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] });
  const wo = compileFilter({ ...base, eventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] });
  assert.deepEqual([ro(read), ro(write), wo(read), wo(write)], ['us-east-1', undefined, undefined, 'us-east-1']);

  const record = JSON.stringify({ requestID: 'd', resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::logs/a/b.txt' }] });
  const data = fakeEvent({ management: false, eventSource: 's3.amazonaws.com', eventName: 'GetObject', record });
  assert.equal(compileFilter(base)(data), undefined, 'data events are off by default');
  const s3all = compileFilter({ ...base, eventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] });
  const other = compileFilter({ ...base, eventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::other/'] }] }] });
  const mine = compileFilter({ ...base, eventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs/a/'] }] }] });
  assert.deepEqual([s3all(data), other(data), mine(data)], ['us-east-1', undefined, 'us-east-1']);
  const noMgmt = compileFilter({ ...base, eventSelectors: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] });
  assert.equal(noMgmt(read), undefined);

  // Listings name a prefix (ARNPrefix), and data selectors match it as they match an object ARN.
  const listing = fakeEvent({ management: false, eventSource: 's3.amazonaws.com', eventName: 'ListObjects',
    record: JSON.stringify({ requestID: 'l', resources: [{ type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::logs/a/' }] }) });
  assert.deepEqual([s3all(listing), other(listing), mine(listing)], ['us-east-1', undefined, 'us-east-1']);
});

test('advanced selectors: all field conditions of a selector must hold, any selector may match', () => {
  const f = compileFilter({ ...base, advancedEventSelectors: [{
    FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }],
  }] });
  assert.equal(f(fakeEvent({ readOnly: true })), undefined);
  assert.equal(f(fakeEvent({ readOnly: false, eventSource: 'iam.amazonaws.com' })), 'us-east-1');
  assert.equal(f(fakeEvent({ readOnly: false, eventSource: 'kms.amazonaws.com' })), undefined);
  const byName = compileFilter({ ...base, advancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventName', StartsWith: ['Get'] }] }] });
  assert.equal(byName(fakeEvent({ eventName: 'GetCallerIdentity' })), 'us-east-1');
  assert.equal(byName(fakeEvent({ eventName: 'AssumeRole' })), undefined);
});
