/**
 * The booking widget in a real browser (Debian's Chromium via playwright-core), against real servers on 127.0.0.1:
 * Maitre, the example proxy (examples/proxy/server.mjs, a child process) and small host sites on other ports, which
 * are other origins. Bookings are checked through the API. Screenshots: test-results/widget-*.png.
 * Builds the widget first when dist/widget/widget.js is missing or older than its sources.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bistro, booking, createTenant, type Tenant } from '../helpers/booking.js';
import { seedDemoIfEmpty, type DemoCredentials } from '../../src/demo.js';
import { WIDGET_FILE } from '../../src/modules/widget/bundle.js';
import { signIn as signInAdmin } from '../helpers/admin.js';
import { axeViolations } from './axe.js';

/** axe-core on the widget alone: landmarks and the page's own structure belong to the host page. */
const WIDGET_ONLY = { include: 'maitre-booking', disable: ['region', 'landmark-one-main', 'page-has-heading-one'] };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const WIDGET_SCOPES = ['availability:read', 'reservations:write'] as const;

function ensureWidgetBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir).map((f) => (statSync(join(dir, f)).isDirectory() ? newest(join(dir, f)) : statSync(join(dir, f)).mtimeMs)));
  if (existsSync(WIDGET_FILE) && statSync(WIDGET_FILE).mtimeMs >= Math.max(newest('widget/src'), statSync('widget/vite.config.ts').mtimeMs)) return;
  // Only the widget's configuration (scripts/build-web.mjs would build the dashboard too).
  const script = "const { build } = await import('vite'); await build({ configFile: 'widget/vite.config.ts', logLevel: 'warn' });";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  assert.equal(r.status, 0, 'building the widget failed');
}

/** A tiny website on its own port (= its own origin) serving fixed pages. */
async function hostSite(pages: Map<string, string>): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname + (new URL(req.url ?? '/', 'http://x').search || ''));
    if (html === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const embed = (maitre: string, attrs: Record<string, string>) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Bistro</title>
<script src="${maitre}/widget.js" defer></script></head>
<body><h1>Our bistro</h1><maitre-booking ${Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(' ')}></maitre-booking></body></html>`;

let t: TestApp;
let browser: Browser;
let maitre: string;
let tenant: Tenant;
let demo: DemoCredentials;
let proxy: ChildProcess;
let proxyOrigin: string;
let allowedSite: Awaited<ReturnType<typeof hostSite>>;
let otherSite: Awaited<ReturnType<typeof hostSite>>;
/** A date three days ahead in the browser's calendar (both lunch and dinner every day in this restaurant). */
const date = DateTime.now().plus({ days: 3 }).toISODate()!;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set MAITRE_SKIP_BROWSER=1)`);
  ensureWidgetBuilt();
  t = await createTestApp({ config: { demo: true } });
  demo = (await seedDemoIfEmpty(t.app.services))!;
  maitre = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  tenant = await createTenant(t.app, bistro({
    services: [
      { key: 'lunch', name: 'Lunch', days: [...everyDay], start: '12:00', lastSeating: '13:30', end: '15:00' },
      { key: 'dinner', name: 'Dinner', days: [...everyDay], start: '19:00', lastSeating: '21:30', end: '23:00', pacing: { maxCoversPerSlot: 20, maxBookingsPerSlot: 2 } },
    ],
    closures: [],
  }));

  // The proxy: a key with only the widget's scopes, no origin list (server to server).
  const proxyKey = await t.app.services.keys.create(tenant.id, { name: 'website proxy', scopes: [...WIDGET_SCOPES] }, { type: 'system', id: null });
  proxy = spawn(process.execPath, ['examples/proxy/server.mjs'], {
    env: { ...process.env, MAITRE_URL: maitre, MAITRE_API_KEY: proxyKey.key, MAITRE_RESTAURANT: tenant.slug, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  proxyOrigin = await new Promise<string>((resolve, reject) => {
    let out = '';
    proxy.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proxy.once('exit', (c) => reject(new Error(`proxy exited with ${c}`)));
  });

  // Direct use: a key bound to one site's origin, with a booking budget.
  const allowedPages = new Map<string, string>();
  allowedSite = await hostSite(allowedPages);
  otherSite = await hostSite(allowedPages); // same pages, another origin: not on the key's list
  const direct = await t.app.services.keys.create(
    tenant.id,
    { name: 'website widget', scopes: [...WIDGET_SCOPES], allowedOrigins: [allowedSite.origin], bookingRateLimitPerMinute: 10 },
    { type: 'system', id: null },
  );
  const tight = await t.app.services.keys.create(
    tenant.id,
    { name: 'tight widget', scopes: [...WIDGET_SCOPES], allowedOrigins: [allowedSite.origin], bookingRateLimitPerMinute: 1 },
    { type: 'system', id: null },
  );
  allowedPages.set('/direct', embed(maitre, { restaurant: tenant.slug, endpoint: maitre, key: direct.key }));
  allowedPages.set('/direct?lang=fr', embed(maitre, { restaurant: tenant.slug, endpoint: maitre, key: direct.key, lang: 'fr', 'restaurant-name': 'Test Bistro' }));
  allowedPages.set('/tight', embed(maitre, { restaurant: tenant.slug, endpoint: maitre, key: tight.key }));

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
  proxy?.kill('SIGTERM');
  await allowedSite?.close();
  await otherSite?.close();
  await t?.close();
});

interface Watch {
  requests: { url: string; method: string; headers: Record<string, string>; body: string | null }[];
  pageErrors: string[];
}

async function open(url: string, viewport = { width: 1024, height: 1100 }): Promise<{ page: Page; watch: Watch }> {
  const page = await browser.newPage({ viewport });
  const watch: Watch = { requests: [], pageErrors: [] };
  page.on('request', (r) => watch.requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() }));
  page.on('pageerror', (e) => watch.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) watch.pageErrors.push(m.text());
  });
  await page.goto(url);
  await page.locator('maitre-booking h2').waitFor();
  return { page, watch };
}

