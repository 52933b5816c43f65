/**
 * New bookings of one date that queue behind each other are decided in batches (ReservationService.bookTogether): one
 * transaction, one read of the day, refusals in memory. The answers must be exactly those of the same bookings made
 * one by one, and a batch that meets a failure must fall back to exactly that.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, SYSTEM } from './helpers/booking.js';
import { ApiError } from '../src/http/errors.js';
import { newReference } from '../src/modules/reservations/reference.js';
import { BOOKING_LANES, bookingLane, type CreateReservationInput } from '../src/modules/reservations/service.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

/** A dinner rush on one Tuesday: more parties than the slot takes, mixed sizes and areas, two bad requests, a guest twice. */
function rush(date: string, tag: string): CreateReservationInput[] {
  const asks: [number, string, Partial<CreateReservationInput>?][] = [
    [2, '19:30'], [4, '19:30'], [2, '19:30', { area: 'terrace' }], [6, '19:30'], [2, '19:30', { area: 'garden' }], [3, '19:30'],
    [2, '19:30', { customer: { name: 'Bad phone', phone: 'not a phone' } }], [2, '19:30'], [2, '19:30'], [8, '19:45'],
    [2, '21:30', { customer: { name: 'Guest 0 again', email: `g0-${tag}@example.com` } }], [2, '19:30'], [4, '19:45'], [1, '20:00'], [9, '20:00'],
    [2, '19:40'], [2, '19:45', { area: 'terrace' }],
  ];
  return asks.map(([partySize, time, extra], i) => ({
    date, time, partySize, customer: { name: `Guest ${i}`, email: `g${i}-${tag}@example.com` }, ...extra,
  }));
}

/** What a caller can see of an outcome, with the date taken out (the two runs book different dates). */
function seen(o: PromiseSettledResult<Awaited<ReturnType<TestApp['app']['services']['reservations']['create']>>>, date: string) {
  if (o.status === 'rejected') {
    assert.ok(o.reason instanceof ApiError, String(o.reason?.stack ?? o.reason));
    // Dates and the two runs' events named apart (wine-a on the first date, wine-b on the second) read the same.
    return { code: o.reason.code, status: o.reason.status, message: o.reason.message.replaceAll(date, 'D').replace(/\d{4}-\d{2}-\d{2}/g, 'D').replace(/wine-[ab]/g, 'wine') };
  }
  const v = o.value;
  return {
    time: v.time, service: v.service.replace(/^wine-[ab]$/, 'wine'), partySize: v.partySize, area: v.area, tables: v.tables, event: v.eventId !== null,
    email: v.customer?.email?.replace(/-[ab]@/, '@'),
  };
}

async function oneByOne(restaurantId: string, inputs: CreateReservationInput[]) {
  const out: PromiseSettledResult<any>[] = [];
  for (const input of inputs) {
    out.push(await t.app.services.reservations.create(restaurantId, input, SYSTEM).then(
      (value) => ({ status: 'fulfilled' as const, value }), (reason) => ({ status: 'rejected' as const, reason }),
    ));
  }
  return out;
}

const atOnce = (restaurantId: string, inputs: CreateReservationInput[]) =>
  Promise.allSettled(inputs.map((input) => t.app.services.reservations.create(restaurantId, input, SYSTEM)));

