/**
 * Availability's day cache (src/modules/availability/day-cache.ts): a day read once is answered from memory while its
 * stamp — the restaurant's version and the total of the day_changes logged by triggers for the dates around it — is
 * unchanged, and every change, through the API, behind the application's back in SQL, or by another instance, is seen
 * by the very next request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';

const MON = '2026-03-02';

/** One 2-top, lunch only: a booking at 12:00 (90 min) takes every slot until 13:15. */
const oneTable = () =>
  bistro({
    tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }],
    combinations: [],
    services: [{ key: 'lunch', name: 'Lunch', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '12:00', lastSeating: '13:30', end: '15:00' }],
  });

/** Records what each availability read of this instance was: hit or miss. */
function reads(t: TestApp): string[] {
  const seen: string[] = [];
  const days = t.app.services.availability.days;
  const previous = days.onRead;
  days.onRead = (r) => {
    seen.push(r);
    previous(r);
  };
  return seen;
}

const free = async (r: Tenant, date = MON) => (await slotsOf(r, date, 2)).filter((s) => s.available).map((s) => s.time);

test('a day is served from memory until something changes it, however it changes', async () => {
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, oneTable());
    const seen = reads(t);
    const all = ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30'];
    assert.deepEqual(await free(r), all);
    assert.deepEqual(await free(r), all);
    assert.deepEqual(seen.splice(0), ['miss', 'hit'], 'the second read is answered from memory');

    // Through the API.
    const made = await r.post('/reservations', booking(MON, '12:00', 2));
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as string;
    assert.deepEqual(await free(r), ['13:30'], 'the booking is seen by the next request');
    assert.deepEqual(await free(r), ['13:30']);
    assert.deepEqual(seen.splice(0), ['miss', 'hit']);

    // Behind the application's back: a status change (the trigger on reservations) ...
    await t.db.query(`UPDATE reservations SET status = 'cancelled' WHERE id = $1`, [id]);
    assert.deepEqual(await free(r), all, 'a cancellation written in SQL');
    await t.db.query(`UPDATE reservations SET status = 'confirmed' WHERE id = $1`, [id]);
    assert.deepEqual(await free(r), ['13:30']);
    // ... and a table hold alone (the trigger on reservation_tables): the hold moved to 14:00–15:30.
    await t.db.query(`UPDATE reservation_tables SET during = tstzrange('2026-03-02T13:00:00Z', '2026-03-02T14:30:00Z') WHERE reservation_id = $1`, [id]);
    assert.deepEqual(await free(r), ['12:00', '12:15', '12:30'], 'a hold moved in SQL');
    assert.deepEqual(seen.splice(0), ['miss', 'miss', 'miss']);

    // A change of a date that can reach this one (an overnight hold of the day before) invalidates it; one four days
    // away does not.
    assert.deepEqual(await free(r), ['12:00', '12:15', '12:30']);
    await t.db.query(`SELECT note_day_change($1, '2026-03-06')`, [r.id]);
    assert.deepEqual(await free(r), ['12:00', '12:15', '12:30']);
    await t.db.query(`SELECT note_day_change($1, '2026-03-01')`, [r.id]);
    assert.deepEqual(await free(r), ['12:00', '12:15', '12:30']);
    assert.deepEqual(seen.splice(0), ['hit', 'hit', 'miss']);

    // A configuration change (the restaurant's version): the model and the day are read again.
    await t.db.query(`UPDATE services SET last_seating = '12:30' WHERE restaurant_id = $1`, [r.id]);
    await t.db.query(`UPDATE restaurants SET updated_at = now() + interval '1 second' WHERE id = $1`, [r.id]);
    assert.deepEqual(await free(r), ['12:00', '12:15', '12:30']);
    assert.deepEqual((await slotsOf(r, MON, 2)).map((s) => s.time), ['12:00', '12:15', '12:30'], 'the new last seating');
    assert.deepEqual(seen.splice(0), ['miss', 'hit']);

    // The span is what the day's read covers: a party with the same turn time (1 and 2: 90 min) shares the entry, one
    // with a longer turn (3: 120 min) reads its own.
    assert.equal(slotAt(await slotsOf(r, MON, 1), '12:00')?.available, true);
    assert.equal(slotAt(await slotsOf(r, MON, 3), '12:00')?.reason, 'no_tables_available');
    assert.deepEqual(seen.splice(0), ['hit', 'miss']);
  } finally {
    await t.close();
  }
});

