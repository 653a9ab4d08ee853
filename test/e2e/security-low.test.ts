// End-to-end: the low findings of issue 18. Sessions are bound to their role's or user's unique id;
// the data folder is owner-only whatever was there before; Slack requests from the future are
// refused; behind a trusted proxy the client address comes from X-Forwarded-For (records,
// aws:SourceIp, console sign-in throttling); Organizations offers no policy type it does not enforce.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IAMClient, AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DetachRolePolicyCommand, ListUsersCommand,
  CreateUserCommand, CreateAccessKeyCommand, DeleteAccessKeyCommand, DeleteUserCommand, AttachUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetSessionTokenCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { signedFetch, errorCodeOf, type Credentials } from './signed-fetch.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const errName = (e: unknown) => (e as { name?: string }).name;

describe('security: sessions bound to unique ids', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer(); });
  after(async () => { await srv.stop(); });

  test('a role session ends with the role, and a recreated role with more rights does not revive it', async () => {
    const iam = new IAMClient(srv.sdkConfig());
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${srv.admin.accountId}:root` }, Action: 'sts:AssumeRole' }] });
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: READ_ONLY }));
    const { Credentials: c } = await new STSClient(srv.sdkConfig()).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'ci' }));
    const creds = { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
    const asSession = new IAMClient(srv.sdkConfig('us-east-1', creds));
    await asSession.send(new ListUsersCommand({}));
    await assert.rejects(asSession.send(new CreateUserCommand({ UserName: 'nope' })), (e) => errName(e) === 'AccessDeniedException' || errName(e) === 'AccessDenied');

    await iam.send(new DetachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: READ_ONLY }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'deploy' }));
    const sts = new STSClient(srv.sdkConfig('us-east-1', creds));
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), (e) => errName(e) === 'InvalidClientTokenId');

    // Same name, new unique id, administrator rights: the old session is not its session.
    await iam.send(new CreateRoleCommand({ RoleName: 'deploy', AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: ADMIN }));
    await assert.rejects(asSession.send(new CreateUserCommand({ UserName: 'escalated' })), (e) => errName(e) === 'InvalidClientTokenId');
    await assert.rejects(asSession.send(new ListUsersCommand({})), (e) => errName(e) === 'InvalidClientTokenId');
  });

  test('a GetSessionToken session ends with its user, and a recreated user does not revive it', async () => {
    const iam = new IAMClient(srv.sdkConfig());
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'temp' }));
    const longTerm = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    const { Credentials: c } = await new STSClient(srv.sdkConfig('us-east-1', longTerm)).send(new GetSessionTokenCommand({}));
    const session = new STSClient(srv.sdkConfig('us-east-1', { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! }));
    assert.match((await session.send(new GetCallerIdentityCommand({}))).Arn ?? '', /:user\/temp$/);

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: longTerm.accessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName: 'temp' }));
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'temp', PolicyArn: ADMIN }));
    const asSession = new IAMClient(srv.sdkConfig('us-east-1', { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! }));
    await assert.rejects(asSession.send(new CreateUserCommand({ UserName: 'escalated2' })), (e) => errName(e) === 'InvalidClientTokenId');
    await assert.rejects(session.send(new GetCallerIdentityCommand({})), (e) => errName(e) === 'InvalidClientTokenId');
  });
});

describe('security: the data folder is owner-only', () => {
  test('files 0644 and folders 0755 left in an existing data folder are tightened at start', async () => {
    const first = await startTestServer();
    assert.equal((await first.aws(['s3', 'mb', 's3://modes'])).code, 0);
    assert.equal((await first.aws(['s3api', 'put-object', '--bucket', 'modes', '--key', 'a/b.txt', '--body', '/etc/hostname'])).code, 0);
    await first.app.close();
    const all = walk(first.dataDir);
    assert.ok(all.some((e) => e.endsWith('master.key')) && all.some((e) => /\.db$|\.sqlite$/.test(e)), all.join(' '));
    // What an older version (or a copy with a default umask) would have left.
    for (const e of all) fs.chmodSync(e, fs.statSync(e).isDirectory() ? 0o755 : 0o644);
    const again = await startTestServer({}, {}, { dataDir: first.dataDir, admin: first.admin });
    try {
      assert.equal((await again.aws(['s3api', 'put-object', '--bucket', 'modes', '--key', 'c.txt', '--body', '/etc/hostname'])).code, 0);
      const loose = walk(again.dataDir).map((e) => [e, fs.statSync(e).mode & 0o777] as const)
        .filter(([e, mode]) => mode !== (fs.statSync(e).isDirectory() ? 0o700 : 0o600));
      assert.deepEqual(loose, []);
    } finally {
      await again.stop();
    }
  });
});

/** Every file and folder under `dir`, itself included. */
function walk(dir: string): string[] {
  const out = [dir];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

describe('security: Slack requests from the future', () => {
  const secret = 'e2e-signing-secret';
  let srv: TestServer;
  before(async () => { srv = await startTestServer({ CHATTRAIL_SLACK_SIGNING_SECRET: secret }); });
  after(async () => { await srv.stop(); });

  const slackPost = (skewSeconds: number) => {
    const ts = Math.floor(Date.now() / 1000) + skewSeconds;
    const body = JSON.stringify({ type: 'url_verification', challenge: 'ch' });
    const sig = `v0=${crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    return fetch(`${srv.url}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-slack-signature': sig, 'x-slack-request-timestamp': String(ts) } });
  };

  test('correctly signed, a timestamp over five minutes ahead is refused like a stale one', async () => {
    assert.equal((await slackPost(0)).status, 200);
    assert.equal((await slackPost(-600)).status, 401);
    assert.equal((await slackPost(600)).status, 401);
    assert.equal((await slackPost(86_400)).status, 401);
  });
});

describe('security: the client address behind a trusted proxy', () => {
  let proxied: TestServer;
  let direct: TestServer;
  before(async () => {
    proxied = await startTestServer({ CHATTRAIL_TRUSTED_PROXIES: '127.0.0.1/32' });
    direct = await startTestServer();
  });
  after(async () => { await proxied.stop(); await direct.stop(); });

  const listUsers = (srv: TestServer, creds: Credentials, forwardedFor?: string) => signedFetch({
    url: srv.url, service: 'iam', region: 'us-east-1', credentials: creds, body: 'Action=ListUsers&Version=2010-05-08',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
  });

  async function officeOnlyUser(srv: TestServer): Promise<Credentials> {
    const iam = new IAMClient(srv.sdkConfig());
    await iam.send(new CreateUserCommand({ UserName: 'office' }));
    assert.equal((await srv.aws(['iam', 'put-user-policy', '--user-name', 'office', '--policy-name', 'office-only', '--policy-document', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }],
    })])).code, 0);
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'office' }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }

  test('records and aws:SourceIp use the forwarded client; an untrusted X-Forwarded-For is ignored', async () => {
    const office = await officeOnlyUser(proxied);
    const ok = await listUsers(proxied, office, '6.6.6.6, 198.51.100.7');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(errorCodeOf(await listUsers(proxied, office)), 'AccessDenied');
    // The client's own left-most entry is not believed.
    assert.equal(errorCodeOf(await listUsers(proxied, office, '198.51.100.7, 6.6.6.6')), 'AccessDenied');
    const events = await proxied.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListUsers']);
    const records = (events.json.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as { requestID: string; sourceIPAddress: string });
    assert.equal(records.find((r) => r.requestID === ok.requestId)?.sourceIPAddress, '198.51.100.7');

    const spoofer = await officeOnlyUser(direct);
    assert.equal(errorCodeOf(await listUsers(direct, spoofer, '198.51.100.7')), 'AccessDenied', 'no proxy is trusted by default');
  });

  test('console sign-in throttling counts failures per client, not per proxy', async () => {
    const signin = (forwardedFor: string) => fetch(`${proxied.url}/console/api/signin`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'wrong' }),
    });
    for (let i = 0; i < 10; i++) assert.equal((await signin('203.0.113.50')).status, 401);
    assert.equal((await signin('203.0.113.50')).status, 429, 'the failing client is throttled');
    assert.equal((await signin('203.0.113.51')).status, 401, 'another client behind the same proxy is not');
  });
});

describe('security: Organizations offers only the policy types it enforces', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer(); });
  after(async () => { await srv.stop(); });

  test('no SCPs reported enabled; enabling, creating or attaching one answers the model\u2019s error', async () => {
    const org = await srv.aws(['organizations', 'create-organization', '--feature-set', 'ALL']);
    assert.equal(org.code, 0, org.stderr);
    assert.deepEqual(org.json.Organization.AvailablePolicyTypes, []);
    const roots = await srv.aws(['organizations', 'list-roots']);
    const rootId = roots.json.Roots[0].Id as string;
    assert.deepEqual(roots.json.Roots[0].PolicyTypes, []);
    const enable = await srv.aws(['organizations', 'enable-policy-type', '--root-id', rootId, '--policy-type', 'SERVICE_CONTROL_POLICY']);
    assert.equal(cliErrorCode(enable), 'PolicyTypeNotAvailableForOrganizationException');
    const create = await srv.aws(['organizations', 'create-policy', '--name', 'deny-all', '--type', 'SERVICE_CONTROL_POLICY', '--description', 'd',
      '--content', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] })]);
    assert.equal(cliErrorCode(create), 'PolicyTypeNotAvailableForOrganizationException');
    const attach = await srv.aws(['organizations', 'attach-policy', '--policy-id', 'p-FullAWSAccess', '--target-id', rootId]);
    assert.equal(cliErrorCode(attach), 'PolicyTypeNotEnabledException');
    assert.equal(cliErrorCode(await srv.aws(['organizations', 'enable-policy-type', '--root-id', 'r-nope', '--policy-type', 'TAG_POLICY'])), 'RootNotFoundException');
  });
});
