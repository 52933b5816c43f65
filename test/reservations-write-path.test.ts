/**
 * The booking's write path (ReservationService.book): the reservation it answers is built from what it wrote, so it
 * must be exactly what a read of that reservation shows, and exactly the data of its booking.created event; a booking
 * whose tables are taken under it (the exclusion constraint) leaves nothing behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, SYSTEM, type Tenant } from './helpers/booking.js';
import { dateLockKey } from '../src/modules/reservations/booking.js';
import { newReference } from '../src/modules/reservations/reference.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';

/** POST /reservations, then the same reservation read back and its event's data: all three must be equal. */
async function bookAndCompare(r: Tenant, body: object) {
  const res = await r.post('/reservations', body);
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json();
  const read = await r.get(`/reservations/${created.id}`);
  assert.equal(read.statusCode, 200, read.body);
  assert.deepEqual(created, read.json());
  const { rows } = await t.db.query(
    `SELECT payload FROM webhook_events WHERE restaurant_id = $1 AND type = 'booking.created' AND payload->'data'->>'id' = $2`,
    [r.id, created.id],
  );
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].payload.data, created);
  // Key order too: the event body is the bytes receivers get, the same as for any other change of the reservation.
  assert.deepEqual(Object.keys(rows[0].payload.data), Object.keys((await r.get(`/reservations/${created.id}`)).json()));
  return created;
}

test('a combination is shown in the floor order, whatever the order it was declared in', async () => {
  const r = await createTenant(t.app, bistro({ combinations: [{ tables: ['T4', 'T3'], minCovers: 6, maxCovers: 8 }] }));
  const b = await bookAndCompare(r, booking(TUE, '12:30', 7));
  assert.deepEqual(b.tables, ['T3', 'T4']);
});

test('area, notes, source and a new guest with consent: the answer, the read and the event agree', async () => {
  const r = await createTenant(t.app, bistro());
  const b = await bookAndCompare(r, booking(TUE, '19:30', 2, {
    area: 'terrace', notes: 'Birthday', source: 'widget',
    customer: { name: ' Grace Hopper ', email: ' Grace@Example.COM ', phone: '+33 6 12 34 56 78', marketingConsent: true },
  }));
  assert.deepEqual([b.area, b.tables, b.notes, b.source], ['terrace', ['P1'], 'Birthday', 'widget']);
  assert.deepEqual({ ...b.customer, id: undefined }, { id: undefined, name: 'Grace Hopper', email: 'grace@example.com', phone: '+33612345678' });
});

test('a returning guest is shown as the record holds them: a missing phone filled in, the record\'s own name and email', async () => {
  const r = await createTenant(t.app, bistro());
  const first = await bookAndCompare(r, booking(TUE, '12:00', 2, { customer: { name: 'Ada', email: 'ada@example.com' } }));
  assert.equal(first.customer.phone, null);
  // Found by email; the phone it lacked is filled in, and the answer shows it.
  const second = await bookAndCompare(r, booking(TUE, '12:15', 2, { customer: { name: 'Ada L.', email: 'ADA@example.com', phone: '+44 20 7946 0958' } }));
  assert.deepEqual(second.customer, { id: first.customer.id, name: 'Ada', email: 'ada@example.com', phone: '+442079460958' });
  // Found by phone under another email: the record keeps its email and name.
  const third = await bookAndCompare(r, booking(TUE, '12:30', 2, { customer: { name: 'Someone', email: 'other@example.com', phone: '+442079460958' } }));
  assert.deepEqual(third.customer, second.customer);
  // A phone another guest holds is not moved: found by email, nothing filled, the answer shows the record as it is.
  const grace = await bookAndCompare(r, booking(TUE, '12:45', 2, { customer: { name: 'Grace', email: 'grace@example.com' } }));
  const clash = await bookAndCompare(r, booking(TUE, '13:00', 2, { customer: { name: 'Grace', email: 'grace@example.com', phone: '+442079460958' } }));
  assert.deepEqual(clash.customer, { ...grace.customer, phone: null });
});