test('another instance on the same database sees a booking made here at its very next request', async () => {
  const clock = new TestClock(MONDAY_9Z);
  const a = await createTestApp({ clock });
  const b = await createTestApp({ db: a.db, clock });
  try {
    const config = oneTable();
    const onA = await createTenant(a.app, config);
    const key = onA.key;
    const onB = { ...onA, get: (path: string) => b.app.inject({ method: 'GET', url: `/v1/restaurants/${onA.slug}${path}`, headers: { authorization: `Bearer ${key}` } }) };
    const seenB = reads(b);
    assert.equal((await free(onB)).length, 7);
    assert.equal((await free(onB)).length, 7);
    assert.equal((await onA.post('/reservations', booking(MON, '12:30', 2))).statusCode, 201);
    assert.deepEqual(await free(onB), [], 'B: taken, at once (no message to wait for)');
    assert.deepEqual(seenB, ['miss', 'hit', 'miss']);
  } finally {
    await b.close();
    await a.close();
  }
});

test('day_changes: a move notes both dates, a deletion its date; compaction keeps every total; a restaurant goes with its log', async () => {
  const clock = new TestClock(MONDAY_9Z);
  const t = await createTestApp({ clock });
  try {
    const r = await createTenant(t.app, oneTable());
    const totals = async () =>
      Object.fromEntries(
        (await t.db.query<{ date: string; total: number; rows: number }>(
          `SELECT to_char(date, 'YYYY-MM-DD') AS date, sum(weight)::int AS total FROM day_changes WHERE restaurant_id = $1 GROUP BY date`, [r.id],
        )).rows.map((v) => [v.date, v.total]),
      );
    const rowCount = async () => Number((await t.db.query('SELECT count(*)::int AS n FROM day_changes WHERE restaurant_id = $1', [r.id])).rows[0].n);
    const made = await r.post('/reservations', booking(MON, '12:00', 2));
    assert.equal(made.statusCode, 201, made.body);
    const before = await totals();
    assert.ok(before[MON] >= 2, 'the booking and its hold are noted on its date');

    // One statement inserting several reservations (as a booking batch does) notes each date it touched once (migration
    // 0014), weighing the rows it inserted there.
    const rowsBefore = await rowCount();
    await t.db.query(
      `INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at, party_size)
       SELECT 'res_stmt' || i, restaurant_id, 'ZZZ-ZZZ' || i, 'cancelled', date + i / 3, time, service_key, starts_at, ends_at, hold_ends_at, party_size
         FROM reservations, generate_series(2, 4) AS i WHERE id = $1`,
      [made.json().id],
    );
    const inserted = await totals();
    assert.equal(inserted[MON], before[MON]! + 1);
    assert.equal(inserted['2026-03-03'], (before['2026-03-03'] ?? 0) + 2);
    assert.equal(await rowCount(), rowsBefore + 2, 'one log row a date');

    const moved = await r.patch(`/reservations/${made.json().id}`, { date: '2026-03-03', time: '12:00' });
    assert.equal(moved.statusCode, 200, moved.body);
    const after = await totals();
    assert.ok(after[MON] > before[MON], 'the date it left');
    assert.ok(after['2026-03-03'] >= 1, 'the date it went to');

    await t.db.query('DELETE FROM reservations WHERE id = $1', [made.json().id]);
    const deleted = await totals();
    assert.ok(deleted['2026-03-03'] > after['2026-03-03'], 'a deletion');

    // Compaction: one row a date, the same totals; a cached day stays a hit across it.
    assert.ok((await rowCount()) > 2);
    const seen = reads(t);
    await free(r);
    const { compactDayChanges } = await import('../src/modules/availability/queries.js');
    assert.ok((await compactDayChanges(t.db, clock.now())) > 0);
    assert.deepEqual(await totals(), deleted);
    assert.equal(await rowCount(), Object.keys(deleted).length);
    await free(r);
    assert.deepEqual(seen, ['miss', 'hit'], 'compaction changes no stamp');
    // Dates more than 30 days past are dropped.
    await t.db.query(`SELECT note_day_change($1, '2026-01-10')`, [r.id]);
    await compactDayChanges(t.db, clock.now());
    assert.equal((await totals())['2026-01-10'], undefined);

    assert.equal((await r.post('/reservations', booking(MON, '13:00', 2))).statusCode, 201);
    await t.db.query('DELETE FROM restaurants WHERE id = $1', [r.id]);
    assert.deepEqual(await totals(), {}, 'gone with the restaurant, its reservations deleted by cascade without error');
  } finally {
    await t.close();
  }
});
