// The one table of where a global service's records land, read by the recorder, trail delivery
// and the services that report their global region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../common/principal.js';
import { loadModel } from '../protocol/model.js';
import { iamRecording } from '../services/iam/recording.js';
import { chatbotRecording } from '../services/chatbot/recording.js';
import { buildConsoleSignInEvent, buildEvent } from './record.js';
import { compileFilter } from '../services/cloudtrail/delivery/filter.js';
import { isGlobalServiceEvent, pinnedRegion, recordRegion } from './regions.js';

const ACCOUNT = '111111111111';
const user: Principal = {
  type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/u`, userName: 'u', userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};

test('IAM and Organizations land in us-east-1; Chatbot, sign-in and regional services where called', () => {
  assert.equal(recordRegion('iam.amazonaws.com', 'eu-west-1'), 'us-east-1');
  assert.equal(recordRegion('organizations.amazonaws.com', 'ap-south-1'), 'us-east-1');
  assert.equal(recordRegion('chatbot.amazonaws.com', 'eu-west-1'), 'eu-west-1');
  assert.equal(recordRegion('signin.amazonaws.com', 'eu-west-2'), 'eu-west-2');
  assert.equal(recordRegion('sts.amazonaws.com', 'eu-west-1'), 'eu-west-1', 'STS records are regional');
  assert.equal(recordRegion('s3.amazonaws.com', 'us-west-2'), 'us-west-2');
  assert.equal(pinnedRegion('chatbot.amazonaws.com'), undefined);
  assert.equal(iamRecording.globalRegion, 'us-east-1', 'IAM reports the region the table gives it');
});

test('global service events are the four global services, not STS or regional ones', () => {
  for (const s of ['iam', 'organizations', 'chatbot', 'signin']) assert.equal(isGlobalServiceEvent(`${s}.amazonaws.com`), true, s);
  for (const s of ['sts', 's3', 'sns', 'lambda', 'cloudtrail']) assert.equal(isGlobalServiceEvent(`${s}.amazonaws.com`), false, s);
});

test('the recorder and trail delivery both place records by the table', () => {
  const call = {
    input: {}, principal: user, recipientAccountId: ACCOUNT, eventTime: new Date('2024-08-01T13:33:28Z'),
    requestId: 'r', eventId: 'e', sourceIp: '0.0.0.0', userAgent: 'aws-cli', resources: [],
  };
  const iam = buildEvent({ ...call, model: loadModel('iam'), rules: iamRecording, opName: 'ListUsers', signedRegion: 'eu-west-1' });
  assert.equal(iam.region, 'us-east-1');
  assert.equal((JSON.parse(iam.record) as { awsRegion: string }).awsRegion, 'us-east-1');
  const chatbot = buildEvent({ ...call, model: loadModel('chatbot'), rules: chatbotRecording, opName: 'DescribeSlackChannelConfigurations', signedRegion: 'eu-west-1' });
  assert.equal(chatbot.region, 'eu-west-1');
  const signin = buildConsoleSignInEvent({ principal: user, accountId: ACCOUNT, success: true, region: 'eu-west-2', eventTime: new Date(), eventId: 'e', sourceIp: '0.0.0.0', userAgent: 'x', loginTo: 'https://x/' });
  assert.equal(signin.region, 'eu-west-2');

  // A single-region trail homed in us-west-2 takes global events into its own region's files, or skips them.
  const filter = { accounts: [ACCOUNT], homeRegion: 'us-west-2', multiRegion: false };
  assert.equal(compileFilter({ ...filter, includeGlobal: true })(iam), 'us-west-2');
  assert.equal(compileFilter({ ...filter, includeGlobal: false })(iam), undefined);
  assert.equal(compileFilter({ ...filter, includeGlobal: true })(chatbot), 'us-west-2');
});