const w = (page: Page) => page.locator('maitre-booking');

/**
 * The booking form has loaded the times of its date and party size — whatever that day still offers (late in the
 * evening, today has none left): the list names the question it answers once the answer is in.
 */
async function bookTimesLoaded(page: Page): Promise<void> {
  const question = `${await w(page).locator('#mb-date').inputValue()}/${await w(page).locator('#mb-party').inputValue()}`;
  await w(page).locator(`.times[data-for="${question}"]`).waitFor({ state: 'attached' });
}
const slot = (page: Page, time: string) => w(page).locator(`label[for$="-${time.replace(':', '')}"]:visible`);

async function chooseDate(page: Page, d: string, party = 2): Promise<void> {
  await w(page).locator('#mb-party').selectOption(String(party));
  await w(page).locator('#mb-date').fill(d);
  // The list of this date and party (today's stays on screen while the new answer is on its way).
  await w(page).locator(`.times[data-for="${d}/${party}"] input`).first().waitFor({ state: 'attached' });
}

async function fillDetails(page: Page, who: { name: string; email?: string; phone?: string; notes?: string }): Promise<void> {
  await w(page).locator('#mb-name').fill(who.name);
  if (who.email) await w(page).locator('#mb-email').fill(who.email);
  if (who.phone) await w(page).locator('#mb-phone').fill(who.phone);
  if (who.notes) await w(page).locator('#mb-notes').fill(who.notes);
}

/** The marketing consent of the customer with this email (GET /customers?email=). */
async function consentOf(email: string): Promise<{ granted: boolean; at: string | null; source: string | null }> {
  const res = await tenant.get(`/customers?email=${encodeURIComponent(email)}`);
  assert.equal(res.statusCode, 200, res.body);
  const data = res.json().data as { marketingConsent: { granted: boolean; at: string | null; source: string | null } }[];
  assert.equal(data.length, 1, `one customer with ${email}`);
  return data[0].marketingConsent;
}

async function reservationsOf(email: string, d = date) {
  const res = await tenant.get(`/reservations?date=${d}&limit=100`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().data as { customer: { email: string | null }; reference: string; time: string; status: string; source: string; notes: string | null; createdAt: string }[])
    .filter((r) => r.customer?.email === email);
}

