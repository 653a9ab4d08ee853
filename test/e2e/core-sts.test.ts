// End-to-end: STS temporary credentials with the AWS CLI and SDK v3 — AssumeRole (trust policy,
// ExternalId, DurationSeconds, RoleSessionName), GetFederationToken, and IAM policy denials, each
// checked against the record Event history shows (identity, parameters, secrets never logged).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { ALLOW_ALL, byRequestId, createRole, createUser, lookup, lookupAllSdk, type KeyPair } from './core-fixtures.js';
import { formatLoggedDate } from '../../src/records/record.js';

const LOOKUP_AND_WHOAMI = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'sts:GetCallerIdentity'], Resource: '*' }] });

function credsOf(json: { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }): KeyPair {
  const c = json.Credentials;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

describe('core: STS and IAM authorization', () => {
  let srv: TestServer;
  let acct: string;
  let adminArn: string;
  let deploy: { arn: string; roleId: string };
  let onlyBob: { arn: string; roleId: string };

  before(async () => {
    srv = await startTestServer();
    acct = srv.admin.accountId;
    adminArn = `arn:aws:iam::${acct}:user/admin`;
    deploy = await createRole(srv, 'deploy', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-2024' } } }],
    }, { lookup: LOOKUP_AND_WHOAMI }, 3600);
  });
  after(async () => { await srv?.stop(); });

  test('AssumeRole with ExternalId: credentials, the session acts as the role, records as real CloudTrail', async () => {
    const r = await srv.aws(['sts', 'assume-role', '--role-arn', deploy.arn, '--role-session-name', 'ci-run-7', '--external-id', 'ext-2024', '--duration-seconds', '900']);
    assert.equal(r.code, 0, r.stderr);
    const session = credsOf(r.json);
    assert.match(session.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(r.json.AssumedRoleUser.Arn, `arn:aws:sts::${acct}:assumed-role/deploy/ci-run-7`);
    assert.equal(r.json.AssumedRoleUser.AssumedRoleId, `${deploy.roleId}:ci-run-7`);
    const expires = Date.parse(r.json.Credentials.Expiration);
    assert.ok(Math.abs(expires - (Date.now() + 900_000)) < 60_000, 'expires in DurationSeconds');

    const who = await srv.aws(['sts', 'get-caller-identity'], { creds: session });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.json.Arn, `arn:aws:sts::${acct}:assumed-role/deploy/ci-run-7`);
    assert.equal(who.json.UserId, `${deploy.roleId}:ci-run-7`);

    // The session looks its own call up (the role allows LookupEvents), by its session name.
    const mine = await lookup(srv, ['Username', 'ci-run-7'], { creds: session });
    const call = mine.find((e) => e.EventName === 'GetCallerIdentity');
    assert.ok(call, 'the session\'s GetCallerIdentity is in its history');
    const assumeEvents = await lookup(srv, ['EventName', 'AssumeRole']);
    const assume = assumeEvents.find((e) => (e.record.requestParameters as { roleSessionName?: string } | null)?.roleSessionName === 'ci-run-7');
    assert.ok(assume);
    const id = call.record.userIdentity as Record<string, unknown>;
    assert.deepEqual(id, {
      type: 'AssumedRole', principalId: `${deploy.roleId}:ci-run-7`, arn: `arn:aws:sts::${acct}:assumed-role/deploy/ci-run-7`, accountId: acct,
      accessKeyId: session.accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: deploy.roleId, arn: deploy.arn, accountId: acct, userName: 'deploy' },
        webIdFederationData: {},
        attributes: { creationDate: assume.record.eventTime, mfaAuthenticated: 'false' },
      },
    });
    assert.deepEqual(Object.keys(id), ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'sessionContext']);
    assert.equal(call.AccessKeyId, session.accessKeyId);

    const a = assume.record;
    assert.equal(a.readOnly, true);
    assert.deepEqual(a.requestParameters && Object.keys(a.requestParameters).sort(), ['durationSeconds', 'externalId', 'roleArn', 'roleSessionName']);
    assert.equal((a.requestParameters as { durationSeconds: unknown }).durationSeconds, 900);
    const eventTime = new Date(String(a.eventTime));
    assert.deepEqual(a.responseElements, {
      credentials: { accessKeyId: session.accessKeyId, sessionToken: session.sessionToken, expiration: formatLoggedDate(new Date(eventTime.getTime() + 900_000)) },
      assumedRoleUser: { assumedRoleId: `${deploy.roleId}:ci-run-7`, arn: `arn:aws:sts::${acct}:assumed-role/deploy/ci-run-7` },
    });
    assert.deepEqual(a.resources, [{ accountId: acct, type: 'AWS::IAM::Role', ARN: deploy.arn }]);
    assert.doesNotMatch(assume.CloudTrailEvent, new RegExp(session.secretAccessKey.replace(/[+/]/g, '.')), 'the secret is never logged');
    assert.doesNotMatch(assume.CloudTrailEvent, /secretAccessKey/i);
  });

  test('AssumeRole refusals: wrong or missing ExternalId, an untrusting role, DurationSeconds over the maximum', async () => {
    const denied = `User: ${adminArn} is not authorized to perform: sts:AssumeRole on resource: ${deploy.arn}`;
    const wrong = await srv.aws(['sts', 'assume-role', '--role-arn', deploy.arn, '--role-session-name', 'bad-ext', '--external-id', 'guess']);
    assert.equal(cliErrorCode(wrong), 'AccessDenied');
    assert.match(wrong.stderr, new RegExp(denied.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    const missing = await srv.aws(['sts', 'assume-role', '--role-arn', deploy.arn, '--role-session-name', 'no-ext']);
    assert.equal(cliErrorCode(missing), 'AccessDenied');

    const bob = await createUser(srv, 'bob', { assume: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) });
    const onlyBobRole = await createRole(srv, 'only-bob', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: bob.arn }, Action: 'sts:AssumeRole' }] });
    const sdk = new STSClient(srv.sdkConfig());
    const err = await sdk.send(new AssumeRoleCommand({ RoleArn: onlyBobRole.arn, RoleSessionName: 'not-bob' }))
      .then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } }) => e);
    sdk.destroy();
    assert.equal(err?.name, 'AccessDenied');
    assert.equal(err?.$metadata.httpStatusCode, 403);
    assert.equal(err?.message, `User: ${adminArn} is not authorized to perform: sts:AssumeRole on resource: ${onlyBobRole.arn}`);
    const asBob = new STSClient(srv.sdkConfig('us-east-1', bob));
    const ok = await asBob.send(new AssumeRoleCommand({ RoleArn: onlyBobRole.arn, RoleSessionName: 'bob-session' }));
    asBob.destroy();
    assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${acct}:assumed-role/only-bob/bob-session`);

    const tooLong = await srv.aws(['sts', 'assume-role', '--role-arn', deploy.arn, '--role-session-name', 'long', '--external-id', 'ext-2024', '--duration-seconds', '7200']);
    assert.equal(cliErrorCode(tooLong), 'ValidationError');
    assert.match(tooLong.stderr, /The requested DurationSeconds exceeds the MaxSessionDuration set for this role\./);

    // The refusal is recorded as real CloudTrail records it: no parameters, no resources.
    const events = await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] });
    const refused = byRequestId(events, err?.$metadata.requestId);
    assert.equal(refused.record.errorCode, 'AccessDenied');
    assert.equal(refused.record.errorMessage, err?.message);
    assert.equal(refused.record.requestParameters, null);
    assert.equal(refused.record.responseElements, null);
    assert.ok(!('resources' in refused.record));
    assert.deepEqual(Object.keys(refused.record).slice(7, 12), ['userAgent', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements']);
    const wrongExt = events.find((e) => e.record.errorCode === 'AccessDenied' && e.record.errorMessage === denied);
    assert.ok(wrongExt, 'the wrong-ExternalId refusal is recorded');
    const validation = events.find((e) => e.record.errorCode === 'ValidationError');
    assert.ok(validation, 'the DurationSeconds refusal is recorded');
    assert.equal((validation.record.requestParameters as { durationSeconds?: number }).durationSeconds, 7200);
  });

  test('GetFederationToken: the federated user is recorded as FederatedUser and bounded by its policy', async () => {
    const r = await srv.aws(['sts', 'get-federation-token', '--name', 'contractor', '--policy', LOOKUP_AND_WHOAMI]);
    assert.equal(r.code, 0, r.stderr);
    const fed = credsOf(r.json);
    assert.equal(r.json.FederatedUser.Arn, `arn:aws:sts::${acct}:federated-user/contractor`);
    assert.equal(r.json.FederatedUser.FederatedUserId, `${acct}:contractor`);
    const who = await srv.aws(['sts', 'get-caller-identity'], { creds: fed });
    assert.equal(who.json.Arn, `arn:aws:sts::${acct}:federated-user/contractor`);

    const mine = await lookup(srv, ['Username', 'contractor'], { creds: fed });
    const call = mine.find((e) => e.EventName === 'GetCallerIdentity');
    assert.ok(call);
    const issue = (await lookup(srv, ['EventName', 'GetFederationToken'])).find((e) => (e.record.requestParameters as { name?: string } | null)?.name === 'contractor');
    assert.ok(issue);
    const admin = (issue.record.userIdentity as { principalId: string }).principalId;
    assert.deepEqual(call.record.userIdentity, {
      type: 'FederatedUser', principalId: `${acct}:contractor`, arn: `arn:aws:sts::${acct}:federated-user/contractor`, accountId: acct, accessKeyId: fed.accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'IAMUser', principalId: admin, arn: adminArn, accountId: acct, userName: 'admin' },
        webIdFederationData: {},
        attributes: { creationDate: issue.record.eventTime, mfaAuthenticated: 'false' },
      },
    });
    assert.equal(issue.record.readOnly, false);
    assert.deepEqual(issue.record.requestParameters, { name: 'contractor', policy: LOOKUP_AND_WHOAMI });
    const re = issue.record.responseElements as Record<string, unknown>;
    assert.deepEqual(Object.keys(re), ['credentials', 'federatedUser', 'packedPolicySize']);
    assert.deepEqual(re.federatedUser, { federatedUserId: `${acct}:contractor`, arn: `arn:aws:sts::${acct}:federated-user/contractor` });
    assert.equal((re.credentials as { accessKeyId: string }).accessKeyId, fed.accessKeyId);
    assert.doesNotMatch(issue.CloudTrailEvent, /secretAccessKey/i);

    // Outside its session policy the federated user is refused; the message names the session policy
    // (STS itself names no reason).
    const client = new CloudTrailClient(srv.sdkConfig('us-east-1', fed));
    assert.ok((await client.send(new LookupEventsCommand({ MaxResults: 1 }))).Events);
    client.destroy();
    const iam = await srv.aws(['iam', 'list-users'], { creds: fed });
    assert.equal(cliErrorCode(iam), 'AccessDenied');
    assert.match(iam.stderr, new RegExp(`User: arn:aws:sts::${acct}:federated-user/contractor is not authorized to perform: iam:ListUsers on resource: \\S+ because no session policy allows the iam:ListUsers action`));
    const denied = await srv.aws(['sts', 'get-session-token'], { creds: fed });
    assert.equal(cliErrorCode(denied), 'AccessDenied');
    assert.match(denied.stderr, new RegExp(`User: arn:aws:sts::${acct}:federated-user/contractor is not authorized to perform: sts:GetSessionToken on resource: \\*\\s*$`));
  });

  test('a user without permissions gets AccessDeniedException with AWS\'s message, and the refusal is recorded', async () => {
    const nobody = await createUser(srv, 'nobody');
    // Asking who you are needs no permission.
    const who = new STSClient(srv.sdkConfig('us-east-1', nobody));
    assert.equal((await who.send(new GetCallerIdentityCommand({}))).Arn, nobody.arn);
    who.destroy();
    const message = `User: ${nobody.arn} is not authorized to perform: cloudtrail:LookupEvents on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action`;
    const client = new CloudTrailClient(srv.sdkConfig('us-east-1', nobody));
    const err = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] }))
      .then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } }) => e);
    client.destroy();
    assert.equal(err?.name, 'AccessDeniedException');
    assert.equal(err?.$metadata.httpStatusCode, 400);
    assert.equal(err?.message, message);
    const cli = await srv.aws(['cloudtrail', 'lookup-events'], { creds: nobody });
    assert.equal(cliErrorCode(cli), 'AccessDeniedException');
    const cliAssume = await srv.aws(['sts', 'assume-role', '--role-arn', deploy.arn, '--role-session-name', 'x1', '--external-id', 'ext-2024'], { creds: nobody });
    assert.equal(cliErrorCode(cliAssume), 'AccessDenied');
    assert.match(cliAssume.stderr, new RegExp(`User: ${nobody.arn} is not authorized to perform: sts:AssumeRole on resource: ${deploy.arn}\\s*$`));

    const events = await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'nobody' }] });
    const rec = byRequestId(events, err?.$metadata.requestId).record;
    assert.equal(rec.eventName, 'LookupEvents');
    assert.equal(rec.eventSource, 'cloudtrail.amazonaws.com');
    assert.equal(rec.errorCode, 'AccessDenied', 'records name authorization refusals AccessDenied whatever the wire code');
    assert.equal(rec.errorMessage, message);
    assert.equal(rec.requestParameters, null);
    assert.equal(rec.responseElements, null);
    assert.equal(rec.readOnly, true);
    assert.deepEqual(events.map((e) => e.record.errorCode ?? 'ok').sort(), ['AccessDenied', 'AccessDenied', 'AccessDenied', 'ok']);
    // The admin's policies allow the same call: authorization is per principal.
    assert.ok((await lookup(srv, ['Username', 'nobody'])).length >= 4);
  });
});
