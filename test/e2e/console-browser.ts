// Browser helpers for the console tests: Debian's Chromium driven by playwright-core, a screenshot
// per page into test-artifacts/console/ (kept by CI), and a watch on the browser console so a test
// can assert the page logged no errors beyond the ones it expected.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/common/paths.js';

export const ARTIFACTS = path.join(projectRoot, 'test-artifacts', 'console');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Browser-console errors and uncaught page errors, in order. */
  errors: string[];
  /** Removes `count` logged errors matching `pattern` (errors a step provoked on purpose); fails if fewer were logged. */
  expectErrors(pattern: RegExp, count: number): void;
  shot(name: string): Promise<void>;
}

export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, timezoneId: 'UTC', locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    page, context, errors,
    expectErrors(pattern, count) {
      for (let i = 0; i < count; i++) {
        const at = errors.findIndex((e) => pattern.test(e));
        if (at < 0) throw new Error(`expected ${count} console errors matching ${pattern}, found ${i}; logged: ${JSON.stringify(errors)}`);
        errors.splice(at, 1);
      }
    },
    async shot(name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
    },
  };
}

/** Signs in through the form, with the keyboard only (type, Tab, Enter). */
export async function signInWithKeyboard(page: Page, baseUrl: string, accessKeyId: string, secretAccessKey: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.waitForSelector('form.signin input[name=accessKeyId]:focus');
  await page.keyboard.type(accessKeyId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(secretAccessKey);
  await page.keyboard.press('Enter');
}