test('through the proxy: a page on another origin books a table; full times are greyed with the reason; the key never reaches the browser', async () => {
  // Fill 19:00 (two bookings per slot at dinner) so the widget shows it unavailable.
  for (let i = 0; i < 2; i++) assert.equal((await tenant.post('/reservations', booking(date, '19:00', 2))).statusCode, 201);
  const { page, watch } = await open(`${proxyOrigin}/`);
  await chooseDate(page, date);
  const full = w(page).locator('input[value="19:00"]:visible');
  assert.equal(await full.isDisabled(), true);
  assert.match(await slot(page, '19:00').innerText(), /fully booked/);
  await w(page).locator('[role=status]', { hasText: 'available on' }).waitFor();

  await slot(page, '19:30').click();
  await fillDetails(page, { name: 'Proxy Guest', email: 'proxy.guest@example.com', phone: '+33 6 12 34 56 78', notes: 'Window table please' });
  // National numbers are accepted for the restaurant's country: the hint says so.
  assert.equal(await w(page).locator('#mb-phone-hint').innerText(), 'As dialled in the restaurant’s country, or with the country code, e.g. +33 1 23 45 67 89');
  // The marketing-consent box: unticked by default; the guest ticks it (by its label).
  const consent = w(page).locator('#mb-consent');
  assert.equal(await consent.isChecked(), false);
  await w(page).locator('label[for="mb-consent"]', { hasText: 'Send me news and offers from the restaurant' }).click();
  assert.equal(await consent.isChecked(), true);
  await page.screenshot({ path: 'test-results/widget-proxy-form.png', fullPage: true });
  await w(page).locator('button[type=submit]:visible').click();
  await w(page).locator('#mb-done-title', { hasText: 'Your table is booked' }).waitFor();
  const reference = (await w(page).locator('#mb-reference').innerText()).trim();
  assert.match(reference, /^[A-Z0-9]{3}-[A-Z0-9]{4}$/);
  await page.screenshot({ path: 'test-results/widget-proxy-confirmation.png', fullPage: true });

  const [made] = await reservationsOf('proxy.guest@example.com');
  assert.equal(made.reference, reference);
  assert.equal(made.time, '19:30');
  assert.equal(made.source, 'widget');
  assert.equal(made.notes, 'Window table please');
  const given = await consentOf('proxy.guest@example.com');
  assert.deepEqual([given.granted, given.source], [true, 'widget'], 'the ticked box recorded the consent, from the widget');
  assert.equal(given.at, made.createdAt, 'granted at the time of the booking, in its transaction');
  const sent = watch.requests.find((r) => r.method === 'POST')?.body;
  assert.deepEqual(JSON.parse(sent ?? '{}').customer?.marketingConsent, true);
  // Every request went to the page's own site; none carried a key.
  assert.deepEqual(watch.requests.filter((r) => !r.url.startsWith(proxyOrigin)).map((r) => r.url), []);
  assert.ok(watch.requests.every((r) => !('x-api-key' in r.headers) && !('authorization' in r.headers)));
  const post = watch.requests.find((r) => r.method === 'POST');
  assert.match(post?.headers['idempotency-key'] ?? '', /^mw-[\w-]{16,}$/);
  assert.deepEqual(watch.pageErrors, []);
  await page.close();
});