/** maitre_booking_batch_size's count (batches) and sum (their bookings) by outcome, from /metrics. */
async function batchMetrics() {
  const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const value = (part: 'count' | 'sum', outcome: string) =>
    Number(new RegExp(`^maitre_booking_batch_size_${part}\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(body)?.[1] ?? 0);
  return {
    decided: value('count', 'decided'), decidedBookings: value('sum', 'decided'),
    fellBack: value('count', 'fell_back'), fellBackBookings: value('sum', 'fell_back'),
  };
}

async function bookedOn(restaurantId: string, date: string) {
  const { rows } = await t.db.query<{ n: number; guests: number; holds: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS guests,
            (SELECT count(*)::int FROM reservation_tables rt JOIN reservations x ON x.id = rt.reservation_id WHERE x.restaurant_id = $1 AND x.date = $2) AS holds
       FROM reservations WHERE restaurant_id = $1 AND date = $2`,
    [restaurantId, date],
  );
  return rows[0]!;
}

/**
 * The rush made one by one on a Tuesday, then all at once on the next one: the burst's answers, rows, holds and guests
 * must be those of the one-by-one run (`make` gives each run's bookings). `beforeBurst` runs between the two. Returns
 * the burst and what it moved in /metrics (batchMetrics).
 */
async function rushBothWays(
  restaurantId: string, beforeBurst: () => void = () => {}, make: (date: string, tag: string) => CreateReservationInput[] = rush,
) {
  const sequential = await oneByOne(restaurantId, make('2026-03-03', 'a'));
  beforeBurst();
  const metrics = await batchMetrics();
  const burst = await atOnce(restaurantId, make('2026-03-10', 'b'));
  const metricsAfter = await batchMetrics();
  assert.deepEqual(burst.map((o) => seen(o, '2026-03-10')), sequential.map((o) => seen(o, '2026-03-03')));
  assert.deepEqual(await bookedOn(restaurantId, '2026-03-10'), await bookedOn(restaurantId, '2026-03-03'));
  const moved = Object.fromEntries(Object.entries(metricsAfter).map(([k, v]) => [k, v - metrics[k as keyof typeof metrics]]));
  return { burst, moved };
}

test('a burst on one date is decided in batches, with exactly the answers of the same bookings made one by one', async () => {
  const r = await createTenant(t.app, bistro());
  const { burst, moved } = await rushBothWays(r.id);
  // The first booking found the date free and ran alone; the sixteen that queued behind it were one batch.
  assert.deepEqual(moved, { decided: 1, decidedBookings: 16, fellBack: 0, fellBackBookings: 0 });
  const codes = burst.map((o) => (o.status === 'rejected' ? o.reason.code : 201));
  for (const code of ['validation_failed', 'slot_limit_reached', 'no_tables_available', 201]) assert.ok(codes.includes(code), `the rush has a ${code}`);
  // What was written is what was answered: the accepted bookings, with guest 0 found the second time.
  const accepted = burst.filter((o) => o.status === 'fulfilled');
  const b = await bookedOn(r.id, '2026-03-10');
  assert.equal(b.n, accepted.length);
  assert.equal(b.guests, accepted.length - 1, 'guest 0 booked twice, found the second time');
  for (const o of accepted) assert.deepEqual(await t.app.services.reservations.get(r.id, o.value.id), o.value, 'the answer is the reservation as stored');
  const { rows } = await t.db.query(
    `SELECT count(*)::int AS n FROM webhook_events WHERE restaurant_id = $1 AND type = 'booking.created' AND payload->'data'->>'date' = '2026-03-10'`,
    [r.id],
  );
  assert.equal(rows[0].n, accepted.length, 'one booking.created per accepted booking, none for a refusal');
});

test('a burst of distinct guests (found or created together, completeGuests): the answers, rows and guests of one by one', async () => {
  const r = await createTenant(t.app, bistro());
  // A known guest books in both runs, by phone; the rest are new.
  await t.db.query(`INSERT INTO customers (id, restaurant_id, name, phone) VALUES ($1, $2, 'Known', '+33655555555')`, [`cus_known_${r.id.slice(4)}`, r.id]);
  const distinct = (date: string, tag: string) => rush(date, tag)
    .filter((b) => !b.customer.name.includes('again'))
    .map((b, i) => (i === 3 ? { ...b, customer: { name: 'Known', phone: '+33 6 55 55 55 55', email: `known-${tag}@example.com` } } : b));
  const { burst, moved } = await rushBothWays(r.id, () => {}, distinct);
  assert.deepEqual(moved, { decided: 1, decidedBookings: 15, fellBack: 0, fellBackBookings: 0 });
  const known = burst[3]!;
  assert.equal(known.status, 'fulfilled');
  assert.equal(known.status === 'fulfilled' && known.value.customer?.id, `cus_known_${r.id.slice(4)}`, 'the known guest found by phone');
});

test('a batch that meets a failure is rolled back whole and each of its bookings is made alone: the same answers', async () => {
  const r = await createTenant(t.app, bistro());
  const service = t.app.services.reservations;
  try {
    // In the burst, the second draw of a reference is the batch's first write (the first is the lone booking's): it
    // fails as a broken statement would.
    const { moved } = await rushBothWays(r.id, () => {
      let draws = 0;
      service.drawReference = () => {
        if (++draws === 2) throw new Error('a statement of the batch failed');
        return newReference();
      };
    });
    assert.deepEqual(moved, { decided: 0, decidedBookings: 0, fellBack: 1, fellBackBookings: 16 });
  } finally {
    service.drawReference = newReference;
  }
});

test('seats of an event in a burst, with table bookings of that date among them: sold out exactly, the answers of one by one', async () => {
  const event = (date: string) => ({ key: date === '2026-03-03' ? 'wine-a' : 'wine-b', name: 'Wine dinner', date, start: '19:30', end: '23:00', capacity: 13, closesRegularService: false });
  const r = await createTenant(t.app, bistro({ events: [event('2026-03-03'), event('2026-03-10')] }));
  const ids = new Map<string, string>();
  for (const e of (await r.get('/events?from=2026-03-03&to=2026-03-10')).json().data) ids.set(e.date, e.id);
  assert.equal(ids.size, 2);
  const opening = (date: string, tag: string): CreateReservationInput[] => {
    const eventId = ids.get(date)!;
    const other = [...ids.values()].find((id) => id !== eventId)!;
    const asks: [number, string, Partial<CreateReservationInput>][] = [
      [2, '19:30', { eventId }], [4, '19:30', { eventId }], [2, '12:30', {}], [3, '20:00', { eventId }], [2, '23:30', { eventId }],
      [2, '19:30', { eventId: other }], [2, '19:30', { eventId, customer: { name: 'Bad phone', phone: 'not a phone' } }], [5, '19:30', { eventId }],
      [4, '19:30', { eventId }], [1, '21:00', { eventId }], [2, '19:30', { eventId }], [4, '12:30', {}],
    ];
    return asks.map(([partySize, time, extra], i) => ({ date, time, partySize, customer: { name: `Guest ${i}`, email: `g${i}-${tag}@example.com` }, ...extra }));
  };
  const { burst, moved } = await rushBothWays(r.id, undefined, opening);
  assert.deepEqual([moved.decided, moved.decidedBookings, moved.fellBackBookings], [1, 11, 0]);
  const codes = burst.map((o) => (o.status === 'rejected' ? o.reason.code : 201));
  assert.deepEqual(codes, [201, 201, 201, 201, 'outside_opening_hours', 'validation_failed', 'validation_failed', 'event_sold_out', 201, 'event_sold_out', 'event_sold_out', 201]);
  const { rows } = await t.db.query<{ n: number }>(`SELECT COALESCE(sum(party_size), 0)::int AS n FROM reservations WHERE event_id = $1`, [ids.get('2026-03-10')]);
  assert.equal(rows[0]!.n, 13, 'exactly the capacity sold');
});

test('bookings of several dates of one lane are decided together: each date exactly as one by one, written in arrival order', async () => {
  const r = await createTenant(t.app, bistro());
  // Tuesdays two weeks apart share a lane; the rushes of two of them are made one by one, those of two others at once.
  const [a1, a2, b1, b2] = ['2026-03-03', '2026-03-17', '2026-03-10', '2026-03-24'];
  assert.equal(bookingLane(b1), bookingLane(b2));
  assert.notEqual(bookingLane(b1), bookingLane(a1), 'the one-by-one run is in the other lane');
  const zip = (x: CreateReservationInput[], y: CreateReservationInput[]) => x.flatMap((v, i) => [v, y[i]!]);
  const sequential = await oneByOne(r.id, zip(rush(a1, 'a'), rush(a2, 'c')));
  // An endpoint for the burst's bookings: the batch's write queues a delivery per event, as one booking's does.
  await t.app.services.webhookDispatcher.stop(); // the deliveries stay pending: only their creation is under test
  await t.db.query(
    `INSERT INTO webhook_endpoints (id, restaurant_id, url, events, secret) VALUES ($1, $2, 'https://hooks.example.com/in', '{booking.created}', 'whsec_dGVzdA==')`,
    [`whe_${r.id.slice(4)}`, r.id],
  );
  const before = await batchMetrics();
  const burst = await atOnce(r.id, zip(rush(b1, 'b'), rush(b2, 'd')));
  const moved = await batchMetrics();
  const guest = (o: PromiseSettledResult<any>) => {
    const v = seen(o, 'no date');
    return 'email' in v ? { ...v, email: v.email?.replace(/-[a-d]@/, '@') } : v;
  };
  assert.deepEqual(burst.map(guest), sequential.map(guest));
  assert.deepEqual(await bookedOn(r.id, b1), await bookedOn(r.id, a1));
  assert.deepEqual(await bookedOn(r.id, b2), await bookedOn(r.id, a2));
  // The first booking found the lane free and ran alone; the 33 that queued behind it, of both dates, were one batch.
  assert.equal(moved.decided - before.decided, 1);
  assert.equal(moved.decidedBookings - before.decidedBookings, 33);
  assert.equal(moved.fellBack, before.fellBack);
  const accepted = burst.filter((o) => o.status === 'fulfilled').map((o) => o.value.id);
  // Every hold took its reservation's `active` (the holds' trigger read rows of the same statement)...
  const { rows: inactive } = await t.db.query(
    `SELECT rt.reservation_id FROM reservation_tables rt JOIN reservations x ON x.id = rt.reservation_id
      WHERE x.restaurant_id = $1 AND x.date = ANY ($2::date[]) AND rt.active IS NOT TRUE`,
    [r.id, [b1, b2]],
  );
  assert.deepEqual(inactive, []);
  // ...and the events are in arrival order, each guest's customer.created before its booking.
  const { rows: events } = await t.db.query<{ type: string; id: string }>(
    `SELECT type, payload->'data'->>'id' AS id FROM webhook_events WHERE restaurant_id = $1 AND seq > (
       SELECT max(seq) FROM webhook_events WHERE restaurant_id = $1 AND payload->'data'->>'date' = $2::text) ORDER BY seq`,
    [r.id, a2],
  );
  assert.deepEqual(events.filter((e) => e.type === 'booking.created').map((e) => e.id), accepted);
  const { rows: deliveries } = await t.db.query<{ id: string }>(
    `SELECT e.payload->'data'->>'id' AS id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
      WHERE e.restaurant_id = $1 ORDER BY e.seq`,
    [r.id],
  );
  assert.deepEqual(deliveries.map((d) => d.id), accepted, 'one delivery per booking.created, none for the customer events');
  assert.equal(events.filter((e) => e.type === 'customer.created').length, accepted.length - 2, 'each date\'s guest 0 again: found');
  const first = burst.find((o) => o.status === 'fulfilled')!;
  assert.equal(events[0]!.type, 'customer.created');
  assert.equal(events[1]!.id, first.status === 'fulfilled' ? first.value.id : null);
  for (const o of burst) if (o.status === 'fulfilled') assert.deepEqual(await t.app.services.reservations.get(r.id, o.value.id), o.value, 'as stored');
});

test('bookings of dates in different lanes never wait for each other, and a booking alone is not batched', async () => {
  const r = await createTenant(t.app, bistro());
  const service = t.app.services.reservations;
  const before = await batchMetrics();
  const dates = ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'].slice(0, BOOKING_LANES);
  assert.equal(new Set(dates.map(bookingLane)).size, dates.length);
  const got = await Promise.all(dates.map((date, i) =>
    service.create(r.id, { date, time: '12:30', partySize: 2, customer: { name: `G${i}`, email: `g${i}@example.com` } }, SYSTEM)));
  assert.deepEqual(got.map((v) => v.date), dates);
  assert.deepEqual(await batchMetrics(), before);
});

test('a service date\'s lane: its day number modulo the lanes', () => {
  for (let i = 0; i < 40; i++) {
    const date = new Date(Date.UTC(2026, 1, 20 + i)).toISOString().slice(0, 10);
    assert.equal(bookingLane(date), (i + bookingLane('2026-02-20')) % BOOKING_LANES, date);
  }
});
