// End-to-end: trails across accounts. An organization trail of the management account collects
// every member's calls under AWSLogs/<org-id>/<account>/, members see it but cannot change it, and
// validate-logs --account-id checks a member's digest chain; a trail of another account delivers
// into a bucket it does not own once that bucket's policy lets it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { S3Client } from '@aws-sdk/client-s3';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { awsText, deliveryCounts, logFiles, s3Of, sleep, trailBucketPolicy, waitDelivered, waitFor } from './trails-helpers.js';
import { createAccount } from '../../src/identity/accounts.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import { readState } from '../../src/services/cloudtrail/delivery/state.js';
import type { TrailDoc } from '../../src/services/cloudtrail/trails-model.js';

describe('trails across accounts', () => {
  let srv: TestServer;
  let s3: S3Client;
  let mgmt: string;
  let member: string;
  let orgId: string;
  let memberCreds: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  const start = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  before(async () => {
    srv = await startTestServer({ CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1', CHATTRAIL_DIGEST_WINDOW_SECONDS: '2' });
    s3 = s3Of(srv);
    mgmt = srv.admin.accountId;
    orgId = (await srv.aws(['organizations', 'create-organization', '--feature-set', 'ALL'])).json.Organization.Id;
    member = (await srv.aws(['organizations', 'create-account', '--email', 'dev@example.com', '--account-name', 'dev'])).json.CreateAccountStatus.AccountId;
    const c = (await srv.aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, '--role-session-name', 'ops'])).json.Credentials;
    memberCreds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'org-logs'])).code, 0);
  });
  after(async () => {
    s3.destroy();
    await srv.stop();
  });

  const setPolicy = (roots: string[]) => srv.aws(['s3api', 'put-bucket-policy', '--bucket', 'org-logs', '--policy', trailBucketPolicy('org-logs', roots)]);

  test('an organization trail collects every member account, read-only for members, validated per account', { timeout: 150_000 }, async () => {
    assert.equal((await setPolicy([`AWSLogs/${mgmt}/`, `AWSLogs/${orgId}/`])).code, 0);
    const asMember = { creds: memberCreds };
    const refused = await srv.aws(['cloudtrail', 'create-trail', '--name', 'mine', '--s3-bucket-name', 'org-logs', '--is-organization-trail'], asMember);
    assert.equal(cliErrorCode(refused), 'NotOrganizationMasterAccountException');
    const made = await srv.aws(['cloudtrail', 'create-trail', '--name', 'org', '--s3-bucket-name', 'org-logs', '--is-organization-trail',
      '--is-multi-region-trail', '--enable-log-file-validation']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.json.IsOrganizationTrail, true);
    const arn = made.json.TrailARN as string;
    assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'org'])).code, 0);

    const seen = await srv.aws(['cloudtrail', 'describe-trails'], asMember);
    assert.deepEqual(seen.json.trailList.map((t: { TrailARN: string }) => t.TrailARN), [arn], 'members see the organization trail');
    assert.equal((await srv.aws(['cloudtrail', 'get-trail-status', '--name', arn], asMember)).json.IsLogging, true);
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'stop-logging', '--name', arn], asMember)), 'NotOrganizationMasterAccountException');

    const memberCall = (await new STSClient(srv.sdkConfig('us-east-1', memberCreds)).send(new GetCallerIdentityCommand({}))).$metadata.requestId!;
    const mgmtCall = (await new STSClient(srv.sdkConfig('eu-west-1')).send(new GetCallerIdentityCommand({}))).$metadata.requestId!;
    await waitDelivered(srv.app.stores.documents, srv.app.stores.events);
    const files = await logFiles(s3, 'org-logs', `AWSLogs/${orgId}/`);
    for (const [key, recs] of files) {
      const [, account, region] = new RegExp(`^AWSLogs/${orgId}/(\\d{12})/CloudTrail/([^/]+)/\\d{4}/\\d{2}/\\d{2}/\\1_CloudTrail_\\2_`).exec(key)!;
      assert.ok(recs.every((r) => r.recipientAccountId === account && r.awsRegion === region), key);
    }
    const counts = deliveryCounts(files);
    assert.equal(counts.get(memberCall), 1, "the member's call is in the organization trail");
    assert.equal(counts.get(mgmtCall), 1);
    assert.ok([...files.keys()].some((k) => k.startsWith(`AWSLogs/${orgId}/${member}/CloudTrail/us-east-1/`)));

    // Wait for the member's chain to digest its files, then validate it as the CLI does for organization trails.
    const trail = (await srv.app.stores.documents.get<TrailDoc>({ kind: 'cloudtrail-trail', accountId: mgmt, region: 'global', id: 'us-east-1/org' }))!;
    await waitFor('the member chain digests', async () => {
      const chain = (await readState(srv.app.stores.documents, trail))!.chains[`${member}/us-east-1`];
      return chain && chain.previous && chain.files.length === 0;
    });
    await sleep(2500);
    const v = await awsText(srv, ['cloudtrail', 'validate-logs', '--trail-arn', arn, '--start-time', start, '--account-id', member, '--verbose']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`Digest file\\ts3://org-logs/AWSLogs/${orgId}/${member}/CloudTrail-Digest/us-east-1/`));
    assert.match(v.stdout, /(\d+)\/\1 log files valid/);
    assert.equal((await srv.aws(['cloudtrail', 'stop-logging', '--name', 'org'])).code, 0);
  });

  test("another account's trail may use the bucket once its policy names that account", { timeout: 120_000 }, async () => {
    const other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
    const asOther = { creds: other };
    const create = ['cloudtrail', 'create-trail', '--name', 'cross', '--s3-bucket-name', 'org-logs'];
    assert.equal(cliErrorCode(await srv.aws(create, asOther)), 'InsufficientS3BucketPolicyException');
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'create-trail', '--name', 'orgx', '--s3-bucket-name', 'org-logs', '--is-organization-trail'], asOther)),
      'OrganizationsNotInUseException');
    assert.equal((await setPolicy([`AWSLogs/${mgmt}/`, `AWSLogs/${orgId}/`, `AWSLogs/${other.accountId}/`])).code, 0);
    const made = await srv.aws(create, asOther);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.json.TrailARN, `arn:aws:cloudtrail:us-east-1:${other.accountId}:trail/cross`);
    assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'cross'], asOther)).code, 0);
    const call = (await new STSClient(srv.sdkConfig('us-east-1', other)).send(new GetCallerIdentityCommand({}))).$metadata.requestId!;
    await waitDelivered(srv.app.stores.documents, srv.app.stores.events);
    const files = await logFiles(s3, 'org-logs', `AWSLogs/${other.accountId}/`);
    assert.equal(deliveryCounts(files).get(call), 1);
    assert.ok([...files.values()].flat().every((r) => r.recipientAccountId === other.accountId), 'only its own account');
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'get-trail', '--name', 'cross'])), 'TrailNotFoundException', "the bucket owner does not see the other account's trail");
  });
});
