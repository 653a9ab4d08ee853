// End-to-end with the AWS CLI: permissions boundaries enforced (and the refusal recorded as AWS
// words it), GetSessionToken credentials recorded as an IAMUser with a sessionContext and refused
// by IAM and by a second GetSessionToken, and role chaining capped at one hour.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createRole, lookupAllSdk, type KeyPair } from './core-fixtures.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

function credsOf(json: { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }): KeyPair {
  const c = json.Credentials;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

describe('qa: IAM boundaries, session tokens, role chaining', () => {
  let srv: TestServer;
  let acct: string;

  before(async () => {
    srv = await startTestServer();
    acct = srv.admin.accountId;
  });
  after(async () => { await srv?.stop(); });

  test('a permissions boundary caps an administrator; the refusal names the boundary and is recorded', async () => {
    assert.equal((await srv.aws(['iam', 'create-user', '--user-name', 'bounded'])).code, 0);
    assert.equal((await srv.aws(['iam', 'attach-user-policy', '--user-name', 'bounded', '--policy-arn', ADMIN])).code, 0);
    const key = await srv.aws(['iam', 'create-access-key', '--user-name', 'bounded']);
    assert.equal(key.code, 0, key.stderr);
    const bounded = { accessKeyId: key.json.AccessKey.AccessKeyId, secretAccessKey: key.json.AccessKey.SecretAccessKey };
    const put = await srv.aws(['iam', 'put-user-permissions-boundary', '--user-name', 'bounded', '--permissions-boundary', READ_ONLY]);
    assert.equal(put.code, 0, put.stderr);

    const denied = await srv.aws(['iam', 'create-user', '--user-name', 'escalated'], { creds: bounded });
    assert.equal(cliErrorCode(denied), 'AccessDenied');
    const message = `User: arn:aws:iam::${acct}:user/bounded is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${acct}:user/escalated because no permissions boundary allows the iam:CreateUser action`;
    assert.ok(denied.stderr.includes(message), denied.stderr);
    // Inside the boundary the user keeps its permissions (get-user without a name: the caller).
    const me = await srv.aws(['iam', 'get-user'], { creds: bounded });
    assert.equal(me.code, 0, me.stderr);
    assert.equal(me.json.User.PermissionsBoundary.PermissionsBoundaryArn, READ_ONLY);

    const events = await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bounded' }] });
    const refused = events.find((e) => e.EventName === 'CreateUser');
    assert.ok(refused, 'the refused CreateUser is in Event history');
    assert.equal(refused.record.errorCode, 'AccessDenied');
    assert.equal(refused.record.errorMessage, message);
    assert.equal(refused.record.requestParameters, null);
    assert.equal(refused.record.responseElements, null);
  });

  test('GetSessionToken credentials: recorded as IAMUser with sessionContext; IAM and a second token refuse them', async () => {
    const issued = await srv.aws(['sts', 'get-session-token', '--duration-seconds', '900']);
    assert.equal(issued.code, 0, issued.stderr);
    const session = credsOf(issued.json);
    const who = await srv.aws(['sts', 'get-caller-identity'], { creds: session });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.json.Arn, `arn:aws:iam::${acct}:user/admin`);

    const iam = await srv.aws(['iam', 'list-users'], { creds: session });
    assert.equal(cliErrorCode(iam), 'InvalidClientTokenId', iam.stderr);
    const again = await srv.aws(['sts', 'get-session-token'], { creds: session });
    assert.equal(cliErrorCode(again), 'AccessDenied');
    assert.match(again.stderr, /Cannot call GetSessionToken with session credentials/);

    const mine = await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: session.accessKeyId }] });
    const call = mine.find((e) => e.EventName === 'GetCallerIdentity');
    assert.ok(call, 'the session\'s call is found by its ASIA key');
    const issue = (await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSessionToken' }] }))
      .find((e) => (e.record.responseElements as { credentials?: { accessKeyId?: string } } | null)?.credentials?.accessKeyId === session.accessKeyId);
    assert.ok(issue, 'the GetSessionToken record names the key it issued');
    const id = call.record.userIdentity as Record<string, unknown>;
    assert.deepEqual(id, {
      type: 'IAMUser', principalId: (issue.record.userIdentity as { principalId: string }).principalId, arn: `arn:aws:iam::${acct}:user/admin`,
      accountId: acct, accessKeyId: session.accessKeyId, userName: 'admin',
      sessionContext: { attributes: { creationDate: issue.record.eventTime, mfaAuthenticated: 'false' } },
    });
    assert.deepEqual(Object.keys(id), ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName', 'sessionContext']);
  });

  test('role chaining: a role session cannot ask for more than one hour, even from a 12-hour role', async () => {
    const role = await createRole(srv, 'long-lived', {
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }],
    }, { chain: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) }, 43200);
    const first = await srv.aws(['sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', 'first', '--duration-seconds', '7200']);
    assert.equal(first.code, 0, first.stderr);
    const chained = await srv.aws(['sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', 'second', '--duration-seconds', '7200'], { creds: credsOf(first.json) });
    assert.equal(cliErrorCode(chained), 'ValidationError');
    assert.match(chained.stderr, /exceeds the 1 hour session limit for roles assumed by role chaining/);
  });
});
