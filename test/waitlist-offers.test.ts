/** The waitlist: entries, offers made when capacity frees up (held tables), accepting, expiry and its sweep, cancelling. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';
import { OFFER_TTL_MS } from '../src/modules/waitlist/offers.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
/** One 2-top: a party of 2 at 12:00 holds it until 13:30 (90 min). */
const oneTable = () => createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] }));

let n = 0;
const entry = (extra: Record<string, unknown> = {}) => {
  n += 1;
  return { date: TUE, time: '12:00', partySize: 2, customer: { name: `Waiting ${n}`, email: `wait${n}-${process.pid}@example.com` }, ...extra };
};

async function join(r: Tenant, body: object) {
  const res = await r.post('/waitlist', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const getEntry = async (r: Tenant, id: string) => (await r.get(`/waitlist/${id}`)).json();
const eventTypes = async (r: Tenant) =>
  (await t.db.query<{ type: string }>('SELECT type FROM webhook_events WHERE restaurant_id = $1 ORDER BY seq', [r.id])).rows.map((x) => x.type);

test('a cancellation offers the freed table to the waiting entry; accepting books it through the hold', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  const a = (await r.post('/reservations', booking(TUE, '12:00', 2))).json();
  const w = await join(r, entry({ notes: 'Birthday' }));
  assert.deepEqual([w.status, w.offer, w.time, w.window, w.partySize, w.notes], ['waiting', null, '12:00', null, 2, 'Birthday']);
  assert.match(w.id, /^wl_[a-z0-9]{20}$/);
  const listed = (await r.get(`/waitlist?date=${TUE}`)).json();
  assert.deepEqual(listed.data.map((e: { id: string }) => e.id), [w.id]);

  assert.equal((await r.post(`/reservations/${a.id}/cancel`, {})).statusCode, 200);
  const offered = await getEntry(r, w.id);
  assert.equal(offered.status, 'offered');
  assert.deepEqual([offered.offer.time, offered.offer.tables, offered.offer.startsAt], ['12:00', ['T1'], '2026-03-03T11:00:00.000Z']);
  assert.equal(offered.offer.expiresAt, new Date(MONDAY_9Z + OFFER_TTL_MS).toISOString());
  assert.ok((await eventTypes(r)).includes('waitlist.offered'));

  // The hold keeps the table: nobody else can book it, and it is not a booking anyone can see.
  assert.equal(slotAt(await slotsOf(r, TUE, 2), '12:00')!.available, false);
  const taken = await r.post('/reservations', booking(TUE, '12:00', 2));
  assert.deepEqual([taken.statusCode, taken.json().error.code], [409, 'no_tables_available']);
  assert.deepEqual((await r.get(`/reservations?date=${TUE}`)).json().data.map((x: { id: string }) => x.id), [a.id]);

  const accepted = await r.post(`/waitlist/${w.id}/accept`);
  assert.equal(accepted.statusCode, 201, accepted.body);
  const res = accepted.json();
  assert.deepEqual([res.status, res.time, res.tables, res.source, res.notes, res.customer.id], ['confirmed', '12:00', ['T1'], 'waitlist', 'Birthday', w.customer.id]);
  const booked = await getEntry(r, w.id);
  assert.deepEqual([booked.status, booked.reservationId, booked.offer], ['booked', res.id, null]);
  assert.equal((await r.get(`/reservations/${res.reference}`)).json().id, res.id);
  assert.equal((await r.get(`/reservations/${res.id}/history`)).json().data[0].changes.waitlistEntryId, w.id);
  const again = await r.post(`/waitlist/${w.id}/accept`);
  assert.deepEqual([again.statusCode, again.json().error.code, again.json().error.details.from], [409, 'invalid_status_transition', 'booked']);
  const types = await eventTypes(r);
  assert.deepEqual(types.filter((x) => x.startsWith('waitlist.')), ['waitlist.created', 'waitlist.offered']);
  assert.equal(types.filter((x) => x === 'waitlist.created').length, 1);
  assert.equal(types.at(-1), 'booking.created');
});

test('an offer expires after its time: the hold is released and the next waiting entry is offered (reads and the sweep)', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  const a = (await r.post('/reservations', booking(TUE, '12:00', 2))).json();
  const first = await join(r, entry({ time: null, window: { from: '11:45', to: '12:30' } }));
  const second = await join(r, entry());
  await r.post(`/reservations/${a.id}/cancel`, {});
  assert.deepEqual([(await getEntry(r, first.id)).status, (await getEntry(r, second.id)).status], ['offered', 'waiting'], 'arrival order');

  t.clock.advance(OFFER_TTL_MS); // expiry is inclusive: at expiresAt the offer is gone
  const list = (await r.get(`/waitlist?date=${TUE}`)).json().data;
  assert.deepEqual(list.map((e: { status: string }) => e.status), ['expired', 'offered']);
  assert.equal(list[0].offer, null);
  const late = await r.post(`/waitlist/${first.id}/accept`);
  assert.deepEqual([late.statusCode, late.json().error.code, late.json().error.details.from], [409, 'invalid_status_transition', 'expired']);

  t.clock.advance(OFFER_TTL_MS);
  assert.equal(await t.app.services.waitlist.sweep(), 1, 'the periodic sweep expires what no read touched');
  assert.equal((await getEntry(r, second.id)).status, 'expired');
  assert.equal(slotAt(await slotsOf(r, TUE, 2), '12:00')!.available, true, 'the table is free again');
  const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1 AND status = 'held'`, [r.id]);
  assert.equal(rows[0].n, 0);
});

test('a booking after an offer expired (before any sweep) releases the hold first and gets the table', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  const a = (await r.post('/reservations', booking(TUE, '12:00', 2))).json();
  const w = await join(r, entry());
  await r.post(`/reservations/${a.id}/cancel`, {});
  t.clock.advance(OFFER_TTL_MS + 1000);
  const res = await r.post('/reservations', booking(TUE, '12:00', 2));
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((await getEntry(r, w.id)).status, 'expired');
});

test('a no-show, a move and a cancelled offer free capacity too; an entry is offered at once when a table is free', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  const a = (await r.post('/reservations', booking(TUE, '12:00', 2))).json();
  const w1 = await join(r, entry());
  assert.equal((await r.patch(`/reservations/${a.id}`, { status: 'no_show' })).statusCode, 200);
  assert.equal((await getEntry(r, w1.id)).status, 'offered');

  const w2 = await join(r, entry());
  assert.equal(w2.status, 'waiting');
  const cancelled = await r.post(`/waitlist/${w1.id}/cancel`);
  assert.deepEqual([cancelled.statusCode, cancelled.json().status], [200, 'cancelled']);
  assert.equal((await getEntry(r, w2.id)).status, 'offered', 'the released hold went to the next entry');
  const twice = await r.post(`/waitlist/${w1.id}/cancel`);
  assert.deepEqual([twice.statusCode, twice.json().error.code], [409, 'invalid_status_transition']);
  assert.equal((await r.post(`/waitlist/${w2.id}/accept`)).statusCode, 201);

  // Move: the 12:00 booking (w2's) moves to 13:30, and a party waiting for 12:00 is offered the table.
  const w3 = await join(r, entry());
  const booked = (await getEntry(r, w2.id)).reservationId;
  assert.equal((await r.patch(`/reservations/${booked}`, { time: '13:30' })).statusCode, 200);
  assert.equal((await getEntry(r, w3.id)).status, 'offered');

  // A table free in the window: offered at once.
  const r2 = await oneTable();
  const now = await join(r2, entry({ time: null, window: { from: '12:30', to: '13:00' } }));
  assert.deepEqual([now.status, now.offer.time], ['offered', '12:30']);
});

test('joining is refused on a closed day, in the past, beyond the window, or for a party size out of range', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  const refuse = async (body: object, status: number, code: string) => {
    const res = await r.post('/waitlist', body);
    assert.deepEqual([res.statusCode, res.json().error?.code], [status, code], res.body);
    return res.json().error;
  };
  assert.equal((await refuse(entry({ date: '2026-03-14' }), 422, 'outside_opening_hours')).details.reason, 'closed');
  assert.equal((await refuse(entry({ date: '2026-03-01' }), 422, 'outside_opening_hours')).details.reason, 'past');
  assert.equal((await refuse(entry({ date: '2026-06-01' }), 422, 'outside_opening_hours')).details.reason, 'booking_window');
  await refuse(entry({ partySize: 9 }), 422, 'party_size_out_of_range');
  assert.equal((await refuse(entry({ area: 'garden' }), 422, 'validation_failed')).details.issues[0].path, 'body.area');
  await refuse(entry({ window: { from: '25:00', to: '12:00' } }), 422, 'validation_failed');
  assert.equal((await r.get('/waitlist/wl_nosuchentry')).json().error.code, 'waitlist_entry_not_found');
});

test('the list pages by date and arrival', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await oneTable();
  await r.post('/reservations', booking(TUE, '12:00', 2));
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await join(r, entry())).id);
  const p1 = (await r.get(`/waitlist?date=${TUE}&limit=2`)).json();
  assert.deepEqual(p1.data.map((e: { id: string }) => e.id), ids.slice(0, 2));
  const p2 = (await r.get(`/waitlist?date=${TUE}&limit=2&cursor=${p1.nextCursor}`)).json();
  assert.deepEqual([p2.data.map((e: { id: string }) => e.id), p2.nextCursor], [ids.slice(2), null]);
  assert.equal((await r.get(`/waitlist?status=offered`)).json().data.length, 0);
});
