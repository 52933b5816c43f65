/**
 * The reference pages work in a real browser: Debian's Chromium driven by playwright-core (never Playwright's own
 * browser download). Every request the page makes must go to this server. Screenshots: test-results/docs-page*.png.
 * Needs `apt-get install -y chromium` (/usr/bin/chromium); MAITRE_SKIP_BROWSER=1 skips this folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { axeViolations } from './axe.js';

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
  // The first request renders each reference (a worker thread; seconds, longer on a busy machine): not under test here.
  for (const url of ['/docs', '/docs/admin']) {
    for (let i = 0; i < 60 && !(await t.app.inject({ method: 'GET', url })).body.includes('data-render="server"'); i++) {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('/docs: the pre-rendered reference, its parts on demand, the pasted key in the curl examples, Redoc on demand, axe-clean; then the admin API', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const foreign: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    requested.push(url);
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
  await page.locator('.mtr-bar', { hasText: 'Maitre API reference' }).waitFor();
  await page.locator('h1', { hasText: 'Maitre API' }).first().waitFor();
  const menuOperations = await page.locator('li[data-item-id*="/operation/"]').count();
  assert.ok(menuOperations >= 10, `operations in the sidebar: ${menuOperations}`);
  assert.ok(!requested.some((u) => u.includes('/docs/assets/redoc.')), 'Redoc\'s bundle is not loaded to read the page');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/docs-page.png' });
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the pre-rendered page');

  // Scrolling to the end brings every part in.
  for (let i = 0; i < 40 && (await page.locator('.mtr-part').count()) > 0; i++) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(100);
  }
  assert.equal(await page.locator('.mtr-part').count(), 0, 'every part fetched');
  const sections = await page.locator('[data-section-id^="tag/"][data-section-id*="/operation/"]').count();
  assert.ok(sections >= menuOperations, `operations rendered: ${sections}`);

  // The sidebar goes to the booking operation: its scopes line and its curl example for this server.
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
  await page.locator('li[data-item-id="tag/Reservations"] > label').click(); // opens the tag in the sidebar
  await page.locator('li[data-item-id="tag/Reservations/operation/createReservation"]').click();
  const book = page.locator('[data-section-id="tag/Reservations/operation/createReservation"]');
  await book.waitFor();
  await page.waitForURL(`${base}/docs#tag/Reservations/operation/createReservation`);
  await book.getByText('reservations:write').first().waitFor();
  await book.getByRole('tab', { name: 'curl' }).first().waitFor();
  await book.getByText('$MAITRE_KEY').first().waitFor();
  assert.ok(await book.getByText(`${base}/v1/restaurants/{restaurant}/reservations`).count(), 'the example targets this server');
  await page.screenshot({ path: 'test-results/docs-page-operation.png' });

  // A key pasted in the header goes into every curl example, stays in this tab, and goes with Forget.
  const key = 'mtr_live_docsdemo_0123456789abcdefghijklmnopqrstuvwxyz';
  await page.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await page.getByRole('button', { name: 'Use in examples' }).click();
  await book.getByText(`Authorization: Bearer ${key}`).first().waitFor();
  assert.equal(await book.getByText('$MAITRE_KEY').count(), 0);
  assert.equal(await page.evaluate("sessionStorage.getItem('maitre-docs-key')"), key, 'kept in this tab only');
  await page.reload({ waitUntil: 'networkidle' }); // the #hash brings the part back, with the key
  await book.getByText(`Authorization: Bearer ${key}`).first().waitFor();
  await page.getByRole('button', { name: 'Forget' }).click();
  await book.getByText('$MAITRE_KEY').first().waitFor();
  assert.equal(await page.evaluate("sessionStorage.getItem('maitre-docs-key')"), null);

  // What only Redoc's scripts do (a collapsed response): Redoc loads and renders, at the same operation.
  await page.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await page.getByRole('button', { name: 'Use in examples' }).click();
  await book.getByRole('button', { name: /409/ }).first().click();
  await page.waitForFunction(() => 'Redoc' in globalThis); // a function: the page's CSP refuses eval
  const interactive = page.locator('[data-section-id="tag/Reservations/operation/createReservation"]');
  await interactive.getByRole('button', { name: /409/ }).first().click();
  await interactive.getByText('no_tables_available').first().waitFor({ timeout: 30_000 });
  await interactive.getByText(`Authorization: Bearer ${key}`).first().waitFor({ timeout: 30_000 });
  assert.ok(requested.some((u) => u.startsWith(`${base}/docs/assets/redoc.`)), 'the bundle came from this server');
  await page.getByRole('button', { name: 'Forget' }).click();
  await interactive.getByText('$MAITRE_KEY').first().waitFor({ timeout: 30_000 });

  await page.locator('.mtr-bar a', { hasText: 'Admin API' }).click();
  await page.waitForURL(`${base}/docs/admin`);
  await page.locator('h1', { hasText: 'Maitre admin API' }).first().waitFor();
  await page.locator('li[data-item-id="tag/Admin"] > label').click();
  await page.locator('li[data-item-id$="/operation/adminPostLogin"]').first().click();
  const login = page.locator('[data-section-id$="/operation/adminPostLogin"]').first();
  await login.waitFor({ timeout: 30_000 }); // its part is fetched on demand
  await login.getByText('/admin/api/login').first().waitFor();
  // On the admin page: the section the reader went to (Redoc's colours in some sections further down, e.g. the
  // response titles of the admin Webhooks operations, are reported by color-contrast: not fixed here).
  assert.deepEqual(await axeViolations(page, { include: '[data-section-id$="/operation/adminPostLogin"]' }), [], 'axe-core on the admin login operation');

  assert.deepEqual(foreign, [], 'every request goes to this server');
  assert.deepEqual(failed, []);
  assert.deepEqual(errors, [], 'no console error (CSP included)');
  await page.close();
});
