/**
 * The reference pages render in a real browser: Debian's Chromium driven by playwright-core (never Playwright's own
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

test('/docs renders the public API with its operations, offline, then the admin API from its link', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const foreign: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
  await page.locator('.mtr-bar', { hasText: 'Maitre API reference' }).waitFor();
  await page.locator('h1', { hasText: 'Maitre API' }).first().waitFor({ timeout: 30_000 });
  const operations = await page.locator('[data-section-id^="tag/"][data-section-id*="/operation/"]').count();
  assert.ok(operations >= 10, `operations rendered: ${operations}`);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/docs-page.png' });

  // The booking operation: its scopes line and its error codes are on the page.
  const book = page.locator('[data-section-id="tag/Reservations/operation/createReservation"]');
  await book.scrollIntoViewIfNeeded();
  await book.getByText('reservations:write').first().waitFor();
  await book.getByText('no_tables_available').first().waitFor();
  await page.screenshot({ path: 'test-results/docs-page-operation.png' });

  // Its curl example is for this server, with $MAITRE_KEY until a key is pasted in the header, then with that key.
  const curlTab = (section: typeof book) => section.getByRole('tab', { name: 'curl' }).first().click();
  await curlTab(book);
  await book.getByText('$MAITRE_KEY').first().waitFor();
  assert.ok(await book.getByText(`${base}/v1/restaurants/{restaurant}/reservations`).count(), 'the example targets this server');
  const key = 'mtr_live_docsdemo_0123456789abcdefghijklmnopqrstuvwxyz';
  await page.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await page.getByRole('button', { name: 'Use in examples' }).click();
  const keyed = page.locator('[data-section-id="tag/Reservations/operation/createReservation"]');
  await curlTab(keyed);
  await keyed.getByText(`Authorization: Bearer ${key}`).first().waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate("sessionStorage.getItem('maitre-docs-key')"), key, 'kept in this tab only');
  await page.reload({ waitUntil: 'networkidle' });
  await curlTab(keyed);
  await keyed.getByText(`Authorization: Bearer ${key}`).first().waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Forget' }).click();
  await curlTab(keyed);
  await keyed.getByText('$MAITRE_KEY').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate("sessionStorage.getItem('maitre-docs-key')"), null);

  await page.locator('.mtr-bar a', { hasText: 'Admin API' }).click();
  await page.waitForURL(`${base}/docs/admin`);
  await page.locator('h1', { hasText: 'Maitre admin API' }).first().waitFor({ timeout: 30_000 });
  await page.getByText('/admin/api/login').first().waitFor();

  assert.deepEqual(foreign, [], 'every request goes to this server');
  assert.deepEqual(failed, []);
  assert.deepEqual(errors, [], 'no console error (CSP included)');
  await page.close();
});
