// The recorder against the shapes of real CloudTrail records (public samples in
// /work/shared/data/cloudtrail-samples, trimmed to the fields each test checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../common/principal.js';
import { AwsError } from '../protocol/errors.js';
import { loadModel } from '../protocol/model.js';
import type { RecordingRules } from './rules.js';
import { s3Model } from '../services/s3/model.js';
import { S3_PREFIX_RESOURCES, s3Recording } from '../services/s3/recording.js';
import { snsRecording } from '../services/sns/recording.js';
import { buildEvent, buildEvents, isRefusal, type FinishedCall } from './record.js';

const ACCOUNT = '111111111111';
const user: Principal = {
  type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/TrailDiscover`, userName: 'TrailDiscover',
  userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};

function recordOf(c: Partial<FinishedCall> & Pick<FinishedCall, 'model' | 'rules' | 'opName'>): Record<string, unknown> {
  const call: FinishedCall = {
    input: {}, principal: user, recipientAccountId: ACCOUNT, signedRegion: 'us-east-1', eventTime: new Date('2024-08-01T13:33:28Z'),
    requestId: '6c2bda5a-9b49-539a-a264-856126ff88be', eventId: 'e', sourceIp: '0.0.0.0', userAgent: 'aws-cli', resources: [], ...c,
  };
  return JSON.parse(buildEvent(call).record) as Record<string, unknown>;
}

test('an SNS authorization refusal is recorded as AccessDenied with no parameters, as real SNS records are', () => {
  // Real (traildiscover ListTopics / GetSMSAttributes): errorCode "AccessDenied", requestParameters null.
  const r = recordOf({
    model: loadModel('sns'), rules: snsRecording, opName: 'ListTopics', input: { NextToken: 'x' },
    error: new AwsError('AuthorizationError', 'User: arn:aws:iam::111111111111:user/TrailDiscover is not authorized to perform: SNS:ListTopics'),
  });
  assert.equal(r.errorCode, 'AccessDenied');
  assert.equal(r.requestParameters, null);
  assert.equal(r.responseElements, null);
  assert.equal(r.readOnly, true);
});

test('refusals are told apart from other failures, which keep their shape name and parameters', () => {
  for (const code of ['AccessDenied', 'AccessDeniedException', 'AuthorizationError']) assert.equal(isRefusal(code), true, code);
  assert.equal(isRefusal('NotFound'), false);
  const r = recordOf({ model: loadModel('sns'), rules: snsRecording, opName: 'GetTopicAttributes', input: { TopicArn: 'arn:aws:sns:us-east-1:111111111111:t' },
    error: new AwsError('NotFound', 'Topic does not exist') });
  assert.equal(r.errorCode, 'NotFoundException');
  assert.deepEqual(r.requestParameters, { topicArn: 'arn:aws:sns:us-east-1:111111111111:t' });
});

test('S3 data events: the object has no accountId, the bucket has its owner (real GetObject record)', () => {
  const r = recordOf({
    model: s3Model(), rules: s3Recording(s3Model()), opName: 'GetObject', input: { Bucket: 'b', Key: 'ring.txt', Host: 'b.s3.amazonaws.com' },
    output: {}, resources: [{ type: 'AWS::S3::Object', arn: 'arn:aws:s3:::b/ring.txt' }, { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::b', accountId: '123456789123' }],
  });
  assert.deepEqual(r.resources, [
    { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/ring.txt' },
    { accountId: '123456789123', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' },
  ]);
  assert.equal(r.eventCategory, 'Data');
});

test('S3 listings name the key prefix as ARNPrefix (real ListObjects record) when the rules ask for it', () => {
  const rules = { ...s3Recording(s3Model()), prefixResources: S3_PREFIX_RESOURCES };
  for (const opName of ['ListObjectsV2', 'ListObjects']) {
    const r = recordOf({
      model: s3Model(), rules, opName, input: { Bucket: 'b', Prefix: '', Host: 'b.s3.amazonaws.com' }, output: {},
      resources: [{ type: 'AWS::S3::Object', arn: 'arn:aws:s3:::b/' }, { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::b', accountId: ACCOUNT }],
    });
    assert.equal(r.eventName, 'ListObjects');
    assert.deepEqual(r.resources, [{ type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::b/' }, { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' }]);
  }
});

test('resources take the account from their ARN when the service names none (AssumeRole into another account)', () => {
  const rules: RecordingRules = { eventSource: 'sts.amazonaws.com', readOnly: ['AssumeRole'] };
  const r = recordOf({ model: loadModel('sts'), rules, opName: 'AssumeRole', input: { RoleArn: 'arn:aws:iam::222222222222:role/x', RoleSessionName: 's' },
    output: {}, resources: [{ type: 'AWS::IAM::Role', arn: 'arn:aws:iam::222222222222:role/x' }] });
  assert.deepEqual(r.resources, [{ accountId: '222222222222', type: 'AWS::IAM::Role', ARN: 'arn:aws:iam::222222222222:role/x' }]);
});

test('top-level keys come in CloudTrail order, errors before requestParameters', () => {
  const r = recordOf({ model: loadModel('sns'), rules: snsRecording, opName: 'ListTopics', error: new AwsError('AuthorizationError', 'no') });
  assert.deepEqual(Object.keys(r), ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
    'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'managementEvent',
    'recipientAccountId', 'eventCategory']);
});

function callOf(c: Partial<FinishedCall> & Pick<FinishedCall, 'model' | 'rules' | 'opName'>): FinishedCall {
  return {
    input: {}, principal: user, recipientAccountId: ACCOUNT, signedRegion: 'us-east-1', eventTime: new Date('2024-08-01T13:33:28Z'),
    requestId: 'req-1', eventId: 'caller-event', sourceIp: '0.0.0.0', userAgent: 'aws-cli', resources: [], ...c,
  };
}

function countingIds(): { sharedEventId(): string; eventId(): string } {
  let n = 0;
  return { sharedEventId: () => `shared-${++n}`, eventId: () => `copy-${++n}` };
}

test('a call on another account\'s resource is recorded in both accounts: same sharedEventID, own eventID and recipient', () => {
  const OWNER = '222222222222';
  const role = `arn:aws:iam::${OWNER}:role/chatops`;
  const events = buildEvents(callOf({
    model: loadModel('sts'), rules: { eventSource: 'sts.amazonaws.com', readOnly: ['AssumeRole'] }, opName: 'AssumeRole',
    input: { RoleArn: role, RoleSessionName: 's' }, output: {}, resources: [{ type: 'AWS::IAM::Role', arn: role, accountId: OWNER }],
  }), countingIds());
  assert.deepEqual(events.map((e) => e.accountId), [ACCOUNT, OWNER]);
  const [mine, theirs] = events.map((e) => JSON.parse(e.record) as Record<string, unknown>);
  assert.equal(mine.recipientAccountId, ACCOUNT);
  assert.equal(theirs.recipientAccountId, OWNER);
  assert.equal(mine.sharedEventID, 'shared-1');
  assert.equal(theirs.sharedEventID, 'shared-1');
  assert.deepEqual([mine.eventID, theirs.eventID, events[1].eventId], ['caller-event', 'copy-2', 'copy-2']);
  // The rest is the same record: who called, what, on what.
  for (const k of ['userIdentity', 'eventName', 'requestParameters', 'resources', 'requestID', 'eventTime']) assert.deepEqual(theirs[k], mine[k], k);
  // sharedEventID sits where CloudTrail puts it.
  const keys = Object.keys(theirs);
  assert.equal(keys.indexOf('sharedEventID'), keys.indexOf('recipientAccountId') + 1);
});

test('a call within one account, or on AWS-owned and account-less resources, has one record and no sharedEventID', () => {
  const own = buildEvents(callOf({ model: loadModel('sns'), rules: snsRecording, opName: 'GetTopicAttributes', output: {},
    resources: [{ type: 'AWS::SNS::Topic', arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` }] }), countingIds());
  assert.equal(own.length, 1);
  assert.equal((JSON.parse(own[0].record) as Record<string, unknown>).sharedEventID, undefined);
  const awsOwned = buildEvents(callOf({ model: s3Model(), rules: s3Recording(s3Model()), opName: 'GetObject', output: {},
    resources: [{ type: 'AWS::S3::Object', arn: 'arn:aws:s3:::b/k' }, { type: 'AWS::IAM::Policy', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }), countingIds());
  assert.equal(awsOwned.length, 1);
});

test('each other owner account gets one record, however many of its resources the call touched', () => {
  const events = buildEvents(callOf({ model: s3Model(), rules: s3Recording(s3Model()), opName: 'CopyObject', output: {}, resources: [
    { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::src', accountId: '333333333333' },
    { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::src2', accountId: '333333333333' },
    { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::dst', accountId: '444444444444' },
    { type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::mine', accountId: ACCOUNT },
  ] }), countingIds());
  assert.deepEqual(events.map((e) => e.accountId), [ACCOUNT, '333333333333', '444444444444']);
  assert.equal(new Set(events.map((e) => e.eventId)).size, 3);
});
