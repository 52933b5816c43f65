/** Lifecycle transitions, PATCH re-assignment, cancellation, history with actors, listing and pagination. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
let r: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(t.app, bistro());
});
after(async () => t.close());

const TUE = '2026-03-03';
const WED = '2026-03-04';

async function make(time = '12:00', partySize = 2, date = TUE): Promise<{ id: string; tables: string[] }> {
  const res = await r.post('/reservations', booking(date, time, partySize));
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const status = (id: string, to: string) => r.patch(`/reservations/${id}`, { status: to });

test('confirmed → seated → completed; confirmed → no_show; confirmed → cancelled', async () => {
  const a = await make('12:00');
  const seated = await status(a.id, 'seated');
  assert.deepEqual([seated.statusCode, seated.json().status], [200, 'seated']);
  assert.equal((await status(a.id, 'completed')).json().status, 'completed');
  const b = await make('12:15');
  assert.equal((await status(b.id, 'no_show')).json().status, 'no_show');
  const c = await make('12:30');
  const cancelled = await r.post(`/reservations/${c.id}/cancel`, { reason: 'Guest called' });
  assert.deepEqual([cancelled.statusCode, cancelled.json().status, cancelled.json().cancellationReason], [200, 'cancelled', 'Guest called']);
  const d = await make('12:45');
  assert.equal((await r.post(`/reservations/${d.id}/cancel`)).json().status, 'cancelled'); // no body at all
  const e = await make('13:00');
  assert.equal((await status(e.id, 'cancelled')).json().status, 'cancelled'); // PATCH, with reservations:cancel
});

test('every other transition is 409 invalid_status_transition with from and to', async () => {
  const seated = await make('13:15');
  await status(seated.id, 'seated');
  const completed = await make('13:30');
  await status(completed.id, 'seated');
  await status(completed.id, 'completed');
  const cancelled = await make('12:00', 2, WED);
  await r.post(`/reservations/${cancelled.id}/cancel`, {});
  const noShow = await make('12:15', 2, WED);
  await status(noShow.id, 'no_show');
  const confirmed = await make('12:30', 2, WED);
  const cases: [string, string, string][] = [
    [confirmed.id, 'confirmed', 'confirmed'], [confirmed.id, 'confirmed', 'completed'],
    [seated.id, 'seated', 'cancelled'], [seated.id, 'seated', 'no_show'], [seated.id, 'seated', 'confirmed'], [seated.id, 'seated', 'seated'],
    [completed.id, 'completed', 'seated'], [completed.id, 'completed', 'cancelled'], [completed.id, 'completed', 'confirmed'],
    [cancelled.id, 'cancelled', 'confirmed'], [cancelled.id, 'cancelled', 'seated'], [cancelled.id, 'cancelled', 'no_show'],
    [noShow.id, 'no_show', 'seated'], [noShow.id, 'no_show', 'confirmed'], [noShow.id, 'no_show', 'completed'],
  ];
  for (const [id, from, to] of cases) {
    const res = await status(id, to);
    assert.equal(res.statusCode, 409, `${from} → ${to}`);
    assert.equal(res.json().error.code, 'invalid_status_transition');
    assert.deepEqual(res.json().error.details, { from, to });
  }
  for (const [id, from] of [[seated.id, 'seated'], [cancelled.id, 'cancelled'], [completed.id, 'completed']]) {
    const res = await r.post(`/reservations/${id}/cancel`, {});
    assert.deepEqual([res.statusCode, res.json().error.details], [409, { from, to: 'cancelled' }]);
  }
  const moved = await r.patch(`/reservations/${cancelled.id}`, { time: '13:00' });
  assert.deepEqual([moved.statusCode, moved.json().error.code], [409, 'invalid_status_transition']);
});

test('seated still holds the table; completed, no-show and cancelled free it', async () => {
  const solo = await createTenant(t.app, bistro({ tables: [{ key: 'X', area: 'main', minCovers: 1, maxCovers: 4 }], combinations: [] }));
  const first = (await solo.post('/reservations', booking(TUE, '12:00', 2))).json();
  const free = async () => slotAt(await slotsOf(solo, TUE, 2), '12:30')!.available;
  assert.equal(await free(), false);
  await solo.patch(`/reservations/${first.id}`, { status: 'seated' });
  assert.equal(await free(), false);
  await solo.patch(`/reservations/${first.id}`, { status: 'completed' });
  assert.equal(await free(), true);
  const second = (await solo.post('/reservations', booking(TUE, '12:30', 2))).json();
  assert.deepEqual(second.tables, ['X']);
  await solo.patch(`/reservations/${second.id}`, { status: 'no_show' });
  assert.equal(await free(), true);
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM reservation_tables WHERE restaurant_id = $1 AND active', [solo.id]);
  assert.equal(rows[0].n, 0);
});

test('PATCH re-runs the assignment atomically, keeping the current table when it still fits', async () => {
  const solo = await createTenant(t.app, bistro({
    tables: [{ key: 'S', area: 'main', minCovers: 1, maxCovers: 2 }, { key: 'M', area: 'main', minCovers: 1, maxCovers: 4 }, { key: 'L', area: 'main', minCovers: 5, maxCovers: 8 }],
    combinations: [],
  }));
  const res = await solo.post('/reservations', booking(TUE, '19:00', 2));
  const a = res.json();
  assert.deepEqual(a.tables, ['S']);
  const moved = await solo.patch(`/reservations/${a.id}`, { time: '20:00', notes: 'Moved' });
  assert.deepEqual([moved.statusCode, moved.json().time, moved.json().tables, moved.json().notes], [200, '20:00', ['S'], 'Moved']);
  assert.equal(moved.json().startsAt, '2026-03-03T19:00:00.000Z');
  // someone else takes S from 21:30; growing to 3 moves to M, shrinking back keeps M (it still fits) though S is free
  assert.deepEqual((await solo.post('/reservations', booking(TUE, '21:30', 2))).json().tables, ['S']);
  assert.deepEqual((await solo.patch(`/reservations/${a.id}`, { partySize: 3 })).json().tables, ['M']);
  assert.deepEqual((await solo.patch(`/reservations/${a.id}`, { partySize: 2 })).json().tables, ['M']);
  assert.deepEqual((await solo.patch(`/reservations/${a.id}`, { partySize: 6 })).json().tables, ['L']);
  // a move that does not fit is refused and changes nothing
  const blocker = (await solo.post('/reservations', booking(WED, '19:00', 6))).json();
  assert.deepEqual(blocker.tables, ['L']);
  const refused = await solo.patch(`/reservations/${a.id}`, { date: WED });
  assert.deepEqual([refused.statusCode, refused.json().error.code], [409, 'no_tables_available']);
  const still = (await solo.get(`/reservations/${a.id}`)).json();
  assert.deepEqual([still.date, still.time, still.partySize, still.tables], [TUE, '20:00', 6, ['L']]);
  assert.equal((await solo.patch(`/reservations/${a.id}`, { partySize: 9 })).json().error.code, 'party_size_out_of_range');
  assert.equal((await solo.patch(`/reservations/${a.id}`, { time: '18:00' })).json().error.code, 'outside_opening_hours');
  assert.equal((await solo.patch(`/reservations/${a.id}`, {})).statusCode, 422);
  assert.equal((await solo.patch(`/reservations/${a.id}`, { status: 'seated', time: '20:15' })).statusCode, 422);
  // the other reservation's hold never overlapped: verify in SQL
  const { rows } = await t.db.query(
    `SELECT count(*)::int AS n FROM reservation_tables a JOIN reservation_tables b ON a.table_id = b.table_id AND a.reservation_id < b.reservation_id
      WHERE a.active AND b.active AND a.during && b.during AND a.restaurant_id = $1`,
    [solo.id],
  );
  assert.equal(rows[0].n, 0);
});

test('cancelling through PATCH needs reservations:cancel; cancel needs it too', async () => {
  const writer = await createTenant(t.app, bistro(), ['reservations:write', 'reservations:read']);
  const a = (await writer.post('/reservations', booking(TUE, '12:00', 2))).json();
  const viaPatch = await writer.patch(`/reservations/${a.id}`, { status: 'cancelled' });
  assert.deepEqual([viaPatch.statusCode, viaPatch.json().error.code, viaPatch.json().error.details.missingScope], [403, 'scope_missing', 'reservations:cancel']);
  assert.equal((await writer.post(`/reservations/${a.id}/cancel`, {})).statusCode, 403);
  assert.equal((await writer.get(`/reservations/${a.id}`)).json().status, 'confirmed');
});

test('every change is in the history, with the key that made it', async () => {
  const a = await make('13:00', 2, WED);
  await r.patch(`/reservations/${a.id}`, { notes: 'Birthday' });
  await r.patch(`/reservations/${a.id}`, { time: '13:15', partySize: 3 });
  await status(a.id, 'seated');
  await status(a.id, 'completed');
  const res = await r.get(`/reservations/${a.id}/history`);
  assert.equal(res.statusCode, 200);
  const h = res.json().data;
  assert.deepEqual(h.map((e: { action: string; fromStatus: string | null; toStatus: string | null }) => [e.action, e.fromStatus, e.toStatus]), [
    ['created', null, 'confirmed'], ['updated', null, null], ['updated', null, null], ['status_changed', 'confirmed', 'seated'],
    ['status_changed', 'seated', 'completed'],
  ]);
  assert.ok(h.every((e: { actor: { type: string; id: string } }) => e.actor.type === 'key' && e.actor.id === r.keyId));
  assert.deepEqual(h[1].changes, { notes: { from: null, to: 'Birthday' } });
  assert.deepEqual(h[2].changes.time, { from: '13:00', to: '13:15' });
  assert.deepEqual(h[2].changes.partySize, { from: 2, to: 3 });
  // the service functions take any actor (the dashboard passes its user)
  const b = await make('13:30', 2, WED);
  await t.app.services.reservations.cancel(r.id, b.id, 'Staff', { type: 'user', id: 'usr_1' });
  const hb = await t.app.services.reservations.history(r.id, b.id);
  assert.deepEqual(hb.at(-1)!.actor, { type: 'user', id: 'usr_1' });
  assert.deepEqual(hb.at(-1)!.changes, { reason: 'Staff' });
});

test('list: filters by date, range, status and customer; cursor pagination', async () => {
  const lister = await createTenant(t.app, bistro());
  const made: string[] = [];
  for (const [date, time] of [[TUE, '12:00'], [TUE, '13:00'], [WED, '12:00'], [WED, '19:00'], ['2026-03-05', '12:00']]) {
    made.push((await lister.post('/reservations', booking(date, time, 2))).json().id);
  }
  await lister.post(`/reservations/${made[1]}/cancel`, {});
  const ids = async (q: string) => (await lister.get(`/reservations${q}`)).json().data.map((x: { id: string }) => x.id);
  assert.deepEqual(await ids(''), made);
  assert.deepEqual(await ids(`?date=${TUE}`), made.slice(0, 2));
  assert.deepEqual(await ids(`?from=${WED}&to=2026-03-05`), made.slice(2));
  assert.deepEqual(await ids('?status=cancelled'), [made[1]]);
  assert.deepEqual(await ids('?status=confirmed,seated'), [made[0], ...made.slice(2)]);
  const pages: string[] = [];
  let cursor: string | null = null;
  let calls = 0;
  do {
    const res = await lister.get(`/reservations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(...res.json().data.map((x: { id: string }) => x.id));
    cursor = res.json().nextCursor;
    calls++;
  } while (cursor);
  assert.deepEqual([pages, calls], [made, 3]);
  for (const q of ['?limit=0', '?limit=101', '?status=eaten', '?cursor=garbage', `?date=${TUE}&from=${TUE}`, '?from=2026-03-05&to=2026-03-04']) {
    const res = await lister.get(`/reservations${q}`);
    assert.deepEqual([res.statusCode, res.json().error.code], [422, 'validation_failed'], q);
  }
});
