/**
 * The dashboard's day-to-day pages in real Chromium against the real server on a fresh database: webhooks (add an
 * endpoint on a local receiver, read its secret once, send a test and see the delivery with the receiver's answer,
 * redeliver, disable/enable, roll the secret), Tonight (book from the day view and see the block, seat it, the list
 * view's search), Guests (search, profile, notes and tags, GDPR export), Settings (a form saved through PUT /config,
 * the importer's precise errors), the audit log, and what a staff member sees. Screenshots: test-results/dashboard-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { addMembership } from '../../src/modules/admin/users.js';
import { bistro, createTenant } from '../helpers/booking.js';
import { startReceiver, verifyStandard, type Receiver } from '../webhooks-support.js';
import { axeViolations } from './axe.js';
import { screenshot, signIn, startDashboard, type Dashboard } from './dashboard-support.js';

let d: Dashboard;
let receiver: Receiver;
before(async () => {
  receiver = await startReceiver(() => ({ status: 200, body: 'thanks from the receiver' }));
  d = await startDashboard({
    config: { webhookAllowPrivate: true, webhookRetryDelaysMs: [50, 100, 200] },
    extend: (app) => {
      Object.assign(app.services.webhookDispatcher.options, { pollIntervalMs: 200 });
    },
  });
});
after(async () => {
  await d?.close();
  await receiver?.close();
});

/** A dinner date of the test bistro (Tue–Sat, 19:00–21:30): the next Friday at least three days away, in Paris. */
function dinnerDate(): string {
  let date = DateTime.now().setZone('Europe/Paris').startOf('day').plus({ days: 3 });
  while (date.weekday !== 5) date = date.plus({ days: 1 });
  return date.toISODate()!;
}

test('webhooks: add an endpoint, its secret once, send a test and see the delivery, redeliver, disable, roll the secret', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByText('No endpoint yet.').waitFor();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
  await dialog.getByLabel('Endpoint URL').fill('not a url');
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  await dialog.getByText('Enter the full URL').waitFor();
  await dialog.getByLabel('Endpoint URL').fill(receiver.url);
  await dialog.getByLabel('Description (optional)').fill('Till system');
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();

  const reveal = page.getByRole('dialog', { name: 'Endpoint added: its signing secret' });
  await reveal.getByText('You will not see it again').waitFor();
  const secret = await reveal.getByLabel(`Signing secret of ${receiver.url}`).inputValue();
  assert.match(secret, /^whsec_/);
  await reveal.getByRole('button', { name: 'Open the endpoint' }).click();
  await page.getByRole('heading', { name: receiver.url }).waitFor();
  assert.ok(!(await page.content()).includes(secret), 'the secret is shown once');
  await page.getByText('Nothing delivered yet').waitFor();

  // Send a test: it reaches the receiver, signed with the secret, and the log shows it with the receiver's answer.
  await page.getByRole('button', { name: 'Send test event' }).click();
  await page.getByRole('status').filter({ hasText: 'Test event sent' }).waitFor();
  const [got] = await receiver.waitFor(1);
  assert.equal(JSON.parse(got.body).type, 'webhook.test');
  assert.ok(await verifyStandard(secret, got.headers, got.body), 'signed with the secret the dashboard showed');
  const delivery = page.locator('li.delivery', { hasText: 'webhook.test' });
  await delivery.locator('[data-delivery-status="succeeded"], .badge', { hasText: 'succeeded' }).first().waitFor({ timeout: 20_000 });
  await delivery.getByText('last HTTP 200').waitFor();
  await delivery.getByText('Attempts and responses').click();
  await delivery.locator('pre.excerpt', { hasText: 'thanks from the receiver' }).waitFor();
  await screenshot(page, 'webhooks');

  // Redeliver: the same event again.
  await delivery.getByRole('button', { name: 'Redeliver' }).click();
  const requests = await receiver.waitFor(2);
  assert.equal(requests[1].headers['webhook-id'], got.headers['webhook-id']);

  // Disable: a banner with the reason; enable again.
  await page.getByRole('button', { name: 'Disable' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'This endpoint is disabled.' });
  await banner.getByText('Reason: disabled by a user.').waitFor();
  await screenshot(page, 'webhooks-disabled');
  await banner.getByRole('button', { name: 'Enable again' }).click();
  await banner.waitFor({ state: 'detached' });

  // Roll the secret: a new one, shown once.
  await page.getByRole('button', { name: 'Roll secret' }).click();
  await page.getByRole('dialog', { name: 'Roll the signing secret?' }).getByRole('button', { name: 'Roll secret' }).click();
  const rolled = page.getByRole('dialog', { name: 'The new signing secret' });
  const newSecret = await rolled.getByLabel('Signing secret').inputValue();
  assert.match(newSecret, /^whsec_/);
  assert.notEqual(newSecret, secret);
  await rolled.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByText('Previous secret').waitFor();

  await page.getByRole('link', { name: '← Webhooks' }).click();
  const listed = page.locator('tr', { hasText: receiver.url });
  await listed.getByText('Enabled', { exact: true }).waitFor();
  await listed.getByText('Till system').waitFor();
  await screenshot(page, 'webhooks-list');
  d.checkPage(page);
  await page.close();
});

