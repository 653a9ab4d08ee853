// Lambda end to end with the real AWS CLI (and one SDK v3 client): functions per region, paging,
// code download through Code.Location, configuration and code updates, tags, errors, and how
// CloudTrail records it all (versioned event names, no zip in the record).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LambdaClient, CreateFunctionCommand, GetFunctionCommand, TagResourceCommand } from '@aws-sdk/client-lambda';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

let srv: TestServer;
let acct: string;
let workDir: string;
let zipV1: string;
let zipV2: string;
const W2 = { region: 'us-west-2' };

function trustPolicy(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

async function createRole(name: string, trustedService: string): Promise<string> {
  const arn = `arn:aws:iam::${acct}:role/${name}`;
  await srv.app.identity.createRole(acct, {
    roleName: name, roleId: `AROA${crypto.randomBytes(8).toString('hex').toUpperCase()}`, arn, path: '/', createDate: new Date(),
    assumeRolePolicyDocument: trustPolicy(trustedService), maxSessionDuration: 3600, tags: [], inlinePolicies: {}, attachedPolicies: [],
  });
  return arn;
}

/** A real zip archive (python's zipfile), so the CLI uploads exactly what a developer would. */
function makeZip(file: string, source: string): string {
  execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("index.py", sys.argv[2])', file, source]);
  return file;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('base64');
}

function createArgs(name: string, role: string, zip: string, extra: string[] = []): string[] {
  return ['lambda', 'create-function', '--function-name', name, '--runtime', 'python3.12', '--role', role,
    '--handler', 'index.handler', '--zip-file', `fileb://${zip}`, ...extra];
}

let lambdaRole: string;
let ec2Role: string;

before(async () => {
  srv = await startTestServer();
  acct = srv.admin.accountId;
  workDir = fs.mkdtempSync(path.join(srv.dataDir, 'zips-'));
  zipV1 = makeZip(path.join(workDir, 'v1.zip'), 'def handler(event, context):\n    return "v1"\n');
  zipV2 = makeZip(path.join(workDir, 'v2.zip'), 'def handler(event, context):\n    return "v2, longer"\n');
  lambdaRole = await createRole('lambda-exec', 'lambda.amazonaws.com');
  ec2Role = await createRole('ec2-only', 'ec2.amazonaws.com');
});

after(async () => { await srv?.stop(); });

test('create-function stores the zip and answers with the function configuration', async () => {
  const r = await srv.aws(createArgs('fn-a', lambdaRole, zipV1, [
    '--description', 'first', '--timeout', '30', '--memory-size', '256',
    '--environment', JSON.stringify({ Variables: { GREETING: 'hello' } }), '--tags', 'team=audit,env=test',
  ]), W2);
  assert.equal(r.code, 0, r.stderr);
  const c = r.json;
  assert.equal(c.FunctionArn, `arn:aws:lambda:us-west-2:${acct}:function:fn-a`);
  assert.equal(c.CodeSha256, sha256(zipV1));
  assert.equal(c.CodeSize, fs.statSync(zipV1).size);
  assert.equal(c.State, 'Active');
  assert.equal(c.Version, '$LATEST');
  assert.equal(c.PackageType, 'Zip');
  assert.deepEqual(c.Architectures, ['x86_64']);
  assert.equal(c.Timeout, 30);
  assert.equal(c.MemorySize, 256);
  assert.deepEqual(c.Environment, { Variables: { GREETING: 'hello' } });
  assert.match(c.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  assert.match(c.RevisionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // The package lives as a file under <dataDir>/lambda/code, never inline in the record store.
  assert.equal(fs.readdirSync(path.join(srv.dataDir, 'lambda', 'code')).filter((f) => f.endsWith('.zip')).length, 1);
});

/** Setup calls go through the SDK v3 client: same API, no CLI process per call. */
async function sdkCreate(region: string, name: string): Promise<void> {
  const client = new LambdaClient(srv.sdkConfig(region));
  try {
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'python3.12', Role: lambdaRole, Handler: 'index.handler', Code: { ZipFile: fs.readFileSync(zipV1) },
    }));
  } finally {
    client.destroy();
  }
}

