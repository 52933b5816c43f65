/**
 * 200 concurrent booking attempts on overlapping slots, then a concurrent mix of moves, resizes, cancellations and
 * new bookings. Afterwards the database itself is asked: no two active holds of one table overlap, pacing holds to
 * the cover and the booking at every slot, and no request failed with a 5xx.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

const TUE = '2026-03-03';
const MAX_COVERS = 14;
const MAX_BOOKINGS = 4;
const TIMES = ['19:00', '19:15', '19:30', '19:45', '20:00', '20:15', '20:30'];

let t: TestApp;
let r: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(
    t.app,
    bistro({
      services: [{
        key: 'dinner', name: 'Dinner', days: ['tue'], start: '19:00', lastSeating: '21:30', end: '23:00',
        pacing: { maxCoversPerSlot: MAX_COVERS, maxBookingsPerSlot: MAX_BOOKINGS },
      }],
    }),
    undefined,
    { rateLimitPerMinute: 1000 },
  );
});
after(async () => t.close());

/** A deterministic pseudo-random sequence (the test must be reproducible). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function assertInvariants() {
  const overlaps = await t.db.query(
    `SELECT a.reservation_id AS a, b.reservation_id AS b, a.table_id FROM reservation_tables a
       JOIN reservation_tables b ON a.table_id = b.table_id AND a.reservation_id < b.reservation_id
      WHERE a.restaurant_id = $1 AND a.active AND b.active AND a.during && b.during`,
    [r.id],
  );
  assert.deepEqual(overlaps.rows, [], 'no two active holds of one table overlap');
  const pacing = await t.db.query(
    `SELECT service_key, time, sum(party_size)::int AS covers, count(*)::int AS bookings FROM reservations
      WHERE restaurant_id = $1 AND active GROUP BY 1, 2`,
    [r.id],
  );
  for (const row of pacing.rows) {
    assert.ok(row.covers <= MAX_COVERS, `covers at ${row.time}: ${row.covers}`);
    assert.ok(row.bookings <= MAX_BOOKINGS, `bookings at ${row.time}: ${row.bookings}`);
  }
  // every active reservation holds exactly the tables of one unit, over its own span
  const holds = await t.db.query(
    `SELECT r.id, count(rt.table_id)::int AS n, bool_and(rt.during = tstzrange(r.starts_at, r.hold_ends_at, '[)')) AS span_ok
       FROM reservations r LEFT JOIN reservation_tables rt ON rt.reservation_id = r.id AND rt.active
      WHERE r.restaurant_id = $1 AND r.active GROUP BY r.id`,
    [r.id],
  );
  for (const row of holds.rows) assert.ok(row.n >= 1 && row.span_ok, `reservation ${row.id} holds ${row.n} table(s)`);
  return pacing.rows;
}

test('200 concurrent booking attempts on overlapping slots: zero overlaps, exact pacing, no 5xx', async () => {
  const rand = rng(42);
  const attempts = Array.from({ length: 200 }, () => booking(TUE, TIMES[Math.floor(rand() * TIMES.length)], 1 + Math.floor(rand() * 7)));
  const results = await Promise.all(attempts.map((body) => r.post('/reservations', body)));
  const statuses = results.map((x) => x.statusCode);
  assert.deepEqual(results.filter((x) => x.statusCode >= 500 || x.statusCode === 429).map((x) => x.body), [], 'no 5xx');
  assert.ok(statuses.every((s) => s === 201 || s === 409), `only 201 and 409: ${[...new Set(statuses)]}`);
  const codes = new Set(results.filter((x) => x.statusCode === 409).map((x) => x.json().error.code));
  for (const code of codes) assert.ok(['no_tables_available', 'slot_limit_reached'].includes(code), code);
  const created = statuses.filter((s) => s === 201).length;
  assert.ok(created > 0);
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [r.id]);
  assert.equal(rows[0].n, created);
  await assertInvariants();
});

test('concurrent moves, resizes, cancellations and new bookings keep every invariant', async () => {
  const rand = rng(7);
  const { rows } = await t.db.query<{ id: string }>('SELECT id FROM reservations WHERE restaurant_id = $1 AND active ORDER BY id', [r.id]);
  const ids = rows.map((x) => x.id);
  const ops = Array.from({ length: 150 }, (_, i) => {
    const id = ids[i % ids.length];
    const kind = rand();
    if (kind < 0.4) return r.patch(`/reservations/${id}`, { time: TIMES[Math.floor(rand() * TIMES.length)] });
    if (kind < 0.6) return r.patch(`/reservations/${id}`, { partySize: 1 + Math.floor(rand() * 7) });
    if (kind < 0.7) return r.post(`/reservations/${id}/cancel`, {});
    return r.post('/reservations', booking(TUE, TIMES[Math.floor(rand() * TIMES.length)], 1 + Math.floor(rand() * 7)));
  });
  const results = await Promise.all(ops);
  const bad = results.filter((x) => x.statusCode >= 500 || ![200, 201, 409].includes(x.statusCode));
  assert.deepEqual(bad.map((x) => `${x.statusCode} ${x.body}`), []);
  await assertInvariants();
});

test('the database refuses an overlap whatever the application does; the app answers it as 409 no_tables_available', async () => {
  const one = { tables: [{ key: 'X', area: 'main', minCovers: 1, maxCovers: 4 }], combinations: [] };
  const a = await createTenant(t.app, bistro(one));
  const b = await createTenant(t.app, bistro(one));
  const table = (await t.db.query('SELECT id FROM tables WHERE restaurant_id = $1', [a.id])).rows[0].id as string;
  const first = (await a.post('/reservations', booking(TUE, '12:00', 2))).json();
  const pgCode = async (sql: string, params: unknown[]) => {
    try {
      await t.db.query(sql, params);
      return 'ok';
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };
  // a second active hold on the same table over an overlapping span: refused by the exclusion constraint
  const rogue = 'res_rogue0000000000000';
  await t.db.query(
    `INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at, party_size)
     VALUES ($1, $2, 'ZZZ-ZZZZ', 'confirmed', $3, '19:00', 'dinner', '2026-03-03T18:00:00Z', '2026-03-03T19:30:00Z', '2026-03-03T19:30:00Z', 2)`,
    [rogue, b.id, TUE],
  );
  assert.equal(await pgCode(`INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during) VALUES ($1, $2, $3, '[2026-03-03 11:30Z, 2026-03-03 12:00Z)')`, [rogue, table, b.id]), '23P01');
  // reactivating a cancelled reservation whose table was given away: refused too (the trigger keeps `active` in step)
  await a.post(`/reservations/${first.id}/cancel`, {});
  const taker = (await a.post('/reservations', booking(TUE, '12:00', 2))).json();
  assert.deepEqual(taker.tables, ['X']);
  assert.equal(await pgCode(`UPDATE reservations SET status = 'confirmed' WHERE id = $1`, [first.id]), '23P01');
  // a hold the booking code cannot see (here: written under another restaurant): the constraint stops the insert and
  // the API answers 409 no_tables_available after re-deciding, never a 5xx
  assert.equal(await pgCode(`INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during) VALUES ($1, $2, $3, '[2026-03-03 18:00Z, 2026-03-03 19:30Z)')`, [rogue, table, b.id]), 'ok');
  const res = await a.post('/reservations', booking(TUE, '19:00', 2));
  assert.deepEqual([res.statusCode, res.json().error.code], [409, 'no_tables_available']);
});