test('direct with an origin-bound key, in French at phone width; a server-side field error is shown on its field', async () => {
  const { page, watch } = await open(`${allowedSite.origin}/direct?lang=fr`, { width: 375, height: 900 });
  await w(page).locator('h2', { hasText: 'Réserver une table' }).waitFor();
  await chooseDate(page, date, 4);
  await slot(page, '20:00').click();
  await fillDetails(page, { name: 'Camille Direct', email: 'camille@example.com', phone: '12' });
  assert.match(await w(page).locator('#mb-phone-hint').innerText(), /^Tel qu’on le compose dans le pays du restaurant, ou avec l’indicatif du pays/);
  assert.equal(await w(page).locator('label[for="mb-consent"]').innerText(), 'Envoyez-moi les actualités et offres de Test Bistro');
  await w(page).locator('button[type=submit]:visible').click();
  // The API refuses the phone number: the message sits under the phone field, which is marked invalid.
  await w(page).locator('#mb-phone-err', { hasText: 'tel qu’on le compose dans le pays du restaurant, ou avec l’indicatif' }).waitFor();
  assert.equal(await w(page).locator('#mb-phone').getAttribute('aria-invalid'), 'true');
  assert.match(await w(page).locator('[role=alert]').innerText(), /Vérifiez les champs/);
  await page.screenshot({ path: 'test-results/widget-direct-field-error.png', fullPage: true });

  await w(page).locator('#mb-phone').fill('+33 6 98 76 54 32');
  await w(page).locator('button[type=submit]:visible').click();
  await w(page).locator('#mb-done-title', { hasText: 'Votre table est réservée' }).waitFor();
  const reference = (await w(page).locator('#mb-reference').innerText()).trim();
  const width = await page.locator('html').evaluate((el) => el.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling at phone width (${width}px)`);
  await page.screenshot({ path: 'test-results/widget-direct-phone.png', fullPage: true });

  const [made] = await reservationsOf('camille@example.com');
  assert.equal(made.reference, reference);
  // The box was left unticked: no consent, and the field was not even sent.
  assert.deepEqual(await consentOf('camille@example.com'), { granted: false, at: null, source: null });
  const posts = watch.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/reservations'));
  assert.ok(posts.length >= 1 && posts.every((r) => !('marketingConsent' in (JSON.parse(r.body ?? '{}').customer ?? {}))));
  // The widget's language goes with the booking: the guest's emails are written in French.
  assert.ok(posts.every((r) => JSON.parse(r.body ?? '{}').language === 'fr'), 'lang="fr" books with language "fr"');
  const { headers } = await signInAdmin(t, tenant.id, 'owner');
  const mail = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${tenant.slug}/messages?kind=confirmation&limit=100`, headers });
  assert.equal(mail.statusCode, 200, mail.body);
  const confirmation = (mail.json().data as { to: string; language: string }[]).find((m) => m.to === 'camille@example.com');
  assert.equal(confirmation?.language, 'fr');
  const keyed = watch.requests.filter((r) => r.url.startsWith(`${maitre}/v1/`) && r.method !== 'OPTIONS');
  assert.ok(keyed.length >= 2 && keyed.every((r) => r.headers['x-api-key']?.startsWith('mtr_')), 'direct calls carry the key');
  assert.deepEqual(watch.pageErrors, []);
  await page.close();
});

test('a page on an origin the key does not allow explains the refusal', async () => {
  const { page, watch } = await open(`${otherSite.origin}/direct`); // the widget asks for today's times at once
  const alert = w(page).locator('[role=alert]');
  await alert.filter({ hasText: 'does not accept requests from this website' }).waitFor();
  const text = await alert.innerText();
  assert.ok(text.includes(otherSite.origin), text);
  assert.match(text, /allowed origins/);
  assert.equal(await w(page).locator('.times input').count(), 0);
  await page.screenshot({ path: 'test-results/widget-origin-error.png', fullPage: true });
  // It really was the key's origin list: the same call with this Origin is refused by the API.
  const res = await t.app.inject({
    method: 'GET', url: `/v1/restaurants/${tenant.slug}/availability?date=${date}&partySize=2`,
    headers: { origin: otherSite.origin, 'x-api-key': String(watch.requests.find((r) => r.headers['x-api-key'])?.headers['x-api-key']) },
  });
  assert.equal(res.json().error.code, 'origin_not_allowed');
  await page.close();
});

