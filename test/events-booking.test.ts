/** Special events: GET /events with seats left, POST /reservations with eventId, refusals, and exact capacity under load. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const WED = '2026-03-04';

function withEvent(capacity: number, extra: Record<string, unknown> = {}) {
  return createTenant(
    t.app,
    bistro({ events: [{ key: 'wine', name: 'Wine dinner', date: TUE, start: '19:30', end: '23:00', capacity, closesRegularService: true, ...extra }] }),
  );
}

async function eventOf(r: Tenant) {
  const res = await r.get(`/events?from=${TUE}&to=${TUE}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data[0];
}

test('GET /events lists the event with its capacity and seats left; a booking with eventId takes seats, not a table', async () => {
  const r = await withEvent(40);
  const ev = await eventOf(r);
  assert.match(ev.id, /^exp_/);
  assert.deepEqual(
    { ...ev, id: undefined },
    {
      id: undefined, key: 'wine', name: 'Wine dinner', date: TUE, start: '19:30', end: '23:00', startsAt: '2026-03-03T18:30:00.000Z',
      endsAt: '2026-03-03T22:00:00.000Z', capacity: 40, seatsTaken: 0, seatsLeft: 40, soldOut: false, closesRegularService: true,
    },
  );
  const res = await r.post('/reservations', booking(TUE, '19:30', 4, { eventId: ev.id }));
  assert.equal(res.statusCode, 201, res.body);
  const b = res.json();
  assert.deepEqual([b.eventId, b.tables, b.area, b.service, b.status], [ev.id, [], null, 'wine', 'confirmed']);
  assert.equal(b.endsAt, '2026-03-03T22:00:00.000Z');
  assert.equal((await eventOf(r)).seatsLeft, 36);
  // A later arrival within the event is fine too; every table stays free.
  assert.equal((await r.post('/reservations', booking(TUE, '20:00', 2, { eventId: ev.id }))).statusCode, 201);
  assert.equal((await eventOf(r)).seatsLeft, 34);
  assert.ok((await slotsOf(r, TUE, 2)).some((s) => s.available), 'the event does not take tables');
  // Cancelling frees the seats at once.
  assert.equal((await r.post(`/reservations/${b.id}/cancel`, {})).statusCode, 200);
  assert.deepEqual([(await eventOf(r)).seatsTaken, (await eventOf(r)).seatsLeft], [2, 38]);
  // An event booking is a reservation like the others (read, list).
  assert.equal((await r.get(`/reservations/${b.reference}`)).json().eventId, ev.id);
  assert.equal((await r.get(`/reservations?date=${TUE}`)).json().data.length, 2);
});

test('the event closes the overlapping regular slots that day', async () => {
  const r = await withEvent(40);
  const slots = await slotsOf(r, TUE, 2);
  assert.equal(slotAt(slots, '19:00'), undefined, '19:00 + 90 min overlaps 19:30');
  assert.equal(slotAt(slots, '21:30'), undefined);
  assert.ok(slotAt(slots, '12:00')?.available, 'lunch runs');
  assert.ok(slotAt(await slotsOf(r, WED, 2), '19:00')?.available, 'another day is untouched');
});

test('refusals: unknown event, other date, area, time outside the event, party size, sold out with seatsLeft', async () => {
  const r = await withEvent(6);
  const ev = await eventOf(r);
  const refuse = async (body: object, status: number, code: string) => {
    const res = await r.post('/reservations', body);
    assert.deepEqual([res.statusCode, res.json().error?.code], [status, code], res.body);
    return res.json().error;
  };
  assert.equal((await refuse(booking(TUE, '19:30', 2, { eventId: 'exp_nosuchevent' }), 422, 'validation_failed')).details.issues[0].path, 'body.eventId');
  assert.equal((await refuse(booking(WED, '19:30', 2, { eventId: ev.id }), 422, 'validation_failed')).details.issues[0].path, 'body.date');
  assert.equal((await refuse(booking(TUE, '19:30', 2, { eventId: ev.id, area: 'main' }), 422, 'validation_failed')).details.issues[0].path, 'body.area');
  assert.equal((await refuse(booking(TUE, '19:00', 2, { eventId: ev.id }), 422, 'outside_opening_hours')).details.reason, 'not_event_time');
  assert.equal((await refuse(booking(TUE, '23:00', 2, { eventId: ev.id }), 422, 'outside_opening_hours')).details.reason, 'not_event_time');
  await refuse(booking(TUE, '19:30', 9, { eventId: ev.id }), 422, 'party_size_out_of_range');
  assert.equal((await r.post('/reservations', booking(TUE, '19:30', 5, { eventId: ev.id }))).statusCode, 201);
  const sold = await refuse(booking(TUE, '19:30', 2, { eventId: ev.id }), 409, 'event_sold_out');
  assert.deepEqual([sold.details.seatsLeft, sold.details.partySize, sold.details.eventId], [1, 2, ev.id]);
  assert.equal((await r.post('/reservations', booking(TUE, '19:30', 1, { eventId: ev.id }))).statusCode, 201);
  assert.equal((await refuse(booking(TUE, '19:30', 1, { eventId: ev.id }), 409, 'event_sold_out')).details.seatsLeft, 0);
  assert.equal((await eventOf(r)).soldOut, true);
  // Past the event: refused like any past slot.
  t.clock.ms = Date.parse('2026-03-03T19:00:00Z');
  try {
    assert.equal((await refuse(booking(TUE, '19:30', 1, { eventId: ev.id }), 422, 'outside_opening_hours')).details.reason, 'past');
  } finally {
    t.clock.ms = MONDAY_9Z;
  }
});

test('changing an event booking: more guests only while seats are left; it cannot leave its date', async () => {
  const r = await withEvent(6);
  const ev = await eventOf(r);
  const a = (await r.post('/reservations', booking(TUE, '19:30', 2, { eventId: ev.id }))).json();
  assert.equal((await r.post('/reservations', booking(TUE, '19:30', 3, { eventId: ev.id }))).statusCode, 201);
  const grow = await r.patch(`/reservations/${a.id}`, { partySize: 4 });
  assert.deepEqual([grow.statusCode, grow.json().error.code, grow.json().error.details.seatsLeft], [409, 'event_sold_out', 3]);
  const ok = await r.patch(`/reservations/${a.id}`, { partySize: 3, time: '20:00' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual([ok.json().partySize, ok.json().time, ok.json().tables], [3, '20:00', []]);
  const move = await r.patch(`/reservations/${a.id}`, { date: WED });
  assert.deepEqual([move.statusCode, move.json().error.code], [422, 'validation_failed']);
  assert.equal((await eventOf(r)).seatsLeft, 0);
});

test('concurrent bookings sell exactly the capacity, never more', async () => {
  const capacity = 21;
  const r = await withEvent(capacity);
  const ev = await eventOf(r);
  const burst = async (n: number, size: number) => {
    const results = await Promise.all(Array.from({ length: n }, () => r.post('/reservations', booking(TUE, '19:30', size, { eventId: ev.id }))));
    for (const res of results) {
      assert.ok(res.statusCode === 201 || (res.statusCode === 409 && res.json().error.code === 'event_sold_out'), res.body);
    }
    return results.filter((res) => res.statusCode === 201).length;
  };
  assert.equal(await burst(30, 2), 10, 'ten parties of 2 fit in 21 seats');
  assert.equal(await burst(6, 1), 1, 'then exactly one party of 1');
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT COALESCE(sum(party_size), 0)::int AS n FROM reservations WHERE event_id = $1 AND status = 'confirmed'`,
    [ev.id],
  );
  assert.equal(rows[0].n, capacity);
  assert.deepEqual([(await eventOf(r)).seatsLeft, (await eventOf(r)).soldOut], [0, true]);
});