test('functions are listed per region, with paging', async () => {
  await sdkCreate('us-west-2', 'fn-b');
  await sdkCreate('us-west-2', 'fn-c');
  await sdkCreate('us-east-1', 'fn-east');

  const west = await srv.aws(['lambda', 'list-functions'], W2);
  assert.deepEqual(west.json.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['fn-a', 'fn-b', 'fn-c']);
  const east = await srv.aws(['lambda', 'list-functions'], { region: 'us-east-1' });
  assert.deepEqual(east.json.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['fn-east']);

  const first = await srv.aws(['lambda', 'list-functions', '--page-size', '1', '--max-items', '2'], W2);
  assert.deepEqual(first.json.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['fn-a', 'fn-b']);
  assert.ok(first.json.NextToken, 'the CLI offers a token for the rest');
  const rest = await srv.aws(['lambda', 'list-functions', '--page-size', '1', '--starting-token', first.json.NextToken], W2);
  assert.deepEqual(rest.json.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['fn-c']);
});

test('get-function by ARN returns a Code.Location serving the same zip, and tags', async () => {
  const r = await srv.aws(['lambda', 'get-function', '--function-name', `arn:aws:lambda:us-west-2:${acct}:function:fn-a`], W2);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.Configuration.FunctionName, 'fn-a');
  assert.equal(r.json.Code.RepositoryType, 'S3');
  assert.deepEqual(r.json.Tags, { team: 'audit', env: 'test' });
  const res = await fetch(r.json.Code.Location);
  assert.equal(res.status, 200);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(zipV1));
  // A tampered link is refused.
  assert.equal((await fetch(r.json.Code.Location.replace(/.$/, (ch: string) => (ch === 'A' ? 'B' : 'A')))).status, 403);

  // A partial ARN names the same function; so does the SDK v3 client.
  const partial = await srv.aws(['lambda', 'get-function-configuration', '--function-name', `${acct}:function:fn-b`], W2);
  assert.equal(partial.json.FunctionArn, `arn:aws:lambda:us-west-2:${acct}:function:fn-b`);
  const sdk = new LambdaClient(srv.sdkConfig('us-west-2'));
  const out = await sdk.send(new GetFunctionCommand({ FunctionName: 'fn-c' }));
  assert.equal(out.Configuration?.Handler, 'index.handler');
  sdk.destroy();
});

test('update-function-configuration and update-function-code change the function', async () => {
  const before = (await srv.aws(['lambda', 'get-function-configuration', '--function-name', 'fn-a'], W2)).json;
  const upd = await srv.aws(['lambda', 'update-function-configuration', '--function-name', 'fn-a', '--timeout', '60',
    '--description', 'second', '--environment', JSON.stringify({ Variables: { GREETING: 'bye', MODE: 'x' } })], W2);
  assert.equal(upd.code, 0, upd.stderr);
  assert.equal(upd.json.Timeout, 60);
  assert.equal(upd.json.Description, 'second');
  assert.equal(upd.json.MemorySize, 256, 'members not sent are kept');
  assert.deepEqual(upd.json.Environment, { Variables: { GREETING: 'bye', MODE: 'x' } });
  assert.notEqual(upd.json.RevisionId, before.RevisionId);

  const stale = await srv.aws(['lambda', 'update-function-configuration', '--function-name', 'fn-a', '--timeout', '5', '--revision-id', before.RevisionId], W2);
  assert.equal(cliErrorCode(stale), 'PreconditionFailedException');

  const code = await srv.aws(['lambda', 'update-function-code', '--function-name', 'fn-a', '--zip-file', `fileb://${zipV2}`], W2);
  assert.equal(code.code, 0, code.stderr);
  assert.equal(code.json.CodeSha256, sha256(zipV2));
  assert.equal(code.json.Timeout, 60);
  // The old package is gone; one file per function remains (fn-a, fn-b, fn-c, fn-east).
  assert.equal(fs.readdirSync(path.join(srv.dataDir, 'lambda', 'code')).filter((f) => f.endsWith('.zip')).length, 4);
});

test('tag-resource, untag-resource and list-tags', async () => {
  const arn = `arn:aws:lambda:us-west-2:${acct}:function:fn-b`;
  assert.equal((await srv.aws(['lambda', 'tag-resource', '--resource', arn, '--tags', 'owner=ops,tier=1'], W2)).code, 0);
  assert.equal((await srv.aws(['lambda', 'untag-resource', '--resource', arn, '--tag-keys', 'tier'], W2)).code, 0);
  const tags = await srv.aws(['lambda', 'list-tags', '--resource', arn], W2);
  assert.deepEqual(tags.json.Tags, { owner: 'ops' });
  const sdk = new LambdaClient(srv.sdkConfig('us-west-2'));
  await assert.rejects(sdk.send(new TagResourceCommand({ Resource: arn, Tags: { 'aws:x': '1' } })), { name: 'InvalidParameterValueException' });
  sdk.destroy();
});

