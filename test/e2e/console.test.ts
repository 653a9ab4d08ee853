// The web console in a real browser (Debian's Chromium through playwright-core): sign in, Event
// history (filter, record, download, live, pages, regions), keyboard use, a phone-sized screen and
// sign-out — each flow ends on what the page shows and leaves a screenshot in test-artifacts/console/.
// The API's own guards are checked without a browser. Trails and chat: console-admin.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './harness.js';
import { launchBrowser, openPage, signInWithKeyboard, type WatchedPage } from './console-browser.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

const HTTP_401 = /status of 401/;

let srv: TestServer;
let browser: Browser;
let w: WatchedPage;

async function events(name: string, region = 'us-east-1'): Promise<Record<string, unknown>[]> {
  const rows = await srv.app.stores.events.lookup({
    accountId: srv.admin.accountId, region, attribute: { key: 'EventName', value: name },
    start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() + 60_000), limit: 50,
  });
  return rows.map((r) => JSON.parse(r.record) as Record<string, unknown>);
}

function syntheticEvent(i: number, region: string): StoredEvent {
  const eventId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const eventTime = new Date(Date.now() - (i + 1) * 1000);
  const record = { eventVersion: '1.11', eventTime: eventTime.toISOString().replace(/\.\d+Z$/, 'Z'), eventSource: 'sns.amazonaws.com', eventName: 'ListTopics', awsRegion: region, eventID: eventId };
  return {
    eventId, accountId: srv.admin.accountId, region, eventTime: new Date(Math.floor(eventTime.getTime() / 1000) * 1000), eventName: 'ListTopics',
    eventSource: 'sns.amazonaws.com', username: 'seeded', readOnly: true, management: true, resources: [], record: JSON.stringify(record),
  };
}

