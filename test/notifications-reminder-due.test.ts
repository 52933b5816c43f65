/**
 * A reminder is written when it falls due (src/modules/notifications/due.ts): queued with its subject only, read
 * meanwhile as it would be written now, written by the pass that takes it (here the not-sent one: no SMTP; the SMTP
 * claim is notifications-email.test.ts's reminder test) from the booking and the restaurant as they are then, and
 * kept; skipped, not written, when its booking is gone; never written when skipped before its time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, createTenant, MONDAY_9Z, SYSTEM, type Tenant } from './helpers/booking.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { LiveClock, waitUntil } from './notifications-support.js';
import { writeDueReminders } from '../src/modules/notifications/due.js';

const TUE = '2026-03-03';
let t: TestApp;
let clock: LiveClock;
before(async () => {
  clock = new LiveClock(MONDAY_9Z);
  t = await createTestApp({ clock });
});
after(async () => t.close());

const config = (phone: string) => bistro({
  contact: { phone, email: 'hello@bistro.example' },
  notifications: { reminderLeadHours: 2, manageUrl: 'https://bistro.example/book' },
} as never);
/** The same restaurant (its slug kept) with another phone number. */
function withPhone(r: Tenant, phone: string) {
  const parsed = parseRestaurantConfig({ ...config(phone), slug: r.slug });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return t.app.services.restaurants.replaceConfig(r.id, parsed.config, SYSTEM);
}

interface MessageRow {
  id: string;
  kind: string;
  status: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  ics: string | null;
  last_error: string | null;
}
async function reminderOf(reservationId: string): Promise<MessageRow> {
  const { rows } = await t.db.query<MessageRow>(
    `SELECT id, kind, status, subject, text_body, html_body, ics, last_error FROM guest_messages WHERE reservation_id = $1 AND kind = 'reminder'`,
    [reservationId],
  );
  assert.equal(rows.length, 1);
  return rows[0]!;
}
async function reminderById(id: string): Promise<MessageRow> {
  return (await t.db.query<MessageRow>(`SELECT id, kind, status, subject, text_body, html_body, ics, last_error FROM guest_messages WHERE id = $1`, [id])).rows[0]!;
}

