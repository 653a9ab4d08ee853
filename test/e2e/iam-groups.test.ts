// End-to-end with the AWS CLI: a group's managed policy reaches its member (and leaves with it),
// a group with members cannot be deleted, CreateLoginProfile is recorded without the password,
// instance profiles hold on to their role, and the account-wide listings see all of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createRole, lookup, type KeyPair } from './core-fixtures.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const PASSWORD = 'Grp-E2e-Passw0rd!';

describe('IAM groups, login profiles and instance profiles through the AWS CLI', () => {
  let srv: TestServer;
  let acct: string;
  let dev: KeyPair;

  before(async () => {
    srv = await startTestServer();
    acct = srv.admin.accountId;
  });
  after(async () => { await srv?.stop(); });

  test('a member gets the group\'s ReadOnlyAccess and loses it when removed; delete-group conflicts meanwhile', async () => {
    assert.equal((await srv.aws(['iam', 'create-group', '--group-name', 'readers'])).code, 0);
    const attach = await srv.aws(['iam', 'attach-group-policy', '--group-name', 'readers', '--policy-arn', READ_ONLY]);
    assert.equal(attach.code, 0, attach.stderr);
    assert.equal((await srv.aws(['iam', 'create-user', '--user-name', 'dev'])).code, 0);
    const key = await srv.aws(['iam', 'create-access-key', '--user-name', 'dev']);
    assert.equal(key.code, 0, key.stderr);
    dev = { accessKeyId: key.json.AccessKey.AccessKeyId, secretAccessKey: key.json.AccessKey.SecretAccessKey };
    const add = await srv.aws(['iam', 'add-user-to-group', '--group-name', 'readers', '--user-name', 'dev']);
    assert.equal(add.code, 0, add.stderr);

    const listed = await srv.aws(['iam', 'list-users'], { creds: dev });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.json.Users.some((u: { UserName: string }) => u.UserName === 'dev'));
    const denied = await srv.aws(['iam', 'create-user', '--user-name', 'sneaky'], { creds: dev });
    assert.equal(cliErrorCode(denied), 'AccessDenied', denied.stderr);
    assert.ok(denied.stderr.includes(`User: arn:aws:iam::${acct}:user/dev is not authorized to perform: iam:CreateUser`), denied.stderr);

    const group = await srv.aws(['iam', 'get-group', '--group-name', 'readers']);
    assert.equal(group.code, 0, group.stderr);
    assert.equal(group.json.Group.Arn, `arn:aws:iam::${acct}:group/readers`);
    assert.deepEqual(group.json.Users.map((u: { UserName: string }) => u.UserName), ['dev']);
    const conflict = await srv.aws(['iam', 'delete-group', '--group-name', 'readers']);
    assert.equal(cliErrorCode(conflict), 'DeleteConflict', conflict.stderr);
    assert.match(conflict.stderr, /must remove users from group first/);

    assert.equal((await srv.aws(['iam', 'remove-user-from-group', '--group-name', 'readers', '--user-name', 'dev'])).code, 0);
    const after = await srv.aws(['iam', 'list-users'], { creds: dev });
    assert.equal(cliErrorCode(after), 'AccessDenied', after.stderr);
  });

  test('list-entities-for-policy and get-account-authorization-details see the group', async () => {
    const entities = await srv.aws(['iam', 'list-entities-for-policy', '--policy-arn', READ_ONLY]);
    assert.equal(entities.code, 0, entities.stderr);
    assert.deepEqual(entities.json.PolicyGroups.map((g: { GroupName: string }) => g.GroupName), ['readers']);
    assert.deepEqual(entities.json.PolicyUsers, []);
    const details = await srv.aws(['iam', 'get-account-authorization-details', '--filter', 'Group', 'AWSManagedPolicy']);
    assert.equal(details.code, 0, details.stderr);
    const readers = details.json.GroupDetailList.find((g: { GroupName: string }) => g.GroupName === 'readers');
    assert.deepEqual(readers?.AttachedManagedPolicies, [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
    assert.deepEqual(details.json.UserDetailList, []);
    const ro = details.json.Policies.find((p: { Arn: string }) => p.Arn === READ_ONLY);
    // The CLI decodes the URL-encoded document back into JSON.
    assert.equal(ro?.PolicyVersionList[0].Document.Version, '2012-10-17');
  });

  test('create-login-profile answers and records no password; list-mfa-devices is empty', async () => {
    const created = await srv.aws(['iam', 'create-login-profile', '--user-name', 'dev', '--password', PASSWORD, '--password-reset-required']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.LoginProfile.UserName, 'dev');
    assert.equal(created.json.LoginProfile.PasswordResetRequired, true);
    assert.ok(!created.stdout.includes(PASSWORD));
    const weak = await srv.aws(['iam', 'update-login-profile', '--user-name', 'dev', '--password', 'weak']);
    assert.equal(cliErrorCode(weak), 'PasswordPolicyViolation', weak.stderr);

    const events = await lookup(srv, ['EventName', 'CreateLoginProfile']);
    assert.equal(events.length, 1);
    const record = events[0].record;
    assert.deepEqual(record.requestParameters, { userName: 'dev', passwordResetRequired: true });
    assert.equal((record.responseElements as { loginProfile: { userName: string } }).loginProfile.userName, 'dev');
    assert.equal(record.readOnly, false);
    assert.ok(!events[0].CloudTrailEvent.includes(PASSWORD) && !events[0].CloudTrailEvent.includes('HIDDEN'));

    const mfa = await srv.aws(['iam', 'list-mfa-devices', '--user-name', 'dev']);
    assert.equal(mfa.code, 0, mfa.stderr);
    assert.deepEqual(mfa.json.MFADevices, []);
  });

  test('a role in an instance profile cannot be deleted', async () => {
    await createRole(srv, 'web', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const profile = await srv.aws(['iam', 'create-instance-profile', '--instance-profile-name', 'web-profile']);
    assert.equal(profile.code, 0, profile.stderr);
    assert.equal(profile.json.InstanceProfile.Arn, `arn:aws:iam::${acct}:instance-profile/web-profile`);
    const add = await srv.aws(['iam', 'add-role-to-instance-profile', '--instance-profile-name', 'web-profile', '--role-name', 'web']);
    assert.equal(add.code, 0, add.stderr);
    const del = await srv.aws(['iam', 'delete-role', '--role-name', 'web']);
    assert.equal(cliErrorCode(del), 'DeleteConflict', del.stderr);
    assert.match(del.stderr, /must remove roles from instance profile first/);
  });
});
