// End-to-end: what users try on the CloudTrail API beyond the trail tests: every LookupEvents input
// rule answered with CloudTrail's own exceptions, the CLI's and boto3's pagination of Event history,
// CloudTrail's own records without `resources`, Insights and tag limits, shadow trails hidden on request.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { CreateBucketCommand, ListBucketsCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { s3Of, trailBucketPolicy } from './trails-helpers.js';

interface LookupEvent { EventId: string; EventName: string; ReadOnly: string; Resources: { ResourceType: string; ResourceName: string }[]; CloudTrailEvent: string }

/** Runs a boto3 script as the admin against the server; the script prints one JSON document. */
function boto3(srv: TestServer, script: string): Promise<unknown> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), AWS_ENDPOINT_URL: srv.url, AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: srv.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: srv.admin.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1',
  };
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script], { env }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout))));
  });
}

describe('CloudTrail API as users try it', () => {
  let srv: TestServer;
  let acct: string;
  let s3: S3Client;
  let arn: string;
  before(async () => {
    srv = await startTestServer();
    acct = srv.admin.accountId;
    s3 = s3Of(srv);
    await s3.send(new CreateBucketCommand({ Bucket: 'qa-logs' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'qa-logs', Policy: trailBucketPolicy('qa-logs', [`AWSLogs/${acct}/`]) }));
    const made = await srv.aws(['cloudtrail', 'create-trail', '--name', 'qa-trail', '--s3-bucket-name', 'qa-logs', '--is-multi-region-trail']);
    assert.equal(made.code, 0, made.stderr);
    arn = made.json.TrailARN;
  });
  after(async () => {
    s3.destroy();
    await srv.stop();
  });

  test('lookup-events answers bad attributes with InvalidLookupAttributesException, never with the write events', async () => {
    const lookup = (...args: string[]) => srv.aws(['cloudtrail', 'lookup-events', ...args]);
    assert.equal(cliErrorCode(await lookup('--lookup-attributes', 'AttributeKey=Bogus,AttributeValue=x')), 'ValidationException');
    // Any value but true/false used to select readOnly=false events.
    assert.equal(cliErrorCode(await lookup('--lookup-attributes', 'AttributeKey=ReadOnly,AttributeValue=TRUE')), 'InvalidLookupAttributesException');
    assert.equal(cliErrorCode(await lookup('--event-category', 'insight', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=admin')),
      'InvalidLookupAttributesException');
  });

  test("CloudTrail's own records carry no resources; Event history still lists the trail", async () => {
    const r = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateTrail']);
    assert.equal(r.code, 0, r.stderr);
    const [e] = r.json.Events as LookupEvent[];
    const record = JSON.parse(e.CloudTrailEvent) as Record<string, unknown>;
    assert.equal('resources' in record, false);
    assert.deepEqual(record.requestParameters, { name: 'qa-trail', s3BucketName: 'qa-logs', isMultiRegionTrail: true });
    assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: arn }]);
  });

  test('Insights types and tag lengths fail with CloudTrail exceptions; shadow trails are left out on request', async () => {
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'put-insight-selectors', '--trail-name', 'qa-trail', '--insight-selectors', 'InsightType=Bogus'])),
      'InvalidInsightSelectorsException');
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'add-tags', '--resource-id', arn, '--tags-list', `Key=${'k'.repeat(129)},Value=v`])),
      'InvalidTagParameterException');
    const west = { region: 'us-west-2' };
    const all = await srv.aws(['cloudtrail', 'describe-trails', '--trail-name-list', 'qa-trail'], west);
    assert.deepEqual(all.json.trailList.map((t: { TrailARN: string }) => t.TrailARN), [arn]);
    const own = await srv.aws(['cloudtrail', 'describe-trails', '--trail-name-list', 'qa-trail', '--no-include-shadow-trails'], west);
    assert.deepEqual(own.json.trailList, []);
  });

  test('the CLI (--max-items/--starting-token) and the boto3 paginator walk Event history without gaps or repeats', async () => {
    // Enough events for both CLI pages, whatever the tests before recorded.
    for (let i = 0; i < 8; i++) await s3.send(new ListBucketsCommand({}));
    const first = await srv.aws(['cloudtrail', 'lookup-events', '--page-size', '3', '--max-items', '4']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json.Events.length, 4);
    const second = await srv.aws(['cloudtrail', 'lookup-events', '--page-size', '3', '--max-items', '4', '--starting-token', first.json.NextToken]);
    assert.equal(second.code, 0, second.stderr);
    const ids = [...first.json.Events, ...second.json.Events].map((e: LookupEvent) => e.EventId);
    assert.equal(ids.length, 8);
    assert.equal(new Set(ids).size, 8, 'no event twice across the two CLI pages');

    const out = await boto3(srv, `
import boto3, json, botocore
ct = boto3.client('cloudtrail')
ids = []
pages = 0
for page in ct.get_paginator('lookup_events').paginate(PaginationConfig={'PageSize': 2}):
    pages += 1
    ids += [e['EventId'] for e in page['Events']]
token = ct.lookup_events(MaxResults=1)['NextToken']
codes = []
for kw in ({'NextToken': token[:-4] + 'AAAA'}, {'NextToken': token, 'LookupAttributes': [{'AttributeKey': 'EventName', 'AttributeValue': 'CreateTrail'}]}):
    try:
        ct.lookup_events(MaxResults=1, **kw)
        codes.append('ok')
    except botocore.exceptions.ClientError as e:
        codes.append(e.response['Error']['Code'])
writes = ct.lookup_events(LookupAttributes=[{'AttributeKey': 'ReadOnly', 'AttributeValue': 'false'}])['Events']
print(json.dumps({'pages': pages, 'ids': ids, 'codes': codes, 'writes': sorted({e['ReadOnly'] for e in writes}), 'nwrites': len(writes)}))
`) as { pages: number; ids: string[]; codes: string[]; writes: string[]; nwrites: number };
    assert.ok(out.pages >= 5, `paged in twos: ${out.pages} pages`);
    assert.equal(new Set(out.ids).size, out.ids.length, 'the paginator never repeats an event');
    for (const id of ids) assert.ok(out.ids.includes(id), 'the paginator sees every event the CLI saw');
    assert.deepEqual(out.codes, ['InvalidNextTokenException', 'InvalidNextTokenException'], 'a tampered token, and a token of another query');
    assert.deepEqual(out.writes, ['false']);
    assert.ok(out.nwrites >= 1);
  });
});
