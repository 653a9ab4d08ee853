// End-to-end: the AWS CLI and SDK v3 against a real chattrail. A call becomes a record that
// lookup-events shows field for field; Event history's eight attributes, time window, MaxResults
// bounds, NextToken paging and misuse, isolation by region and account, and 90-day retention.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { ALLOW_ALL, MovableClock, byRequestId, createRole, createUser, lookup, lookupAllSdk, parseEvents, randomIds, type KeyPair } from './core-fixtures.js';
import { createAccount } from '../../src/identity/accounts.js';
import { systemClock } from '../../src/common/runtime.js';

/** Top-level keys of a successful API-call record, in CloudTrail's native order (no TLS here). */
const RECORD_KEYS = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory'];
/** The keys of the seed's DescribeSlackWorkspaces example (/work/shared/spec/), in its order. */
const SEED_KEYS = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'recipientAccountId'];

async function sdkError(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}

describe('core: CLI, records and Event history', () => {
  let srv: TestServer;
  const clock = new MovableClock();
  let trail: CloudTrailClient;
  const lookupSdk = (input: LookupEventsCommandInput, creds?: KeyPair, region = 'us-east-1') =>
    new CloudTrailClient({ ...srv.sdkConfig(region, creds), systemClockOffset: clock.offsetMs }).send(new LookupEventsCommand(input));

  before(async () => {
    srv = await startTestServer({}, { clock });
    trail = new CloudTrailClient(srv.sdkConfig());
  });
  after(async () => { trail?.destroy(); await srv?.stop(); });

  test('sts get-caller-identity is recorded with the exact fields, and requestID is the id the client saw', async () => {
    const cli = await srv.aws(['sts', 'get-caller-identity']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.json.Arn, `arn:aws:iam::${srv.admin.accountId}:user/admin`);
    assert.equal(cli.json.Account, srv.admin.accountId);
    const sts = new STSClient(srv.sdkConfig());
    const out = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    const requestId = out.$metadata.requestId;
    assert.match(requestId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const events = await lookup(srv, ['EventName', 'GetCallerIdentity']);
    const e = byRequestId(events, requestId);
    const r = e.record;
    assert.deepEqual(Object.keys(r), RECORD_KEYS);
    // Every key of the seed's example is there, in the same relative order.
    assert.deepEqual(Object.keys(r).filter((k) => SEED_KEYS.includes(k)), SEED_KEYS);
    assert.deepEqual(r.userIdentity, {
      type: 'IAMUser', principalId: out.UserId, arn: out.Arn, accountId: srv.admin.accountId, accessKeyId: srv.admin.accessKeyId, userName: 'admin',
    });
    assert.deepEqual(Object.keys(r.userIdentity as object), ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName']);
    assert.equal(r.eventVersion, '1.11');
    assert.match(String(r.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(String(r.eventTime)) - Date.now()) < 60_000);
    assert.equal(r.eventSource, 'sts.amazonaws.com');
    assert.equal(r.eventName, 'GetCallerIdentity');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.sourceIPAddress, '127.0.0.1');
    assert.match(String(r.userAgent), /aws-sdk-js/);
    assert.equal(r.requestParameters, null);
    assert.equal(r.responseElements, null);
    assert.equal(r.requestID, requestId);
    assert.equal(r.eventID, e.EventId);
    assert.equal(r.readOnly, true);
    assert.equal(r.eventType, 'AwsApiCall');
    assert.equal(r.managementEvent, true);
    assert.equal(r.recipientAccountId, srv.admin.accountId);
    assert.equal(r.eventCategory, 'Management');
    // The Event history fields agree with the record.
    assert.equal(e.EventName, 'GetCallerIdentity');
    assert.equal(e.ReadOnly, 'true');
    assert.equal(e.AccessKeyId, srv.admin.accessKeyId);
    assert.equal(e.EventSource, 'sts.amazonaws.com');
    assert.equal(e.Username, 'admin');
    assert.deepEqual(e.Resources, []);
    // The CLI's own call is there too, with the CLI's user agent.
    assert.ok(events.some((x) => String(x.record.userAgent).startsWith('aws-cli/')));
  });

  test('lookup-events filters by each of the eight lookup attributes', async () => {
    const role = await createRole(srv, 'lookup-role', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${srv.admin.accountId}:root` }, Action: 'sts:AssumeRole' }] });
    const assumed = await srv.aws(['sts', 'assume-role', '--role-arn', role.arn, '--role-session-name', 'lookup-session']);
    assert.equal(assumed.code, 0, assumed.stderr);
    const fed = await srv.aws(['sts', 'get-federation-token', '--name', 'lookup-fed', '--policy', ALLOW_ALL]);
    assert.equal(fed.code, 0, fed.stderr);

    const byName = await lookup(srv, ['EventName', 'AssumeRole']);
    assert.ok(byName.length >= 1 && byName.every((e) => e.EventName === 'AssumeRole'));
    const assumeEvent = byName.find((e) => (e.record.requestParameters as { roleSessionName?: string } | null)?.roleSessionName === 'lookup-session');
    assert.ok(assumeEvent, 'the AssumeRole event is found by EventName');

    const byId = await lookup(srv, ['EventId', assumeEvent.EventId]);
    assert.deepEqual(byId.map((e) => e.EventId), [assumeEvent.EventId]);

    const by = (key: 'ReadOnly' | 'Username' | 'ResourceType' | 'EventSource' | 'AccessKeyId', value: string) =>
      lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] });
    const writes = await by('ReadOnly', 'false');
    assert.ok(writes.length >= 1 && writes.every((e) => e.ReadOnly === 'false'));
    assert.ok(writes.some((e) => e.EventName === 'GetFederationToken'), 'GetFederationToken is not read-only');
    assert.ok(!writes.some((e) => e.EventName === 'GetCallerIdentity' || e.EventName === 'AssumeRole'));

    const byUser = await by('Username', 'admin');
    assert.ok(byUser.length >= 3 && byUser.every((e) => e.Username === 'admin'));

    const byType = await by('ResourceType', 'AWS::IAM::Role');
    assert.ok(byType.some((e) => e.EventId === assumeEvent.EventId));
    assert.ok(byType.every((e) => e.Resources?.some((r) => r.ResourceType === 'AWS::IAM::Role')));
    assert.deepEqual(byType.find((e) => e.EventId === assumeEvent.EventId)?.Resources, [{ ResourceType: 'AWS::IAM::Role', ResourceName: role.arn }]);

    const byResource = await lookup(srv, ['ResourceName', role.arn]);
    assert.deepEqual(byResource.map((e) => e.EventId), [assumeEvent.EventId]);

    const bySource = await by('EventSource', 'sts.amazonaws.com');
    assert.ok(bySource.length >= 2 && bySource.every((e) => e.EventSource === 'sts.amazonaws.com'));
    assert.ok((await by('EventSource', 'cloudtrail.amazonaws.com')).every((e) => e.EventSource === 'cloudtrail.amazonaws.com'));

    const byKey = await by('AccessKeyId', srv.admin.accessKeyId);
    assert.ok(byKey.length >= 3 && byKey.every((e) => e.AccessKeyId === srv.admin.accessKeyId));
    assert.deepEqual(await by('AccessKeyId', 'AKIAUNKNOWNUNKNOWN00'), []);
  });

  test('StartTime and EndTime bound the answer; StartTime after EndTime is InvalidTimeRangeException', async () => {
    const probe = await createUser(srv, 'time-probe', { all: ALLOW_ALL });
    assert.equal((await srv.aws(['sts', 'get-caller-identity'], { creds: probe })).code, 0);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const inWindow = await lookup(srv, ['Username', 'time-probe'], { extra: ['--start-time', iso(now - 600_000), '--end-time', iso(now + 600_000)] });
    assert.equal(inWindow.length, 1);
    const probeFilter = [{ AttributeKey: 'Username' as const, AttributeValue: 'time-probe' }];
    assert.deepEqual(await lookupAllSdk(srv, { LookupAttributes: probeFilter, StartTime: new Date(now + 600_000) }), []);
    assert.deepEqual(await lookupAllSdk(srv, { LookupAttributes: probeFilter, EndTime: new Date(now - 600_000) }), []);
    const bad = await srv.aws(['cloudtrail', 'lookup-events', '--start-time', iso(now), '--end-time', iso(now - 3_600_000)]);
    assert.equal(cliErrorCode(bad), 'InvalidTimeRangeException');
    const err = await sdkError(trail.send(new LookupEventsCommand({ StartTime: new Date(now), EndTime: new Date(now - 1000) })));
    assert.equal(err.name, 'InvalidTimeRangeException');
    assert.equal(err.status, 400);
  });

  test('MaxResults outside 1..50 is InvalidMaxResultsException; two attributes are InvalidLookupAttributesException', async () => {
    for (const n of [0, 51]) {
      const err = await sdkError(trail.send(new LookupEventsCommand({ MaxResults: n })));
      assert.equal(err.name, 'InvalidMaxResultsException', `MaxResults ${n}`);
      assert.equal(err.status, 400);
    }
    const cli = await srv.aws(['cloudtrail', 'lookup-events', '--max-results', '51']);
    assert.equal(cliErrorCode(cli), 'InvalidMaxResultsException');
    const one = await trail.send(new LookupEventsCommand({ MaxResults: 1 }));
    assert.equal(one.Events?.length, 1);
    assert.ok(one.NextToken);
    const two = await sdkError(trail.send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }, { AttributeKey: 'Username', AttributeValue: 'admin' }],
    })));
    assert.equal(two.name, 'InvalidLookupAttributesException');
    assert.equal(two.status, 400);
    const twoCli = await srv.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=AssumeRole', 'AttributeKey=Username,AttributeValue=admin']);
    assert.equal(cliErrorCode(twoCli), 'InvalidLookupAttributesException');
  });

  test('paging through 120 events: newest first, no duplicates, NextToken bound to its query', async () => {
    const pager = await createUser(srv, 'pager', { all: ALLOW_ALL });
    const sts = new STSClient(srv.sdkConfig('us-east-1', pager));
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await sts.send(new GetCallerIdentityCommand({}))).$metadata.requestId!);
    sts.destroy();
    const filter = [{ AttributeKey: 'Username' as const, AttributeValue: 'pager' }];

    const seen: string[] = [];
    const tokens: string[] = [];
    let token: string | undefined;
    do {
      const page = await trail.send(new LookupEventsCommand({ LookupAttributes: filter, MaxResults: 50, NextToken: token }));
      seen.push(...parseEvents(page.Events).map((e) => String(e.record.requestID)));
      token = page.NextToken;
      if (token) tokens.push(token);
    } while (token);
    assert.equal(tokens.length, 2, 'pages of 50, 50 and 20');
    assert.equal(new Set(seen).size, 120);
    assert.deepEqual(seen, [...ids].reverse(), 'newest first, exactly the calls made');

    // The CLI pages by itself with the same tokens.
    const cli = await lookup(srv, ['Username', 'pager'], { extra: ['--page-size', '50'] });
    assert.deepEqual(cli.map((e) => e.record.requestID), seen);
    const times = cli.map((e) => Date.parse(String(e.record.eventTime)));
    assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]), 'event times never increase');

    const otherFilter = await sdkError(trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }], NextToken: tokens[0] })));
    assert.equal(otherFilter.name, 'InvalidNextTokenException');
    assert.equal(otherFilter.status, 400);
    const otherWindow = await sdkError(trail.send(new LookupEventsCommand({ LookupAttributes: filter, StartTime: new Date(Date.now() - 3_600_000), NextToken: tokens[0] })));
    assert.equal(otherWindow.name, 'InvalidNextTokenException');
    const raw = Buffer.from(tokens[0], 'base64url').toString('utf8');
    const tampered = Buffer.from(raw.replace(/^(\d+)/, (t) => String(Number(t) + 1000))).toString('base64url');
    assert.equal((await sdkError(trail.send(new LookupEventsCommand({ LookupAttributes: filter, NextToken: tampered })))).name, 'InvalidNextTokenException');
    assert.equal((await sdkError(trail.send(new LookupEventsCommand({ LookupAttributes: filter, NextToken: 'not-a-token' })))).name, 'InvalidNextTokenException');
    // The genuine token still works for its own query.
    const again = await trail.send(new LookupEventsCommand({ LookupAttributes: filter, MaxResults: 50, NextToken: tokens[0] }));
    assert.deepEqual(parseEvents(again.Events).map((e) => e.record.requestID), seen.slice(50, 100));
  });

  test('events of another region and of another account are not visible', async () => {
    const west = await srv.aws(['sts', 'get-caller-identity'], { region: 'us-west-2' });
    assert.equal(west.code, 0, west.stderr);
    const westEvents = await lookup(srv, ['EventName', 'GetCallerIdentity'], { region: 'us-west-2' });
    assert.equal(westEvents.length, 1);
    assert.equal(westEvents[0].record.awsRegion, 'us-west-2');
    const eastEvents = await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }] });
    assert.ok(!eastEvents.some((e) => e.EventId === westEvents[0].EventId));
    assert.ok(eastEvents.every((e) => e.record.awsRegion === 'us-east-1'));

    const other = await createAccount(srv.app.identity, randomIds, systemClock, 'other');
    assert.equal((await srv.aws(['sts', 'get-caller-identity'], { creds: other })).code, 0);
    const theirs = await lookup(srv, ['EventName', 'GetCallerIdentity'], { creds: other });
    assert.equal(theirs.length, 1);
    assert.equal(theirs[0].record.recipientAccountId, other.accountId);
    const ours = await lookupAllSdk(srv, { MaxResults: 50 });
    assert.ok(ours.length >= 1);
    assert.ok(ours.every((e) => e.record.recipientAccountId === srv.admin.accountId), 'no event of the other account');
    assert.ok(!ours.some((e) => e.EventId === theirs[0].EventId));
    // Filtering by the other account's key from ours finds nothing either.
    assert.deepEqual(await lookupAllSdk(srv, { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: other.accessKeyId }] }), []);
  });

  test('retention: an event is visible at 89 days and gone after 90, whatever StartTime says', async () => {
    const old = await createUser(srv, 'retention-probe', { all: ALLOW_ALL });
    const sts = new STSClient(srv.sdkConfig('us-east-1', old));
    const t0 = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    const probe = [{ AttributeKey: 'Username' as const, AttributeValue: 'retention-probe' }];
    clock.advanceDays(89);
    assert.equal((await lookupSdk({ LookupAttributes: probe })).Events?.length, 1, 'still within 90 days');
    clock.advanceDays(2);
    assert.deepEqual((await lookupSdk({ LookupAttributes: probe })).Events, []);
    assert.deepEqual((await lookupSdk({ LookupAttributes: probe, StartTime: new Date(t0 - 3_600_000) })).Events, []);
    // Only the lookups made after the clock moved remain in the whole account's history.
    const all = parseEvents((await lookupSdk({ MaxResults: 50 })).Events);
    assert.ok(all.length >= 2, "the lookups made after the clock moved are there");
    const stale = all.filter((e) => Date.parse(String(e.record.eventTime)) < t0 + 86_400_000);
    assert.deepEqual(stale.map((e) => `${e.EventName} ${String(e.record.eventTime)}`), []);
  });
});
