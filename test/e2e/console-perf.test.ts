// "Fast and calm": with 100,000 events stored, the first Event history page renders in under a
// second, measured in the browser from navigation start to the rows on screen (a performance mark
// the page sets). Filtering and the next page are timed too. Events are seeded straight into the
// event store, in the shapes real calls leave.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './harness.js';
import { launchBrowser, openPage, type WatchedPage } from './console-browser.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

const TOTAL = 100_000;
const LIMIT_MS = 1000;

let srv: TestServer;
let browser: Browser;
let w: WatchedPage;

/** A few kinds of calls, as varied as a real account's history. */
const KINDS = [
  { name: 'AssumeRole', source: 'sts.amazonaws.com', user: undefined, readOnly: true, type: 'AWS::IAM::Role', res: (a: string, i: number) => `arn:aws:iam::${a}:role/deploy-${i % 7}` },
  { name: 'GetCallerIdentity', source: 'sts.amazonaws.com', user: 'ci-runner', readOnly: true },
  { name: 'CreateUser', source: 'iam.amazonaws.com', user: 'admin', readOnly: false, type: 'AWS::IAM::User', res: (a: string, i: number) => `arn:aws:iam::${a}:user/dev-${i}` },
  { name: 'PutObject', source: 's3.amazonaws.com', user: 'ci-runner', readOnly: false, type: 'AWS::S3::Object', res: (_: string, i: number) => `arn:aws:s3:::build-artifacts/${i}.zip` },
  { name: 'ListFunctions20150331', source: 'lambda.amazonaws.com', user: 'chatbot-session', readOnly: true },
  { name: 'DescribeSlackWorkspaces', source: 'chatbot.amazonaws.com', user: 'admin', readOnly: true },
  { name: 'Publish', source: 'sns.amazonaws.com', user: 'alerts', readOnly: false, type: 'AWS::SNS::Topic', res: (a: string) => `arn:aws:sns:us-east-1:${a}:alarms` },
  { name: 'ConsoleLogin', source: 'signin.amazonaws.com', user: 'admin', readOnly: false },
];

function seeded(i: number, accountId: string, newest: number): StoredEvent {
  const k = KINDS[i % KINDS.length];
  const eventTime = new Date(newest - i * 20_000);
  const eventId = `5eed${String(i).padStart(4, '0').slice(-4)}-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const resources = k.type && k.res ? [{ type: k.type, name: k.res(accountId, i) }] : [];
  const record = {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE000000001', arn: `arn:aws:iam::${accountId}:user/${k.user ?? 'service'}`, accountId, accessKeyId: 'AKIAEXAMPLE000000001', userName: k.user },
    eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: k.source, eventName: k.name, awsRegion: 'us-east-1',
    sourceIPAddress: `203.0.113.${i % 250}`, userAgent: 'aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.11.7',
    requestParameters: null, responseElements: null, requestID: eventId, eventID: eventId, readOnly: k.readOnly,
    resources: resources.map((r) => ({ accountId, type: r.type, ARN: r.name })),
    eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: accountId, eventCategory: 'Management',
  };
  return {
    eventId, accountId, region: 'us-east-1', eventTime: new Date(Math.floor(eventTime.getTime() / 1000) * 1000), eventName: k.name,
    eventSource: k.source, username: k.user, accessKeyId: 'AKIAEXAMPLE000000001', readOnly: k.readOnly, management: true, resources, record: JSON.stringify(record),
  };
}

before(async () => {
  srv = await startTestServer();
  const newest = Date.now() - 60_000;
  for (let start = 0; start < TOTAL; start += 5000) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(TOTAL, start + 5000); i++) batch.push(srv.app.stores.events.append(seeded(i, srv.admin.accountId, newest)));
    await Promise.all(batch);
  }
  browser = await launchBrowser();
  w = await openPage(browser);
  // Signed in through the API: this test times the page, not the sign-in form.
  const res = await fetch(`${srv.url}/console/api/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey }),
  });
  assert.equal(res.status, 200);
  const value = /chattrail_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1];
  await w.context.addCookies([{ name: 'chattrail_session', value, url: `${srv.url}/console/` }]);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function renderedAt(): Promise<number> {
  await w.page.waitForFunction(() => performance.getEntriesByName('events-rendered', 'mark').length > 0);
  return w.page.evaluate(() => performance.getEntriesByName('events-rendered', 'mark').at(-1)!.startTime);
}

describe('console: performance with 100,000 events stored', () => {
  it('renders the first Event history page in under a second', async (t) => {
    // The first visit loads every file (cold cache); the next ones revalidate them, as later visits
    // do. The median is asserted: on a shared CI machine a single visit can lose the CPU for a while.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await w.page.goto(`${srv.url}/console/events?region=us-east-1`);
      times.push(await renderedAt());
    }
    assert.equal(await w.page.locator('#events-table tbody tr[data-event-id]').count(), 50);
    const median = [...times].sort((a, b) => a - b)[2];
    const api = await w.page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/console/api/call')).map((r) => r.duration));
    t.diagnostic(`first page rendered after ${times.map((x) => `${Math.round(x)} ms`).join(', ')} (median ${Math.round(median)} ms; cold visit first) with ${TOTAL} events stored; LookupEvents answered in ${api.map((x) => `${Math.round(x)} ms`).join(', ')}`);
    assert.ok(median < LIMIT_MS, `first page took ${Math.round(median)} ms (median of ${times.map(Math.round).join(', ')})`);
    await w.shot('event-history-100k');
  });

  it('filters and pages quickly too', async (t) => {
    const { page } = w;
    await page.goto(`${srv.url}/console/events?region=us-east-1&key=Username&value=ci-runner`);
    const filtered = await renderedAt();
    assert.deepEqual([...new Set(await page.locator('#events-table tbody td:nth-child(3)').allTextContents())], ['ci-runner']);
    const before = await page.evaluate(() => performance.now());
    await page.click('#page-next');
    await page.locator('.page-no', { hasText: 'Page 2' }).waitFor();
    const next = await page.evaluate((b) => performance.getEntriesByName('events-rendered', 'mark').at(-1)!.startTime - b, before);
    t.diagnostic(`filtered first page ${Math.round(filtered)} ms after navigation start; next page ${Math.round(next)} ms after the click`);
    assert.ok(filtered < LIMIT_MS, `filtered page took ${Math.round(filtered)} ms`);
    assert.ok(next < LIMIT_MS, `next page took ${Math.round(next)} ms`);
    assert.deepEqual(w.errors, []);
  });
});