before(async () => {
  srv = await startTestServer();
  browser = await launchBrowser();
  w = await openPage(browser);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

describe('console: sign-in', () => {
  it('refuses a wrong secret, says so, and records a failed ConsoleLogin', async () => {
    const { page } = w;
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Access key ID').fill(srv.admin.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
    w.expectErrors(HTTP_401, 1);
    await w.shot('signin-failed');
    const [failed] = await events('ConsoleLogin');
    assert.equal(failed.eventType, 'AwsConsoleSignIn');
    assert.equal(failed.errorMessage, 'Failed authentication');
    assert.deepEqual(failed.responseElements, { ConsoleLogin: 'Failure' });
    assert.equal((failed.userIdentity as Record<string, unknown>).userName, 'admin');
  });

  it('signs in with the first-start administrator\u2019s key pair, by keyboard alone', async () => {
    const { page } = w;
    await signInWithKeyboard(page, srv.url, srv.admin.accessKeyId, srv.admin.secretAccessKey);
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    assert.equal(await page.locator('.who').textContent(), `admin @ ${srv.admin.accountId}`);
    assert.match(page.url(), /\/console\/events\?region=us-east-1$/);
    const cookie = (await w.context.cookies()).find((c) => c.name === 'chattrail_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/console');
    await page.locator('tr', { hasText: 'ConsoleLogin' }).first().waitFor();
    await w.shot('signin');
    const ok = (await events('ConsoleLogin')).find((e) => (e.responseElements as Record<string, string>).ConsoleLogin === 'Success');
    assert.ok(ok, 'successful ConsoleLogin recorded');
    assert.match(String(ok.userAgent), /HeadlessChrome/);
    assert.equal('requestID' in ok, false);
  });
});

describe('console: Event history', () => {
  it('records the console\u2019s own calls as console calls', async () => {
    const lookups = await events('LookupEvents');
    assert.ok(lookups.length >= 1, 'the page\u2019s LookupEvents is recorded');
    assert.equal(lookups[0].sessionCredentialFromConsole, 'true');
    assert.match(String(lookups[0].userAgent), /HeadlessChrome/);
    assert.equal((lookups[0].userIdentity as Record<string, unknown>).userName, 'admin');
  });

  it('filters by one lookup attribute and a time range, keyboard only', async () => {
    const { page } = w;
    assert.equal((await srv.aws(['iam', 'create-user', '--user-name', 'alice'])).code, 0);
    await srv.aws(['sts', 'get-caller-identity']);
    await page.reload();
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    await page.focus('#lookup-key');
    await page.keyboard.press('Home'); // Event name is first
    await page.keyboard.press('Tab');
    await page.keyboard.type('CreateUser');
    await page.keyboard.press('Enter');
    await page.waitForURL(/key=EventName&value=CreateUser/);
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    const names = await page.locator('#events-table tbody tr a.event-link').allTextContents();
    assert.deepEqual([...new Set(names)], ['CreateUser']);
    assert.match(await page.locator('#events-table tbody tr').first().textContent() ?? '', /AWS::IAM::User.*alice/);
    await w.shot('event-history-filtered');

    // An absolute range that ended an hour ago holds none of these events.
    await page.selectOption('#time-range', 'custom');
    const p = (n: number) => String(n).padStart(2, '0');
    const local = (d: Date) => `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
    await page.fill('#range-start', local(new Date(Date.now() - 3 * 3_600_000)));
    await page.fill('#range-end', local(new Date(Date.now() - 3_600_000)));
    await page.click('#apply-filter');
    await page.waitForURL(/range=custom/);
    await page.locator('#events-table', { hasText: 'No events match this filter' }).waitFor();
    assert.equal(await page.isDisabled('#live-toggle'), true, 'live mode needs a range that includes now');
  });

  it('opens a record, pretty-printed, and comes back to the filtered list', async () => {
    const { page } = w;
    await page.click('#clear-filter');
    await page.locator('#lookup-value').fill('CreateUser');
    await page.click('#apply-filter');
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    await page.locator('#events-table tbody tr', { hasText: 'CreateUser' }).first().locator('td').nth(3).click();
    await page.waitForSelector('#event-record');
    assert.equal(await page.locator('h1').textContent(), 'CreateUser');
    const text = await page.locator('#event-record').textContent() ?? '';
    const record = JSON.parse(text) as Record<string, unknown>;
    assert.equal(record.eventName, 'CreateUser');
    assert.deepEqual(record.requestParameters, { userName: 'alice' });
    assert.match(text, /\n {2}"eventVersion"/, 'indented two spaces');
    assert.match(await page.locator('dl.summary').textContent() ?? '', /Source IP address127\.0\.0\.1/);
    await w.shot('event-record');
    await page.getByRole('link', { name: '\u2190 Event history' }).click();
    await page.waitForURL(/value=CreateUser/);
    assert.equal(await page.inputValue('#lookup-value'), 'CreateUser');
  });

  it('downloads the current result as JSON and CSV', async () => {
    const { page } = w;
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    const shown = await page.locator('#events-table tbody tr[data-event-id]').count();
    await page.click('details.menu summary');
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
    const body = JSON.parse(fs.readFileSync((await json.path())!, 'utf8')) as { Records: Record<string, unknown>[] };
    assert.equal(body.Records.length, shown);
    assert.ok(body.Records.every((r) => r.eventName === 'CreateUser'));
    assert.match(json.suggestedFilename(), /^event-history-us-east-1-.*\.json$/);
    await page.click('details.menu summary');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const lines = fs.readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
    assert.match(lines[0], /^Event ID,Event time,User name,Event name,Event source/);
    assert.equal(lines.length, shown + 1);
    assert.match(lines[1], /,admin,CreateUser,iam\.amazonaws\.com,AWS::IAM::User,/);
    await page.getByRole('status').filter({ hasText: 'as CSV' }).waitFor();
  });

  it('live mode shows new events as they are recorded, without reloading', async () => {
    const { page } = w;
    await page.click('#clear-filter');
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    await page.click('label.switch');
    await page.waitForURL(/live=1/);
    await page.locator('.pager', { hasText: 'Live' }).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await srv.aws(['iam', 'create-user', '--user-name', 'bob'])).code, 0);
    const row = page.locator('#events-table tbody tr.row-new', { has: page.locator(`td[title="arn:aws:iam::${srv.admin.accountId}:user/bob"]`) });
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('a.event-link').textContent(), 'CreateUser');
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
    await w.shot('event-history-live');
    await page.click('label.switch');
    await page.locator('#page-next').waitFor();
  });

  it('pages through results and switches regions with the region selector', async () => {
    const { page } = w;
    await Promise.all(Array.from({ length: 60 }, (_, i) => srv.app.stores.events.append(syntheticEvent(i, 'eu-west-1'))));
    await page.selectOption('#region', 'eu-west-1');
    await page.waitForURL(/region=eu-west-1/);
    await page.locator('#events-table tbody tr[data-event-id]').nth(49).waitFor();
    assert.equal(await page.locator('#events-table tbody tr[data-event-id]').count(), 50);
    assert.match(await page.locator('.lead').textContent() ?? '', /eu-west-1/);
    await page.click('#page-next');
    await page.locator('.page-no', { hasText: 'Page 2' }).waitFor();
    assert.equal(await page.locator('#events-table tbody tr[data-event-id]').count(), 10);
    assert.equal(await page.isDisabled('#page-next'), true);
    const last = await page.locator('#events-table tbody tr[data-event-id]').last().getAttribute('data-event-id');
    assert.equal(last, syntheticEvent(59, 'eu-west-1').eventId, 'oldest event last');
    await page.click('#page-prev');
    await page.locator('.page-no', { hasText: 'Page 1' }).waitFor();
    await page.selectOption('#region', 'us-east-1');
    await page.waitForURL(/region=us-east-1/);
  });

  it('reaches and opens a record with the keyboard alone', async () => {
    const { page } = w;
    await page.goto(`${srv.url}/console/events?region=us-east-1`);
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.classList.contains('event-link') ?? false);
    }
    assert.ok(reached, 'Tab reaches the first event link');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#event-record');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page\u2019s heading');
  });
});

describe('console: phone-sized screen', () => {
  it('fits Event history in 390 px without sideways scrolling', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.context.addCookies(await w.context.cookies());
    await phone.page.goto(`${srv.url}/console/events?region=us-east-1`);
    await phone.page.waitForSelector('#events-table tbody tr[data-event-id]');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    assert.equal(await phone.page.locator('#events-table th:nth-child(4)').isVisible(), false, 'event source column hidden');
    await phone.shot('event-history-phone');
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  });
});

function rawStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url);
    http.get({ host: u.hostname, port: u.port, path }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
}

describe('console: API guards', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${srv.url}/console/api/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });

  it('answers only signed-in, same-origin JSON requests that carry the CSRF token', async () => {
    const cookie = (await w.context.cookies()).find((c) => c.name === 'chattrail_session')!;
    const session = `chattrail_session=${cookie.value}`;
    const call = { service: 'sts', operation: 'GetCallerIdentity', input: {} };
    const anonymous = await post('call', call);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'NotSignedIn');
    const noToken = await post('call', call, { cookie: session });
    assert.equal(noToken.status, 403);
    assert.equal(((await noToken.json()) as { error: { code: string } }).error.code, 'InvalidCsrfToken');
    const info = await (await fetch(`${srv.url}/console/api/session`, { headers: { cookie: session } })).json() as { csrfToken: string };
    const ok = await post('call', call, { cookie: session, 'x-csrf-token': info.csrfToken });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { output: { Account: string } }).output.Account, srv.admin.accountId);
    const crossSite = await post('call', call, { cookie: session, 'x-csrf-token': info.csrfToken, origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const form = await fetch(`${srv.url}/console/api/call`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, body: 'service=sts' });
    assert.equal(form.status, 415);
    const denied = await post('call', { service: 'iam', operation: 'GetUser', input: { UserName: 'nobody' } }, { cookie: session, 'x-csrf-token': info.csrfToken });
    assert.equal(denied.status, 404);
    assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'NoSuchEntity');
  });

  it('holds console users to their IAM policies, and records unknown keys hidden', async () => {
    assert.equal((await srv.aws(['iam', 'create-user', '--user-name', 'carol'])).code, 0);
    const key = (await srv.aws(['iam', 'create-access-key', '--user-name', 'carol'])).json.AccessKey;
    const signin = await post('signin', { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
    assert.equal(signin.status, 200);
    const { csrfToken, userName } = await signin.json() as { csrfToken: string; userName: string };
    assert.equal(userName, 'carol');
    const cookie = /chattrail_session=[^;]+/.exec(signin.headers.get('set-cookie') ?? '')![0];
    const lookup = await post('call', { service: 'cloudtrail', operation: 'LookupEvents', input: {}, region: 'us-east-1' }, { cookie, 'x-csrf-token': csrfToken });
    assert.equal(lookup.status, 400);
    const err = (await lookup.json() as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'AccessDeniedException');
    assert.match(err.message, /user\/carol is not authorized to perform: cloudtrail:LookupEvents/);
    const live = await fetch(`${srv.url}/console/api/events/live?region=us-east-1`, { headers: { cookie } });
    assert.equal(live.status, 403);

    const unknown = await post('signin', { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'x' });
    assert.equal(unknown.status, 401);
    const hidden = (await events('ConsoleLogin')).find((e) => (e.userIdentity as Record<string, unknown>).userName === 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.ok(hidden, 'the failed sign-in of an unknown key is in the deployment account\u2019s history');
  });

  it('serves only its own files, with a strict content security policy', async () => {
    const page = await fetch(`${srv.url}/console/events`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    // Raw paths: fetch would resolve the dot segments before sending.
    for (const p of ['/console/static/..%2f..%2f..%2fpackage.json', '/console/js/../../package.json', '/console/static/../../../package.json',
      '/console/static/nope.css', '/console/unknown']) {
      assert.equal(await rawStatus(p), 404, p);
    }
    const redirect = await fetch(`${srv.url}/console`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/console/');
  });
});

describe('console: sign-out', () => {
  it('ends the session on the server and returns to the sign-in page', async () => {
    const { page } = w;
    const cookie = (await w.context.cookies()).find((c) => c.name === 'chattrail_session')!;
    await page.goto(`${srv.url}/console/events?region=us-east-1`);
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    await page.click('#signout');
    await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
    await page.waitForSelector('form.signin');
    await w.shot('signed-out');
    const after = await (await fetch(`${srv.url}/console/api/session`, { headers: { cookie: `chattrail_session=${cookie.value}` } })).json() as { signedIn: boolean };
    assert.equal(after.signedIn, false, 'the old cookie no longer works');
    assert.equal((await w.context.cookies()).some((c) => c.name === 'chattrail_session'), false, 'cookie cleared');
  });

  it('logged no unexpected errors in the browser console', () => {
    assert.deepEqual(w.errors, []);
  });
});
