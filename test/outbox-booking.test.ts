/** Booking changes write their webhook events in their own transaction: no event without its change, and the reverse. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const KEY = { type: 'system' as const, id: null };

async function events(restaurantId: string, type?: string) {
  const { rows } = await t.db.query<{ type: string; payload: any }>(
    `SELECT type, payload FROM webhook_events WHERE restaurant_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY seq`,
    [restaurantId, type ?? null],
  );
  return rows.map((r) => ({ type: r.type, body: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}

test('a booking writes exactly one booking.created event, with the reservation as the API returns it', async () => {
  const r = await createTenant(t.app, bistro());
  const res = await r.post('/reservations', booking(TUE, '12:00', 2));
  assert.equal(res.statusCode, 201, res.body);
  const created = await events(r.id, 'booking.created');
  assert.equal(created.length, 1);
  assert.deepEqual(created[0].body.data, res.json());
  assert.equal(created[0].body.restaurantId, r.id);
  assert.match(created[0].body.id, /^evt_/);
  // The guest was new: customer.created came first, in the same transaction.
  assert.deepEqual((await events(r.id)).map((e) => e.type), ['customer.created', 'booking.created']);
});

test('inside the booking transaction the event is there; rolled back, neither the booking nor the event exists', async () => {
  const r = await createTenant(t.app, bistro());
  const marker = new Error('roll back');
  let seenInside = -1;
  await assert.rejects(
    t.db.transaction(async (tx) => {
      const view = await t.app.services.reservations.create(r.id, booking(TUE, '12:15', 2), KEY, tx);
      const { rows } = await tx.query(`SELECT count(*)::int AS n FROM webhook_events WHERE type = 'booking.created' AND payload::text LIKE $1`, [`%${view.id}%`]);
      seenInside = rows[0].n;
      throw marker;
    }),
    (err) => err === marker,
  );
  assert.equal(seenInside, 1, 'one booking.created row, written by the booking’s own transaction');
  assert.equal((await events(r.id)).length, 0, 'rolled back with it: no event, no customer event');
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [r.id]);
  assert.equal(rows[0].n, 0);
});

test('a refused booking (409, 422) writes no event at all, with or without an Idempotency-Key', async () => {
  const r = await createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] }));
  assert.equal((await r.post('/reservations', booking(TUE, '12:00', 2))).statusCode, 201);
  const before = (await events(r.id)).length;
  const full = await r.post('/reservations', booking(TUE, '12:00', 2));
  assert.deepEqual([full.statusCode, full.json().error.code], [409, 'no_tables_available']);
  const keyed = await r.post('/reservations', booking(TUE, '12:00', 2), { 'idempotency-key': 'refused-1' });
  assert.deepEqual([keyed.statusCode, keyed.json().error.code], [409, 'no_tables_available']);
  const closed = await r.post('/reservations', booking('2026-03-14', '12:00', 2));
  assert.deepEqual([closed.statusCode, closed.json().error.code], [422, 'outside_opening_hours']);
  assert.equal((await events(r.id)).length, before, 'no booking.created and no customer.created for a refused booking');
});

test('changes and cancellations announce booking.updated and booking.cancelled, once each', async () => {
  const r = await createTenant(t.app, bistro());
  const { id } = (await r.post('/reservations', booking(TUE, '12:00', 2))).json();
  assert.equal((await r.patch(`/reservations/${id}`, { time: '12:30' })).statusCode, 200);
  assert.equal((await r.patch(`/reservations/${id}`, { notes: 'High chair' })).statusCode, 200);
  assert.equal((await r.patch(`/reservations/${id}`, { notes: 'High chair' })).statusCode, 200); // no change: no event
  const cancelled = await r.post(`/reservations/${id}/cancel`, { reason: 'ill' });
  assert.equal(cancelled.statusCode, 200);
  const types = (await events(r.id)).map((e) => e.type);
  assert.deepEqual(types, ['customer.created', 'booking.created', 'booking.updated', 'booking.updated', 'booking.cancelled']);
  const last = (await events(r.id, 'booking.cancelled'))[0].body.data;
  assert.deepEqual(last, cancelled.json());
});