test('rate limit: the booking budget of the key is explained with the time to wait', async () => {
  const { page } = await open(`${allowedSite.origin}/tight`);
  await chooseDate(page, date);
  await slot(page, '12:30').click();
  await fillDetails(page, { name: 'First Tight', email: 'tight1@example.com' });
  await w(page).locator('button[type=submit]:visible').click();
  await w(page).locator('#mb-reference').waitFor();
  await w(page).getByRole('button', { name: 'Make another booking' }).click();
  await chooseDate(page, date);
  await slot(page, '12:45').click();
  await fillDetails(page, { name: 'Second Tight', email: 'tight2@example.com' });
  await w(page).locator('button[type=submit]:visible').click();
  const alert = w(page).locator('[role=alert]', { hasText: 'Too many attempts' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /try again in \d+ seconds?/);
  assert.equal((await reservationsOf('tight2@example.com')).length, 0);
  await page.screenshot({ path: 'test-results/widget-rate-limit.png', fullPage: true });
  await page.close();
});

test('manage my booking: a wrong contact is explained, then reschedule and cancel through the guest routes', async () => {
  const created = await tenant.post('/reservations', { ...booking(date, '12:15', 2), customer: { name: 'Manon Manage', email: 'manon@example.com' } });
  assert.equal(created.statusCode, 201);
  const { reference } = created.json();
  const { page } = await open(`${proxyOrigin}/`);
  assert.equal(await w(page).locator('h2').innerText(), 'Book a table');
  await w(page).getByRole('button', { name: 'Manage my booking' }).click();
  assert.equal(await w(page).locator('#mb-manage-title').evaluate((el) => el === el.getRootNode().activeElement), true, 'focus moves to the view');
  assert.equal(await w(page).locator('h2').innerText(), 'Manage my booking', 'the heading says what the view is for');
  await w(page).locator('#mb-ref').fill(reference.toLowerCase());
  await w(page).locator('#mb-contact').fill('someone.else@example.com');
  await w(page).getByRole('button', { name: 'Find my booking' }).click();
  await w(page).locator('[role=alert]', { hasText: 'could not find a booking' }).waitFor();

  await w(page).locator('#mb-contact').fill('manon@example.com');
  await w(page).getByRole('button', { name: 'Find my booking' }).click();
  await w(page).locator('#mb-booking', { hasText: '12:15' }).waitFor();
  await w(page).locator('[role=status]', { hasText: 'Booking found' }).waitFor();
  // The move form's fields have their own names: one "Date" and one "Guests" in the widget, the booking form's.
  assert.equal(await w(page).getByLabel('New date', { exact: true }).inputValue(), date);
  assert.equal(await w(page).getByLabel('New number of guests', { exact: true }).inputValue(), '2');
  assert.equal(await w(page).locator('label', { hasText: /^Date$/ }).count(), 1);
  assert.equal(await w(page).locator('label', { hasText: /^Guests$/ }).count(), 1);
  assert.deepEqual(await axeViolations(page, WIDGET_ONLY), [], 'axe-core: manage mode with the move form');
  await slot(page, '13:00').waitFor();
  await slot(page, '13:00').click();
  await w(page).getByRole('button', { name: 'Move my booking' }).click();
  await w(page).locator('[role=status]', { hasText: 'Your booking is moved' }).waitFor();
  await w(page).locator('#mb-booking', { hasText: '13:00' }).waitFor();
  await page.screenshot({ path: 'test-results/widget-manage-moved.png', fullPage: true });
  let [now] = await reservationsOf('manon@example.com');
  assert.equal(now.time, '13:00');
  assert.equal(now.status, 'confirmed');

  await w(page).getByRole('button', { name: 'Cancel my booking' }).click();
  await w(page).getByRole('button', { name: 'Yes, cancel it' }).click();
  await w(page).locator('[role=status]', { hasText: 'Your booking is cancelled' }).waitFor();
  await w(page).locator('#mb-booking', { hasText: 'cancelled' }).waitFor();
  await page.screenshot({ path: 'test-results/widget-manage-cancelled.png', fullPage: true });
  [now] = await reservationsOf('manon@example.com');
  assert.equal(now.status, 'cancelled');
  await w(page).getByRole('button', { name: 'Book a table' }).click();
  assert.equal(await w(page).locator('h2').innerText(), 'Book a table');
  await page.close();
});

test('an email\'s manage link (?maitre_manage=&maitre_contact=) opens the manage view on that booking; an incomplete or wrong one does not', async () => {
  const created = await tenant.post('/reservations', { ...booking(date, '12:30', 3), customer: { name: 'Lina Link', email: 'lina+link@example.com' } });
  assert.equal(created.statusCode, 201, created.body);
  const { reference } = created.json();
  const link = `${proxyOrigin}/?${new URLSearchParams({ maitre_manage: reference, maitre_contact: 'lina+link@example.com' })}`;
  const { page, watch } = await open(link);
  await w(page).locator('#mb-booking', { hasText: '12:30' }).waitFor();
  // One lookup, although the element renders once per attribute as it is upgraded (a guest's budget is 10 a minute).
  assert.equal(watch.requests.filter((r) => r.url.endsWith('/guest/lookup')).length, 1);
  assert.equal(await w(page).locator('h2').innerText(), 'Manage my booking');
  assert.equal(await w(page).locator('#mb-ref').inputValue(), reference, 'the lookup form is prefilled');
  assert.equal(await w(page).locator('#mb-contact').inputValue(), 'lina+link@example.com', '"+" in the address survives the query string');
  assert.match(await w(page).locator('#mb-booking').innerText(), new RegExp(reference));
  await w(page).locator('[role=status]', { hasText: 'Booking found' }).waitFor();
  assert.equal(await w(page).locator('#mb-booking-title').evaluate((el) => el === el.getRootNode().activeElement), true, 'focus on the booking');
  assert.deepEqual(await axeViolations(page, WIDGET_ONLY), [], 'axe-core: the manage view opened from a link');
  await page.screenshot({ path: 'test-results/widget-manage-link.png', fullPage: true });
  // The booking form behind the toggle loads its times when the guest turns to it (whatever today still offers: the
  // list says which date it answers once loaded — late in the evening today has no time left, and that is fine).
  await w(page).getByRole('button', { name: 'Book a table' }).click();
  await bookTimesLoaded(page);
  assert.equal(await w(page).locator('[role=alert]:visible').count(), 0);
  await page.close();

  // A link with a contact that is not the booking's: the same explanation as a typed one, nothing shown.
  const wrong = await open(`${proxyOrigin}/?${new URLSearchParams({ maitre_manage: reference, maitre_contact: 'someone@example.com' })}`);
  await w(wrong.page).locator('[role=alert]', { hasText: 'could not find a booking' }).waitFor();
  assert.equal(await w(wrong.page).locator('h2').innerText(), 'Manage my booking');
  assert.equal(await w(wrong.page).locator('#mb-booking').isVisible(), false);
  await wrong.page.close();

  // Half a link (no contact) is no link: the booking view, as usual.
  const half = await open(`${proxyOrigin}/?maitre_manage=${reference}`);
  await bookTimesLoaded(half.page);
  assert.equal(await w(half.page).locator('h2').innerText(), 'Book a table');
  await half.page.close();
});

test('the manage link of a real confirmation email opens /demo on that booking', async () => {
  const demoId = (await t.app.services.restaurants.getProfile('demo')).id;
  const { headers } = await signInAdmin(t, demoId, 'owner');
  const booked = await t.app.inject({
    method: 'POST', url: '/v1/restaurants/demo/reservations', headers: { authorization: `Bearer ${demo.key}` },
    payload: { date: demo.date, time: '19:45', partySize: 2, customer: { name: 'Mia Mailbox', email: 'mia+mail@example.com' } },
  });
  assert.equal(booked.statusCode, 201, booked.body);
  const { id, reference } = booked.json();
  const list = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/demo/messages?reservationId=${id}&kind=confirmation`, headers });
  assert.equal(list.statusCode, 200, list.body);
  const [message] = list.json().data;
  assert.ok(message, 'the booking wrote a confirmation');
  const full = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/demo/messages/${message.id}`, headers });
  assert.equal(full.statusCode, 200, full.body);
  // The link, as the guest reads it in the plain text and clicks it in the HTML: the same URL.
  const inText = /https?:\/\/\S*maitre_manage=\S+/.exec(full.json().text)?.[0];
  assert.ok(inText, 'the plain text has the manage link');
  const href = /<a href="([^"]*maitre_manage=[^"]*)"/.exec(full.json().html)?.[1]?.replaceAll('&amp;', '&');
  assert.equal(href, inText);
  const link = new URL(inText);
  assert.equal(link.pathname, '/demo');
  assert.equal(link.searchParams.get('maitre_manage'), reference);
  assert.equal(link.searchParams.get('maitre_contact'), 'mia+mail@example.com');

  // Opened on this server (the link's host is MAITRE_PUBLIC_URL; the test server listens on a random port).
  const { page, watch } = await open(`${maitre}${link.pathname}${link.search}`);
  // The booking, or (to say why not) the widget's error.
  await w(page).locator('#mb-booking:visible, [role=alert]:visible').first().waitFor();
  assert.equal(await w(page).locator('[role=alert]:visible').count(), 0, await w(page).locator('[role=alert]').innerText());
  await w(page).locator('#mb-booking', { hasText: '19:45' }).waitFor();
  assert.match(await w(page).locator('#mb-booking').innerText(), new RegExp(reference));
  assert.equal(await w(page).locator('h2').innerText(), 'Manage my booking');
  assert.deepEqual(await axeViolations(page, WIDGET_ONLY), [], 'axe-core: /demo opened from the email');
  assert.deepEqual(watch.pageErrors, [], 'no CSP violation, no script error');
  await page.close();
});

