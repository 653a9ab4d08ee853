// End-to-end: the trail API with the AWS CLI (errors included), and delivery into the embedded S3:
// multi-region vs single-region trails, IncludeGlobalServiceEvents, read/write event selectors,
// each checked against the event store: every selected call delivered exactly once, nothing else.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { createTrailBucket, deliveryCounts, logFiles, requestIdOf, s3Of, storedEvents, waitDelivered, waitFor } from './trails-helpers.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

describe('trails', () => {
  let srv: TestServer;
  let acct: string;
  let s3: S3Client;
  before(async () => {
    srv = await startTestServer({ CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1', CHATTRAIL_DIGEST_WINDOW_SECONDS: '2' });
    acct = srv.admin.accountId;
    s3 = s3Of(srv);
    await createTrailBucket(srv, 'trail-logs', ['', 'audit/', 'multi/', 'single/', 'reads/', 'writes/', 'notify/'].map((p) => `${p}AWSLogs/${acct}/`));
    assert.equal((await srv.aws(['s3api', 'create-bucket', '--bucket', 'no-policy'])).code, 0);
  });
  after(async () => {
    s3.destroy();
    await srv.stop();
  });

  test('create-trail checks its name, bucket, bucket policy and topic as CloudTrail does', async () => {
    const create = (...args: string[]) => srv.aws(['cloudtrail', 'create-trail', ...args]);
    assert.equal(cliErrorCode(await create('--name', 'ab', '--s3-bucket-name', 'trail-logs')), 'InvalidTrailNameException');
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'no-such-bucket')), 'S3BucketDoesNotExistException');
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'no-policy')), 'InsufficientS3BucketPolicyException');
    // The policy grants AWSLogs/<acct>/ at the root and under a few prefixes, not under a/b/.
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'trail-logs', '--s3-key-prefix', 'a/b')), 'InsufficientS3BucketPolicyException');
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'trail-logs', '--sns-topic-name', 'nope')), 'InsufficientSnsTopicPolicyException');
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'trail-logs', '--is-multi-region-trail', '--no-include-global-service-events')),
      'InvalidParameterCombinationException');

    const ok = await create('--name', 'audit', '--s3-bucket-name', 'trail-logs', '--s3-key-prefix', 'audit');
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(ok.json, {
      Name: 'audit', S3BucketName: 'trail-logs', S3KeyPrefix: 'audit', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: false,
      TrailARN: `arn:aws:cloudtrail:us-east-1:${acct}:trail/audit`, LogFileValidationEnabled: false, IsOrganizationTrail: false,
    });
    assert.equal(cliErrorCode(await create('--name', 'audit', '--s3-bucket-name', 'trail-logs')), 'TrailAlreadyExistsException');
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'get-trail', '--name', 'audit'], { region: 'us-west-2' })), 'TrailNotFoundException');
    const status = await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'audit']);
    assert.equal(status.json.IsLogging, false);

    const recorded = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateTrail']);
    const records = recorded.json.Events.map((e: { CloudTrailEvent: string }) => JSON.parse(e.CloudTrailEvent));
    const success = records.find((r: { errorCode?: string }) => !r.errorCode);
    assert.deepEqual(success.requestParameters, { name: 'audit', s3BucketName: 'trail-logs', s3KeyPrefix: 'audit' });
    assert.equal(success.responseElements.trailARN, `arn:aws:cloudtrail:us-east-1:${acct}:trail/audit`);
    assert.equal(success.resources, undefined, 'real CloudTrail records of its own calls list no resources');
    assert.ok(records.some((r: { errorCode?: string }) => r.errorCode === 'InsufficientS3BucketPolicyException'), 'failed creations are recorded too');
    assert.equal((await srv.aws(['cloudtrail', 'delete-trail', '--name', `arn:aws:cloudtrail:us-east-1:${acct}:trail/audit`])).code, 0);
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'get-trail', '--name', 'audit'])), 'TrailNotFoundException');
  });

  test('shadow trails, home-region rules, tags, event and insight selectors, public keys', async () => {
    const west = { region: 'us-west-2' };
    const made = await srv.aws(['cloudtrail', 'create-trail', '--name', 'everywhere', '--s3-bucket-name', 'trail-logs', '--is-multi-region-trail',
      '--tags-list', 'Key=team,Value=sec']);
    assert.equal(made.code, 0, made.stderr);
    const arn = made.json.TrailARN as string;
    const shadows = await srv.aws(['cloudtrail', 'describe-trails'], west);
    assert.deepEqual(shadows.json.trailList.map((t: { Name: string; HomeRegion: string }) => [t.Name, t.HomeRegion]), [['everywhere', 'us-east-1']]);
    assert.deepEqual((await srv.aws(['cloudtrail', 'describe-trails', '--no-include-shadow-trails'], west)).json.trailList, []);
    const described = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=DescribeTrails'], west);
    const describedParams = described.json.Events.map((e: { CloudTrailEvent: string }) => JSON.parse(e.CloudTrailEvent).requestParameters);
    assert.deepEqual(describedParams, [{ trailNameList: [], includeShadowTrails: false }, { trailNameList: [], includeShadowTrails: true }],
      'CloudTrail logs the defaults it applied, newest first');
    assert.equal((await srv.aws(['cloudtrail', 'get-trail', '--name', 'everywhere'], west)).json.Trail.TrailARN, arn);
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'stop-logging', '--name', 'everywhere'], west)), 'InvalidHomeRegionException');
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'create-trail', '--name', 'everywhere', '--s3-bucket-name', 'trail-logs'], west)), 'TrailAlreadyExistsException');
    const listed = await new CloudTrailClient(srv.sdkConfig('eu-west-1')).send(new ListTrailsCommand({}));
    assert.deepEqual(listed.Trails, [{ TrailARN: arn, Name: 'everywhere', HomeRegion: 'us-east-1' }]);

    assert.equal((await srv.aws(['cloudtrail', 'add-tags', '--resource-id', arn, '--tags-list', 'Key=env,Value=prod'])).code, 0);
    assert.equal((await srv.aws(['cloudtrail', 'remove-tags', '--resource-id', arn, '--tags-list', 'Key=team'])).code, 0);
    const tags = await srv.aws(['cloudtrail', 'list-tags', '--resource-id-list', arn]);
    assert.deepEqual(tags.json.ResourceTagList, [{ ResourceId: arn, TagsList: [{ Key: 'env', Value: 'prod' }] }]);
    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'add-tags', '--resource-id', `${arn}x`, '--tags-list', 'Key=a,Value=b'])), 'ResourceNotFoundException');

    const defaults = await srv.aws(['cloudtrail', 'get-event-selectors', '--trail-name', 'everywhere']);
    assert.deepEqual(defaults.json.EventSelectors, [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
    const badType = await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'everywhere', '--event-selectors',
      '[{"ReadWriteType":"All","DataResources":[{"Type":"AWS::Nope::Thing","Values":["arn:aws:s3"]}]}]']);
    assert.equal(cliErrorCode(badType), 'InvalidEventSelectorsException');
    const advanced = '[{"Name":"writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["false"]}]}]';
    const put = await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'everywhere', '--advanced-event-selectors', advanced]);
    assert.equal(put.code, 0, put.stderr);
    assert.deepEqual(put.json.AdvancedEventSelectors, JSON.parse(advanced));
    assert.equal((await srv.aws(['cloudtrail', 'get-trail', '--name', 'everywhere'])).json.Trail.HasCustomEventSelectors, true);

    assert.equal(cliErrorCode(await srv.aws(['cloudtrail', 'get-insight-selectors', '--trail-name', 'everywhere'])), 'InsightNotEnabledException');
    assert.equal((await srv.aws(['cloudtrail', 'put-insight-selectors', '--trail-name', 'everywhere', '--insight-selectors', 'InsightType=ApiCallRateInsight'])).code, 0);
    assert.deepEqual((await srv.aws(['cloudtrail', 'get-insight-selectors', '--trail-name', 'everywhere'])).json.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);

    const keys = await srv.aws(['cloudtrail', 'list-public-keys'], west);
    assert.equal(keys.json.PublicKeyList.length, 1);
    assert.match(keys.json.PublicKeyList[0].Fingerprint, /^[0-9a-f]{32}$/);
    assert.equal((await srv.aws(['cloudtrail', 'delete-trail', '--name', 'everywhere'])).code, 0);
  });

  test('multi-region, single-region, global-service and read/write selectors each deliver exactly their events', { timeout: 120_000 }, async () => {
    const trails: [string, string[]][] = [
      ['multi', ['--is-multi-region-trail']],
      ['single', []],
      ['reads', []],
      ['writes', ['--no-include-global-service-events']],
    ];
    for (const [name, extra] of trails) {
      const r = await srv.aws(['cloudtrail', 'create-trail', '--name', name, '--s3-bucket-name', 'trail-logs', '--s3-key-prefix', name, ...extra]);
      assert.equal(r.code, 0, r.stderr);
    }
    // Reads: read-only management events, plus reads of objects in trail-data (data events).
    const readSelectors = JSON.stringify([{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::trail-data/'] }] }]);
    assert.equal((await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'reads', '--event-selectors', readSelectors])).code, 0);
    assert.equal((await srv.aws(['cloudtrail', 'put-event-selectors', '--trail-name', 'writes', '--event-selectors', 'ReadWriteType=WriteOnly,IncludeManagementEvents=true'])).code, 0);
    for (const [name] of trails) assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', name])).code, 0);
    const { documents } = srv.app.stores;
    const firstSeq = Math.min(...await Promise.all(trails.map(async ([name]) =>
      ((await documents.get<{ logging: { startSeq: number }[] }>({ kind: 'cloudtrail-trail', accountId: acct, region: 'global', id: `us-east-1/${name}` }))!).logging[0].startSeq)));

    const ids: Record<string, string> = {};
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      ids[`sts-${region}`] = (await new STSClient(srv.sdkConfig(region)).send(new GetCallerIdentityCommand({}))).$metadata.requestId!;
    }
    const iam = new IAMClient(srv.sdkConfig());
    ids['iam-write'] = (await iam.send(new CreateUserCommand({ UserName: 'trail-user' }))).$metadata.requestId!;
    ids['iam-read'] = (await iam.send(new GetUserCommand({ UserName: 'trail-user' }))).$metadata.requestId!;
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-data' }));
    ids['data-write'] = (await s3.send(new PutObjectCommand({ Bucket: 'trail-data', Key: 'a.txt', Body: 'hello' }))).$metadata.requestId!;
    const got = await s3.send(new GetObjectCommand({ Bucket: 'trail-data', Key: 'a.txt' }));
    await got.Body!.transformToString();
    ids['data-read'] = got.$metadata.requestId!;
    const cut = await srv.app.stores.events.lastSeq();
    await waitDelivered(documents, srv.app.stores.events);

    const all = (await storedEvents(srv.app.stores.events, firstSeq)).filter((e) => e.accountId === acct);
    const seqOf = new Map(all.map((e) => [requestIdOf(e), e.seq!]));
    const events = all.filter((e) => e.seq! <= cut);
    const onTrailData = (e: StoredEvent) => (JSON.parse(e.record) as { resources?: { ARN: string }[] }).resources?.some((r) => r.ARN.startsWith('arn:aws:s3:::trail-data/')) ?? false;
    const startOf = (name: string) => events.find((e) => e.eventName === 'StartLogging' && JSON.parse(e.record).requestParameters.name === name)!.seq!;
    const isGlobal = (e: StoredEvent) => e.eventSource === 'iam.amazonaws.com';
    const expected: Record<string, (e: StoredEvent) => boolean> = {
      multi: (e) => e.management,
      single: (e) => e.management && (e.region === 'us-east-1' || isGlobal(e)),
      reads: (e) => (e.region === 'us-east-1' || isGlobal(e)) && e.readOnly && (e.management || onTrailData(e)),
      writes: (e) => e.management && e.region === 'us-east-1' && !isGlobal(e) && !e.readOnly,
    };
    for (const [name] of trails) {
      const files = await logFiles(s3, 'trail-logs', `${name}/`);
      const counts = deliveryCounts(files);
      assert.ok([...counts.keys()].every((id) => seqOf.has(id)), `${name}: only recorded calls are delivered`);
      const got = [...counts.keys()].filter((id) => seqOf.get(id)! <= cut).sort();
      const want = events.filter((e) => e.seq! >= startOf(name) && expected[name](e)).map(requestIdOf).sort();
      assert.deepEqual(got, want, `${name}: delivered exactly the selected calls`);
      assert.ok([...counts.values()].every((n) => n === 1), `${name}: no call delivered twice`);
      for (const [key, recs] of files) {
        const region = /\/CloudTrail\/([^/]+)\//.exec(key)![1];
        assert.match(key, new RegExp(`^${name}/AWSLogs/${acct}/CloudTrail/${region}/\\d{4}/\\d{2}/\\d{2}/${acct}_CloudTrail_${region}_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
        if (name === 'multi') assert.ok(recs.every((r) => r.awsRegion === region), 'multi-region files are per region');
        else assert.equal(region, 'us-east-1');
      }
    }
    const has = async (name: string, id: string) => deliveryCounts(await logFiles(s3, 'trail-logs', `${name}/`)).has(id);
    assert.ok(await has('multi', ids['sts-us-west-2']) && await has('multi', ids['sts-eu-west-1']));
    assert.ok(!(await has('single', ids['sts-us-west-2'])), 'single-region trails keep to their region');
    assert.ok(await has('single', ids['iam-write']) && !(await has('writes', ids['iam-write'])), 'IncludeGlobalServiceEvents decides IAM');
    assert.ok(await has('reads', ids['iam-read']) && !(await has('reads', ids['iam-write'])));
    assert.ok(!(await has('writes', ids['sts-us-east-1'])) && await has('reads', ids['sts-us-east-1']));
    assert.ok(await has('reads', ids['data-read']) && !(await has('reads', ids['data-write'])), 'data events by selector and read/write type');
    assert.ok(!(await has('multi', ids['data-read'])), 'no data events without a data selector');

    const one = [...(await logFiles(s3, 'trail-logs', 'single/')).keys()][0];
    const viaCli = await srv.aws(['s3api', 'head-object', '--bucket', 'trail-logs', '--key', one]);
    assert.equal(viaCli.json.ContentType, 'application/json');
    assert.equal(viaCli.json.ContentEncoding, 'gzip');
    const status = await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'multi']);
    assert.equal(status.json.IsLogging, true);
    assert.ok(status.json.LatestDeliveryTime && !status.json.LatestDeliveryError);
  });

  test('each delivered file is announced on the trail topic; a refusing topic policy shows in the status', { timeout: 120_000 }, async () => {
    const got: Record<string, string>[] = [];
    const inbox = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => { got.push(JSON.parse(body) as Record<string, string>); res.end(); });
    });
    await new Promise<void>((r) => inbox.listen(0, '127.0.0.1', r));
    try {
      const topic = (await srv.aws(['sns', 'create-topic', '--name', 'trail-news'])).json.TopicArn as string;
      const trailArn = `arn:aws:cloudtrail:us-east-1:${acct}:trail/notify`;
      const allow = (principal: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: principal },
        Action: 'SNS:Publish', Resource: topic, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } }] });
      const setPolicy = (p: string) => srv.aws(['sns', 'set-topic-attributes', '--topic-arn', topic, '--attribute-name', 'Policy', '--attribute-value', p]);
      const create = ['cloudtrail', 'create-trail', '--name', 'notify', '--s3-bucket-name', 'trail-logs', '--s3-key-prefix', 'notify', '--sns-topic-name', 'trail-news'];
      assert.equal(cliErrorCode(await srv.aws(create)), 'InsufficientSnsTopicPolicyException', 'the default topic policy does not let CloudTrail publish');
      assert.equal((await setPolicy(allow('cloudtrail.amazonaws.com'))).code, 0);
      const sub = await srv.aws(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'http', '--notification-endpoint', `http://127.0.0.1:${(inbox.address() as AddressInfo).port}/`]);
      assert.equal(sub.code, 0, sub.stderr);
      const confirm = await waitFor('subscription confirmation', async () => got.find((m) => m.Type === 'SubscriptionConfirmation'));
      assert.equal((await fetch(confirm.SubscribeURL)).status, 200);
      const made = await srv.aws(create);
      assert.equal(made.code, 0, made.stderr);
      assert.equal(made.json.SnsTopicARN, topic);
      assert.equal((await srv.aws(['cloudtrail', 'start-logging', '--name', 'notify'])).code, 0);

      const note = await waitFor('a notification', async () => got.find((m) => m.Type === 'Notification'));
      const message = JSON.parse(note.Message) as { s3Bucket: string; s3ObjectKey: string[] };
      assert.equal(message.s3Bucket, 'trail-logs');
      assert.equal(message.s3ObjectKey.length, 1);
      assert.match(message.s3ObjectKey[0], new RegExp(`^notify/AWSLogs/${acct}/CloudTrail/us-east-1/`));
      const files = await logFiles(s3, 'trail-logs', 'notify/');
      assert.ok(files.has(message.s3ObjectKey[0]), 'the announced key is a delivered log file');
      const ok = await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'notify']);
      assert.ok(ok.json.LatestNotificationTime && ok.json.LatestNotificationAttemptSucceeded && !ok.json.LatestNotificationError);

      assert.equal((await setPolicy(allow('events.amazonaws.com'))).code, 0);
      const refused = await waitFor('a notification error', async () => {
        const st = await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'notify']);
        return st.json.LatestNotificationError ? st.json : undefined;
      }, 30_000);
      assert.equal(refused.LatestNotificationError, 'AuthorizationError');
      const before = got.filter((m) => m.Type === 'Notification').length;
      assert.equal((await setPolicy(allow('cloudtrail.amazonaws.com'))).code, 0);
      await waitFor('the owed notifications', async () => got.filter((m) => m.Type === 'Notification').length > before, 30_000);
      const keys = got.filter((m) => m.Type === 'Notification').map((m) => (JSON.parse(m.Message) as { s3ObjectKey: string[] }).s3ObjectKey[0]);
      assert.equal(new Set(keys).size, keys.length, 'each file announced once');
    } finally {
      await new Promise<void>((r) => inbox.close(() => r()));
    }
  });
});
