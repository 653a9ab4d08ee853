// EC2's record style beyond what the real samples show (samples.test.ts in services/backend runs
// every real EC2 record): several list items, answers with dates, secrets, server faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../common/principal.js';
import { AwsError } from '../protocol/errors.js';
import { loadModel } from '../protocol/model.js';
import { buildEvent, type FinishedCall } from './record.js';
import { ec2Rules, loadClassicOperations } from './ec2-records.js';

const ACCOUNT = '111111111111';
const user: Principal = {
  type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice',
  userId: 'AIDAEXAMPLEEXAMPLE01', accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
};
const model = loadModel('ec2');
const rules = { eventSource: 'ec2.amazonaws.com', ...ec2Rules() };
const REQUEST_ID = '0c9bbf8a-a6f6-4e64-8396-78017a647f26';

function recordOf(c: Pick<FinishedCall, 'opName'> & Partial<FinishedCall>): Record<string, unknown> {
  const call: FinishedCall = {
    model, rules, input: {}, principal: user, recipientAccountId: ACCOUNT, signedRegion: 'us-east-1',
    eventTime: new Date('2024-08-01T13:33:28Z'), requestId: REQUEST_ID, eventId: 'e', sourceIp: '0.0.0.0', userAgent: 'aws-cli', resources: [], ...c,
  };
  return JSON.parse(buildEvent(call).record) as Record<string, unknown>;
}

test('the 2015 API decides the style: its operations are classic, later ones echo the wire', () => {
  const classic = loadClassicOperations();
  assert.equal(classic.has('RunInstances'), true);
  assert.equal(classic.has('DescribeInstances'), true);
  assert.equal(classic.has('DeleteFlowLogs'), false);
  assert.equal(classic.has('EnableSerialConsoleAccess'), false);
});

test('RunInstances: first parameters in instancesSet, group ids in groupSet, tags as a plain array, user data removed, defaults added', () => {
  const r = recordOf({
    opName: 'RunInstances',
    input: { ImageId: 'ami-1', MinCount: 1, MaxCount: 2, InstanceType: 't3.micro', SecurityGroupIds: ['sg-1', 'sg-2'], UserData: 'cGFzc3dvcmQ9aHVudGVyMg==',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }] },
    output: { ReservationId: 'r-1', OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-1', LaunchTime: new Date('2024-08-01T13:33:29Z') }] },
  });
  assert.deepEqual(r.requestParameters, {
    instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 2 }] },
    instanceType: 't3.micro',
    groupSet: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] },
    userData: '<sensitiveDataRemoved>',
    tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: 'web' }] }] },
    blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false, disableApiStop: false,
  });
  // Classic answers carry the requestId and write dates as epoch milliseconds.
  assert.deepEqual(r.responseElements, {
    requestId: REQUEST_ID, reservationId: 'r-1', ownerId: ACCOUNT, instancesSet: { items: [{ instanceId: 'i-1', launchTime: 1722519209000 }] },
  });
  assert.equal(JSON.stringify(r).includes('cGFzc3dvcmQ9aHVudGVyMg'), false);
});

test('a classic Describe call logs absent lists as {} and no answer; a classic call without an answer of its own logs _return', () => {
  const d = recordOf({ opName: 'DescribeVolumes', input: { MaxResults: 10 }, output: { Volumes: [] } });
  assert.deepEqual(d.requestParameters, { volumeSet: {}, filterSet: {}, maxResults: 10 });
  assert.equal(d.responseElements, null);
  assert.equal(d.readOnly, true);
  const m = recordOf({ opName: 'ModifySnapshotAttribute', input: { SnapshotId: 'snap-1', Attribute: 'createVolumePermission', OperationType: 'add', UserIds: ['222222222222'] }, output: {} });
  assert.deepEqual(m.requestParameters, { snapshotId: 'snap-1', attributeType: 'CREATE_VOLUME_PERMISSION', operationType: 'add', userIdSet: { items: [{ userId: '222222222222' }] } });
  assert.deepEqual(m.responseElements, { requestId: REQUEST_ID, _return: true });
});

test('later operations echo the request: several items as an array of {content, tag}, nothing as ""', () => {
  const r = recordOf({
    opName: 'DeleteFlowLogs', input: { FlowLogIds: ['fl-1', 'fl-2'] },
    output: { Unsuccessful: [{ ResourceId: 'fl-2', Error: { Code: 'InvalidFlowLogId.NotFound', Message: 'gone' } }] },
  });
  assert.deepEqual(r.requestParameters, { DeleteFlowLogsRequest: { FlowLogId: [{ content: 'fl-1', tag: 1 }, { content: 'fl-2', tag: 2 }] } });
  assert.deepEqual(r.responseElements, { DeleteFlowLogsResponse: {
    xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', requestId: REQUEST_ID,
    unsuccessful: { item: { resourceId: 'fl-2', error: { code: 'InvalidFlowLogId.NotFound', message: 'gone' } } },
  } });
  const e = recordOf({ opName: 'EnableSerialConsoleAccess', input: {}, output: { SerialConsoleAccessEnabled: true } });
  assert.deepEqual(e.requestParameters, { EnableSerialConsoleAccessRequest: '' });
  assert.deepEqual(e.responseElements, { EnableSerialConsoleAccessResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', requestId: REQUEST_ID, serialConsoleAccessEnabled: true } });
});

test('a refusal keeps its parameters and is Client.UnauthorizedOperation; faults of the service are Server.<code>', () => {
  const denied = recordOf({ opName: 'StartInstances', input: { InstanceIds: ['i-1'] },
    error: new AwsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403) });
  assert.equal(denied.errorCode, 'Client.UnauthorizedOperation');
  assert.deepEqual(denied.requestParameters, { instancesSet: { items: [{ instanceId: 'i-1' }] } });
  assert.equal(denied.responseElements, null);
  const down = recordOf({ opName: 'StopInstances', input: { InstanceIds: ['i-1'] }, error: new AwsError('ServiceUnavailable', 'backend down', 503) });
  assert.equal(down.errorCode, 'Server.ServiceUnavailable');
  assert.deepEqual(down.requestParameters, { instancesSet: { items: [{ instanceId: 'i-1' }] }, force: false });
  // Without an explicit status, the common table decides: InternalError is the service's fault.
  assert.equal(recordOf({ opName: 'DescribeRegions', error: new AwsError('InternalError', 'x') }).errorCode, 'Server.InternalError');
  assert.equal(recordOf({ opName: 'DescribeRegions', error: new AwsError('InvalidParameterValue', 'x') }).errorCode, 'Client.InvalidParameterValue');
});
