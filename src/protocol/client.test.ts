// The client side against the server side on chattrail's own models: what the client sends, the
// server parses back to the same input; what the server answers, the client reads back to the same
// output or error. And per-request protocol choice for a model that lists several protocols.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, modelFromDescription, type Protocol, type ServiceModel } from './model.js';
import { parseRequest, protocolOf, serializeError, serializeResponse } from './codec.js';
import { parseResponse, serializeRequest, type ClientRequest } from './client.js';
import { AwsError } from './errors.js';
import type { RawRequest } from './http.js';

/** What the server's front door makes of a client's request. */
function asServerRequest(req: ClientRequest): RawRequest {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  return { method: req.method, rawPath: url.pathname, query: url.searchParams, headers, body: req.body };
}

function roundTrip(model: ServiceModel, opName: string, input: Record<string, unknown>, output: Record<string, unknown>, protocol?: Protocol): ClientRequest {
  const req = serializeRequest(model, opName, input, { endpoint: 'https://service.example.com', protocol });
  const parsed = parseRequest(model, asServerRequest(req), protocol);
  assert.equal(parsed.op.name, opName);
  assert.deepEqual(parsed.input, input, `${model.name} ${opName}: the server reads what the client sent`);
  const res = serializeResponse(model, parsed.op, output, 'req-1', req.method, protocol);
  assert.deepEqual(parseResponse(model, opName, res, protocol), output, `${model.name} ${opName}: the client reads what the server answered`);
  return req;
}

const when = new Date('2024-05-01T12:34:56Z');

test('query (STS, IAM, SNS): the client and the server agree both ways', () => {
  const sts = loadModel('sts');
  const req = roundTrip(sts, 'AssumeRole', { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 's', DurationSeconds: 900, Tags: [{ Key: 'k', Value: 'v w' }] },
    { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 'x', SessionToken: 't', Expiration: when }, AssumedRoleUser: { AssumedRoleId: 'AROA:s', Arn: 'arn:aws:sts::123456789012:assumed-role/r/s' } });
  assert.equal(req.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.match(req.body.toString(), /^Action=AssumeRole&Version=2011-06-15&/);
  assert.match(req.body.toString(), /Tags\.member\.1\.Value=v%20w/);
  roundTrip(loadModel('iam'), 'CreateUser', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'a' }] },
    { User: { Path: '/', UserName: 'alice', UserId: 'AIDA', Arn: 'arn:aws:iam::123456789012:user/alice', CreateDate: when, Tags: [{ Key: 'team', Value: 'a' }] } });
  roundTrip(loadModel('sns'), 'Publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'hi & <bye>', MessageAttributes: { a: { DataType: 'String', StringValue: '1' } } },
    { MessageId: 'm-1' });
});

test('json (CloudTrail, Organizations): X-Amz-Target, timestamps as epoch seconds', () => {
  const ct = loadModel('cloudtrail');
  const req = roundTrip(ct, 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], StartTime: when, MaxResults: 5 },
    { Events: [{ EventId: 'e', EventName: 'CreateUser', EventTime: when, Resources: [] }], NextToken: 'n' });
  assert.equal(req.headers['X-Amz-Target'], 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents');
  assert.equal((JSON.parse(req.body.toString()) as { StartTime: number }).StartTime, when.getTime() / 1000);
  roundTrip(loadModel('organizations'), 'ListAccounts', { MaxResults: 2 }, { Accounts: [{ Id: '123456789012', Arn: 'arn:aws:organizations::1:account/o-1/123456789012', JoinedTimestamp: when }] });
});

test('rest-json (Lambda, Chatbot): labels, query string, status code and blob payloads', () => {
  const lambda = loadModel('lambda');
  const req = roundTrip(lambda, 'GetFunction', { FunctionName: 'my fn', Qualifier: '$LATEST' }, { Configuration: { FunctionName: 'my fn', LastModified: '2024-05-01' } });
  assert.equal(req.url, 'https://service.example.com/2015-03-31/functions/my%20fn?Qualifier=%24LATEST');
  roundTrip(lambda, 'Invoke', { FunctionName: 'f', InvocationType: 'RequestResponse', Payload: Buffer.from('{"a":1}') },
    { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: Buffer.from('"ok"') });
  roundTrip(loadModel('chatbot'), 'DescribeSlackChannelConfigurations', { MaxResults: 3 }, { SlackChannelConfigurations: [] });
});

