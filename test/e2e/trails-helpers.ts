// Shared pieces of the trail end-to-end tests: bucket policies CloudTrail accepts, reading every
// delivered log file back through the S3 API, waiting for delivery to catch up, and running AWS CLI
// commands whose output is text (validate-logs).
import { execFile } from 'node:child_process';
import os from 'node:os';
import zlib from 'node:zlib';
import { S3Client, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import type { TestServer } from './harness.js';
import type { DocumentStore } from '../../src/storage/documents.js';
import type { EventStore, StoredEvent } from '../../src/storage/event-store.js';
import { TRAIL_KIND, type TrailDoc } from '../../src/services/cloudtrail/trails-model.js';
import { readState } from '../../src/services/cloudtrail/delivery/state.js';

export interface LoggedRecord { requestID: string; eventName: string; eventSource: string; awsRegion: string; readOnly: boolean; recipientAccountId: string }

/** The bucket policy AWS documents for CloudTrail, for one or more `AWSLogs/...` roots. */
export function trailBucketPolicy(bucket: string, roots: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: roots.map((r) => `arn:aws:s3:::${bucket}/${r}*`),
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  });
}

export async function createTrailBucket(srv: TestServer, bucket: string, roots: string[]): Promise<void> {
  const made = await srv.aws(['s3api', 'create-bucket', '--bucket', bucket]);
  if (made.code !== 0) throw new Error(made.stderr);
  const policy = await srv.aws(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', trailBucketPolicy(bucket, roots)]);
  if (policy.code !== 0) throw new Error(policy.stderr);
}

/** Every log file in a bucket (under a prefix), parsed: key → records. */
export async function logFiles(s3: S3Client, bucket: string, prefix = ''): Promise<Map<string, LoggedRecord[]>> {
  const out = new Map<string, LoggedRecord[]>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key || !/\/CloudTrail\/[^/]+\/\d{4}\//.test(o.Key)) continue;
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      out.set(o.Key, (JSON.parse(zlib.gunzipSync(body).toString('utf8')) as { Records: LoggedRecord[] }).Records);
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/** requestID → how many times it was delivered, over all files. */
export function deliveryCounts(files: Map<string, LoggedRecord[]>): Map<string, number> {
  const n = new Map<string, number>();
  for (const recs of files.values()) for (const r of recs) n.set(r.requestID, (n.get(r.requestID) ?? 0) + 1);
  return n;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Waits until every logging trail has delivered everything stored so far (no pending write). */
export async function waitDelivered(documents: DocumentStore, events: EventStore, ms = 20_000): Promise<void> {
  const target = await events.lastSeq();
  await waitFor('trail delivery to catch up', async () => {
    const trails = (await documents.listAll<TrailDoc>(TRAIL_KIND)).map((t) => t.doc).filter((t) => t.isLogging);
    for (const t of trails) {
      const s = await readState(documents, t);
      if (!s || s.intent || s.cursor < target) return false;
    }
    return true;
  }, ms);
}

/** Stored events after `afterSeq`, oldest first. */
export async function storedEvents(events: EventStore, afterSeq: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (let batch = await events.readAfter(afterSeq, 1000); batch.length; batch = await events.readAfter(batch.at(-1)!.seq!, 1000)) out.push(...batch);
  return out;
}

export function requestIdOf(e: StoredEvent): string {
  return (JSON.parse(e.record) as { requestID: string }).requestID;
}

/**
 * Runs the AWS CLI for commands that print text, with AWS_ENDPOINT_URL set so nested clients reach
 * chattrail too. `--region` is passed explicitly: validate-logs picks the digest chain by it, while
 * its CloudTrail client would follow AWS_DEFAULT_REGION.
 */
export function awsText(srv: TestServer, args: string[], region = 'us-east-1'): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), AWS_ENDPOINT_URL: srv.url,
    AWS_ACCESS_KEY_ID: srv.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: srv.admin.secretAccessKey, AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile('aws', ['--region', region, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function s3Of(srv: TestServer): S3Client {
  return new S3Client(srv.sdkConfig());
}
