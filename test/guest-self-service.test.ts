/** Guest self-service without a key: lookup, cancel, reschedule with reference + contact; no oracle; cut-off; rate limits. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { MESSAGE_CHANNEL } from '../src/modules/notifications/queries.js';

let t: TestApp;
let db: TestDb;
/**
 * Queries the request path sent, counted while `counting` is on: not the webhook dispatcher's or the notification
 * worker's background polling, nor the workers' wake-up a booking sends after its commit (notifications/wake.ts).
 */
const BACKGROUND = new RegExp(`webhook|guest_messages|${MESSAGE_CHANNEL}`, 'i');
let counted = 0;
let counting = false;

before(async () => {
  db = await createTestDb();
  const query = db.query.bind(db);
  const proxy = Object.assign(Object.create(Object.getPrototypeOf(db)), db, {
    query: (sql: string, params?: readonly unknown[]) => {
      if (counting && !BACKGROUND.test(sql)) counted += 1;
      return query(sql, params);
    },
  });
  t = await createTestApp({ db: proxy, clock: new TestClock(MONDAY_9Z) });
});
after(async () => {
  await t.close();
  await db.close();
});

const TUE = '2026-03-03';
let ip = 0;
/** A fresh client IP per test, so the per-IP limit of one test does not reach the next. */
const nextIp = () => `198.51.100.${++ip}`;

function guest(r: Tenant, from: string) {
  return (action: 'lookup' | 'cancel' | 'reschedule', payload: object) =>
    t.app.inject({ method: 'POST', url: `/v1/restaurants/${r.slug}/guest/${action}`, payload, remoteAddress: from });
}