test('Tonight: book from the day view and see the block, seat it from the block, find it in the list view', async () => {
  const date = dinnerDate();
  const page = await d.newPage({ width: 1440, height: 900 });
  await signIn(page, d.base, d.owner);
  await page.getByRole('heading', { name: 'Tonight' }).waitFor();
  await page.getByLabel('Date', { exact: true }).fill(date);
  // Today's counts stay on screen while the date loads (and may read the same): the summary says which day it counts.
  await page.locator(`[data-date="${date}"]`, { hasText: '0 bookings · 0 covers' }).waitFor();
  await page.getByRole('group', { name: 'Table T1' }).waitFor();

  await page.getByRole('button', { name: 'New booking' }).click();
  const dialog = page.getByRole('dialog', { name: 'New phone booking' });
  // One read: the dialog takes the page's day while it renders, so it never shows the day it had before.
  assert.equal(await dialog.getByLabel('Date').inputValue(), date, 'the booking starts on the day shown');
  await dialog.getByLabel('Party size').fill('3');
  await dialog.locator('select[id$="-time"] option[value="19:30"]').waitFor({ state: 'attached' });
  // Bad input: no time, no name.
  await dialog.getByRole('button', { name: 'Book' }).click();
  await dialog.getByText('Choose a time.').waitFor();
  await dialog.getByText('Enter the guest’s name.').waitFor();
  await dialog.getByLabel('Time').selectOption('19:30');
  await dialog.getByLabel('Guest name').fill('Ada Lovelace');
  await dialog.getByLabel('Phone (national or +country code)').fill('0612');
  await dialog.getByRole('button', { name: 'Book' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'with its country code' }).waitFor(); // the server's own message
  await dialog.getByLabel('Phone (national or +country code)').fill('+33 6 12 34 56 78');
  await dialog.getByLabel('Email').fill('ada@example.com');
  await dialog.getByLabel('Notes').fill('Window seat please');
  await dialog.getByRole('button', { name: 'Book' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: 'Booked Ada Lovelace at 19:30' }).waitFor();

  // The block is on the timeline, on a table that fits three, with party size, name and status.
  const block = page.getByRole('button', { name: /^19:30, 3 guests, Ada Lovelace \(Confirmed/ }).first();
  await block.waitFor();
  // What the eye sees is inside the accessible name (WCAG 2.5.3, axe's label-content-name-mismatch).
  assert.equal(await block.locator('.tl-party').innerText(), '3');
  assert.equal(await block.locator('.tl-name').innerText(), 'Ada Lovelace');
  assert.deepEqual(await axeViolations(page), [], 'axe-core: Tonight with a booking on the timeline');
  assert.match((await block.getAttribute('class')) ?? '', /status-confirmed/);
  await page.getByText('1 booking · 3 covers').waitFor();
  const api = await d.tenant.get(`/reservations?date=${date}`);
  const [booked] = api.json().data;
  assert.equal(booked.customer.name, 'Ada Lovelace');
  assert.equal(booked.source, 'phone');
  assert.equal(booked.time, '19:30');
  const row = page.getByRole('group', { name: `Table ${booked.tables[0]}` });
  await row.getByRole('button', { name: /Ada Lovelace/ }).waitFor();

  // Seat from the block (keyboard: focus and Enter).
  await block.focus();
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: 'Ada Lovelace · 19:30 · 3 guests' });
  await details.getByText(booked.reference).first().waitFor(); // also in its emails' subjects once they load
  await details.getByText('Window seat please').waitFor();
  await details.getByRole('button', { name: 'Seat' }).click();
  await details.getByText('Seated', { exact: true }).waitFor();
  await details.getByRole('button', { name: 'Complete' }).waitFor();
  await details.getByRole('button', { name: 'Close', exact: true }).last().click();
  await page.getByRole('button', { name: /^19:30, 3 guests, Ada Lovelace \(Seated/ }).first().waitFor();
  assert.equal((await d.tenant.get(`/reservations/${booked.id}`)).json().status, 'seated');

  // A second booking, then cancel it from its block with a reason.
  await page.getByRole('button', { name: 'New booking' }).click();
  await dialog.getByLabel('Party size').fill('2');
  await dialog.locator('select[id$="-time"] option[value="20:00"]').waitFor({ state: 'attached' });
  await dialog.getByLabel('Time').selectOption('20:00');
  await dialog.getByLabel('Guest name').fill('Grace Hopper');
  await dialog.getByRole('button', { name: 'Book' }).click();
  await page.getByRole('button', { name: /^20:00, 2 guests, Grace Hopper \(Confirmed/ }).click();
  const grace = page.getByRole('dialog', { name: 'Grace Hopper · 20:00 · 2 guests' });
  await grace.getByRole('button', { name: 'Cancel…' }).click();
  await grace.getByLabel('Reason (optional)').fill('Called to cancel');
  await grace.getByRole('button', { name: 'Cancel the booking' }).click();
  await grace.getByText('Called to cancel').waitFor();
  await grace.getByText('Cancelled', { exact: true }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /Grace Hopper/ }).waitFor({ state: 'detached' }); // cancelled: off the timeline

  // The list view searches the day's bookings.
  await page.getByRole('button', { name: 'List' }).click();
  await page.getByLabel('Search').fill('lovelace');
  await page.getByRole('cell', { name: booked.reference }).waitFor();
  await page.getByText('1 of 2').waitFor();
  await page.getByLabel('Search').fill('+33 6 12');
  await page.getByRole('cell', { name: booked.reference }).waitFor();
  await page.getByLabel('Search').fill('nobody-here');
  await page.getByText('No booking matches.').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Status').selectOption('cancelled');
  await page.getByRole('button', { name: 'Grace Hopper' }).waitFor();
  await page.getByLabel('Status').selectOption('');
  await screenshot(page, 'tonight-list');

  // A fuller evening (booked through the API, as a website would), for the picture: every status colour.
  const guests: [string, number, string, string?][] = [
    ['12:15', 2, 'Marie Curie', 'completed'], ['12:30', 4, 'Alan Turing'], ['19:00', 2, 'Katherine Johnson', 'seated'],
    ['19:15', 4, 'Hedy Lamarr'], ['19:45', 2, 'Rosalind Franklin', 'no_show'], ['20:15', 6, 'Tim Berners-Lee'],
    ['20:30', 2, 'Barbara Liskov'], ['21:00', 2, 'Edsger Dijkstra'],
  ];
  for (const [time, partySize, name, status] of guests) {
    const res = await d.tenant.post('/reservations', { date, time, partySize, customer: { name } });
    assert.equal(res.statusCode, 201, res.body);
    if (status === 'completed') await d.tenant.patch(`/reservations/${res.json().id}`, { status: 'seated' });
    if (status) assert.equal((await d.tenant.patch(`/reservations/${res.json().id}`, { status })).statusCode, 200);
  }
  await page.getByRole('button', { name: 'Day view' }).click();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('button', { name: /Edsger Dijkstra \(Confirmed/ }).waitFor();
  await page.getByRole('button', { name: /Marie Curie \(Completed/ }).waitFor();
  await page.getByRole('button', { name: /Rosalind Franklin \(No-show/ }).waitFor();
  await screenshot(page, 'tonight');
  d.checkPage(page);
  await page.close();
});

test('Guests: search finds the guest; profile with history and stats; notes and tags; GDPR export for the owner', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'Guests' }).click();
  await page.getByLabel('Search guests').fill('lovel');
  await page.getByText('1 guest matching “lovel”').waitFor();
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
  await page.getByText('+33612345678').waitFor();
  assert.match(await page.locator('ul.stats').innerText(), /1\s+visits/);
  await page.locator('table', { hasText: 'Reference' }).getByText('seated').waitFor();

  await page.getByLabel('Notes').fill('Prefers the window');
  await page.getByLabel('Tags (comma-separated)').fill('vip, window, vip');
  await page.getByRole('button', { name: 'Save notes and tags' }).click();
  await page.getByRole('status').filter({ hasText: 'Notes and tags saved.' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
  // One read each: the form takes the profile in the render that shows its heading.
  assert.equal(await page.getByLabel('Tags (comma-separated)').inputValue(), 'vip, window');
  assert.equal(await page.getByLabel('Notes').inputValue(), 'Prefers the window');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download data export' }).click()]);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
  assert.equal(exported.customer.name, 'Ada Lovelace');
  assert.equal(exported.reservations.length, 1);
  await page.getByRole('button', { name: 'Erase guest…' }).waitFor();
  await screenshot(page, 'guest');

  await page.getByRole('link', { name: '← Guests' }).click();
  await page.getByLabel('Search guests').fill('no such guest');
  await page.getByText('No guest matches “no such guest”.').waitFor();
  await page.getByLabel('Search guests').fill('');
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await screenshot(page, 'guests');

  // Erase (owner only): confirm, then the personal data is gone and the list no longer finds the name.
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.getByRole('button', { name: 'Erase guest…' }).click();
  const erase = page.getByRole('dialog', { name: 'Erase this guest?' });
  await erase.getByText('This cannot be undone.').waitFor();
  await erase.getByRole('button', { name: 'Erase personal data' }).click();
  await page.getByRole('status').filter({ hasText: 'Grace Hopper was erased.' }).waitFor();
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  await page.getByLabel('Search guests').fill('Hopper');
  await page.getByText('No guest matches “Hopper”.').waitFor();
  d.checkPage(page);
  await page.close();
});

test('Settings: a form saved through PUT /config, the importer’s precise errors, import; the audit log records it', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Floor plan and services' }).waitFor();
  await page.getByRole('listitem', { name: 'Table T4, 4 to 6 covers' }).waitFor();

  const profile = page.locator('form', { has: page.getByRole('heading', { name: 'Profile' }) });
  await profile.getByLabel('Name').fill('Chez Playwright & Co');
  await profile.getByLabel('Website').fill('https://chez.example.com');
  // The country is an ISO code (guests' national phone numbers are read in it): its name shows as it is typed.
  const country = profile.getByLabel('Country (ISO code)');
  await country.fill('gb');
  assert.equal(await country.inputValue(), 'GB');
  await profile.getByText('United Kingdom.').waitFor();
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
  const publicProfile = (await d.tenant.get('')).json();
  assert.equal(publicProfile.name, 'Chez Playwright & Co');
  assert.equal(publicProfile.contact.website, 'https://chez.example.com');
  assert.equal(publicProfile.location.country, 'GB');

  // The importer's own message, with its path, for a bad value.
  const policy = page.locator('form', { has: page.getByRole('heading', { name: 'Booking policy' }) });
  await policy.getByLabel('Largest party').fill('0');
  await policy.getByRole('button', { name: 'Save booking policy' }).click();
  await policy.getByRole('alert').getByText('policy.maxPartySize').waitFor();
  await policy.getByRole('alert').getByText(/at least 1/).waitFor();
  await policy.getByLabel('Largest party').fill('8');
  await policy.getByLabel('Minimum notice (minutes)').fill('30');
  await policy.getByRole('button', { name: 'Save booking policy' }).click();
  await page.getByRole('status').filter({ hasText: 'Booking policy saved.' }).waitFor();
  await policy.getByRole('alert').waitFor({ state: 'detached' });
  assert.equal((await d.tenant.get('')).json().policy.minNoticeMinutes, 30);

  const closures = page.locator('form', { has: page.getByRole('heading', { name: 'Closures' }) });
  await closures.getByRole('button', { name: 'Add closure' }).click();
  await closures.getByLabel('Date').last().fill('2026-12-24');
  await closures.getByLabel('Reason').last().fill('Christmas Eve');
  await closures.getByRole('button', { name: 'Save closures' }).click();
  await page.getByRole('status').filter({ hasText: 'Closures saved.' }).waitFor();
  const hours = (await d.tenant.get('/hours?from=2026-12-24&to=2026-12-24')).json();
  assert.equal(hours.days[0].closed, true);

  // Import: a file with a wrong slug and a table in an unknown area — every issue listed, nothing changes.
  const exported = (await d.t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${d.tenant.slug}/config`, headers: { cookie: await sessionCookie(page) } })).json();
  const bad = { ...exported, slug: 'another-place', tables: [...exported.tables, { key: 'X1', area: 'cellar', minCovers: 1, maxCovers: 2 }] };
  const importForm = page.locator('form', { has: page.getByRole('heading', { name: 'Import a configuration file' }) });
  await importForm.getByLabel('Configuration file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await importForm.getByRole('button', { name: 'Import and replace' }).click();
  const issues = importForm.getByRole('alert');
  await issues.getByText('slug', { exact: true }).waitFor();
  await issues.getByText(/tables\.6\.area/).waitFor();
  await screenshot(page, 'settings-import-errors');
  await importForm.getByLabel('Configuration file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"slug": ') });
  await importForm.getByRole('button', { name: 'Import and replace' }).click();
  await issues.getByText(/broken\.json is not valid JSON/).waitFor();
  const good = { ...exported, closures: [...exported.closures, { date: '2026-12-31', reason: 'New Year' }] };
  await importForm.getByLabel('Configuration file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  await importForm.getByRole('button', { name: 'Import and replace' }).click();
  await page.getByRole('status').filter({ hasText: 'Imported configuration saved.' }).waitFor();
  await closures.getByRole('button', { name: 'Remove closure 2026-12-31' }).waitFor();
  await screenshot(page, 'settings');

  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.locator('table tbody tr').first().waitFor();
  assert.ok((await page.locator('table tbody tr').count()) >= 3, 'the config changes and key/webhook actions are recorded');
  await screenshot(page, 'audit');
  d.checkPage(page);
  await page.close();
});

test('restaurant switcher, and a walk-in seated now from Tonight (a second restaurant, open all day)', async () => {
  const allDay = await createTenant(
    d.t.app,
    bistro({
      name: 'Night Owl',
      closures: [],
      services: [{ key: 'allday', name: 'All day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', lastSeating: '23:45', end: '23:59' }],
    }),
  );
  await addMembership(d.t.db, { userId: d.owner.id, restaurantId: allDay.id, role: 'manager' });
  const page = await d.newPage({ width: 1440, height: 900 });
  await signIn(page, d.base, d.owner);
  const switcher = page.getByLabel('Restaurant');
  assert.deepEqual(await switcher.locator('option').allInnerTexts(), ['Chez Playwright & Co', 'Night Owl']); // renamed in Settings above
  await switcher.selectOption({ label: 'Night Owl' });
  await page.waitForURL(new RegExp(`/dashboard/r/${allDay.slug}/tonight$`));
  await page.locator('.role-badge', { hasText: 'manager' }).waitFor();
  await page.getByRole('group', { name: 'Table P2' }).waitFor();

  await page.getByRole('button', { name: 'Walk-in' }).click();
  const dialog = page.getByRole('dialog', { name: 'Seat a walk-in' });
  await dialog.getByLabel('Party size').waitFor(); // count() does not wait: without the dialog it would be 0 too
  assert.equal(await dialog.getByLabel('Time').count(), 0, 'a walk-in takes the slot under way');
  await dialog.getByLabel('Party size').fill('2');
  await dialog.getByLabel('Guest name').fill('Walk-in Will');
  await dialog.getByRole('button', { name: 'Seat walk-in' }).click();
  await page.getByRole('status').filter({ hasText: 'Walk-in for Walk-in Will seated at' }).waitFor();
  await page.getByRole('button', { name: /2 guests, Walk-in Will \(Seated/ }).waitFor();
  const [walkIn] = (await allDay.get('/reservations?status=seated')).json().data;
  assert.equal(walkIn.customer.name, 'Walk-in Will');
  assert.equal(walkIn.source, 'walk_in');
  d.checkPage(page);
  await page.close();
});

test('staff: Tonight, Guests and a read-only Settings; no keys, webhooks or audit log', async () => {
  const staff = await d.member('staff');
  const page = await d.newPage();
  // The browser's clock at the latest 23:30 UTC: already tomorrow in Paris. Tonight is the restaurant's day, not the
  // browser's (the page once kept the browser's day, picked before the restaurant's time zone had loaded).
  const late = DateTime.utc().minus({ minutes: 23 * 60 + 30 }).startOf('day').plus({ minutes: 23 * 60 + 30 });
  await page.clock.setFixedTime(late.toJSDate());
  await signIn(page, d.base, staff);
  await page.getByRole('heading', { name: 'Tonight' }).waitFor();
  assert.equal(await page.getByLabel('Date', { exact: true }).inputValue(), late.setZone('Europe/Paris').toISODate());
  assert.notEqual(late.toISODate(), late.setZone('Europe/Paris').toISODate());
  const nav = page.getByRole('navigation', { name: 'Dashboard' });
  await nav.getByRole('link', { name: 'Tonight' }).waitFor();
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Tonight', 'Guests', 'Settings']);
  await nav.getByRole('link', { name: 'Settings' }).click();
  await page.getByText('You can view the settings. Owners and managers change them.').waitFor();
  await page.getByRole('heading', { name: 'Floor plan and services' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Save / }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Import a configuration file' }).count(), 0);
  assert.equal(await page.getByLabel('Name').first().isDisabled(), true);
  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/keys`);
  await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
  // Staff see guests but not the GDPR actions.
  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/guests`);
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Erase guest…' }).count(), 0);
  d.checkPage(page);
  await page.close();
});

async function sessionCookie(page: import('playwright-core').Page): Promise<string> {
  const cookies = await page.context().cookies();
  const c = cookies.find((x) => x.name === 'maitre_session');
  assert.ok(c, 'signed in');
  return `maitre_session=${c.value}`;
}
