// QA pass on Lambda and Organizations as users drive them with the AWS CLI: versions, aliases,
// resource policies, the honest answer to Invoke, the memory bound; organizational units, moving
// accounts, the tree listings and ListCreateAccountStatus; and the event names CloudTrail records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';

let srv: TestServer;
let zip: string;
let role: string;

before(async () => {
  srv = await startTestServer();
  const dir = fs.mkdtempSync(path.join(srv.dataDir, 'zips-'));
  zip = path.join(dir, 'fn.zip');
  execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("index.py", "def handler(e, c): return 1")', zip]);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const r = await srv.aws(['iam', 'create-role', '--role-name', 'qa-exec', '--assume-role-policy-document', trust]);
  assert.equal(r.code, 0, r.stderr);
  role = r.json.Role.Arn;
});

after(async () => { await srv?.stop(); });

async function eventNames(source: string): Promise<string[]> {
  const ct = new CloudTrailClient(srv.sdkConfig('us-east-1'));
  const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: source }], MaxResults: 50 }));
  return (out.Events ?? []).map((e) => e.EventName ?? '');
}

test('lambda: --publish, qualified reads, aliases and versions an alias holds', async () => {
  const created = await srv.aws(['lambda', 'create-function', '--function-name', 'qa', '--runtime', 'python3.12', '--role', role,
    '--handler', 'index.handler', '--zip-file', `fileb://${zip}`, '--publish']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json.Version, '1');
  const arn = `arn:aws:lambda:us-east-1:${srv.admin.accountId}:function:qa`;
  assert.equal(created.json.FunctionArn, `${arn}:1`);

  const v1 = await srv.aws(['lambda', 'get-function', '--function-name', 'qa', '--qualifier', '1']);
  assert.equal(v1.code, 0, v1.stderr);
  assert.equal(v1.json.Configuration.FunctionArn, `${arn}:1`);

  const alias = await srv.aws(['lambda', 'create-alias', '--function-name', 'qa', '--name', 'prod', '--function-version', '1']);
  assert.equal(alias.code, 0, alias.stderr);
  assert.equal(alias.json.AliasArn, `${arn}:prod`);
  const viaAlias = await srv.aws(['lambda', 'get-function-configuration', '--function-name', 'qa:prod']);
  assert.deepEqual([viaAlias.json?.Version, viaAlias.json?.FunctionArn], ['1', `${arn}:prod`]);

  const held = await srv.aws(['lambda', 'delete-function', '--function-name', 'qa', '--qualifier', '1']);
  assert.equal(cliErrorCode(held), 'ResourceConflictException');

  const versions = await srv.aws(['lambda', 'list-versions-by-function', '--function-name', 'qa']);
  assert.deepEqual(versions.json.Versions.map((v: { Version: string }) => v.Version), ['$LATEST', '1']);
});

test('lambda: add-permission, get-policy, remove-permission; invoke says plainly it does not run code', async () => {
  const added = await srv.aws(['lambda', 'add-permission', '--function-name', 'qa', '--statement-id', 'from-s3', '--action', 'lambda:InvokeFunction',
    '--principal', 's3.amazonaws.com', '--source-arn', 'arn:aws:s3:::qa-bucket']);
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(JSON.parse(added.json.Statement).Principal, { Service: 's3.amazonaws.com' });
  const policy = await srv.aws(['lambda', 'get-policy', '--function-name', 'qa']);
  assert.deepEqual(JSON.parse(policy.json.Policy).Statement.map((s: { Sid: string }) => s.Sid), ['from-s3']);
  const removed = await srv.aws(['lambda', 'remove-permission', '--function-name', 'qa', '--statement-id', 'from-s3']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(cliErrorCode(await srv.aws(['lambda', 'get-policy', '--function-name', 'qa'])), 'ResourceNotFoundException');

  const out = path.join(srv.dataDir, 'invoke-out.json');
  const invoked = await srv.aws(['lambda', 'invoke', '--function-name', 'qa', out]);
  assert.equal(cliErrorCode(invoked), 'InvalidAction');
  assert.match(invoked.stderr, /does not execute Lambda function code/);

  const big = await srv.aws(['lambda', 'update-function-configuration', '--function-name', 'qa', '--memory-size', '10241']);
  assert.equal(cliErrorCode(big), 'ValidationException');

  const names = await eventNames('lambda.amazonaws.com');
  for (const n of ['CreateAlias20150331', 'ListVersionsByFunction20150331', 'AddPermission20150331v2', 'GetPolicy20150331v2', 'RemovePermission20150331v2']) {
    assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
  }
  // Invocations are data events: never in Event history.
  assert.ok(!names.includes('Invoke'));
});

test('organizations: OUs, move-account, the tree listings and create-account statuses, recorded in us-east-1', async () => {
  const org = (args: string[]) => srv.aws(['organizations', ...args], { region: 'eu-west-1' });
  assert.equal((await org(['create-organization'])).code, 0);
  const rootId = (await org(['list-roots'])).json.Roots[0].Id as string;
  const ou = await org(['create-organizational-unit', '--parent-id', rootId, '--name', 'Prod']);
  assert.equal(ou.code, 0, ou.stderr);
  const ouId = ou.json.OrganizationalUnit.Id as string;
  assert.match(ouId, new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`));

  const made = await org(['create-account', '--email', 'qa-member@example.com', '--account-name', 'qa-member']);
  const memberId = made.json.CreateAccountStatus.AccountId as string;
  const moved = await org(['move-account', '--account-id', memberId, '--source-parent-id', rootId, '--destination-parent-id', ouId]);
  assert.equal(moved.code, 0, moved.stderr);
  const again = await org(['move-account', '--account-id', memberId, '--source-parent-id', ouId, '--destination-parent-id', ouId]);
  assert.equal(cliErrorCode(again), 'DuplicateAccountException');

  assert.deepEqual((await org(['list-parents', '--child-id', memberId])).json.Parents, [{ Id: ouId, Type: 'ORGANIZATIONAL_UNIT' }]);
  const children = await org(['list-children', '--parent-id', rootId, '--child-type', 'ACCOUNT']);
  assert.deepEqual(children.json.Children, [{ Id: srv.admin.accountId, Type: 'ACCOUNT' }]);
  const statuses = await org(['list-create-account-status', '--states', 'SUCCEEDED']);
  assert.deepEqual(statuses.json.CreateAccountStatuses.map((s: { AccountId: string }) => s.AccountId), [memberId]);

  const names = await eventNames('organizations.amazonaws.com');
  for (const n of ['CreateOrganizationalUnit', 'MoveAccount', 'ListParents', 'ListChildren', 'ListCreateAccountStatus']) assert.ok(names.includes(n), n);
});
