// End-to-end: the bucket sub-resources provisioning tools read and write, driven by the AWS CLI
// v1 (`aws s3api`): a fresh bucket's answers, put/get round trips, versioning's limits,
// ListObjectVersions paging (by hand and through the CLI's paginator), a 304 that carries no body,
// and the records these calls leave (one read back through `cloudtrail lookup-events`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { signedFetch } from './signed-fetch.js';

const BUCKET = 'config-bucket';
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

interface S3Record {
  eventName: string;
  errorCode?: string;
  readOnly: boolean;
  managementEvent: boolean;
  eventCategory: string;
  requestParameters: Record<string, unknown>;
  responseElements: unknown;
}

describe('s3 bucket configuration', () => {
  let srv: TestServer;
  let sdk: S3Client;
  let seq: number;
  const api = (...args: string[]) => srv.aws(['s3api', ...args]);
  const ok = async (...args: string[]) => {
    const r = await api(...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.json as Record<string, unknown> | undefined;
  };
  const fails = async (code: string, ...args: string[]) => assert.equal(cliErrorCode(await api(...args)), code, args.join(' '));

  before(async () => {
    srv = await startTestServer();
    sdk = new S3Client(srv.sdkConfig());
    seq = await srv.app.stores.events.lastSeq();
    await ok('create-bucket', '--bucket', BUCKET);
  });
  after(async () => {
    sdk.destroy();
    await srv.stop();
  });

  test('a fresh bucket answers what S3 answers today', async () => {
    const B = ['--bucket', BUCKET];
    assert.equal(await ok('get-bucket-versioning', ...B), undefined, 'never-set versioning is an empty document');
    await fails('NoSuchCORSConfiguration', 'get-bucket-cors', ...B);
    await fails('NoSuchLifecycleConfiguration', 'get-bucket-lifecycle-configuration', ...B);
    await fails('NoSuchTagSet', 'get-bucket-tagging', ...B);
    await fails('ObjectLockConfigurationNotFoundError', 'get-object-lock-configuration', ...B);
    assert.deepEqual(await ok('get-bucket-encryption', ...B), {
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
    });
    assert.deepEqual(await ok('get-public-access-block', ...B), {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    const acl = await ok('get-bucket-acl', ...B) as { Owner: { ID: string }; Grants: { Grantee: { ID: string; Type: string }; Permission: string }[] };
    assert.match(acl.Owner.ID, /^[0-9a-f]{64}$/);
    assert.deepEqual(acl.Grants, [{ Grantee: { ID: acl.Owner.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
  });

  test('puts round-trip through gets; versioning Enabled is refused as not implemented', async () => {
    const B = ['--bucket', BUCKET];
    assert.equal(await ok('put-bucket-versioning', ...B, '--versioning-configuration', 'Status=Suspended'), undefined);
    assert.deepEqual(await ok('get-bucket-versioning', ...B), { Status: 'Suspended' });
    const enabled = await api('put-bucket-versioning', ...B, '--versioning-configuration', 'Status=Enabled');
    assert.equal(cliErrorCode(enabled), 'NotImplemented');
    assert.match(enabled.stderr, /versioning Status=Enabled is not implemented/);
    await ok('put-bucket-tagging', ...B, '--tagging', 'TagSet=[{Key=team,Value=security},{Key=env,Value=prod}]');
    assert.deepEqual(await ok('get-bucket-tagging', ...B), { TagSet: [{ Key: 'team', Value: 'security' }, { Key: 'env', Value: 'prod' }] });
    const rules = [{ ID: 'expire-logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 90 } }];
    await ok('put-bucket-lifecycle-configuration', ...B, '--lifecycle-configuration', JSON.stringify({ Rules: rules }));
    const lifecycle = await ok('get-bucket-lifecycle-configuration', ...B) as { Rules: unknown[] };
    assert.deepEqual(lifecycle.Rules, rules);
    await ok('delete-public-access-block', ...B);
    await fails('NoSuchPublicAccessBlockConfiguration', 'get-public-access-block', ...B);
  });

  test('list-object-versions: null versions, markers, and the CLI paginator', async () => {
    for (const key of ['logs/a', 'logs/b', 'm', 'n', 'o']) {
      await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key, Tagging: key === 'm' ? 'kind=test' : undefined }));
    }
    const first = await ok('list-object-versions', '--bucket', BUCKET, '--max-keys', '2', '--no-paginate') as {
      Versions: { Key: string; VersionId: string; IsLatest: boolean }[]; IsTruncated: boolean; NextKeyMarker: string; NextVersionIdMarker: string;
    };
    assert.deepEqual(first.Versions.map((v) => [v.Key, v.VersionId, v.IsLatest]), [['logs/a', 'null', true], ['logs/b', 'null', true]]);
    assert.deepEqual([first.IsTruncated, first.NextKeyMarker, first.NextVersionIdMarker], [true, 'logs/b', 'null']);
    const rest = await ok('list-object-versions', '--bucket', BUCKET, '--max-keys', '2', '--no-paginate', '--key-marker', 'logs/b', '--version-id-marker', 'null') as { Versions: { Key: string }[] };
    assert.deepEqual(rest.Versions.map((v) => v.Key), ['m', 'n']);
    // The paginator follows NextKeyMarker/NextVersionIdMarker page by page and merges the pages.
    const all = await ok('list-object-versions', '--bucket', BUCKET, '--page-size', '2', '--delimiter', '/') as { Versions: { Key: string }[]; CommonPrefixes: { Prefix: string }[] };
    assert.deepEqual(all.Versions.map((v) => v.Key), ['m', 'n', 'o']);
    assert.deepEqual(all.CommonPrefixes, [{ Prefix: 'logs/' }]);
    assert.deepEqual(await ok('get-object-tagging', '--bucket', BUCKET, '--key', 'm'), { TagSet: [{ Key: 'kind', Value: 'test' }] });
  });

  test('GET with a matching If-None-Match is a bare 304 with its validators', async () => {
    const creds = { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey };
    const get = (headers: Record<string, string> = {}) => signedFetch({ url: srv.url, method: 'GET', path: `/${BUCKET}/m`, service: 's3', region: 'us-east-1', credentials: creds, headers });
    const full = await get();
    assert.equal(full.status, 200);
    const etag = String(full.headers.etag);
    const notModified = await get({ 'if-none-match': etag });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.text, '');
    assert.equal(notModified.headers['content-type'], undefined);
    assert.equal(notModified.headers.etag, etag);
    assert.equal(notModified.headers['last-modified'], full.headers['last-modified']);
  });

  test('records: Gets are read-only management events, bodies are logged parsed, lookup-events shows them', async () => {
    const events = await srv.app.stores.events.readAfter(seq, 10_000);
    const records = events.filter((e) => e.eventSource === 's3.amazonaws.com').map((e) => JSON.parse(e.record) as S3Record);
    const named = (name: string) => records.filter((r) => r.eventName === name);
    const get = named('GetBucketVersioning')[0];
    assert.deepEqual([get.readOnly, get.managementEvent, get.eventCategory, get.responseElements], [true, true, 'Management', null]);
    assert.deepEqual(named('GetBucketPublicAccessBlock').map((r) => r.errorCode), [undefined, 'NoSuchPublicAccessBlockConfiguration']);
    assert.equal(named('PutBucketLifecycle')[0]?.readOnly, false, 'recorded under CloudTrail\'s name for ?lifecycle');
    const list = named('ListObjectVersions')[0];
    assert.deepEqual([list.eventCategory, list.managementEvent, list.requestParameters.versions], ['Data', false, '']);

    const lookup = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=PutBucketVersioning']);
    assert.equal(lookup.code, 0, lookup.stderr);
    const found = lookup.json as { Events: { CloudTrailEvent: string }[] };
    const puts = found.Events.map((e) => JSON.parse(e.CloudTrailEvent) as S3Record);
    const suspended = puts.find((r) => !r.errorCode);
    assert.ok(suspended, 'the successful put is in Event history');
    assert.deepEqual(suspended.requestParameters, {
      bucketName: BUCKET, Host: new URL(srv.url).host, versioning: '', VersioningConfiguration: { Status: 'Suspended', xmlns: XMLNS },
    });
    assert.equal(puts.find((r) => r.errorCode)?.errorCode, 'NotImplemented', 'the refused Enabled is recorded too');
  });
});
