/**
 * Guest emails in the dashboard (issue 17), in real Chromium against the real server on a fresh database without a
 * mail server (emails are written and kept as "Not sent"): a booking's emails in its dialog, one shown as HTML (in the
 * email frame) and plain text, Resend confirmation; the same list on the guest's profile; Settings › Guest emails saved
 * through PUT /config with the importer's errors, and the preview of each email; what staff see and may do. axe-core
 * on each view. Screenshots: test-results/dashboard-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Frame, Page } from 'playwright-core';
import { signIn as apiSignIn } from '../helpers/admin.js';
import { axeViolations } from './axe.js';
import { screenshot, signIn, startDashboard, type Dashboard } from './dashboard-support.js';

let d: Dashboard;
let admin: Record<string, string>;
before(async () => {
  d = await startDashboard();
  admin = (await apiSignIn(d.t, d.tenant.id, 'owner')).headers;
});
after(async () => {
  await d?.close();
});

/** A dinner date of the test bistro (Tue–Sat, 19:00–21:30): the next Friday at least three days away, in Paris. */
function dinnerDate(): string {
  let date = DateTime.now().setZone('Europe/Paris').startOf('day').plus({ days: 3 });
  while (date.weekday !== 5) date = date.plus({ days: 1 });
  return date.toISODate()!;
}

const adminGet = (path: string, headers = admin) =>
  d.t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${d.tenant.slug}${path}`, headers });

interface MessageJson {
  id: string;
  kind: string;
  status: string;
  to: string;
  reservationId: string | null;
  customerId: string | null;
}

async function messagesOf(query: string): Promise<MessageJson[]> {
  const res = await adminGet(`/messages?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data;
}

/** The email frame's document (written by the dashboard into /dashboard/email-frame). */
async function emailFrame(page: Page, scope = page.locator('body')): Promise<Frame> {
  const handle = await scope.locator('iframe.email-frame').elementHandle();
  assert.ok(handle, 'an email frame');
  const frame = await handle.contentFrame();
  assert.ok(frame, 'the frame has a document');
  return frame;
}

