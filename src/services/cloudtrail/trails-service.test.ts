// The CloudTrail service's own recording and input rules: records of trail calls carry no
// `resources` (Event history still lists the trail), CloudTrail's own exceptions for inputs the
// model would reject generically, and which trails DescribeTrails counts as shadows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { buildEvent } from '../../records/record.js';
import type { RecordingRules } from '../../records/rules.js';
import { cloudtrailRecording } from './index.js';
import { precheckTrails } from './trails-service.js';
import { isShadow } from './trails-store.js';
import type { TrailDoc } from './trails-model.js';

const code = (op: string, input: Record<string, unknown>) => { try { precheckTrails(op, input); return 'ok'; } catch (e) { return (e as AwsError).code; } };
const ACCT = '123456789012';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/audit`;

function recordOf(rules: RecordingRules, opName: string, input: Record<string, unknown>, output: Record<string, unknown>) {
  return buildEvent({
    model: loadModel('cloudtrail'), rules, opName, input, output,
    principal: { type: 'IAMUser', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/admin`, userName: 'admin', userId: 'AIDAEXAMPLE', accessKeyId: 'AKIAEXAMPLE' },
    recipientAccountId: ACCT, signedRegion: 'us-east-1', eventTime: new Date('2024-07-31T12:46:41Z'), requestId: 'r', eventId: 'e',
    sourceIp: '127.0.0.1', userAgent: 'test', resources: [{ type: 'AWS::CloudTrail::Trail', arn: ARN }],
  });
}

test('trail records list no resources, as real StopLogging/DeleteTrail/PutEventSelectors records; Event history keeps the trail', () => {
  for (const rules of [cloudtrailRecording]) {
    const e = recordOf(rules, 'StopLogging', { Name: 'audit' }, {});
    const record = JSON.parse(e.record) as Record<string, unknown>;
    assert.equal('resources' in record, false);
    assert.deepEqual(record.requestParameters, { name: 'audit' });
    assert.equal(record.responseElements, null);
    assert.deepEqual(e.resources, [{ type: 'AWS::CloudTrail::Trail', name: ARN }]);
  }
  const put = JSON.parse(recordOf(cloudtrailRecording, 'PutEventSelectors', { TrailName: 'audit', EventSelectors: [{ ReadWriteType: 'ReadOnly' }] },
    { TrailARN: ARN, EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] }).record);
  assert.deepEqual(put.responseElements, { trailARN: ARN, eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] });
});

test('DescribeTrails logs the defaults CloudTrail applied, never null', () => {
  const params = (input: Record<string, unknown>) => JSON.parse(recordOf(cloudtrailRecording, 'DescribeTrails', input, { trailList: [] }).record).requestParameters;
  assert.deepEqual(params({}), { trailNameList: [], includeShadowTrails: true }, '`aws cloudtrail describe-trails` with no arguments');
  assert.deepEqual(params({ trailNameList: ['audit'], includeShadowTrails: false }), { trailNameList: ['audit'], includeShadowTrails: false });
  assert.deepEqual(params({ trailNameList: [ARN] }), { trailNameList: [ARN], includeShadowTrails: true });
});

test('bad Insights types and categories are InvalidInsightSelectorsException', () => {
  assert.equal(code('PutInsightSelectors', { TrailName: 'audit', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }, { InsightType: 'ApiErrorRateInsight', EventCategories: ['Management', 'Data'] }] }), 'ok');
  assert.equal(code('PutInsightSelectors', { TrailName: 'audit', InsightSelectors: [{ InsightType: 'Bogus' }] }), 'InvalidInsightSelectorsException');
  assert.equal(code('PutInsightSelectors', { TrailName: 'audit', InsightSelectors: [{ InsightType: 'ApiCallRateInsight', EventCategories: ['Insight'] }] }), 'InvalidInsightSelectorsException');
  assert.equal(code('PutInsightSelectors', { TrailName: 'audit', InsightSelectors: [] }), 'ok');
});

test('over-long tag keys and values are InvalidTagParameterException on AddTags, RemoveTags and CreateTrail', () => {
  for (const op of ['AddTags', 'RemoveTags', 'CreateTrail']) {
    assert.equal(code(op, { TagsList: [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }] }), 'ok', op);
    assert.equal(code(op, { TagsList: [{ Key: 'k'.repeat(129) }] }), 'InvalidTagParameterException', op);
    assert.equal(code(op, { TagsList: [{ Key: 'k', Value: 'v'.repeat(257) }] }), 'InvalidTagParameterException', op);
  }
  assert.equal(code('AddTags', { TagsList: [{ Key: 'é'.repeat(128) }] }), 'ok', 'lengths count characters, not bytes');
});

test('shadow trails: multi-region trails outside their home region and organization trails in member accounts', () => {
  const t = (over: Partial<TrailDoc>) => ({ accountId: ACCT, homeRegion: 'us-east-1', isMultiRegionTrail: false, ...over }) as TrailDoc;
  const west = { accountId: ACCT, region: 'us-west-2' };
  assert.equal(isShadow(t({ isMultiRegionTrail: true }), west), true);
  assert.equal(isShadow(t({ isMultiRegionTrail: true }), { accountId: ACCT, region: 'us-east-1' }), false);
  assert.equal(isShadow(t({}), west), false, 'a single-region trail named by ARN from elsewhere is the trail itself');
  assert.equal(isShadow(t({ accountId: '210987654321', isOrganizationTrail: true }), { accountId: ACCT, region: 'us-east-1' }), true);
});
