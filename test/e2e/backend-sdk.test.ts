// Forwarded services with AWS SDK v3 and boto3 (issue 11): one create and one read per service,
// through chattrail to moto_server. CloudWatch's model lists smithy-rpc-v2-cbor first, which moto
// does not speak: chattrail parses CBOR, forwards JSON, and answers in CBOR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EC2Client, CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { SSMClient, PutParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { SecretsManagerClient, CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } from '@aws-sdk/client-kms';
import { CloudWatchClient, PutMetricDataCommand, ListMetricsCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ECSClient, CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { startTestServer, type TestServer } from './harness.js';
import { loadModel } from '../../src/protocol/model.js';
import { parseResponse, serializeRequest } from '../../src/protocol/client.js';

const execFileP = promisify(execFile);
let srv: TestServer;

before(async () => { srv = await startTestServer({ CHATTRAIL_BACKEND: 'moto' }); });
after(async () => { await srv?.stop(); });

async function records(): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (await srv.app.stores.events.readAfter(0, 100_000)).map((e) => JSON.parse(e.record) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

test('SDK v3: EC2, SSM, Secrets Manager, KMS, Logs, DynamoDB, SQS, ECS', async () => {
  const cfg = srv.sdkConfig('us-west-2');
  const ec2 = new EC2Client(cfg);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
  const vpcs = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.Vpc!.VpcId!] }));
  assert.equal(vpcs.Vpcs?.[0].CidrBlock, '10.1.0.0/16');
  const ssm = new SSMClient(cfg);
  await ssm.send(new PutParameterCommand({ Name: 'sdk-param', Value: 'v1', Type: 'String' }));
  assert.equal((await ssm.send(new GetParameterCommand({ Name: 'sdk-param' }))).Parameter?.Value, 'v1');
  const sm = new SecretsManagerClient(cfg);
  const secret = await sm.send(new CreateSecretCommand({ Name: 'sdk-secret', SecretString: 'x' }));
  assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: secret.ARN }))).Name, 'sdk-secret');
  const kms = new KMSClient(cfg);
  const key = await kms.send(new CreateKeyCommand({}));
  const sealed = await kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: Buffer.from('plain words') }));
  const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
  assert.equal(Buffer.from(opened.Plaintext!).toString(), 'plain words');
  const logs = new CloudWatchLogsClient(cfg);
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'sdk-group' }));
  assert.equal((await logs.send(new DescribeLogGroupsCommand({}))).logGroups?.[0].logGroupName, 'sdk-group');
  const ddb = new DynamoDBClient(cfg);
  await ddb.send(new CreateTableCommand({ TableName: 't', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  await ddb.send(new PutItemCommand({ TableName: 't', Item: { id: { S: 'a' }, n: { N: '7' } } }));
  assert.equal((await ddb.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } }))).Item?.n.N, '7');
  const sqs = new SQSClient(cfg);
  const q = await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-q' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'hello from sdk' }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, WaitTimeSeconds: 0 }));
  assert.equal(got.Messages?.[0].Body, 'hello from sdk');
  const ecs = new ECSClient(cfg);
  await ecs.send(new CreateClusterCommand({ clusterName: 'sdk-cluster' }));
  assert.equal((await ecs.send(new DescribeClustersCommand({ clusters: ['sdk-cluster'] }))).clusters?.[0].clusterName, 'sdk-cluster');
  for (const c of [ec2, ssm, sm, kms, logs, ddb, sqs, ecs]) c.destroy();
  const recs = await records();
  for (const [src, name] of [['ec2', 'CreateVpc'], ['kms', 'Decrypt'], ['dynamodb', 'CreateTable'], ['ecs', 'CreateCluster']]) {
    const r = recs.find((x) => x.eventSource === `${src}.amazonaws.com` && x.eventName === name);
    assert.ok(r, `${src} ${name} recorded`);
    assert.equal(r.awsRegion, 'us-west-2');
  }
  assert.ok(!JSON.stringify(recs).includes('plain words'), 'KMS plaintext is in no record');
});