test('the details say an email or a phone is needed (not "optional"), and a form with neither is refused on the email field', async () => {
  const { page } = await open(`${proxyOrigin}/`);
  await chooseDate(page, date);
  const label = (id: string) => w(page).locator(`label[for="mb-${id}"]`).innerText();
  assert.equal(await label('email'), 'Email (or phone)');
  assert.equal(await label('phone'), 'Phone (or email)');
  assert.equal(await label('notes'), 'Notes for the restaurant (optional)');
  const hint = await w(page).locator('#mb-contact-hint').innerText();
  assert.match(hint, /email or a phone number \(at least one\)/);
  for (const id of ['email', 'phone']) {
    const described = (await w(page).locator(`#mb-${id}`).getAttribute('aria-describedby')) ?? '';
    assert.ok(described.split(' ').includes('mb-contact-hint'), `${id} is described by the hint`);
  }
  await slot(page, '12:00').click();
  await fillDetails(page, { name: 'No Contact' });
  await w(page).locator('button[type=submit]:visible').click();
  await w(page).locator('#mb-email-err', { hasText: 'email or a phone number' }).waitFor();
  assert.equal(await w(page).locator('#mb-email').getAttribute('aria-invalid'), 'true');
  assert.equal(await w(page).locator('#mb-email').evaluate((el) => el === el.getRootNode().activeElement), true);
  assert.deepEqual(await axeViolations(page, WIDGET_ONLY), [], 'axe-core: the form with its errors');
  await page.close();
});