/** Waits (polling, at most 15 s) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const date = dinnerDate();
let ada: { id: string; reference: string; customerId: string };

test('a booking’s emails in its dialog: kind, status, shown as HTML and text; Resend confirmation; axe', async () => {
  const res = await d.tenant.post('/reservations', {
    date, time: '19:30', partySize: 2, customer: { name: 'Ada Mailer', email: 'ada.mailer@example.com' },
  });
  assert.equal(res.statusCode, 201, res.body);
  ada = { id: res.json().id, reference: res.json().reference, customerId: res.json().customer.id };
  await until(async () => (await messagesOf(`reservationId=${ada.id}&kind=confirmation`))[0]?.status === 'not_sent', 'no mail server: written and kept');
  const [confirmation] = await messagesOf(`reservationId=${ada.id}&kind=confirmation`);
  const [reminder] = await messagesOf(`reservationId=${ada.id}&kind=reminder`);
  assert.equal(reminder.status, 'pending', 'the reminder waits for its time');

  const page = await d.newPage({ width: 1280, height: 1000 });
  await signIn(page, d.base, d.owner);
  await page.getByLabel('Date', { exact: true }).fill(date);
  await page.getByRole('button', { name: /^19:30, 2 guests, Ada Mailer \(Confirmed/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Ada Mailer · 19:30 · 2 guests' });
  const emails = dialog.getByRole('table', { name: `Emails about booking ${ada.reference}, newest first` });
  const row = emails.locator(`tr[data-message-id="${confirmation.id}"]`);
  await row.getByRole('rowheader', { name: /^Confirmation/ }).waitFor();
  await row.getByText('Not sent', { exact: true }).waitFor();
  await row.getByText('ada.mailer@example.com').waitFor();
  const reminderRow = emails.locator(`tr[data-message-id="${reminder.id}"]`);
  await reminderRow.getByText('Pending', { exact: true }).waitFor();
  await reminderRow.getByText(/^scheduled for /).waitFor();

  // Show: the subject, the HTML part in the frame (with its inline styles), the plain text.
  await row.getByRole('button', { name: 'Show the confirmation email' }).click();
  const view = dialog.locator('.message-view');
  await view.getByRole('heading', { name: /Confirmation email: “.+”/ }).waitFor();
  await view.getByText('with a calendar file (.ics)').waitFor();
  const frame = await emailFrame(page, view);
  await frame.getByText(ada.reference).first().waitFor();
  await frame.getByText('Ada Mailer', { exact: false }).first().waitFor();
  const bodyBackground = await frame.evaluate('getComputedStyle(document.body).backgroundColor');
  assert.notEqual(bodyBackground, 'rgba(0, 0, 0, 0)', 'the email’s inline styles apply in the frame');
  assert.equal(await frame.evaluate('typeof document.scripts.length'), 'number');
  await view.getByText('Plain-text version').click();
  assert.match(await view.locator('pre.email-text').innerText(), new RegExp(ada.reference));
  // (The dialog only: the timeline behind it is Tonight's, with its own checks.)
  assert.deepEqual(await axeViolations(page, { include: 'dialog[open]' }), [], 'axe-core: the booking dialog with its emails and one shown');
  await screenshot(page, 'booking-emails');

  // Resend: a new confirmation in the list.
  await dialog.getByRole('button', { name: 'Resend confirmation' }).click();
  await page.getByRole('status').filter({ hasText: 'Confirmation queued for ada.mailer@example.com.' }).waitFor();
  await emails.locator('tbody tr').nth(2).waitFor();
  const after = await messagesOf(`reservationId=${ada.id}&kind=confirmation`);
  assert.equal(after.length, 2);
  const resent = after.find((m) => m.id !== confirmation.id)!;
  // Queued, then kept as not sent by the worker: the list reads itself again while an email is due.
  await emails.locator(`tr[data-message-id="${resent.id}"]`).getByText('Not sent', { exact: true }).waitFor();

  // Cancel the booking: a cancellation email appears, and a cancelled booking has no Resend.
  await dialog.getByRole('button', { name: 'Cancel…' }).click();
  await dialog.getByRole('button', { name: 'Cancel the booking' }).click();
  await dialog.getByText('Cancelled', { exact: true }).waitFor();
  await emails.getByRole('rowheader', { name: /^Cancellation/ }).waitFor();
  await reminderRow.getByText('Skipped', { exact: true }).waitFor(); // the reminder of a cancelled booking never goes
  assert.equal(await dialog.getByRole('button', { name: 'Resend confirmation' }).count(), 0);
  // The API says why, too.
  const refused = await d.t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${d.tenant.slug}/reservations/${ada.id}/messages`, headers: admin, payload: { kind: 'confirmation' },
  });
  assert.ok([409, 422].includes(refused.statusCode), refused.body);
  d.checkPage(page);
  await page.close();
});

test('a booking without an email says the guest gets none; the guest profile lists the guest’s emails', async () => {
  const phoneOnly = await d.tenant.post('/reservations', { date, time: '20:00', partySize: 2, customer: { name: 'Paul Phone', phone: '+33612345670' } });
  assert.equal(phoneOnly.statusCode, 201, phoneOnly.body);
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByLabel('Date', { exact: true }).fill(date);
  await page.getByRole('button', { name: /^20:00, 2 guests, Paul Phone \(Confirmed/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Paul Phone · 20:00 · 2 guests' });
  await dialog.getByText('No email address on this booking: the guest gets no email.').waitFor();
  assert.equal(await dialog.getByRole('button', { name: 'Resend confirmation' }).count(), 0);
  await page.keyboard.press('Escape');

  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/guests/${ada.customerId}`);
  await page.getByRole('heading', { name: 'Ada Mailer' }).waitFor();
  const table = page.getByRole('table', { name: 'The emails sent to the guest, newest first' });
  await table.locator('tbody tr').nth(3).waitFor();
  assert.deepEqual(
    (await table.locator('tbody th').allInnerTexts()).map((s) => s.split('·')[0].trim()).sort(),
    ['Cancellation', 'Confirmation', 'Confirmation', 'Reminder'],
  );
  assert.equal(await table.locator('tbody tr').count(), 4, 'Ada’s emails only');
  await table.getByRole('button', { name: 'Show the cancellation email' }).click();
  const frame = await emailFrame(page);
  await frame.getByText(ada.reference).first().waitFor();
  assert.deepEqual(await axeViolations(page), [], 'axe-core: the guest profile with emails');
  await screenshot(page, 'guest-emails');
  d.checkPage(page);
  await page.close();
});

test('Settings › Guest emails: saved through PUT /config (the importer’s errors with their path), and the preview of each email', async () => {
  const page = await d.newPage({ width: 1280, height: 1000 });
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Guest emails' }) });
  await form.getByLabel(/^Reminder\b/).first().waitFor();

  // Bad input: the server's messages, with the path, and nothing saved.
  await form.getByLabel('Reminder (hours before the booking)').fill('200');
  await form.getByLabel('Sender address').fill('not-an-address');
  await form.getByLabel('Manage-booking page (https)').fill('http://insecure.example.com/book');
  await form.getByRole('button', { name: 'Save guest emails' }).click();
  const issues = form.getByRole('alert');
  await issues.getByText('notifications.reminderLeadHours').waitFor();
  await issues.getByText('notifications.fromAddress').waitFor();
  await issues.getByText('notifications.manageUrl').waitFor();
  assert.equal((await adminGet('/config')).json().notifications.reminderLeadHours, 24, 'nothing changed');

  // Good input.
  await form.getByLabel('Reminder (hours before the booking)').fill('48');
  await form.getByLabel('Sender address').fill('bookings@chez.example.com');
  await form.getByLabel('Sender name').fill('Chez Playwright');
  await form.getByLabel('Reply-to address').fill('hello@chez.example.com');
  await form.getByLabel('Manage-booking page (https)').fill('https://chez.example.com/book');
  await form.getByLabel('Note in the confirmation').fill('The terrace opens at 18:00 <in summer> & "always" on Fridays.');
  await form.getByLabel(/Waitlist offer/).uncheck();
  await form.getByLabel('Language when a booking has none').selectOption('fr');
  await form.getByRole('button', { name: 'Save guest emails' }).click();
  await page.getByRole('status').filter({ hasText: 'Guest emails saved.' }).waitFor();
  await issues.waitFor({ state: 'detached' });
  const saved = (await adminGet('/config')).json().notifications;
  assert.deepEqual(saved, {
    ...saved,
    reminderLeadHours: 48, fromAddress: 'bookings@chez.example.com', fromName: 'Chez Playwright', replyTo: 'hello@chez.example.com',
    manageUrl: 'https://chez.example.com/book', confirmationNote: 'The terrace opens at 18:00 <in summer> & "always" on Fridays.',
    waitlistOffer: false, confirmation: true, defaultLanguage: 'fr',
  });
  // Emptying a field saves null (the default), not an empty string.
  await form.getByLabel('Sender name').fill('');
  await form.getByRole('button', { name: 'Save guest emails' }).click();
  await until(async () => (await adminGet('/config')).json().notifications.fromName === null, 'the emptied sender name saved as null');

  // The preview: the confirmation with the note (escaped, shown as text), then the French cancellation.
  const preview = page.getByRole('region', { name: 'Email preview' });
  await preview.locator('[data-preview-kind="confirmation"][data-preview-language="en"]').waitFor();
  await preview.getByRole('button', { name: 'Refresh preview' }).click(); // the saved note is in it
  let frame = await emailFrame(page, preview);
  await frame.getByText('The terrace opens at 18:00 <in summer> & "always" on Fridays.').waitFor();
  assert.equal(await frame.locator('in').count(), 0, 'the note is text, not markup');
  await frame.getByText('Manage my booking').first().waitFor();
  const manage = frame.getByRole('link').first();
  assert.match((await manage.getAttribute('href')) ?? '', /^https:\/\/chez\.example\.com\/book\?maitre_manage=/);
  assert.equal(await manage.getAttribute('target'), '_blank', 'a link opens a new tab, never inside the frame');
  assert.deepEqual(await axeViolations(page), [], 'axe-core: Settings with Guest emails and the preview');
  await screenshot(page, 'settings-emails');

  await preview.getByLabel('Email', { exact: true }).selectOption('cancellation');
  await preview.getByLabel('Language').selectOption('fr');
  await preview.locator('[data-preview-kind="cancellation"][data-preview-language="fr"]').waitFor();
  frame = await emailFrame(page, preview);
  await frame.locator('html[lang="fr"]').waitFor({ state: 'attached' });
  await preview.getByText('Plain-text version').click();
  assert.match(await preview.locator('pre.email-text').innerText(), /annulée/);
  d.checkPage(page);
  await page.close();
});

test('staff: see a booking’s emails and resend; Settings › Guest emails read-only and no preview (the API refuses it too)', async () => {
  const staff = await d.member('staff');
  const res = await d.tenant.post('/reservations', { date, time: '21:00', partySize: 2, customer: { name: 'Stella Staffed', email: 'stella@example.com' } });
  assert.equal(res.statusCode, 201, res.body);
  const page = await d.newPage();
  await signIn(page, d.base, staff);
  await page.getByLabel('Date', { exact: true }).fill(date);
  await page.getByRole('button', { name: /^21:00, 2 guests, Stella Staffed \(Confirmed/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Stella Staffed · 21:00 · 2 guests' });
  await dialog.getByRole('table', { name: /^Emails about booking/ }).getByRole('rowheader', { name: /^Confirmation/ }).waitFor();
  await dialog.getByRole('button', { name: 'Resend confirmation' }).click();
  await page.getByRole('status').filter({ hasText: 'Confirmation queued for stella@example.com.' }).waitFor();
  await until(async () => (await messagesOf(`reservationId=${res.json().id}&kind=confirmation`)).length === 2, 'a second confirmation');
  await page.keyboard.press('Escape');

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Guest emails' }) });
  await form.getByLabel('Reminder (hours before the booking)').waitFor();
  assert.equal(await form.getByLabel('Reminder (hours before the booking)').isDisabled(), true);
  assert.equal(await form.getByRole('button', { name: 'Save guest emails' }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Email preview' }).count(), 0);
  assert.deepEqual(await axeViolations(page), [], 'axe-core: Settings as staff');
  const staffHeaders = (await apiSignIn(d.t, d.tenant.id, 'staff')).headers;
  assert.equal((await adminGet('/messages/preview?kind=confirmation&language=en', staffHeaders)).statusCode, 403);
  d.checkPage(page);
  await page.close();
});

test('at phone width: a booking’s emails, one shown, and Settings › Guest emails with the preview fit the screen', async () => {
  const page = await d.newPage({ width: 375, height: 800 });
  await signIn(page, d.base, d.owner);
  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/guests/${ada.customerId}`);
  const table = page.getByRole('table', { name: 'The emails sent to the guest, newest first' });
  await table.getByRole('button', { name: 'Show the cancellation email' }).click();
  await (await emailFrame(page)).getByText(ada.reference).first().waitFor();
  const pageWidth = () => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
  assert.ok((await pageWidth()) <= 375, `the profile does not scroll sideways (${await pageWidth()}px); its table does`);
  const frameWidth = await page.locator('iframe.email-frame').evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(frameWidth <= 375, `the email fits (${frameWidth}px)`);
  await screenshot(page, 'guest-emails-phone');

  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/settings`);
  await page.getByRole('region', { name: 'Email preview' }).locator('[data-preview-kind]').waitFor();
  assert.ok((await pageWidth()) <= 375, `Settings does not scroll sideways (${await pageWidth()}px)`);
  d.checkPage(page);
  await page.close();
});

test('the email frame: served with its own policy (inline styles only, no script, framed by the dashboard alone)', async () => {
  const res = await fetch(`${d.base}/dashboard/email-frame`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const part of ["default-src 'none'", "style-src 'unsafe-inline'", "frame-ancestors 'self'", "form-action 'none'"]) assert.ok(csp.includes(part), part);
  assert.ok(!/script-src/.test(csp), 'no script source at all (default-src none)');
  assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await res.text(), /<body><\/body>/);
  // Every other dashboard answer keeps the dashboard's own policy.
  const app = await fetch(`${d.base}/dashboard/r/x/settings`);
  assert.match(app.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(app.headers.get('x-frame-options'), 'DENY');
});