test('a table taken by a hold the booking cannot see: refused 409 after re-deciding, and nothing of it is left', async () => {
  const one = { tables: [{ key: 'X', area: 'main', minCovers: 1, maxCovers: 4 }], combinations: [] };
  const a = await createTenant(t.app, bistro(one));
  const b = await createTenant(t.app, bistro(one));
  const table = (await t.db.query('SELECT id FROM tables WHERE restaurant_id = $1', [a.id])).rows[0].id as string;
  // A hold of table X written under another restaurant: a's reads never see it, the exclusion constraint does.
  const rogue = 'res_rogue1111111111111';
  await t.db.query(
    `INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at, party_size)
     VALUES ($1, $2, 'ZZZ-ZZZY', 'confirmed', $3, '19:00', 'dinner', '2026-03-03T18:00:00Z', '2026-03-03T19:30:00Z', '2026-03-03T19:30:00Z', 2)`,
    [rogue, b.id, TUE],
  );
  await t.db.query(`INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during) VALUES ($1, $2, $3, '[2026-03-03 18:00Z, 2026-03-03 19:30Z)')`, [rogue, table, b.id]);
  const events = async () => Number((await t.db.query('SELECT count(*) AS n FROM webhook_events WHERE restaurant_id = $1', [a.id])).rows[0].n);
  const before = await events();
  const res = await a.post('/reservations', booking(TUE, '19:00', 2, { customer: { name: 'Late', email: 'late@example.com' } }));
  assert.equal(res.statusCode, 409, res.body);
  assert.deepEqual([res.json().error.code, res.json().error.details.reason], ['no_tables_available', 'all_busy']);
  const count = async (sql: string) => Number((await t.db.query(sql, [a.id])).rows[0].n);
  assert.equal(await count('SELECT count(*) AS n FROM reservations WHERE restaurant_id = $1'), 0);
  assert.equal(await count('SELECT count(*) AS n FROM reservation_tables WHERE restaurant_id = $1'), 0);
  assert.equal(await count('SELECT count(*) AS n FROM reservation_history WHERE restaurant_id = $1'), 0);
  assert.equal(await count('SELECT count(*) AS n FROM customers WHERE restaurant_id = $1'), 0);
  assert.equal(await events(), before);
  // The table is free again for a time the hidden hold does not cover.
  const later = await bookAndCompare(a, booking(TUE, '21:00', 2)); // 20:00Z, after the hidden hold
  assert.deepEqual(later.tables, ['X']);
});

test('a reference already taken writes nothing of the booking: another one is drawn, and the answer, the read and the event carry it', async () => {
  const r = await createTenant(t.app, bistro());
  const first = await bookAndCompare(r, booking(TUE, '12:00', 2, { customer: { name: 'Ada', email: 'ada@example.com' } }));
  const reservations = t.app.services.reservations;
  const draws = [first.reference as string, 'ZZZ-ZZZZ'];
  reservations.drawReference = () => draws.shift()!;
  try {
    const second = await bookAndCompare(r, booking(TUE, '12:00', 2, { customer: { name: 'Grace', email: 'grace@example.com' } }));
    assert.equal(draws.length, 0, 'the taken reference was drawn, then another');
    assert.equal(second.reference, 'ZZZ-ZZZZ');
    const { rows } = await t.db.query(
      `SELECT r.id, r.reference, (SELECT count(*) FROM reservation_history h WHERE h.reservation_id = r.id)::int AS history,
              (SELECT count(*) FROM reservation_tables rt WHERE rt.reservation_id = r.id)::int AS holds,
              (SELECT count(*) FROM guest_messages m WHERE m.reservation_id = r.id AND m.kind = 'confirmation')::int AS confirmations,
              (SELECT string_agg(m.text_body, '') FROM guest_messages m WHERE m.reservation_id = r.id) AS bodies
         FROM reservations r WHERE r.restaurant_id = $1 ORDER BY r.created_at, r.reference`,
      [r.id],
    );
    assert.deepEqual(rows.map((x) => [x.reference, x.history, x.holds, x.confirmations]), [[first.reference, 1, 1, 1], ['ZZZ-ZZZZ', 1, 1, 1]]);
    assert.ok(rows[1].bodies.includes('ZZZ-ZZZZ') && !rows[1].bodies.includes(first.reference), 'the guest is told the reference that was written');
  } finally {
    reservations.drawReference = newReference;
  }
});

/** The statement that takes a date's lock (booking.ts lockServiceDate). */
const DATE_LOCK_TEXT = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

test('in a caller\'s transaction the date\'s lock is pipelined with the day\'s read: a lock wait that fails fails the booking with its own error, nothing written', async () => {
  const r = await createTenant(t.app, bistro());
  const key = dateLockKey(r.id, TUE);
  // Another connection holds the date, as a booking of that date in progress would.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const holder = t.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    holding();
    await gate;
  });
  await held;
  const input = { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', email: 'ada.lock@example.com' } };
  try {
    // An idempotent request's path: the booking made in the caller's transaction.
    // Its outcome observed at once: it rejects as soon as the wait is cancelled, maybe before the cancel's own answer.
    const made = t.db.transaction((tx) => t.app.services.reservations.create(r.id, input, SYSTEM, tx)).then(() => null, (err: unknown) => err);
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      const { rows } = await t.db.query<{ pid: number }>(
        // The booking's own wait: the app's background work (sweepers, workers) may wait on locks of its own.
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database()
            AND state = 'active' AND query = $1`,
        [DATE_LOCK_TEXT],
      );
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(pid !== undefined, 'the booking waits for its date');
    await t.db.query('SELECT pg_cancel_backend($1)', [pid]);
    // The cause (query_canceled), not the "current transaction is aborted" of the day's read queued behind it.
    assert.equal(((await made) as { code?: string } | null)?.code, '57014');
  } finally {
    release();
    await holder;
  }
  const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [r.id]);
  assert.equal(rows[0]!.n, 0);
  // The date is free again: the same booking goes through.
  const res = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: input.customer }));
  assert.equal(res.statusCode, 201, res.body);
});