test('a day with no free time: the closure is explained, a service that does not run is named, and the next free dates are offered', async () => {
  const d0 = DateTime.fromISO(date);
  const d1 = d0.plus({ days: 1 });
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const quiet = await createTenant(t.app, bistro({
    services: [
      // Lunch every day but d1's weekday; dinner one seating, one booking.
      { key: 'lunch', name: 'Lunch', days: days.filter((_, i) => i !== d1.weekday - 1), start: '12:00', lastSeating: '12:30', end: '14:00' },
      { key: 'dinner', name: 'Dinner', days: [...days], start: '19:00', lastSeating: '19:00', end: '21:00', pacing: { maxCoversPerSlot: 20, maxBookingsPerSlot: 1 } },
    ],
    closures: [{ date: d0.toISODate()!, reason: 'Private party' }],
  }));
  assert.equal((await quiet.post('/reservations', booking(d1.toISODate()!, '19:00', 2))).statusCode, 201, 'd1 is now full');
  const key = await t.app.services.keys.create(quiet.id, { name: 'quiet widget', scopes: [...WIDGET_SCOPES] }, { type: 'system', id: null });
  const site = await hostSite(new Map([['/quiet', embed(maitre, { restaurant: quiet.slug, endpoint: maitre, key: key.key })]]));
  try {
    const { page, watch } = await open(`${site.origin}/quiet`);
    const times = w(page).locator('fieldset', { hasText: 'Available times' }).first();
    const offered = () => w(page).locator('.next-dates button').evaluateAll((els) => els.map((e) => e.getAttribute('data-date')));
    const fmt = (d: DateTime) => d.setLocale('en-GB').toFormat('cccc d LLLL');

    // The closed day: why, and the next days with a free table (d1 is full: skipped).
    await w(page).locator('#mb-date').fill(d0.toISODate()!);
    await times.getByText(`The restaurant is closed on ${fmt(d0)}: Private party.`).waitFor();
    await w(page).locator(`.next-dates[data-for="${d0.toISODate()}/2"] button`).first().waitFor();
    assert.deepEqual(await offered(), [2, 3, 4].map((n) => d0.plus({ days: n }).toISODate()));
    assert.equal(await w(page).locator('.times input').count(), 0);

    // The full day: no wall of disabled times, the reason, the service that does not run, and the next dates.
    watch.requests.length = 0;
    await w(page).locator('#mb-date').fill(d1.toISODate()!);
    await times.getByText(`No free time on ${fmt(d1)} (fully booked).`).waitFor();
    await times.getByText(`Lunch is not served on ${fmt(d1)}.`).waitFor();
    await w(page).locator(`.next-dates[data-for="${d1.toISODate()}/2"] button`).first().waitFor();
    assert.equal(await w(page).locator('.times input').count(), 0, 'no disabled buttons');
    assert.deepEqual(await offered(), [1, 2, 3].map((n) => d1.plus({ days: n }).toISODate()));
    const asked = watch.requests.filter((r) => r.url.includes('/availability?')).map((r) => new URL(r.url).searchParams.get('date'));
    assert.ok(asked.length >= 4 && asked.length <= 15, `bounded: ${asked.length} availability requests`);
    assert.ok(asked.every((d) => d! >= d1.toISODate()! && d! <= d1.plus({ days: 14 }).toISODate()!), asked.join(','));
    await page.screenshot({ path: 'test-results/widget-next-dates.png', fullPage: true });
    assert.deepEqual(await axeViolations(page, WIDGET_ONLY), [], 'axe-core: the explanations and the offered dates');

    // Choosing one shows its times, ready to pick.
    await w(page).locator('.next-dates button').first().click();
    await w(page).locator(`.times[data-for="${d1.plus({ days: 1 }).toISODate()}/2"] input`).first().waitFor();
    assert.equal(await w(page).locator('#mb-date').inputValue(), d1.plus({ days: 1 }).toISODate());
    assert.equal(await w(page).locator('.times input:not(:disabled)').count(), 4, '12:00, 12:15, 12:30 and 19:00');
    assert.equal(await w(page).locator('.next-dates').first().isHidden(), true);
    assert.equal(await w(page).locator('.times input').first().evaluate((el) => el === el.getRootNode().activeElement), true, 'focus on the first time');
    assert.deepEqual(watch.pageErrors, []);
    await page.close();

    // A proxy that does not forward /hours (written before the widget asked it): no explanations, the dates still come.
    const old = await browser.newPage({ viewport: { width: 1024, height: 1100 } });
    const errors: string[] = [];
    old.on('pageerror', (e) => errors.push(e.message));
    await old.route('**/hours?**', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"not_found","message":"No such route.","details":{}}}' }));
    await old.goto(`${site.origin}/quiet`);
    await w(old).locator('#mb-date').fill(d0.toISODate()!);
    await w(old).locator('fieldset p.hint', { hasText: 'The restaurant is closed on this day. Please choose another date.' }).waitFor();
    await w(old).locator(`.next-dates[data-for="${d0.toISODate()}/2"] button`).first().waitFor();
    assert.deepEqual(
      await w(old).locator('.next-dates button').evaluateAll((els) => els.map((e) => e.getAttribute('data-date'))),
      [2, 3, 4].map((n) => d0.plus({ days: n }).toISODate()),
    );
    assert.equal(await w(old).locator('[role=alert]').isHidden(), true, 'no error shown for the missing /hours');
    assert.deepEqual(errors, []);
    await old.close();
  } finally {
    await site.close();
  }
});