test('CloudWatch in every protocol its model lists: SDK v3, and CBOR, which moto does not speak, answered in CBOR', async () => {
  const cw = new CloudWatchClient(srv.sdkConfig('eu-central-1'));
  await cw.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: [{ MetricName: 'Orders', Value: 3, Unit: 'Count' }] }));
  assert.equal((await cw.send(new ListMetricsCommand({ Namespace: 'App' }))).Metrics?.[0].MetricName, 'Orders');
  assert.deepEqual((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms, []);
  cw.destroy();
  // A CBOR request made by chattrail's own client side (checked against AWS's rpc-v2-cbor suite).
  const model = loadModel('cloudwatch');
  const req = serializeRequest(model, 'ListMetrics', { Namespace: 'App' }, { endpoint: srv.url, protocol: 'smithy-rpc-v2-cbor' });
  const url = new URL(req.url);
  const signer = new SignatureV4({ service: 'monitoring', region: 'eu-central-1', credentials: srv.sdkConfig().credentials, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign(new HttpRequest({ method: req.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { ...req.headers, host: url.host }, body: req.body }));
  const res = await fetch(req.url, { method: req.method, headers: signed.headers, body: new Uint8Array(req.body) });
  assert.equal(res.headers.get('smithy-protocol'), 'rpc-v2-cbor');
  const body = Buffer.from(await res.arrayBuffer());
  const out = parseResponse(model, 'ListMetrics', { status: res.status, headers: Object.fromEntries(res.headers), body }, 'smithy-rpc-v2-cbor');
  assert.equal((out.Metrics as { MetricName: string }[])[0].MetricName, 'Orders');
  const recs = (await records()).filter((x) => x.eventName === 'ListMetrics');
  assert.equal(recs.length, 2, 'both calls recorded');
  assert.deepEqual(recs[0].requestParameters, recs[1].requestParameters, 'the same record whichever protocol was spoken');
  const put = (await records()).find((x) => x.eventName === 'PutMetricData');
  assert.equal(put?.eventSource, 'monitoring.amazonaws.com');
  assert.equal(put?.awsRegion, 'eu-central-1');
});

test('boto3: one create and one read in each of the nine services', async () => {
  const script = `
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name='ap-northeast-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
c = lambda name: boto3.client(name, **kw)
out = {}
ec2 = c('ec2')
sg = ec2.create_security_group(GroupName='boto-sg', Description='from boto3')
out['ec2'] = ec2.describe_security_groups(GroupIds=[sg['GroupId']])['SecurityGroups'][0]['GroupName']
ssm = c('ssm'); ssm.put_parameter(Name='boto-p', Value='pv', Type='String')
out['ssm'] = ssm.get_parameter(Name='boto-p')['Parameter']['Value']
sm = c('secretsmanager'); sm.create_secret(Name='boto-secret', SecretString='boto-value')
out['secretsmanager'] = sm.get_secret_value(SecretId='boto-secret')['SecretString']
try:
    sm.get_secret_value(SecretId='missing')
except sm.exceptions.ResourceNotFoundException as e:
    out['missing'] = e.response['Error']['Code']
kms = c('kms'); key = kms.create_key(Description='boto-key')['KeyMetadata']['KeyId']
out['kms'] = kms.describe_key(KeyId=key)['KeyMetadata']['Description']
cw = c('cloudwatch'); cw.put_metric_data(Namespace='Boto', MetricData=[{'MetricName': 'Hits', 'Value': 1.0}])
out['cloudwatch'] = cw.list_metrics(Namespace='Boto')['Metrics'][0]['MetricName']
logs = c('logs'); logs.create_log_group(logGroupName='boto-group')
out['logs'] = logs.describe_log_groups()['logGroups'][0]['logGroupName']
ddb = c('dynamodb'); ddb.create_table(TableName='boto-t', AttributeDefinitions=[{'AttributeName': 'k', 'AttributeType': 'S'}], KeySchema=[{'AttributeName': 'k', 'KeyType': 'HASH'}], BillingMode='PAY_PER_REQUEST')
out['dynamodb'] = ddb.describe_table(TableName='boto-t')['Table']['TableName']
sqs = c('sqs'); url = sqs.create_queue(QueueName='boto-q')['QueueUrl']
out['sqs'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
ecs = c('ecs'); ecs.create_cluster(clusterName='boto-c')
out['ecs'] = ecs.describe_clusters(clusters=['boto-c'])['clusters'][0]['clusterName']
print(json.dumps(out))
`;
  const { stdout } = await execFileP('python3', ['-c', script, srv.url, srv.admin.accessKeyId, srv.admin.secretAccessKey]);
  const out = JSON.parse(stdout) as Record<string, string>;
  assert.deepEqual(out, {
    ec2: 'boto-sg', ssm: 'pv', secretsmanager: 'boto-value', missing: 'ResourceNotFoundException', kms: 'boto-key', cloudwatch: 'Hits',
    logs: 'boto-group', dynamodb: 'boto-t', sqs: `arn:aws:sqs:ap-northeast-1:${srv.admin.accountId}:boto-q`, ecs: 'boto-c',
  });
  const rec = (await records()).find((x) => x.eventName === 'CreateSecurityGroup');
  assert.equal(rec?.awsRegion, 'ap-northeast-1');
  assert.match(String(rec?.userAgent), /Boto3|botocore/);
});
