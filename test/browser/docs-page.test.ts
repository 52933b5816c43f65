/**
 * The reference page renders in a real browser: Debian's Chromium driven by playwright-core (never Playwright's own
 * browser download). Every request the page makes must go to this server. Screenshots: test-results/docs-page*.png.
 * Needs `apt-get install -y chromium` (/usr/bin/chromium); MAITRE_SKIP_BROWSER=1 skips this folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

let t: TestApp;
let browser: Browser;
let base: string;
before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set MAITRE_SKIP_BROWSER=1)`);
  t = await createTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('/docs renders the public API with its operations, offline, then switches to the admin API', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const foreign: string[] = [];
  const failed: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:')) foreign.push(url);
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Maitre API' }).waitFor({ timeout: 20_000 });
  await page.locator('.opblock-summary-path', { hasText: '/v1/restaurants/{restaurant}/availability' }).first().waitFor();
  const operations = await page.locator('.opblock').count();
  assert.ok(operations >= 10, `operations rendered: ${operations}`);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/docs-page.png' });

  // Open the booking operation: its scopes line and its error codes are on the page.
  const book = page.locator('.opblock-post', { hasText: '/v1/restaurants/{restaurant}/reservations' }).first();
  await book.locator('.opblock-summary').first().click();
  await book.locator('.opblock-description-wrapper', { hasText: 'reservations:write' }).waitFor();
  await book.locator('.responses-table', { hasText: 'no_tables_available' }).first().waitFor();
  await page.screenshot({ path: 'test-results/docs-page-operation.png' });

  await page.locator('.topbar select').selectOption({ label: 'Admin API' });
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Maitre admin API' }).waitFor({ timeout: 20_000 });
  await page.locator('.opblock-summary-path', { hasText: '/admin/api/login' }).first().waitFor();

  assert.deepEqual(foreign, [], 'every request goes to this server');
  assert.deepEqual(failed, []);
  assert.deepEqual(cspErrors, []);
  await page.close();
});