test('a double-submitted form sends one Idempotency-Key twice and makes exactly one reservation', async () => {
  const { page, watch } = await open(`${allowedSite.origin}/direct`);
  await chooseDate(page, date);
  await slot(page, '21:00').click();
  await fillDetails(page, { name: 'Double Submit', email: 'double@example.com' });
  await w(page).evaluate((el) => {
    const form = el.shadowRoot!.querySelector('form.details') as unknown as { requestSubmit(): void };
    form.requestSubmit();
    form.requestSubmit();
  });
  await w(page).locator('#mb-reference').waitFor();
  const posts = watch.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/reservations'));
  assert.equal(posts.length, 2, 'both submissions were sent');
  assert.ok(posts[0].headers['idempotency-key']);
  assert.equal(posts[1].headers['idempotency-key'], posts[0].headers['idempotency-key']);
  const made = await reservationsOf('double@example.com');
  assert.equal(made.length, 1);
  assert.equal((await w(page).locator('#mb-reference').innerText()).trim(), made[0].reference);
  await page.close();
});

test('/demo after start-up: the demo restaurant is booked through the server-held key, under the page CSP', async () => {
  const { page, watch } = await open(`${maitre}/demo`);
  await chooseDate(page, demo.date);
  await slot(page, '19:15').click();
  await fillDetails(page, { name: 'Demo Visitor', email: 'visitor@example.com' });
  await w(page).locator('button[type=submit]:visible').click();
  await w(page).locator('#mb-reference').waitFor();
  const reference = (await w(page).locator('#mb-reference').innerText()).trim();
  await page.screenshot({ path: 'test-results/widget-demo.png', fullPage: true });
  const res = await t.app.inject({ method: 'GET', url: `/v1/restaurants/demo/reservations/${reference}`, headers: { authorization: `Bearer ${demo.key}` } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().source, 'widget');
  assert.deepEqual(watch.requests.filter((r) => !r.url.startsWith(maitre)).map((r) => r.url), []);
  assert.ok(watch.requests.every((r) => !('x-api-key' in r.headers)));
  assert.deepEqual(watch.pageErrors, [], 'no CSP violation, no script error');
  await page.close();
});