async function bookAda(r: Tenant, time = '12:00') {
  const res = await r.post('/reservations', { date: TUE, time, partySize: 2, customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+33 6 12 34 56 78' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

test('lookup with the email or the phone, in any format; the reference in any case, with or without the dash', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const b = await bookAda(r);
  const call = guest(r, nextIp());
  const byEmail = await call('lookup', { reference: b.reference, contact: '  ADA@example.COM ' });
  assert.equal(byEmail.statusCode, 200, byEmail.body);
  assert.deepEqual(byEmail.json(), {
    reference: b.reference, status: 'confirmed', date: TUE, time: '12:00', startsAt: b.startsAt, endsAt: b.endsAt, partySize: 2, area: 'main',
    service: 'lunch', guestName: 'Ada Lovelace', notes: null, restaurant: { name: 'Test Bistro', slug: r.slug, timezone: 'Europe/Paris' },
    cutoffAt: '2026-03-03T09:00:00.000Z', changeable: true,
  });
  const byPhone = await call('lookup', { reference: b.reference.toLowerCase().replace('-', ''), contact: '0033 6-12-34-56-78' });
  assert.equal(byPhone.statusCode, 200, byPhone.body);
  assert.equal(byPhone.json().reference, b.reference);
  assert.equal(byPhone.headers['access-control-allow-origin'], undefined, 'no Origin sent, no CORS header');
});

test('unknown reference, malformed reference and wrong contact answer the same 404, after the same work', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const b = await bookAda(r);
  const answers: { status: number; body: string }[] = [];
  const work: number[] = [];
  for (const [reference, contact] of [
    [b.reference, 'grace@example.com'], // wrong contact
    [b.reference, '+44 20 7946 0958'], // wrong phone
    ['ZZZ-ZZZZ', 'ada@example.com'], // unknown reference (well formed)
    ['hello?', 'ada@example.com'], // cannot be a reference
  ]) {
    counted = 0;
    counting = true;
    const res = await guest(r, nextIp())('lookup', { reference, contact });
    counting = false;
    answers.push({ status: res.statusCode, body: res.body });
    work.push(counted);
  }
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal(answers[0].status, 404);
  assert.deepEqual(JSON.parse(answers[0].body), {
    error: { code: 'reservation_not_found', message: 'No reservation matches this reference and contact.', details: {} },
  });
  assert.ok(work.every((w) => w === work[0]), `same number of queries on every path: ${work.join(', ')}`);
});

test('cancel: with the contact, before the cut-off; recorded as a guest action; then 409 for a second try', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const b = await bookAda(r);
  const call = guest(r, nextIp());
  const res = await call('cancel', { reference: b.reference, contact: '+33612345678', reason: 'Train cancelled' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual([res.json().status, res.json().changeable], ['cancelled', false]);
  const history = (await r.get(`/reservations/${b.id}/history`)).json().data;
  assert.deepEqual(history.at(-1).actor, { type: 'guest', id: null });
  assert.deepEqual(history.at(-1).changes, { reason: 'Train cancelled' });
  assert.equal((await r.get(`/reservations/${b.id}`)).json().cancellationReason, 'Train cancelled');
  const again = await call('cancel', { reference: b.reference, contact: 'ada@example.com' });
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'invalid_status_transition']);
  const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE restaurant_id = $1 AND type = 'booking.cancelled'`, [r.id]);
  assert.equal(rows[0].n, 1);
});

test('the cancellation cut-off: cancel and reschedule refused with the cut-off instant; API keys are not bound by it', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const b = await bookAda(r); // Tue 12:00 Paris = 11:00Z; cut-off 120 min before: 09:00Z
  const call = guest(r, nextIp());
  t.clock.ms = Date.parse('2026-03-03T09:00:00Z');
  try {
    const cancel = await call('cancel', { reference: b.reference, contact: 'ada@example.com' });
    assert.equal(cancel.statusCode, 422, cancel.body);
    assert.deepEqual(cancel.json().error.code, 'cancellation_cutoff_passed');
    assert.deepEqual(cancel.json().error.details, { cutoffAt: '2026-03-03T09:00:00.000Z', cancellationCutoffMinutes: 120 });
    const move = await call('reschedule', { reference: b.reference, contact: 'ada@example.com', time: '13:00' });
    assert.deepEqual([move.statusCode, move.json().error.code], [422, 'cancellation_cutoff_passed']);
    const look = await call('lookup', { reference: b.reference, contact: 'ada@example.com' });
    assert.deepEqual([look.json().status, look.json().changeable], ['confirmed', false]);
    assert.equal((await r.post(`/reservations/${b.id}/cancel`, {})).statusCode, 200, 'the restaurant (API key) still can');
  } finally {
    t.clock.ms = MONDAY_9Z;
  }
});

test('reschedule: re-placed atomically like any change, with the same refusals', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] }));
  const b = await bookAda(r);
  const other = await r.post('/reservations', { date: TUE, time: '13:30', partySize: 2, customer: { name: 'Grace' } });
  assert.equal(other.statusCode, 201);
  const call = guest(r, nextIp());
  const busy = await call('reschedule', { reference: b.reference, contact: 'ada@example.com', time: '13:00' });
  assert.deepEqual([busy.statusCode, busy.json().error.code], [409, 'no_tables_available']);
  const closed = await call('reschedule', { reference: b.reference, contact: 'ada@example.com', date: '2026-03-14' });
  assert.deepEqual([closed.statusCode, closed.json().error.code], [422, 'outside_opening_hours']);
  const moved = await call('reschedule', { reference: b.reference, contact: 'ada@example.com', date: '2026-03-04', time: '19:00', partySize: 1 });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual([moved.json().date, moved.json().time, moved.json().partySize, moved.json().service], ['2026-03-04', '19:00', 1, 'dinner']);
  const history = (await r.get(`/reservations/${b.id}/history`)).json().data;
  assert.deepEqual([history.at(-1).action, history.at(-1).actor.type], ['updated', 'guest']);
  const nothing = await call('reschedule', { reference: b.reference, contact: 'ada@example.com' });
  assert.deepEqual([nothing.statusCode, nothing.json().error.code], [422, 'validation_failed']);
});

test('enumeration is rate limited per reference (5 in 15 min) and per client IP (10 a minute), with Retry-After', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const b = await bookAda(r);
  // Guessing contacts for one reference from many addresses: the reference's budget runs out.
  for (let i = 0; i < 5; i++) {
    const res = await guest(r, nextIp())('lookup', { reference: b.reference, contact: `guess${i}@example.com` });
    assert.equal(res.statusCode, 404);
  }
  const blocked = await guest(r, nextIp())('lookup', { reference: b.reference.toLowerCase(), contact: 'ada@example.com' });
  assert.equal(blocked.statusCode, 429, 'even the right contact waits: the budget is the reference’s');
  assert.equal(blocked.json().error.code, 'rate_limit_exceeded');
  assert.ok(Number(blocked.headers['retry-after']) >= 1);
  // Guessing references from one address: the address's budget runs out first.
  const from = nextIp();
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await guest(r, from)('lookup', { reference: `AAA-AA${String.fromCharCode(65 + i)}${i % 2 ? 'B' : 'C'}`, contact: 'x@example.com' })).statusCode);
  assert.deepEqual(statuses, [...Array(10).fill(404), 429]);
  // A minute later the address may try again; a quarter of an hour later the reference too.
  t.clock.advance(60_000);
  assert.equal((await guest(r, from)('lookup', { reference: 'BBB-BBBB', contact: 'x@example.com' })).statusCode, 404);
  t.clock.advance(15 * 60_000);
  assert.equal((await guest(r, nextIp())('lookup', { reference: b.reference, contact: 'ada@example.com' })).statusCode, 200);
});

test('an unknown restaurant answers 404 not_found; a body that is not a proof answers 422', async () => {
  const call = (slug: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/v1/restaurants/${slug}/guest/lookup`, payload, remoteAddress: nextIp() });
  const res = await call('no-such-place', { reference: 'K7M-4QX9', contact: 'ada@example.com' });
  assert.deepEqual([res.statusCode, res.json().error.code], [404, 'not_found']);
  const bad = await call('no-such-place', { reference: 'K7M-4QX9' });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [422, 'validation_failed']);
});