test('errors: not found, conflict, untrusted role, other region, model validation', async () => {
  const missing = await srv.aws(['lambda', 'get-function', '--function-name', 'nope'], W2);
  assert.equal(cliErrorCode(missing), 'ResourceNotFoundException');
  assert.match(missing.stderr, new RegExp(`Function not found: arn:aws:lambda:us-west-2:${acct}:function:nope`));

  const dup = await srv.aws(createArgs('fn-a', lambdaRole, zipV1), W2);
  assert.equal(cliErrorCode(dup), 'ResourceConflictException');
  assert.match(dup.stderr, /Function already exist: fn-a/);

  const untrusted = await srv.aws(createArgs('fn-ec2', ec2Role, zipV1), W2);
  assert.equal(cliErrorCode(untrusted), 'InvalidParameterValueException');
  assert.match(untrusted.stderr, /The role defined for the function cannot be assumed by Lambda\./);

  const elsewhere = await srv.aws(['lambda', 'get-function', '--function-name', `arn:aws:lambda:us-east-1:${acct}:function:fn-east`], W2);
  assert.equal(cliErrorCode(elsewhere), 'ResourceNotFoundException');
  assert.match(elsewhere.stderr, /Functions from 'us-east-1' are not reachable in this region \('us-west-2'\)/);

  const badName = await srv.aws(['lambda', 'get-function', '--function-name', 'bad*name'], W2);
  assert.equal(cliErrorCode(badName), 'ValidationException');
  assert.match(badName.stderr, /at 'functionName' failed to satisfy constraint/);
});

/** An IAM user that may use some Lambda actions but not pass roles, with an SDK client of its own. */
async function restrictedClient(): Promise<LambdaClient> {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:GetFunctionConfiguration'], Resource: '*' }] };
  await srv.app.identity.createUser(acct, {
    userName: 'dev', userId: 'AIDADEVUSER0000000001', arn: `arn:aws:iam::${acct}:user/dev`, path: '/', createDate: new Date(),
    tags: [], inlinePolicies: { 'lambda-some': JSON.stringify(policy) }, attachedPolicies: [],
  });
  const accessKeyId = 'AKIADEVUSER000000001';
  const secretAccessKey = crypto.randomBytes(30).toString('base64');
  await srv.app.identity.putAccessKey({ accessKeyId, sealedSecret: srv.app.identity.box.seal(secretAccessKey), accountId: acct, userName: 'dev', status: 'Active', createDate: new Date() });
  return new LambdaClient(srv.sdkConfig('us-west-2', { accessKeyId, secretAccessKey }));
}

test('IAM decides: iam:PassRole on the execution role, lambda:<Op> on the function ARN', async () => {
  const dev = await restrictedClient();
  const create = (role: string) => dev.send(new CreateFunctionCommand({
    FunctionName: 'fn-dev', Runtime: 'python3.12', Role: role, Handler: 'index.handler', Code: { ZipFile: fs.readFileSync(zipV1) },
  }));
  await assert.rejects(create(lambdaRole), (e: Error) => e.name === 'AccessDeniedException'
    && e.message === `User: arn:aws:iam::${acct}:user/dev is not authorized to perform: iam:PassRole on resource: ${lambdaRole} because no identity-based policy allows the iam:PassRole action`);
  await assert.rejects(create('arn:aws:iam::999999999999:role/elsewhere'), (e: Error) => e.name === 'AccessDeniedException' && e.message === 'Cross-account pass role is not allowed.');
  await assert.rejects(dev.send(new GetFunctionCommand({ FunctionName: 'fn-a' })), (e: Error) => e.name === 'AccessDeniedException'
    && e.message.includes(`lambda:GetFunction on resource: arn:aws:lambda:us-west-2:${acct}:function:fn-a`));
  dev.destroy();
});

