// The CloudTrail records of IAM calls, built by the real recorder from real handler output:
// IAM's date format, secrets never logged, documents raw in requests and encoded in responses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../protocol/model.js';
import { buildEvent } from '../../records/record.js';
import type { StoredEvent } from '../../storage/event-store.js';
import { formatIamDate, iamRecording } from './recording.js';
import { iamTestbed, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

interface LoggedRecord {
  awsRegion: string;
  eventSource: string;
  readOnly: boolean;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, Record<string, unknown>> | null;
  resources?: { type: string; ARN: string }[];
}

/** Runs an operation and returns the record the recorder makes of it, signed for eu-west-1. */
async function recordOf(op: string, input: Record<string, unknown>): Promise<{ record: LoggedRecord; text: string; output: Record<string, unknown>; event: StoredEvent }> {
  const ctx = tb.ctx();
  const output = ((await tb.handlers[op](input, ctx)) ?? {}) as Record<string, unknown>;
  const event = buildEvent({
    model: loadModel('iam'), rules: iamRecording, opName: op, input, output, principal: tb.admin, recipientAccountId: tb.accountId,
    signedRegion: 'eu-west-1', eventTime: new Date(), requestId: 'r', eventId: 'e', sourceIp: '127.0.0.1', userAgent: 'test', resources: ctx.resources,
  });
  return { record: JSON.parse(event.record) as LoggedRecord, text: event.record, output, event };
}

test('formatIamDate prints the Java form IAM records use, with no comma after the year', () => {
  assert.equal(formatIamDate(new Date('2024-08-01T13:33:28Z')), 'Aug 1, 2024 1:33:28 PM');
  assert.equal(formatIamDate(new Date('2024-07-30T21:53:13Z')), 'Jul 30, 2024 9:53:13 PM');
  assert.equal(formatIamDate(new Date('2025-01-05T00:05:09Z')), 'Jan 5, 2025 12:05:09 AM');
  assert.equal(formatIamDate(new Date('2025-12-31T12:00:00Z')), 'Dec 31, 2025 12:00:00 PM');
});

test('CreateUser: camelCase user with IAM date and tags, recorded in us-east-1', async () => {
  const { record, output, event } = await recordOf('CreateUser', { UserName: 'rec', Tags: [{ Key: 'k', Value: 'v' }] });
  const user = (output.User as { CreateDate: Date; UserId: string; Arn: string });
  assert.equal(record.awsRegion, 'us-east-1');
  assert.equal(record.eventSource, 'iam.amazonaws.com');
  assert.deepEqual(record.requestParameters, { userName: 'rec', tags: [{ key: 'k', value: 'v' }] });
  assert.deepEqual(record.responseElements, {
    user: { path: '/', userName: 'rec', userId: user.UserId, arn: user.Arn, createDate: formatIamDate(user.CreateDate), tags: [{ key: 'k', value: 'v' }] },
  });
  // Real IAM records list no resources; Event history (the stored event) still does.
  assert.equal(record.resources, undefined);
  assert.deepEqual(event.resources.map((r) => r.type), ['AWS::IAM::User']);
});

test('CreateAccessKey never logs the secret', async () => {
  const { record, text, output } = await recordOf('CreateAccessKey', { UserName: 'rec' });
  const key = output.AccessKey as { AccessKeyId: string; SecretAccessKey: string; CreateDate: Date };
  assert.deepEqual(record.responseElements, {
    accessKey: { userName: 'rec', accessKeyId: key.AccessKeyId, status: 'Active', createDate: formatIamDate(key.CreateDate) },
  });
  assert.ok(!text.includes(key.SecretAccessKey));
  assert.ok(!text.toLowerCase().includes('secret'));
});

test('CreateRole: the trust policy raw in the request, URL-encoded in the response; boundary type "Policy"', async () => {
  const trust = TRUST_ACCOUNT(tb.accountId);
  const { record } = await recordOf('CreateRole', { RoleName: 'rec-role', AssumeRolePolicyDocument: trust, PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.equal(record.requestParameters?.assumeRolePolicyDocument, trust);
  assert.equal(record.requestParameters?.permissionsBoundary, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  const role = record.responseElements?.role;
  assert.ok(role);
  assert.equal(role.assumeRolePolicyDocument, encodeURIComponent(trust));
  assert.ok(String(role.assumeRolePolicyDocument).startsWith('%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C'));
  assert.deepEqual(role.permissionsBoundary, { permissionsBoundaryType: 'Policy', permissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.match(String(role.createDate), /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
  assert.match(String(role.roleId), /^AROA/);
});

test('CreatePolicy logs the policy with IAM dates; reads and output-less writes log null', async () => {
  const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  const created = await recordOf('CreatePolicy', { PolicyName: 'rec-policy', PolicyDocument: doc });
  assert.equal(created.record.requestParameters?.policyDocument, doc);
  const policy = created.record.responseElements?.policy;
  assert.equal(policy?.policyName, 'rec-policy');
  assert.equal(policy?.defaultVersionId, 'v1');
  assert.match(String(policy?.createDate), / [AP]M$/);
  const read = await recordOf('GetUser', { UserName: 'rec' });
  assert.equal(read.record.readOnly, true);
  assert.equal(read.record.responseElements, null);
  const attach = await recordOf('AttachUserPolicy', { UserName: 'rec', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.equal(attach.record.responseElements, null);
  assert.deepEqual(attach.record.requestParameters, { userName: 'rec', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  const update = await recordOf('UpdateRole', { RoleName: 'rec-role', Description: 'd' });
  assert.equal(update.record.responseElements, null);
});

test('CreateLoginProfile logs no password at all, not even masked', () => {
  const event = buildEvent({
    model: loadModel('iam'), rules: iamRecording, opName: 'CreateLoginProfile',
    input: { UserName: 'rec', Password: 'hunter2-Secret!', PasswordResetRequired: false },
    output: { LoginProfile: { UserName: 'rec', CreateDate: new Date('2024-08-01T13:42:21Z'), PasswordResetRequired: false } },
    principal: tb.admin, recipientAccountId: tb.accountId, signedRegion: 'us-east-1', eventTime: new Date(), requestId: 'r', eventId: 'e',
    sourceIp: '127.0.0.1', userAgent: 'test', resources: [],
  });
  const record = JSON.parse(event.record) as LoggedRecord;
  assert.deepEqual(record.requestParameters, { userName: 'rec', passwordResetRequired: false });
  assert.deepEqual(record.responseElements, { loginProfile: { userName: 'rec', createDate: 'Aug 1, 2024 1:42:21 PM', passwordResetRequired: false } });
  assert.ok(!event.record.includes('hunter2'));
  assert.ok(!event.record.includes('HIDDEN'));
});

test('groups, login profiles and instance profiles: real handler output recorded as IAM does', async () => {
  const group = await recordOf('CreateGroup', { GroupName: 'rec-group' });
  const g = group.output.Group as { GroupId: string; Arn: string; CreateDate: Date };
  assert.deepEqual(group.record.responseElements, {
    group: { path: '/', groupName: 'rec-group', groupId: g.GroupId, arn: g.Arn, createDate: formatIamDate(g.CreateDate) },
  });
  const add = await recordOf('AddUserToGroup', { GroupName: 'rec-group', UserName: 'rec' });
  assert.deepEqual(add.record.requestParameters, { groupName: 'rec-group', userName: 'rec' });
  assert.equal(add.record.responseElements, null);
  assert.equal(add.record.readOnly, false);
  const login = await recordOf('CreateLoginProfile', { UserName: 'rec', Password: 'Real-Handler-Pass9', PasswordResetRequired: true });
  assert.deepEqual(login.record.requestParameters, { userName: 'rec', passwordResetRequired: true });
  assert.ok(!login.text.includes('Real-Handler-Pass9') && !login.text.includes('scrypt'));
  const update = await recordOf('UpdateLoginProfile', { UserName: 'rec', Password: 'Next-Handler-Pass9' });
  assert.deepEqual(update.record.requestParameters, { userName: 'rec' });
  assert.equal(update.record.responseElements, null);
  const profile = await recordOf('CreateInstanceProfile', { InstanceProfileName: 'rec-ip' });
  assert.deepEqual(profile.record.responseElements?.instanceProfile.roles, []);
  for (const [op, input] of [
    ['GetGroup', { GroupName: 'rec-group' }], ['ListGroupsForUser', { UserName: 'rec' }], ['GetLoginProfile', { UserName: 'rec' }],
    ['GetAccountAuthorizationDetails', {}], ['ListMFADevices', { UserName: 'rec' }], ['ListInstanceProfiles', {}],
    ['ListEntitiesForPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
  ] as const) {
    const read = await recordOf(op, input);
    assert.equal(read.record.readOnly, true, op);
    assert.equal(read.record.responseElements, null, op);
  }
});
