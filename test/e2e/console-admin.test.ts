// The console's administration pages in a real browser: create a trail (with its bucket), stop and
// start logging, see its last delivery and browse the delivered files; authorize a Slack workspace
// through the OAuth flow (against the local Slack peer), create, edit and delete a channel
// configuration, and run a test command as the channel would. Screenshots: test-artifacts/console/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './harness.js';
import { launchBrowser, openPage, signInWithKeyboard, type WatchedPage } from './console-browser.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';

const CLIENT = { clientId: '1111.2222', clientSecret: 'peer-client-secret' };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

let srv: TestServer;
let peer: SlackPeer;
let browser: Browser;
let w: WatchedPage;

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: 'T0ACME', teamName: 'Acme Corp', channels: [{ id: 'C0ALERTS', name: 'alerts' }, { id: 'C0OPS', name: 'ops' }] });
  srv = await startTestServer({
    CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: CLIENT.clientId, CHATTRAIL_SLACK_CLIENT_SECRET: CLIENT.clientSecret,
    CHATTRAIL_SLACK_SIGNING_SECRET: 'peer-signing-secret', CHATTRAIL_DELIVERY_WINDOW_SECONDS: '1',
  });
  browser = await launchBrowser();
  w = await openPage(browser);
  await signInWithKeyboard(w.page, srv.url, srv.admin.accessKeyId, srv.admin.secretAccessKey);
  await w.page.waitForSelector('#events-table');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  await peer?.close();
});

