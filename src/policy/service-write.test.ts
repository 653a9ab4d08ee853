// CloudTrail's delivery check against bucket policies (S3's service-write grant, asked as
// cloudtrail.amazonaws.com, in CloudTrail's words): the documented policy passes; a missing
// GetBucketAcl grant, a wrong prefix, a mismatched aws:SourceArn or a Deny fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceMayWrite } from './service-write.js';
import { bucketDeliveryCheck, cloudTrailWriter, type DeliveryCheck, type TrailSource } from '../services/cloudtrail/delivery/sinks.js';

/** The check as CreateTrail runs it: S3's grant for cloudtrail.amazonaws.com, in CloudTrail's words. */
const deliveryAllowed = (bucket: string, p: string | undefined, prefix: string, src: TrailSource): DeliveryCheck =>
  bucketDeliveryCheck(bucket, serviceMayWrite(bucket, p, prefix, cloudTrailWriter(src)) ? 'allowed' : 'refused');

const ACCOUNT = '111122223333';
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const source = { trailArn: TRAIL, accountId: ACCOUNT };

function policy(opts: { acl?: boolean; resource?: string; sourceArn?: string; extra?: object[] } = {}): string {
  const statements: object[] = [];
  if (opts.acl !== false) {
    statements.push({ Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::logs' });
  }
  statements.push({
    Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
    Resource: opts.resource ?? `arn:aws:s3:::logs/AWSLogs/${ACCOUNT}/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': opts.sourceArn ?? TRAIL } },
  }, ...(opts.extra ?? []));
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

test('the policy CloudTrail documents allows delivery under the account prefix', () => {
  assert.deepEqual(deliveryAllowed('logs', policy(), `AWSLogs/${ACCOUNT}/`, source), { ok: true });
  assert.deepEqual(deliveryAllowed('logs', policy({ resource: 'arn:aws:s3:::logs/*' }), `p/AWSLogs/${ACCOUNT}/`, source), { ok: true });
});

test('missing grants, other prefixes, other trails and denies are insufficient', () => {
  const bad = (p: string | undefined, prefix = `AWSLogs/${ACCOUNT}/`) => {
    const r = deliveryAllowed('logs', p, prefix, source);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, 'InsufficientS3BucketPolicyException');
  };
  bad(undefined);
  bad('not json');
  bad(policy({ acl: false }));
  bad(policy(), 'other/AWSLogs/111122223333/');
  bad(policy({ sourceArn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/other` }));
  bad(policy({ extra: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/*' }] }));
});
