/** POST /reservations: best fit, combinations, areas, pacing to the cover and the booking, customers, every refusal. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';
import { REFERENCE_ALPHABET } from '../src/modules/reservations/reference.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const tenant = (overrides: Parameters<typeof bistro>[0] = {}) => createTenant(t.app, bistro(overrides));

async function book(r: Tenant, body: object) {
  const res = await r.post('/reservations', body);
  return { status: res.statusCode, body: res.json() };
}

test('a booking answers 201 with the reservation shape of the contract', async () => {
  const r = await tenant();
  const res = await r.post('/reservations', booking(TUE, '19:30', 2, { notes: 'Window please', source: 'widget', customer: { name: ' Ada Lovelace ', email: ' Ada@Example.COM ', phone: '+44 20 7946 0958' } }));
  assert.equal(res.statusCode, 201, res.body);
  const b = res.json();
  assert.deepEqual(Object.keys(b).sort(), [
    'area', 'cancellationReason', 'createdAt', 'customer', 'date', 'endsAt', 'id', 'notes', 'partySize', 'reference', 'service', 'source', 'startsAt',
    'status', 'tables', 'time', 'updatedAt',
  ]);
  assert.match(b.id, /^res_[a-z0-9]{20}$/);
  assert.match(b.reference, new RegExp(`^[${REFERENCE_ALPHABET}]{3}-[${REFERENCE_ALPHABET}]{4}$`));
  assert.doesNotMatch(b.reference, /[01OI]/);
  assert.deepEqual(
    [b.status, b.date, b.time, b.service, b.startsAt, b.endsAt, b.partySize, b.tables, b.area, b.notes, b.source],
    ['confirmed', TUE, '19:30', 'dinner', '2026-03-03T18:30:00.000Z', '2026-03-03T20:00:00.000Z', 2, ['T1'], 'main', 'Window please', 'widget'],
  );
  assert.deepEqual({ ...b.customer, id: undefined }, { id: undefined, name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442079460958' });
  assert.equal(b.createdAt, new Date(MONDAY_9Z).toISOString());
});

test('best fit: the smallest free table, single tables before combinations, then declared combinations only', async () => {
  const r = await tenant();
  const tablesOf = async (n: number) => (await book(r, booking(TUE, '12:30', n))).body.tables; // lunch: no pacing
  assert.deepEqual(await tablesOf(2), ['T1']);
  assert.deepEqual(await tablesOf(1), ['T2']);
  assert.deepEqual(await tablesOf(2), ['P1']); // main 2-tops taken: the terrace 2-top before the 4-top
  assert.deepEqual(await tablesOf(3), ['T3']);
  assert.deepEqual(await tablesOf(4), ['P2']);
  assert.deepEqual(await tablesOf(4), ['T4']);
  const full = await book(r, booking(TUE, '12:30', 2));
  assert.equal(full.status, 409);
  assert.deepEqual([full.body.error.code, full.body.error.details.reason], ['no_tables_available', 'all_busy']);

  const r2 = await tenant();
  assert.deepEqual((await book(r2, booking(TUE, '12:30', 7))).body.tables, ['T3', 'T4']); // only a combination seats 7
  const none = await book(r2, booking(TUE, '12:30', 8));
  assert.equal(none.status, 409);
  assert.equal(none.body.error.code, 'no_tables_available');
});

test('the requested area is honoured', async () => {
  const r = await tenant();
  assert.deepEqual((await book(r, booking(TUE, '12:00', 2, { area: 'terrace' }))).body.tables, ['P1']);
  assert.deepEqual((await book(r, booking(TUE, '12:00', 2, { area: 'terrace' }))).body.tables, ['P2']);
  const res = await book(r, booking(TUE, '12:00', 2, { area: 'terrace' }));
  assert.equal(res.status, 409);
  assert.deepEqual([res.body.error.code, res.body.error.details.area], ['no_tables_available', 'terrace']);
  assert.deepEqual((await book(r, booking(TUE, '12:00', 2))).body.tables, ['T1']); // the main room still has room
  const bad = await book(r, booking(TUE, '12:00', 2, { area: 'garden' }));
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.details.issues[0].path], [422, 'validation_failed', 'body.area']);
});

test('a combination is busy when a member is, and a member when its combination is', async () => {
  const r = await tenant({ tables: [{ key: 'A', area: 'main', minCovers: 1, maxCovers: 2 }, { key: 'B', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [{ tables: ['A', 'B'], minCovers: 3, maxCovers: 4 }] });
  const combo = await book(r, booking(TUE, '19:00', 4));
  assert.deepEqual(combo.body.tables, ['A', 'B']);
  const s = await slotsOf(r, TUE, 1);
  for (const time of ['19:00', '19:30', '20:45']) assert.equal(slotAt(s, time)!.available, false, time); // held 120 min
  assert.equal(slotAt(s, '21:00')!.available, true);
  assert.equal((await book(r, booking(TUE, '19:45', 1))).body.error.code, 'no_tables_available');

  const r2 = await tenant({ tables: [{ key: 'A', area: 'main', minCovers: 1, maxCovers: 2 }, { key: 'B', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [{ tables: ['A', 'B'], minCovers: 3, maxCovers: 4 }] });
  assert.deepEqual((await book(r2, booking(TUE, '19:00', 2))).body.tables, ['A']);
  assert.equal(slotAt(await slotsOf(r2, TUE, 3), '19:30')!.detail, 'all_busy');
  assert.equal((await book(r2, booking(TUE, '19:30', 3))).body.error.code, 'no_tables_available');
  assert.deepEqual((await book(r2, booking(TUE, '19:30', 2))).body.tables, ['B']);
});

test('pacing is exact to the cover and to the booking, per service slot', async () => {
  const r = await tenant({ services: [{ key: 'dinner', name: 'Dinner', days: ['tue'], start: '19:00', lastSeating: '21:00', end: '23:00', pacing: { maxCoversPerSlot: 7, maxBookingsPerSlot: 3 } }] });
  assert.equal((await book(r, booking(TUE, '19:00', 4))).status, 201);
  assert.equal(slotAt(await slotsOf(r, TUE, 4), '19:00')!.detail, 'covers'); // 4 + 4 > 7
  const over = await book(r, booking(TUE, '19:00', 4));
  assert.deepEqual([over.status, over.body.error.code, over.body.error.details.limit], [409, 'slot_limit_reached', 'covers']);
  assert.equal((await book(r, booking(TUE, '19:00', 2))).status, 201); // 6 covers, 2 bookings
  assert.equal(slotAt(await slotsOf(r, TUE, 2), '19:00')!.detail, 'covers'); // 8 > 7
  const third = await book(r, booking(TUE, '19:00', 1));
  assert.equal(third.status, 201); // 7 covers, 3 bookings: exactly at both limits
  const fourth = await book(r, booking(TUE, '19:00', 1));
  assert.deepEqual([fourth.status, fourth.body.error.details.limit], [409, 'covers']);
  assert.equal(slotAt(await slotsOf(r, TUE, 1), '19:15')!.available, true); // the next slot has its own budget

  // cancelling frees the budget at once
  assert.equal((await r.post(`/reservations/${third.body.id}/cancel`, {})).statusCode, 200);
  assert.equal(slotAt(await slotsOf(r, TUE, 1), '19:00')!.available, true);

  const few = await tenant({ services: [{ key: 'dinner', name: 'Dinner', days: ['tue'], start: '19:00', lastSeating: '21:00', end: '23:00', pacing: { maxBookingsPerSlot: 2 } }] });
  assert.equal((await book(few, booking(TUE, '19:00', 1))).status, 201);
  assert.equal(slotAt(await slotsOf(few, TUE, 1), '19:00')!.available, true);
  assert.equal((await book(few, booking(TUE, '19:00', 1))).status, 201);
  assert.equal(slotAt(await slotsOf(few, TUE, 1), '19:00')!.detail, 'bookings');
  const over2 = await book(few, booking(TUE, '19:00', 1));
  assert.deepEqual([over2.status, over2.body.error.code, over2.body.error.details.limit], [409, 'slot_limit_reached', 'bookings']);
  assert.equal(slotAt(await slotsOf(few, TUE, 1), '19:00')!.reason, 'slot_limit_reached');
});

test('every refusal carries the contract\'s code and status', async () => {
  const r = await tenant();
  const cases: [object, number, string, string?][] = [
    [booking('2026-03-14', '19:00', 2), 422, 'outside_opening_hours', 'closed'],
    [booking('2026-03-02', '19:00', 2), 422, 'outside_opening_hours', 'not_a_slot'], // Monday: no dinner
    [booking(TUE, '19:10', 2), 422, 'outside_opening_hours', 'not_a_slot'],
    [booking(TUE, '22:00', 2), 422, 'outside_opening_hours', 'not_a_slot'],
    [booking('2026-02-24', '19:00', 2), 422, 'outside_opening_hours', 'past'],
    [booking('2026-03-02', '12:00', 2), 422, 'outside_opening_hours', 'ok'],
    [booking('2026-05-02', '12:00', 2), 422, 'outside_opening_hours', 'booking_window'],
    [booking(TUE, '19:00', 9), 422, 'party_size_out_of_range'],
    [booking(TUE, '19:00', 0), 422, 'validation_failed'],
    [{ date: TUE, time: '19:00', partySize: 2 }, 422, 'validation_failed'],
    [booking(TUE, '7pm', 2), 422, 'validation_failed'],
    [booking(TUE, '19:00', 2, { eventId: 'exp_x' }), 422, 'validation_failed'],
    [booking(TUE, '19:00', 2, { customer: { name: 'A', phone: '01 23 45 67 89' } }), 422, 'validation_failed'],
    [booking(TUE, '19:00', 2, { customer: { name: 'A', email: 'not-an-email' } }), 422, 'validation_failed'],
  ];
  t.clock.ms = Date.parse('2026-03-02T10:30:00Z'); // 11:30 in Paris: 12:00 today is inside the minimum notice
  try {
    for (const [body, status, code, reason] of cases) {
      const res = await book(r, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      if (reason && reason !== 'ok') assert.equal(res.body.error.details.reason, reason, JSON.stringify(body));
      if (reason === 'ok') assert.equal(res.body.error.details.reason, 'min_notice');
    }
  } finally {
    t.clock.ms = MONDAY_9Z;
  }
  const big = await book(r, booking(TUE, '19:00', 9));
  assert.deepEqual(big.body.error.details, { partySize: 9, minPartySize: 1, maxPartySize: 8 });
  assert.equal((await r.get('/reservations/res_aaaaaaaaaaaaaaaaaaaa')).json().error.code, 'reservation_not_found');
  assert.equal((await r.get('/reservations/ZZZ-ZZZZ')).statusCode, 404);
  assert.equal((await r.patch('/reservations/res_aaaaaaaaaaaaaaaaaaaa', { notes: 'x' })).statusCode, 404);
  assert.equal((await r.post('/reservations/res_aaaaaaaaaaaaaaaaaaaa/cancel', {})).statusCode, 404);
});

test('a booking links to the existing customer by email or phone instead of duplicating', async () => {
  const r = await tenant();
  const a = await book(r, booking(TUE, '12:00', 2, { customer: { name: 'Grace', email: 'grace@example.com' } }));
  const b = await book(r, booking(TUE, '12:15', 2, { customer: { name: 'Grace H.', email: 'GRACE@example.com ', phone: '0033 6 12 34 56 78' } }));
  const c = await book(r, booking(TUE, '12:30', 2, { customer: { name: 'G', phone: '+33612345678' } }));
  const d = await book(r, booking(TUE, '12:45', 2, { customer: { name: 'Someone else', email: 'other@example.com' } }));
  assert.equal(b.body.customer.id, a.body.customer.id);
  assert.equal(c.body.customer.id, a.body.customer.id);
  assert.notEqual(d.body.customer.id, a.body.customer.id);
  assert.deepEqual(c.body.customer, { id: a.body.customer.id, name: 'Grace', email: 'grace@example.com', phone: '+33612345678' });
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM customers WHERE restaurant_id = $1', [r.id]);
  assert.equal(rows[0].n, 2);
  const listed = (await r.get(`/reservations?customerId=${a.body.customer.id}`)).json().data;
  assert.equal(listed.length, 3);
});

test('references are unique per restaurant and found in any case, with or without the dash', async () => {
  const r = await tenant();
  const made = await book(r, booking(TUE, '12:00', 2));
  const ref: string = made.body.reference;
  for (const form of [ref, ref.toLowerCase(), ref.replace('-', ''), ` ${ref} `.trim()]) {
    const res = await r.get(`/reservations/${encodeURIComponent(form)}`);
    assert.equal(res.statusCode, 200, form);
    assert.equal(res.json().id, made.body.id);
  }
  const other = await tenant();
  assert.equal((await other.get(`/reservations/${ref}`)).statusCode, 404); // another restaurant's reservation
  assert.equal((await other.get(`/reservations/${made.body.id}`)).statusCode, 404);
});

test('every booking route: no key 401, another restaurant 403, missing scope 403 naming it', async () => {
  const r = await tenant();
  const other = await tenant();
  const made = (await book(r, booking(TUE, '12:00', 2))).body;
  const routes: [string, string, string, object?][] = [
    ['GET', `/availability?date=${TUE}&partySize=2`, 'availability:read'],
    ['GET', '/hours', 'availability:read'],
    ['POST', '/reservations', 'reservations:write', booking(TUE, '12:15', 2)],
    ['GET', '/reservations', 'reservations:read'],
    ['GET', `/reservations/${made.reference}`, 'reservations:read'],
    ['GET', `/reservations/${made.id}/history`, 'reservations:read'],
    ['PATCH', `/reservations/${made.id}`, 'reservations:write', { notes: 'x' }],
    ['POST', `/reservations/${made.id}/cancel`, 'reservations:cancel', {}],
  ];
  const narrow = await createTenant(t.app, bistro(), ['config:read']);
  for (const [method, path, scope, payload] of routes) {
    const send = (slug: string, headers: Record<string, string>) =>
      t.app.inject({ method: method as 'GET', url: `/v1/restaurants/${slug}${path}`, headers, ...(payload ? { payload } : {}) });
    const none = await send(r.slug, {});
    assert.deepEqual([none.statusCode, none.json().error.code], [401, 'api_key_missing'], `${method} ${path}`);
    const wrong = await send(r.slug, { authorization: `Bearer ${other.key}` });
    assert.deepEqual([wrong.statusCode, wrong.json().error.code], [403, 'restaurant_scope_mismatch'], `${method} ${path}`);
    const missing = await send(narrow.slug, { authorization: `Bearer ${narrow.key}` });
    assert.deepEqual([missing.statusCode, missing.json().error.details.missingScope], [403, scope], `${method} ${path}`);
  }
});