describe('console: trails', () => {
  it('creates a trail with a new bucket, logging at once', async () => {
    const { page } = w;
    await page.getByRole('link', { name: 'Trails' }).click();
    await page.locator('.empty', { hasText: 'No trails in this region yet' }).waitFor();
    await page.click('#create-trail-open');
    await page.fill('#trail-name', 'console-trail');
    await page.fill('#trail-bucket', 'console-trail-logs');
    await page.fill('#trail-prefix', 'audit');
    await w.shot('trail-create');
    await page.click('#create-trail-submit');
    await page.getByRole('status').filter({ hasText: 'Created trail console-trail.' }).waitFor();
    const row = page.locator('#trails-table tr[data-trail="console-trail"]');
    assert.match(await row.textContent() ?? '', /console-trailus-east-1 · multi-region.*console-trail-logs \/audit.*Enabled.*Logging/);
    const trails = await srv.aws(['cloudtrail', 'describe-trails']);
    assert.equal(trails.json.trailList[0].S3KeyPrefix, 'audit');
    assert.equal(trails.json.trailList[0].LogFileValidationEnabled, true);
  });

  it('stops and starts logging, and shows the last delivery', async () => {
    const { page } = w;
    const row = () => page.locator('#trails-table tr[data-trail="console-trail"]');
    await row().getByRole('button', { name: 'Stop logging' }).click();
    await row().locator('.pill', { hasText: 'Stopped' }).waitFor();
    assert.equal((await srv.aws(['cloudtrail', 'get-trail-status', '--name', 'console-trail'])).json.IsLogging, false);
    await row().getByRole('button', { name: 'Start logging' }).click();
    await row().locator('.pill', { hasText: 'Logging' }).waitFor();
    // The console's own calls are events too: within a few delivery windows one file is delivered.
    for (let i = 0; i < 30 && /None yet/.test(await row().locator('td.last-delivery').textContent() ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
      await row().waitFor();
    }
    assert.match(await row().locator('td.last-delivery').textContent() ?? '', /\d{2}:\d{2}:\d{2}/, 'last delivery time shown');
    assert.equal(await row().locator('td.last-error').textContent(), 'None', 'no delivery error');
    await w.shot('trails');
  });

  it('browses the delivered files and opens a log file', async () => {
    const { page } = w;
    await page.locator('#trails-table tr[data-trail="console-trail"] a.files-link').click();
    await page.locator('h1', { hasText: 'Delivered files' }).waitFor();
    await page.locator('#files-table a.folder', { hasText: /^CloudTrail\/$/ }).click();
    while (!(await page.locator('#files-table .file-open').count())) {
      await page.locator('#files-table a.folder').first().waitFor();
      const crumb = await page.locator('.crumbs.path').textContent();
      await page.locator('#files-table a.folder').first().click();
      await page.waitForFunction((before) => document.querySelector('.crumbs.path')?.textContent !== before, crumb);
      await page.locator('#files-table tbody tr:not(.message-row)').first().waitFor();
    }
    const file = page.locator('#files-table .file-open').first();
    assert.match(await file.textContent() ?? '', new RegExp(`^${srv.admin.accountId}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    await file.click();
    await page.waitForSelector('#file-content');
    const records = JSON.parse(await page.locator('#file-content').textContent() ?? '') as { Records: { eventSource: string }[] };
    assert.ok(records.Records.length >= 1);
    assert.match(await page.locator('.viewer .section-head').textContent() ?? '', /\d+ records?/);
    await w.shot('delivered-files');
  });
});

describe('console: chat clients', () => {
  const roleArn = () => `arn:aws:iam::${srv.admin.accountId}:role/chatbot-console`;

  it('authorizes a Slack workspace through Slack\u2019s OAuth flow', async () => {
    const { page, context } = w;
    // Slack's authorize page: the peer has none, so answer as Slack does once the user approves.
    await context.route((u) => u.href.startsWith(`${peer.origin}/oauth/v2/authorize`), async (route) => {
      const u = new URL(route.request().url());
      const redirect = u.searchParams.get('redirect_uri')!;
      const code = peer.issueOAuthCode('T0ACME', { ...CLIENT, redirectUri: redirect });
      await route.fulfill({ status: 302, headers: { location: `${redirect}?code=${code}&state=${u.searchParams.get('state')}` } });
    });
    await page.getByRole('link', { name: 'Chat clients' }).click();
    await page.locator('.empty', { hasText: 'No Slack workspace yet' }).waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#configure-client')]);
    await popup.locator('h1', { hasText: 'Slack workspace connected' }).waitFor();
    await popup.close();
    await page.click('#refresh-workspaces');
    const row = page.locator('#workspaces-table tbody tr', { hasText: 'Acme Corp' });
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /T0ACME.*Enabled/);
  });

  it('creates and edits a channel configuration', async () => {
    const { page } = w;
    assert.equal((await srv.aws(['iam', 'create-role', '--role-name', 'chatbot-console', '--assume-role-policy-document', TRUST])).code, 0);
    assert.equal((await srv.aws(['iam', 'attach-role-policy', '--role-name', 'chatbot-console', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'])).code, 0);
    await page.click('#configure-channel');
    await page.fill('#cfg-name', 'ops-alerts');
    await page.fill('#cfg-channel', 'C0ALERTS');
    await page.fill('#cfg-channel-name', 'alerts');
    await page.fill('#cfg-role', roleArn());
    assert.equal(await page.inputValue('#cfg-guardrails'), 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await w.shot('channel-create');
    await page.click('#cfg-submit');
    await page.getByRole('status').filter({ hasText: 'Created channel configuration ops-alerts.' }).waitFor();
    const row = () => page.locator('#channels-table tr[data-config="ops-alerts"]');
    assert.match(await row().textContent() ?? '', /Acme Corp#alertschatbot-console.*None.*ReadOnlyAccess.*ERROR/);

    await row().getByRole('button', { name: 'Edit ops-alerts' }).click();
    assert.equal(await page.isDisabled('#cfg-name'), true);
    await page.selectOption('#cfg-logging', 'INFO');
    await page.click('#cfg-submit');
    await page.getByRole('status').filter({ hasText: 'Saved ops-alerts.' }).waitFor();
    await row().locator('td', { hasText: 'INFO' }).waitFor();
    const listed = await srv.aws(['chatbot', 'describe-slack-channel-configurations']);
    assert.equal(listed.json.SlackChannelConfigurations[0].LoggingLevel, 'INFO');
    await w.shot('chat-clients');
  });

  it('runs a test command as the channel would', async () => {
    const { page } = w;
    await page.fill('#test-command', '@aws sts get-caller-identity');
    await page.click('#test-run');
    const out = page.locator('#test-output .answer');
    await out.waitFor();
    assert.match(await out.textContent() ?? '', new RegExp(`assumed-role/chatbot-console/chatbot-session`));
    await w.shot('chat-test');
    // The command ran as the channel's role, by way of AWS Chatbot's AssumeRole.
    const events = await srv.app.stores.events.lookup({
      accountId: srv.admin.accountId, region: 'us-east-1', attribute: { key: 'Username', value: 'chatbot-session' },
      start: new Date(Date.now() - 600_000), end: new Date(Date.now() + 60_000), limit: 5,
    });
    assert.ok(events.some((e) => e.eventName === 'GetCallerIdentity'), 'the command\u2019s call is recorded under the chatbot session');
  });

  it('shows a denied command\u2019s answer as the channel would', async () => {
    const { page } = w;
    await page.fill('#test-command', '@aws iam create-user --user-name mallory');
    await page.click('#test-run');
    // A write asks first, as in the channel; confirmed, it runs and the channel's role refuses it.
    await page.locator('#test-output .answer', { hasText: 'This command changes resources' }).waitFor();
    await w.shot('chat-test-confirm');
    await page.click('#test-confirm');
    await page.locator('#test-output .answer-failed', { hasText: /AccessDenied|not authorized/ }).waitFor();
  });

  it('deletes a channel configuration after confirmation', async () => {
    const { page } = w;
    const row = page.locator('#channels-table tr[data-config="ops-alerts"]');
    await row.getByRole('button', { name: 'Delete ops-alerts' }).click();
    await row.getByRole('button', { name: 'Confirm deleting ops-alerts' }).click();
    await page.locator('.empty', { hasText: 'No channel configuration yet.' }).waitFor();
    const listed = await srv.aws(['chatbot', 'describe-slack-channel-configurations']);
    assert.deepEqual(listed.json.SlackChannelConfigurations, []);
  });

  it('shows what the console did in Event history, as console calls', async () => {
    const { page } = w;
    await page.getByRole('link', { name: 'Event history' }).click();
    await page.waitForSelector('#events-table tbody tr[data-event-id]');
    const names = await page.locator('#events-table tbody a.event-link').allTextContents();
    for (const n of ['DeleteSlackChannelConfiguration', 'UpdateSlackChannelConfiguration', 'CreateSlackChannelConfiguration', 'AssumeRole']) {
      assert.ok(names.includes(n), `${n} listed`);
    }
    await w.shot('event-history');
    const [created] = await srv.app.stores.events.lookup({
      accountId: srv.admin.accountId, region: 'us-east-1', attribute: { key: 'EventName', value: 'CreateTrail' },
      start: new Date(Date.now() - 600_000), end: new Date(Date.now() + 60_000), limit: 1,
    });
    const record = JSON.parse(created.record) as Record<string, unknown>;
    assert.equal(record.sessionCredentialFromConsole, 'true');
    assert.equal((record.requestParameters as Record<string, unknown>).name, 'console-trail');
  });

  it('logged no unexpected errors in the browser console', () => {
    assert.deepEqual(w.errors, []);
  });
});
