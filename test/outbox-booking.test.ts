/** Booking changes write their webhook events in their own transaction: no event without its change, and the reverse. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z } from './helpers/booking.js';
import { waitUntil } from './notifications-support.js';
import { WEBHOOK_CHANNEL } from '../src/modules/webhooks/outbox.js';

let t: TestApp;
before(async () => {
  // A private endpoint URL is allowed (a local one no delivery reaches: the dispatcher is stopped in the test using it).
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), config: { webhookAllowPrivate: true } });
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

test('the dispatchers are woken: after the commit of a booking\'s own transaction, by the NOTIFY of a caller\'s; not without deliveries', async () => {
  await t.app.services.webhookDispatcher.stop(); // the deliveries stay pending: only the wake-ups are under test
  const waker = t.app.services.reservations.webhookWaker;
  // Payloads: the waker's is empty, a NOTIFY in the transaction names the event (each arrives in commit order).
  const heard: string[] = [];
  const unlisten = await t.db.listen(WEBHOOK_CHANNEL, (payload) => {
    heard.push(payload);
  });
  try {
    // No endpoint: events are kept, no delivery, no wake-up.
    const quiet = await createTenant(t.app, bistro());
    const sent = waker.sent;
    assert.equal((await quiet.post('/reservations', booking(TUE, '12:00', 2))).statusCode, 201);
    assert.equal(waker.sent, sent, 'nothing to deliver: no wake-up');

    const r = await createTenant(t.app, bistro());
    await t.app.services.webhooks.create(r.id, { url: 'http://127.0.0.1:9/hook', events: ['booking.created'] }, KEY);
    const own = await r.post('/reservations', booking(TUE, '12:00', 2));
    assert.equal(own.statusCode, 201, own.body);
    assert.equal(waker.sent, sent + 1, 'one wake-up, sent after the commit');
    await waitUntil(() => heard.length >= 1, 10_000, () => 'the wake-up of a booking in its own transaction');
    assert.deepEqual(heard, [''], 'the waker\'s wake-up only: no NOTIFY in the booking\'s transaction');
    const idempotent = await r.post('/reservations', booking(TUE, '12:30', 2), { 'idempotency-key': `wake-${process.pid}` });
    assert.equal(idempotent.statusCode, 201, idempotent.body);
    assert.equal(waker.sent, sent + 1, 'no wake-up after the fact: the NOTIFY went with the transaction');
    await waitUntil(() => heard.length > 1, 10_000, () => 'the NOTIFY of a booking in a caller\'s transaction');
    assert.match(heard[1], /^evt_/);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE e.restaurant_id = $1 AND e.type = 'booking.created' AND d.status = 'pending'`,
      [r.id],
    );
    assert.equal(rows[0].n, 2, 'each booking left its pending delivery');
  } finally {
    await unlisten();
  }
});