test('rest-xml (S3): greedy keys, metadata headers, XML payloads and the checksum S3 requires', () => {
  const s3 = loadModel('s3');
  const get = roundTrip(s3, 'GetObject', { Bucket: 'b', Key: 'dir/a b+c.txt', Range: 'bytes=0-3' },
    { Body: Buffer.from('data'), ContentType: 'text/plain', LastModified: new Date('2024-05-01T12:34:56Z'), Metadata: { owner: 'me' } });
  assert.equal(get.url, 'https://service.example.com/b/dir/a%20b%2Bc.txt');
  // PutObject shares its template with CopyObject in botocore's model (chattrail's S3 tells them
  // apart in its own model), so only the request is checked here.
  const put = serializeRequest(s3, 'PutObject', { Bucket: 'b', Key: 'k', Body: Buffer.from('data'), ContentType: 'text/plain', Metadata: { owner: 'me' } }, { endpoint: 'https://s3.example.com' });
  assert.deepEqual([put.method, put.url, put.headers['Content-Type'], put.headers['x-amz-meta-owner'], put.body.toString()], ['PUT', 'https://s3.example.com/b/k', 'text/plain', 'me', 'data']);
  const del = roundTrip(s3, 'DeleteObjects', { Bucket: 'b', Delete: { Objects: [{ Key: 'k1' }, { Key: 'k2' }], Quiet: true } },
    { Deleted: [{ Key: 'k1' }], Errors: [{ Key: 'k2', Code: 'AccessDenied', Message: 'Access Denied' }] });
  assert.ok(del.headers['Content-MD5'], 'DeleteObjects carries Content-MD5');
  assert.match(del.body.toString(), /^<\?xml[^>]*>\n<Delete xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Object><Key>k1<\/Key><\/Object>/);
});

test('errors come back as AwsError with code, message, status and the shape members', () => {
  const cases: [string, string, string][] = [['sts', 'AssumeRole', 'MalformedPolicyDocument'], ['cloudtrail', 'GetTrail', 'TrailNotFoundException'],
    ['lambda', 'GetFunction', 'ResourceNotFoundException'], ['s3', 'GetObject', 'NoSuchKey']];
  for (const [svc, op, code] of cases) {
    const model = loadModel(svc);
    const res = serializeError(model, new AwsError(code, `no ${op}`), 'req-1');
    let thrown: unknown;
    try { parseResponse(model, op, res); } catch (e) { thrown = e; }
    assert.ok(thrown instanceof AwsError, `${svc}: an AwsError`);
    assert.equal(thrown.code, code);
    assert.equal(thrown.message, `no ${op}`);
    assert.equal(thrown.status, model.statusOfError(code) ?? 400);
  }
});

/** A service that answers in three protocols, as CloudWatch's model now lists them. */
const multi = modelFromDescription('multi', {
  metadata: { apiVersion: '2010-08-01', endpointPrefix: 'multi', protocol: 'query', protocols: ['smithy-rpc-v2-cbor', 'json', 'query'], serviceId: 'Multi', jsonVersion: '1.0', targetPrefix: 'GraniteServiceVersion20100801', xmlNamespace: 'http://example.com/doc/2010-08-01/' },
  operations: {
    PutMetricData: { name: 'PutMetricData', http: { method: 'POST', requestUri: '/' }, input: { shape: 'PutMetricDataInput' }, output: { shape: 'PutMetricDataOutput', resultWrapper: 'PutMetricDataResult' } },
  },
  shapes: {
    PutMetricDataInput: { type: 'structure', required: ['Namespace'], members: { Namespace: { shape: 'S' }, MetricData: { shape: 'Data' } } },
    PutMetricDataOutput: { type: 'structure', members: { Stored: { shape: 'I' }, At: { shape: 'T' } } },
    Data: { type: 'list', member: { shape: 'Datum' } },
    Datum: { type: 'structure', members: { MetricName: { shape: 'S' }, Value: { shape: 'D' }, Timestamp: { shape: 'T' } } },
    S: { type: 'string' }, I: { type: 'integer' }, D: { type: 'double' }, T: { type: 'timestamp' },
  },
});

