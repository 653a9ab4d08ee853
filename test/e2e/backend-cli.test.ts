// Services chattrail does not emulate, forwarded to moto_server (issue 11), driven by the real AWS
// CLI: create/describe/delete round trips for nine services, each authorized by chattrail's
// policies and recorded by chattrail; a denied call never reaches the backend; a validation error is
// answered before it; the backend's own errors pass through; two accounts never see each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliErrorCode, startTestServer, type TestServer } from './harness.js';
import { createUser } from './core-fixtures.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';

let srv: TestServer;
let other: AdminCredentials;

before(async () => {
  srv = await startTestServer({ CHATTRAIL_BACKEND: 'moto' });
  other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
});
after(async () => { await srv?.stop(); });

/** Every record stored so far, parsed. */
async function records(): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const events = await srv.app.stores.events.readAfter(0, 100_000);
  return events.map((e) => JSON.parse(e.record) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function ok(args: string[], opts?: Parameters<TestServer['aws']>[1]) {
  const r = await srv.aws(args, opts);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.json;
}

describe('forwarded services with the AWS CLI', () => {
  test('health names the backend and its state', async () => {
    const health = await (await fetch(`${srv.url}/_chattrail/health`)).json() as { backend?: { state: string; url?: string } };
    assert.equal(health.backend?.state, 'ready');
    assert.match(health.backend?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('EC2: run, describe, terminate; recorded as ec2.amazonaws.com in the region called', async () => {
    const run = await ok(['ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '1', '--instance-type', 't2.micro'], { region: 'us-west-2' });
    const id = run.Instances[0].InstanceId as string;
    assert.match(id, /^i-[0-9a-f]+$/);
    const described = await ok(['ec2', 'describe-instances', '--instance-ids', id], { region: 'us-west-2' });
    assert.equal(described.Reservations[0].Instances[0].InstanceId, id);
    const elsewhere = await ok(['ec2', 'describe-instances'], { region: 'eu-west-1' });
    assert.equal(elsewhere.Reservations.length, 0, 'another region has no instances');
    await ok(['ec2', 'terminate-instances', '--instance-ids', id], { region: 'us-west-2' });
    const recs = await records();
    const runRec = recs.find((r) => r.eventName === 'RunInstances');
    assert.ok(runRec, 'RunInstances recorded');
    assert.equal(runRec.eventSource, 'ec2.amazonaws.com');
    assert.equal(runRec.awsRegion, 'us-west-2');
    assert.equal(runRec.readOnly, false);
    assert.equal(runRec.userIdentity.accountId, srv.admin.accountId);
    // As CloudTrail writes EC2's classic operations (compare the samples' RunInstances/TerminateInstances).
    assert.equal(runRec.requestParameters.instancesSet.items[0].imageId, 'ami-12c6146b');
    assert.equal(runRec.requestParameters.instanceType, 't2.micro');
    assert.equal(runRec.responseElements.instancesSet.items[0].instanceId, id);
    const term = recs.find((r) => r.eventName === 'TerminateInstances');
    assert.deepEqual(term?.requestParameters, { instancesSet: { items: [{ instanceId: id }] } });
    assert.equal(term?.responseElements.instancesSet.items[0].previousState.name, 'running');
    assert.match(term?.responseElements.requestId, /^[0-9a-f-]{36}$/);
    const describe = recs.find((r) => r.eventName === 'DescribeInstances');
    assert.equal(describe?.readOnly, true);
    assert.equal(describe?.responseElements, null, 'read-only calls log no response');
  });

  test('SSM SecureString, Secrets Manager, KMS: round trips, and no secret value in any record', async () => {
    const secretValue = `s3cr3t-${randomIds.alnum(12)}`;
    await ok(['ssm', 'put-parameter', '--name', '/app/db-password', '--type', 'SecureString', '--value', secretValue]);
    const got = await ok(['ssm', 'get-parameter', '--name', '/app/db-password', '--with-decryption']);
    assert.equal(got.Parameter.Value, secretValue);
    await ok(['ssm', 'delete-parameter', '--name', '/app/db-password']);
    const created = await ok(['secretsmanager', 'create-secret', '--name', 'app/api-key', '--secret-string', secretValue]);
    assert.match(created.ARN, new RegExp(`^arn:aws:secretsmanager:us-east-1:${srv.admin.accountId}:secret:app/api-key-`));
    assert.equal((await ok(['secretsmanager', 'get-secret-value', '--secret-id', 'app/api-key'])).SecretString, secretValue);
    await ok(['secretsmanager', 'delete-secret', '--secret-id', 'app/api-key', '--force-delete-without-recovery']);
    const key = await ok(['kms', 'create-key', '--description', 'forwarded']);
    assert.match(key.KeyMetadata.Arn, new RegExp(`:${srv.admin.accountId}:key/`));
    assert.equal((await ok(['kms', 'describe-key', '--key-id', key.KeyMetadata.KeyId])).KeyMetadata.Description, 'forwarded');
    await ok(['kms', 'schedule-key-deletion', '--key-id', key.KeyMetadata.KeyId, '--pending-window-in-days', '7']);
    const all = JSON.stringify(await records());
    assert.ok(!all.includes(secretValue), 'the secret value appears in no record');
    const put = (await records()).find((r) => r.eventName === 'PutParameter');
    assert.equal(put?.requestParameters.value, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    const names = new Set((await records()).map((r) => `${r.eventSource} ${r.eventName}`));
    for (const n of ['ssm.amazonaws.com PutParameter', 'ssm.amazonaws.com GetParameter', 'secretsmanager.amazonaws.com CreateSecret',
      'secretsmanager.amazonaws.com GetSecretValue', 'kms.amazonaws.com CreateKey', 'kms.amazonaws.com ScheduleKeyDeletion']) {
      assert.ok(names.has(n), `${n} recorded`);
    }
  });

  test('CloudWatch, Logs, DynamoDB, SQS, ECS: round trips', async () => {
    await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', 'high-cpu', '--metric-name', 'CPUUtilization', '--namespace', 'AWS/EC2',
      '--statistic', 'Average', '--period', '300', '--threshold', '80', '--comparison-operator', 'GreaterThanThreshold', '--evaluation-periods', '1']);
    assert.deepEqual((await ok(['cloudwatch', 'describe-alarms'])).MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName), ['high-cpu']);
    await ok(['cloudwatch', 'delete-alarms', '--alarm-names', 'high-cpu']);
    await ok(['logs', 'create-log-group', '--log-group-name', '/app/web']);
    assert.deepEqual((await ok(['logs', 'describe-log-groups'])).logGroups.map((g: { logGroupName: string }) => g.logGroupName), ['/app/web']);
    await ok(['logs', 'delete-log-group', '--log-group-name', '/app/web']);
    await ok(['dynamodb', 'create-table', '--table-name', 'orders', '--attribute-definitions', 'AttributeName=id,AttributeType=S',
      '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST']);
    assert.deepEqual((await ok(['dynamodb', 'list-tables'])).TableNames, ['orders']);
    await ok(['dynamodb', 'delete-table', '--table-name', 'orders']);
    const q = await ok(['sqs', 'create-queue', '--queue-name', 'jobs']);
    assert.ok(q.QueueUrl.startsWith(srv.url), `the queue URL points at chattrail: ${q.QueueUrl}`);
    assert.ok(q.QueueUrl.endsWith(`/${srv.admin.accountId}/jobs`), q.QueueUrl);
    assert.deepEqual((await ok(['sqs', 'list-queues'])).QueueUrls, [q.QueueUrl]);
    await ok(['sqs', 'delete-queue', '--queue-url', q.QueueUrl]);
    await ok(['ecs', 'create-cluster', '--cluster-name', 'web']);
    assert.equal((await ok(['ecs', 'list-clusters'])).clusterArns.length, 1);
    await ok(['ecs', 'delete-cluster', '--cluster', 'web']);
    const recs = await records();
    const alarm = recs.find((r) => r.eventName === 'PutMetricAlarm');
    assert.equal(alarm?.eventSource, 'monitoring.amazonaws.com');
    for (const [src, name] of [['logs', 'CreateLogGroup'], ['dynamodb', 'CreateTable'], ['sqs', 'CreateQueue'], ['ecs', 'CreateCluster']]) {
      assert.ok(recs.some((r) => r.eventSource === `${src}.amazonaws.com` && r.eventName === name), `${src} ${name} recorded`);
    }
  });

  test('services sharing a signing name reach the right one: API Gateway v1 and v2, DynamoDB and its streams', async () => {
    const v2 = await ok(['apigatewayv2', 'create-api', '--name', 'http-api', '--protocol-type', 'HTTP']);
    assert.deepEqual((await ok(['apigatewayv2', 'get-apis'])).Items.map((a: { ApiId: string }) => a.ApiId), [v2.ApiId]);
    const v1 = await ok(['apigateway', 'create-rest-api', '--name', 'rest-api']);
    assert.deepEqual((await ok(['apigateway', 'get-rest-apis'])).items.map((a: { id: string }) => a.id), [v1.id]);
    assert.deepEqual((await ok(['dynamodbstreams', 'list-streams'])).Streams, []);
    const recs = await records();
    assert.ok(recs.some((r) => r.eventName === 'CreateApi' && r.eventSource === 'apigateway.amazonaws.com'));
  });

  test('a user without ec2:RunInstances is refused by chattrail, recorded, and the backend never sees the call', async () => {
    const reader = await createUser(srv, 'ec2-reader', { read: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] }) });
    const r = await srv.aws(['ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '1'], { creds: reader, region: 'ap-south-1' });
    assert.equal(cliErrorCode(r), 'UnauthorizedOperation', r.stderr);
    assert.match(r.stderr, /You are not authorized to perform this operation\. .*ec2:RunInstances/);
    const seen = await ok(['ec2', 'describe-instances'], { region: 'ap-south-1' });
    assert.equal(seen.Reservations.length, 0, 'moto never ran it');
    const rec = (await records()).find((x) => x.eventName === 'RunInstances' && x.userIdentity.arn?.endsWith('/ec2-reader'));
    assert.ok(rec, 'the refusal is recorded');
    assert.equal(rec.errorCode, 'Client.UnauthorizedOperation');
    assert.equal(rec.requestParameters.instancesSet.items[0].imageId, 'ami-12c6146b', 'EC2 refusals keep their parameters');
  });

  test('invalid input is refused before the backend, with the model\'s error; the backend\'s own errors pass through', async () => {
    const bad = await srv.aws(['logs', 'create-log-group', '--log-group-name', 'no spaces allowed!']);
    assert.ok(['InvalidParameterException', 'ValidationException'].includes(cliErrorCode(bad) ?? ''), bad.stderr);
    assert.equal((await ok(['logs', 'describe-log-groups'])).logGroups.length, 0);
    const missing = await srv.aws(['ec2', 'terminate-instances', '--instance-ids', 'i-0123456789abcdef0']);
    assert.equal(cliErrorCode(missing), 'InvalidInstanceID.NotFound', missing.stderr);
    const noSecret = await srv.aws(['secretsmanager', 'get-secret-value', '--secret-id', 'nope']);
    assert.equal(cliErrorCode(noSecret), 'ResourceNotFoundException', noSecret.stderr);
    const rec = (await records()).find((x) => x.eventName === 'GetSecretValue' && x.errorCode);
    assert.equal(rec?.errorCode, 'ResourceNotFoundException');
  });

  test('two accounts with the same names never see each other\'s resources', async () => {
    await ok(['secretsmanager', 'create-secret', '--name', 'shared-name', '--secret-string', 'mine']);
    const theirs = await ok(['secretsmanager', 'create-secret', '--name', 'shared-name', '--secret-string', 'theirs'], { creds: other });
    const byArn = await srv.aws(['secretsmanager', 'get-secret-value', '--secret-id', theirs.ARN]);
    assert.notEqual(byArn.code, 0, 'another account\'s secret is not reachable by its ARN');
    assert.ok(!byArn.stdout.includes('theirs'));
    const theirKey = await ok(['kms', 'create-key'], { creds: other });
    const keyByArn = await srv.aws(['kms', 'describe-key', '--key-id', theirKey.KeyMetadata.Arn]);
    assert.notEqual(keyByArn.code, 0, `another account's key is not reachable by its ARN: ${keyByArn.stdout}`);
    assert.equal((await ok(['secretsmanager', 'get-secret-value', '--secret-id', 'shared-name'])).SecretString, 'mine');
    assert.equal((await ok(['secretsmanager', 'get-secret-value', '--secret-id', 'shared-name'], { creds: other })).SecretString, 'theirs');
    const mine = await ok(['secretsmanager', 'list-secrets']);
    assert.ok(mine.SecretList.every((s: { ARN: string }) => s.ARN.includes(`:${srv.admin.accountId}:`)));
    const theirQueue = await ok(['sqs', 'create-queue', '--queue-name', 'private'], { creds: other });
    assert.deepEqual((await ok(['sqs', 'list-queues']))?.QueueUrls ?? [], []);
    const cross = await srv.aws(['sqs', 'get-queue-attributes', '--queue-url', theirQueue.QueueUrl, '--attribute-names', 'All']);
    assert.notEqual(cross.code, 0, 'another account\'s queue URL is not reachable');
  });
});

describe('no backend configured', () => {
  let plain: TestServer;
  before(async () => { plain = await startTestServer(); });
  after(async () => { await plain?.stop(); });

  test('an unserved service answers in the protocol the client speaks, naming the setting', async () => {
    for (const args of [['logs', 'describe-log-groups'], ['ec2', 'describe-regions'], ['cloudwatch', 'describe-alarms'], ['sqs', 'list-queues']]) {
      const r = await plain.aws(args);
      assert.equal(cliErrorCode(r), 'UnrecognizedService', `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /CHATTRAIL_BACKEND=moto/);
    }
  });
});