async function book(r: Tenant, time: string, name: string) {
  const res = await r.post('/reservations', { date: TUE, time, partySize: 2, customer: { name, email: `${name.toLowerCase()}-${process.pid}@example.com` } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Moves the clock to just after the reminder of a booking starting at `startsAt` falls due (2 h before) and wakes the worker. */
function toDue(startsAt: string) {
  clock.advance(Math.max(0, Date.parse(startsAt) - 2 * 3_600_000 - clock.now() + 1_000));
  t.app.services.notificationWorker.kick();
}

test('queued with its subject only, read meanwhile as it would be written now, written when due from the restaurant as it is then', async () => {
  const r = await createTenant(t.app, config('+33 1 11 11 11 11'));
  const v = await book(r, '19:00', 'Ines');
  const queued = await reminderOf(v.id);
  assert.deepEqual([queued.status, queued.text_body, queued.html_body, queued.ics], ['pending', null, null, null]);
  assert.equal(queued.subject, 'Reminder: your table at Test Bistro on Tuesday 3 March 2026 at 19:00');

  const read = async () => {
    const staff = await signIn(t, r.id, 'staff'); // a session of the clock's time (the clock jumps)
    const res = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/messages/${queued.id}`, headers: staff.headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const before = await read();
  assert.equal(before.status, 'pending');
  assert.ok(before.text.includes(v.reference) && before.text.includes('+33 1 11 11 11 11'), before.text);
  assert.ok(before.text.includes('maitre_manage='), 'the manage link');
  assert.match(before.html, /^<!doctype html>/i);
  assert.match(before.ics, /^BEGIN:VCALENDAR\r\n[\s\S]*METHOD:REQUEST\r\n[\s\S]*SEQUENCE:0\r\n/);
  assert.equal((await reminderById(queued.id)).text_body, null, 'reading it writes nothing');

  // The restaurant changes its phone number before the reminder's time: the reminder says the new one.
  await withPhone(r, '+33 1 22 22 22 22');
  assert.ok((await read()).text.includes('+33 1 22 22 22 22'));

  toDue(v.startsAt);
  await waitUntil(async () => (await reminderById(queued.id)).status === 'not_sent');
  const written = await reminderById(queued.id);
  assert.ok(written.text_body!.includes('+33 1 22 22 22 22') && !written.text_body!.includes('+33 1 11 11 11 11'));
  assert.ok(written.text_body!.includes(v.reference));
  assert.match(written.html_body!, /<\/html>\s*$/);
  assert.match(written.ics!, /SEQUENCE:0\r\n/);
  // Kept as it was written: a later change of the restaurant does not touch it.
  await withPhone(r, '+33 1 33 33 33 33');
  const after = await read();
  assert.deepEqual([after.status, after.text, after.html, after.ics], ['not_sent', written.text_body, written.html_body, written.ics]);
});

test('skipped before its time: never written, read as such; due with its booking gone: skipped, not written', async () => {
  const r = await createTenant(t.app, config('+33 1 44 44 44 44'));
  const cancelled = await book(r, '21:00', 'Marc');
  const deleted = await book(r, '21:00', 'Lina');
  assert.equal((await r.post(`/reservations/${cancelled.id}/cancel`, { reason: 'ill' })).statusCode, 200);
  const skipped = await reminderOf(cancelled.id);
  assert.deepEqual([skipped.status, skipped.text_body], ['skipped', null]);
  const staff = await signIn(t, r.id, 'staff');
  const res = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/messages/${skipped.id}`, headers: staff.headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual([res.json().status, res.json().subject, res.json().text, res.json().html, res.json().ics],
    ['skipped', skipped.subject, null, null, null]);

  // A booking removed outright (only a restaurant's deletion or an erasure does it, and they take the messages too).
  const orphan = await reminderOf(deleted.id);
  await t.db.query('DELETE FROM reservations WHERE id = $1', [deleted.id]);
  toDue(deleted.startsAt);
  await waitUntil(async () => (await reminderById(orphan.id)).status !== 'pending');
  const gone = await reminderById(orphan.id);
  assert.deepEqual([gone.status, gone.last_error, gone.text_body], ['skipped', 'the booking no longer exists', null]);
});

test('a reminder held by a change of its booking is left for the next pass: writing never waits on a lock', async () => {
  const r = await createTenant(t.app, config('+33 1 55 55 55 55'));
  const v = await book(r, '21:30', 'Noa');
  const m = await reminderOf(v.id);
  const due = Date.parse(v.startsAt) - 2 * 3_600_000 + 1_000;
  const defaults = { publicUrl: 'http://127.0.0.1', from: 'bookings@maitre.test', sending: () => false };
  const noError = (id: string, err: unknown) => assert.fail(`${id}: ${String(err)}`);
  const inTime = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('writeDueReminders waited on a lock')), 5_000).unref())]);
  // A booking's change holds the reservation (FOR UPDATE, as ReservationService locks it) and its pending reminder.
  await t.db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM reservations WHERE id = $1 FOR UPDATE', [v.id]);
    await tx.query('SELECT 1 FROM guest_messages WHERE id = $1 FOR UPDATE', [m.id]);
    assert.equal(await inTime(writeDueReminders(t.db, defaults, due, noError)), 0);
  });
  assert.equal((await reminderById(m.id)).text_body, null);
  assert.equal(await inTime(writeDueReminders(t.db, defaults, due, noError)), 1);
  const written = await reminderById(m.id);
  assert.equal(written.status, 'pending', 'written, then claimed by the pass that follows');
  assert.ok(written.text_body!.includes(v.reference));
});

test('a reminder that cannot be rendered is failed and reported; the others due with it are written all the same', async () => {
  const broken = await createTenant(t.app, config('+33 1 66 66 66 66'));
  const fine = await createTenant(t.app, config('+33 1 77 77 77 77'));
  const a = await book(broken, '21:15', 'Ana');
  const b = await book(fine, '21:15', 'Bea');
  const [ma, mb] = [await reminderOf(a.id), await reminderOf(b.id)];
  // A restaurant row no import would write (a zone that does not exist): rendering its reminder throws.
  await t.db.query(`UPDATE restaurants SET timezone = 'Nowhere/Atlantis' WHERE id = $1`, [broken.id]);
  const errors: string[] = [];
  const due = Date.parse(a.startsAt) - 2 * 3_600_000 + 1_000;
  const defaults = { publicUrl: 'http://127.0.0.1', from: 'bookings@maitre.test', sending: () => false };
  assert.equal(await writeDueReminders(t.db, defaults, due, (id) => errors.push(id)), 2);
  assert.deepEqual(errors, [ma.id]);
  const failed = await reminderById(ma.id);
  assert.deepEqual([failed.status, failed.last_error, failed.text_body], ['failed', 'the reminder could not be written (see the server log)', null]);
  const written = await reminderById(mb.id);
  assert.equal(written.status, 'pending');
  assert.ok(written.text_body!.includes(b.reference));
});