test('delete-function removes the function and its package; account settings count what is left', async () => {
  const del = await srv.aws(['lambda', 'delete-function', '--function-name', 'fn-c'], W2);
  assert.equal(del.code, 0, del.stderr);
  const gone = await srv.aws(['lambda', 'get-function-configuration', '--function-name', 'fn-c'], W2);
  assert.equal(cliErrorCode(gone), 'ResourceNotFoundException');
  const settings = await srv.aws(['lambda', 'get-account-settings'], W2);
  assert.equal(settings.json.AccountUsage.FunctionCount, 2);
  assert.equal(settings.json.AccountUsage.TotalCodeSize, fs.statSync(zipV1).size + fs.statSync(zipV2).size);
  assert.equal(fs.readdirSync(path.join(srv.dataDir, 'lambda', 'code')).filter((f) => f.endsWith('.zip')).length, 3);
});

interface TrailRecord {
  eventName: string;
  eventSource: string;
  awsRegion: string;
  readOnly: boolean;
  errorCode?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
}

test('CloudTrail records versioned event names in the signed region, without the zip', async () => {
  const parse = (json: { Events: { CloudTrailEvent: string }[] }): TrailRecord[] => json.Events.map((e) => JSON.parse(e.CloudTrailEvent) as TrailRecord);
  const cli = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListFunctions20150331'], W2);
  assert.equal(cli.code, 0, cli.stderr);
  const lists = parse(cli.json);
  assert.ok(lists.length >= 3);
  for (const rec of lists) {
    assert.equal(rec.eventSource, 'lambda.amazonaws.com');
    assert.equal(rec.awsRegion, 'us-west-2');
    assert.equal(rec.readOnly, true);
    assert.equal(rec.responseElements, null);
  }

  // Everything else from one unfiltered look-up of the region's history.
  const all = await srv.aws(['cloudtrail', 'lookup-events'], W2);
  assert.equal(all.code, 0, all.stderr);
  const records = parse(all.json);
  assert.ok(records.every((r) => r.awsRegion === 'us-west-2'));
  const named = (name: string) => records.filter((r) => r.eventName === name);
  const creates = named('CreateFunction20150331');
  assert.ok(!creates.some((r) => r.requestParameters?.functionName === 'fn-east'), 'us-east-1 calls stay in us-east-1');
  const fnA = creates.find((r) => r.requestParameters?.functionName === 'fn-a' && !r.errorCode);
  assert.ok(fnA?.requestParameters && fnA.responseElements, 'the successful CreateFunction of fn-a is recorded in us-west-2');
  const p = fnA.requestParameters;
  assert.equal(p.runtime, 'python3.12');
  assert.equal(p.role, lambdaRole);
  assert.equal(p.handler, 'index.handler');
  assert.deepEqual(p.code, {}, 'the zip is never logged');
  assert.deepEqual(p.environment, {}, 'variables are not shown');
  assert.deepEqual(p.tags, { team: 'audit', env: 'test' });
  assert.equal(fnA.responseElements.functionArn, `arn:aws:lambda:us-west-2:${acct}:function:fn-a`);
  assert.match(String(fnA.responseElements.lastModified), /\.\d{3}\+0000$/);
  assert.deepEqual(fnA.responseElements.environment, {});
  assert.equal(fnA.responseElements.state, 'Pending', 'a new function is recorded Pending, as Lambda answers it');
  assert.equal(fnA.responseElements.stateReasonCode, 'Creating');
  assert.ok(!('lastUpdateStatus' in fnA.responseElements), 'CreateFunction records carry no lastUpdateStatus');
  for (const zip of [zipV1, zipV2]) assert.ok(!all.stdout.includes(fs.readFileSync(zip).toString('base64').slice(0, 40)), 'no zip bytes in any record');
  assert.ok(!all.stdout.includes('hello'), 'no environment values in any record');
  assert.ok(creates.some((r) => r.errorCode === 'ResourceConflictException'), 'failed calls are recorded too');

  const deletes = named('DeleteFunction20150331');
  assert.equal(deletes.length, 1);
  assert.deepEqual(deletes[0].requestParameters, { functionName: 'fn-c' });
  assert.equal(deletes[0].responseElements, null);
  assert.equal(named('TagResource20170331v2').length, 2);
  assert.equal(named('UpdateFunctionCode20150331v2').length, 1);
  assert.equal(named('GetFunction20150331v2')[0]?.readOnly, true);
});