test('protocolOf: a model listing several protocols answers each request in the one it speaks', () => {
  const input = { Namespace: 'App', MetricData: [{ MetricName: 'latency', Value: 1.5, Timestamp: when }] };
  const output = { Stored: 1, At: when };
  for (const protocol of ['smithy-rpc-v2-cbor', 'json', 'query'] as const) {
    const req = serializeRequest(multi, 'PutMetricData', input, { endpoint: 'https://monitoring.example.com', protocol });
    const raw = asServerRequest(req);
    assert.equal(protocolOf(multi, raw), protocol, `a ${protocol} request is recognized`);
    assert.deepEqual(parseRequest(multi, raw, protocol).input, input, `${protocol}: the same input whichever protocol carried it`);
    const res = serializeResponse(multi, multi.operation('PutMetricData')!, output, 'req-1', 'POST', protocol);
    assert.deepEqual(parseResponse(multi, 'PutMetricData', res, protocol), output);
  }
  assert.equal(serializeResponse(multi, multi.operation('PutMetricData')!, output, 'r', 'POST', 'smithy-rpc-v2-cbor').headers['smithy-protocol'], 'rpc-v2-cbor');
  // A request that names no protocol the model lists is answered in the model's own.
  const bare = { method: 'POST', rawPath: '/', query: new URLSearchParams(), headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(0) };
  assert.equal(protocolOf(multi, bare), 'query');
  // A model with one protocol does not look at the request at all.
  assert.equal(protocolOf(loadModel('cloudtrail'), { ...bare, headers: { 'smithy-protocol': 'rpc-v2-cbor' } }), 'json');
});

test('a CBOR error names its shape; a query-compatible service adds its query code', () => {
  const compat = modelFromDescription('compat', {
    metadata: { ...multi.metadata, protocol: 'smithy-rpc-v2-cbor', protocols: ['smithy-rpc-v2-cbor'], awsQueryCompatible: {} },
    operations: { PutMetricData: multi.operation('PutMetricData')! },
    shapes: { ...multi.shapes, LimitExceededFault: { type: 'structure', members: { message: { shape: 'S' } }, error: { code: 'LimitExceeded', httpStatusCode: 400, senderFault: true }, exception: true } },
  });
  const res = serializeError(compat, new AwsError('LimitExceeded', 'too many'), 'req-1');
  assert.equal(res.status, 400);
  assert.equal(res.headers['x-amzn-query-error'], 'LimitExceeded;Sender');
  assert.throws(() => parseResponse(compat, 'PutMetricData', res), (e: unknown) => e instanceof AwsError && e.code === 'LimitExceeded' && e.message === 'too many');
});

test('map keys from the wire stay keys: `__proto__` never becomes a prototype', () => {
  const lambda = loadModel('lambda');
  const req = { method: 'PUT', rawPath: '/2015-03-31/functions/f/configuration', query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: Buffer.from('{"Environment":{"Variables":{"__proto__":"x","A":"b"}}}') };
  const vars = (parseRequest(lambda, req).input.Environment as { Variables: Record<string, unknown> }).Variables;
  assert.equal(Object.getPrototypeOf(vars), Object.prototype);
  assert.deepEqual(Object.keys(vars), ['__proto__', 'A']);
  assert.equal(Object.getOwnPropertyDescriptor(vars, '__proto__')?.value, 'x');
  const form = { method: 'POST', rawPath: '/', query: new URLSearchParams(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('Action=Publish&Version=2010-03-31&TopicArn=t&Message=m&MessageAttributes.entry.1.Name=__proto__&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v') };
  const attrs = parseRequest(loadModel('sns'), form).input.MessageAttributes as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, { DataType: 'String', StringValue: 'v' });
  const tags = parseRequest(loadModel('s3'), { method: 'PUT', rawPath: '/b', query: new URLSearchParams('tagging'), headers: {},
    body: Buffer.from('<Tagging><TagSet><Tag><Key>__proto__</Key><Value>x</Value></Tag></TagSet></Tagging>') }).input;
  assert.deepEqual(tags.Tagging, { TagSet: [{ Key: '__proto__', Value: 'x' }] });
});
