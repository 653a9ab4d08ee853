// End-to-end (issue 18, item 2): a Deny or a scoped Allow holds whatever way the caller spells the
// resource. Each reproduction, driven with the AWS CLI or SDK v3, sidestepped the policy before the
// pipeline authorized the resource as stored: IAM name case and paths, policy ARN case, AssumeRole's
// role path, trail ARN partitions and regions, Lambda partitions, and S3's copy source and batch delete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, AddUserToGroupCommand, AttachRolePolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreatePolicyCommand,
  CreateRoleCommand, CreateUserCommand, GetAccessKeyLastUsedCommand, GetPolicyCommand, ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand, ListPolicyVersionsCommand, PutUserPolicyCommand, UpdateUserCommand, GetUserCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  S3Client, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand,
  UploadPartCopyCommand, CopyObjectCommand,
} from '@aws-sdk/client-s3';
import { LambdaClient, CreateFunctionCommand, GetFunctionCommand, DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createTrailBucket } from './trails-helpers.js';

type Creds = { accessKeyId: string; secretAccessKey: string };
const errName = (p: Promise<unknown>) => p.then(() => 'ok', (e: { name?: string }) => e.name ?? String(e));
const ADMIN_DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const S3_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

describe('security: authorize the resource as stored, not as typed', () => {
  let srv: TestServer;
  let acct: string;
  let iam: IAMClient;
  /** Allowed everything, denied the named resources: every test tries to reach one of them another way. */
  let mallory: Creds;
  /** Allowed sts:AssumeRole on role/sandbox/* only. */
  let sandboxer: Creds;
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(c: T): T => { clients.push(c); return c; };

  async function userWithPolicy(name: string, doc: object): Promise<Creds> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(doc) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  }

  before(async () => {
    srv = await startTestServer();
    acct = srv.admin.accountId;
    iam = client(new IAMClient(srv.sdkConfig()));
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateUserCommand({ UserName: 'boss', Path: '/admins/' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'chatops', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateRoleCommand({ RoleName: 'adm2', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateRoleCommand({ RoleName: 'box', Path: '/sandbox/', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreatePolicyCommand({ PolicyName: 's3only', PolicyDocument: S3_ONLY }));
    const a = (r: string) => `arn:aws:iam::${acct}:${r}`;
    mallory = await userWithPolicy('mallory', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: [a('user/alice'), a('user/admins/*'), a('role/chatops'), a('group/ops'), a('policy/s3only')] },
        { Effect: 'Deny', Action: ['cloudtrail:StopLogging', 'cloudtrail:GetTrailStatus'], Resource: `arn:aws:cloudtrail:us-east-1:${acct}:trail/audit` },
        { Effect: 'Deny', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::data/secret/*' },
      ],
    });
    sandboxer = await userWithPolicy('sandboxer', {
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: a('role/sandbox/*') }],
    });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await srv?.stop();
  });

  test('IAM name case: create-access-key --user-name ALICE is denied like alice (CLI); roles and groups alike (SDK)', async () => {
    const cli = await srv.aws(['iam', 'create-access-key', '--user-name', 'ALICE'], { creds: mallory });
    assert.equal(cliErrorCode(cli), 'AccessDenied', cli.stderr);
    assert.match(cli.stderr, new RegExp(`on resource: arn:aws:iam::${acct}:user/alice `), 'the message names the stored user');
    const m = client(new IAMClient(srv.sdkConfig('us-east-1', mallory)));
    assert.equal(await errName(m.send(new CreateAccessKeyCommand({ UserName: 'Alice' }))), 'AccessDenied');
    assert.equal(await errName(m.send(new AttachRolePolicyCommand({ RoleName: 'CHATOPS', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))), 'AccessDenied');
    assert.equal(await errName(m.send(new AddUserToGroupCommand({ GroupName: 'OPS', UserName: 'mallory' }))), 'AccessDenied');
    assert.equal((await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata?.length, 0);
    assert.equal((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'chatops' }))).AttachedPolicies?.length, 0);
  });

  test('IAM paths: a Deny on user/admins/* covers boss, by any name, and a rename of boss', async () => {
    const cli = await srv.aws(['iam', 'create-access-key', '--user-name', 'boss'], { creds: mallory });
    assert.equal(cliErrorCode(cli), 'AccessDenied', cli.stderr);
    assert.match(cli.stderr, /user\/admins\/boss/);
    const m = client(new IAMClient(srv.sdkConfig('us-east-1', mallory)));
    assert.equal(await errName(m.send(new CreateAccessKeyCommand({ UserName: 'BOSS' }))), 'AccessDenied');
    assert.equal(await errName(m.send(new UpdateUserCommand({ UserName: 'boss', NewUserName: 'boss2' }))), 'AccessDenied');
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'boss' }))).User?.Arn, `arn:aws:iam::${acct}:user/admins/boss`);
    // GetAccessKeyLastUsed acts on the key's user, not on `*`.
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    assert.equal(await errName(m.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKey!.AccessKeyId! }))), 'AccessDenied');
  });

  test('policy ARN case: …policy/S3ONLY is not s3only (NoSuchEntity), so no *:* default version reaches it', async () => {
    const variant = `arn:aws:iam::${acct}:policy/S3ONLY`;
    const cli = await srv.aws(['iam', 'create-policy-version', '--policy-arn', variant, '--policy-document', ADMIN_DOC, '--set-as-default'], { creds: mallory });
    assert.equal(cliErrorCode(cli), 'NoSuchEntity', cli.stderr);
    // Not even the administrator reaches the policy through a variant.
    assert.equal(await errName(iam.send(new GetPolicyCommand({ PolicyArn: variant }))), 'NoSuchEntityException');
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: `arn:aws:iam::${acct}:policy/s3only` }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), ['v1']);
    // And another partition is not a policy ARN at all.
    assert.equal(await errName(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws-cn:iam::${acct}:policy/s3only` }))), 'InvalidInputException');
  });

  test('AssumeRole: RoleArn must be the role\'s own ARN; role/sandbox/adm2 does not reach the /-path adm2', async () => {
    const cli = await srv.aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${acct}:role/sandbox/adm2`, '--role-session-name', 'ss'], { creds: sandboxer });
    assert.equal(cliErrorCode(cli), 'AccessDenied', cli.stderr);
    assert.match(cli.stderr, /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/sandbox\/adm2/);
    const s = client(new STSClient(srv.sdkConfig('us-east-1', sandboxer)));
    // The same role in another case is another ARN; the exact one works.
    assert.equal(await errName(s.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/sandbox/BOX`, RoleSessionName: 'ss' }))), 'AccessDenied');
    const ok = await s.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/sandbox/box`, RoleSessionName: 'ss' }));
    assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${acct}:assumed-role/box/ss`);
    // Even an administrator cannot assume a role through a path it does not have.
    const admin = client(new STSClient(srv.sdkConfig()));
    assert.equal(await errName(admin.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/other/adm2`, RoleSessionName: 'ss' }))), 'AccessDenied');
  });

  test('trails: an ARN of another partition stops nothing; a region\'s shadow of a multi-region trail is the trail', async () => {
    await createTrailBucket(srv, 'trail-logs', [`AWSLogs/${acct}/`]);
    const ct = client(new CloudTrailClient(srv.sdkConfig()));
    await ct.send(new CreateTrailCommand({ Name: 'audit', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }));
    await ct.send(new StartLoggingCommand({ Name: 'audit' }));
    const cli = await srv.aws(['cloudtrail', 'stop-logging', '--name', `arn:aws-x:cloudtrail:us-east-1:${acct}:trail/audit`], { creds: mallory });
    assert.equal(cliErrorCode(cli), 'CloudTrailARNInvalidException', cli.stderr);
    assert.equal((await ct.send(new GetTrailStatusCommand({ Name: 'audit' }))).IsLogging, true);
    const west = client(new CloudTrailClient(srv.sdkConfig('us-west-2', mallory)));
    assert.equal(await errName(west.send(new GetTrailStatusCommand({ Name: 'audit' }))), 'AccessDeniedException');
    assert.equal(await errName(west.send(new GetTrailStatusCommand({ Name: `arn:aws-cn:cloudtrail:us-east-1:${acct}:trail/audit` }))), 'CloudTrailARNInvalidException');
  });

  test('Lambda: a function ARN of another partition is refused, never read as the aws function', async () => {
    const lambda = client(new LambdaClient(srv.sdkConfig()));
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'fnrole', AssumeRolePolicyDocument: trust }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'fn', Runtime: 'python3.12', Handler: 'index.handler', Role: role.Role!.Arn!, Code: { ZipFile: zip } }));
    for (const p of ['aws-cn', 'aws-us-gov']) {
      const arn = `arn:${p}:lambda:us-east-1:${acct}:function:fn`;
      assert.equal(await errName(lambda.send(new GetFunctionCommand({ FunctionName: arn }))), 'InvalidParameterValueException', p);
      assert.equal(await errName(lambda.send(new DeleteFunctionCommand({ FunctionName: arn }))), 'InvalidParameterValueException', p);
    }
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'fn' }))).Configuration?.FunctionName, 'fn');
  });

  test('S3: CopyObject and UploadPartCopy need s3:GetObject on the source; DeleteObjects s3:DeleteObject per key', async () => {
    const admin = client(new S3Client(srv.sdkConfig()));
    for (const b of ['data', 'loot']) await admin.send(new CreateBucketCommand({ Bucket: b }));
    await admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'secret/s.txt', Body: 'classified' }));
    await admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'public/p.txt', Body: 'hello' }));
    const cli = await srv.aws(['s3api', 'copy-object', '--copy-source', 'data/secret/s.txt', '--bucket', 'loot', '--key', 's.txt'], { creds: mallory });
    assert.equal(cliErrorCode(cli), 'AccessDenied', cli.stderr);
    const m = client(new S3Client(srv.sdkConfig('us-east-1', mallory)));
    assert.equal(await errName(m.send(new CopyObjectCommand({ CopySource: 'data/secret%2Fs.txt', Bucket: 'loot', Key: 's2.txt' }))), 'AccessDenied');
    const up = await m.send(new CreateMultipartUploadCommand({ Bucket: 'loot', Key: 'big' }));
    assert.equal(await errName(m.send(new UploadPartCopyCommand({ Bucket: 'loot', Key: 'big', UploadId: up.UploadId, PartNumber: 1, CopySource: 'data/secret/s.txt' }))), 'AccessDenied');
    assert.equal(await errName(admin.send(new HeadObjectCommand({ Bucket: 'loot', Key: 's.txt' }))), 'NotFound');
    // The public object copies: the check is on the source, not a blanket refusal.
    await m.send(new CopyObjectCommand({ CopySource: 'data/public/p.txt', Bucket: 'loot', Key: 'p.txt' }));

    const del = await srv.aws(['s3api', 'delete-objects', '--bucket', 'data', '--delete', 'Objects=[{Key=secret/s.txt},{Key=public/p.txt}]'], { creds: mallory });
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(del.json.Deleted, [{ Key: 'public/p.txt' }]);
    assert.deepEqual(del.json.Errors, [{ Key: 'secret/s.txt', Code: 'AccessDenied', Message: 'Access Denied' }]);
    await admin.send(new HeadObjectCommand({ Bucket: 'data', Key: 'secret/s.txt' }));
    const sdkDel = await m.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'secret/s.txt' }] } }));
    assert.equal(sdkDel.Errors?.[0]?.Code, 'AccessDenied');
    await admin.send(new HeadObjectCommand({ Bucket: 'data', Key: 'secret/s.txt' }));
  });
});
