/**
 * GET /availability's serialized answers (src/modules/availability/day-cache.ts, answer()): kept as bytes per
 * restaurant, date, party size and area beside the day cache, written as they are while the day's stamp is unchanged
 * and the clock has not reached an instant where a verdict could turn — and rebuilt by the very next request after any
 * change: through the API, in SQL behind the application's back, from a second instance on the same database, by the
 * configuration, or by the clock (a slot becoming past or entering the notice, the booking window moving at midnight).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { DayCache, dayWeight } from '../src/modules/availability/day-cache.js';
import { ByteLru } from '../src/lib/byte-lru.js';
import { loadDayStamp } from '../src/modules/availability/queries.js';
import type { Queryable } from '../src/db/types.js';

const MON = '2026-03-02';

/** One 2-top per area, lunch only (12:00–13:30 seatings), 60 minutes' notice, a 10-day window. */
const small = () =>
  bistro({
    policy: { bookingWindowDays: 10 },
    tables: [
      { key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 },
      { key: 'P1', area: 'terrace', minCovers: 1, maxCovers: 2 },
    ],
    combinations: [],
    closures: [],
    services: [{ key: 'lunch', name: 'Lunch', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '12:00', lastSeating: '13:30', end: '15:00' }],
  });

/** Records what each answer of this instance was: kept bytes, or built. */
function answers(t: TestApp): string[] {
  const seen: string[] = [];
  t.app.services.availability.days.onAnswer = (r) => seen.push(r);
  return seen;
}

const get = (r: Tenant, date: string, partySize = 2, area?: string) =>
  r.get(`/availability?date=${date}&partySize=${partySize}${area ? `&area=${area}` : ''}`);

async function freeTimes(r: Tenant, date = MON, partySize = 2, area?: string): Promise<string[]> {
  const res = await get(r, date, partySize, area);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().slots as { time: string; available: boolean }[]).filter((s) => s.available).map((s) => s.time);
}

test('kept bytes are the answer the route would serialize, per date, party size and area; a bad area is refused and never kept', async () => {
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, small());
    const seen = answers(t);
    const first = await get(r, MON);
    const second = await get(r, MON);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(second.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(second.body, first.body, 'the same bytes');
    // The object path (what MCP uses) gives the same answer, field for field.
    assert.deepEqual(second.json(), await t.app.services.availability.forDate(r.id, { date: MON, partySize: 2 }));
    assert.deepEqual(seen.splice(0), ['built', 'kept']);
    assert.deepEqual(first.json().slots[0], { time: '12:00', available: true, service: 'lunch', startsAt: '2026-03-02T11:00:00.000Z' });

    // Another party size, another area, no area: an answer each.
    await get(r, MON, 1);
    await get(r, MON, 2, 'terrace');
    await get(r, MON, 2, 'terrace');
    await get(r, MON, 1);
    assert.deepEqual(seen.splice(0), ['built', 'built', 'kept', 'kept']);
    assert.equal(JSON.parse((await get(r, MON, 2, 'terrace')).body).area, 'terrace');
    seen.splice(0);

    const bad = await get(r, MON, 2, 'cellar');
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(bad.json().error.code, 'validation_failed');
    assert.equal((await get(r, MON, 2, 'cellar')).statusCode, 422, 'refused again, not served from memory');
    assert.deepEqual(seen.splice(0), ['built', 'built']);
    assert.equal(t.app.services.availability.days.answerCount, 3);

    // The admin API mounts the same read: the same bytes.
    const admin = await t.app.services.availability.forDateSerialized(r.id, { date: MON, partySize: 2 });
    assert.equal(admin.bytes.toString(), first.body);
  } finally {
    await t.close();
  }
});

test('a change by any path is in the very next answer: the API, SQL behind the back, another instance, the configuration', async () => {
  const clock = new TestClock(MONDAY_9Z);
  const a = await createTestApp({ clock });
  const b = await createTestApp({ db: a.db, clock });
  try {
    const onA = await createTenant(a.app, small());
    const onB: Tenant = {
      ...onA,
      get: (path: string) => b.app.inject({ method: 'GET', url: `/v1/restaurants/${onA.slug}${path}`, headers: { authorization: `Bearer ${onA.key}` } }),
    };
    const seen = answers(a);
    const all = ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30'];
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), all);
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), all);
    assert.deepEqual(seen.splice(0), ['built', 'kept']);

    // Through the API of this instance.
    const made = await onA.post('/reservations', booking(MON, '12:00', 2, { area: 'main' }));
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as string;
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), ['13:30']);
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), ['13:30']);
    assert.deepEqual(seen.splice(0), ['built', 'kept']);

    // In SQL, behind the application's back.
    await a.db.query(`UPDATE reservations SET status = 'cancelled' WHERE id = $1`, [id]);
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), all, 'a cancellation written in SQL');
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), all);
    assert.deepEqual(seen.splice(0), ['built', 'kept']);

    // From the second instance on the same database: no message to wait for.
    assert.deepEqual(await freeTimes(onB, MON, 2, 'main'), all);
    const fromB = await b.app.inject({
      method: 'POST', url: `/v1/restaurants/${onA.slug}/reservations`, headers: { authorization: `Bearer ${onA.key}` },
      payload: booking(MON, '12:30', 2, { area: 'main' }),
    });
    assert.equal(fromB.statusCode, 201, fromB.body);
    assert.deepEqual(await freeTimes(onA, MON, 2, 'main'), [], 'A: the 12:30 booking of B blocks 12:00–13:30');
    assert.deepEqual(seen.splice(0), ['built']);

    // A change of a date whose holds can reach this one (the day before) invalidates it; one four days away does not.
    await freeTimes(onA, MON, 2, 'main');
    await a.db.query(`SELECT note_day_change($1, '2026-03-06')`, [onA.id]);
    await freeTimes(onA, MON, 2, 'main');
    await a.db.query(`SELECT note_day_change($1, '2026-03-01')`, [onA.id]);
    await freeTimes(onA, MON, 2, 'main');
    assert.deepEqual(seen.splice(0), ['kept', 'kept', 'built']);

    // The configuration (the restaurant's version): a later last seating appears at once.
    await a.db.query(`UPDATE services SET last_seating = '14:00' WHERE restaurant_id = $1`, [onA.id]);
    await a.db.query(`UPDATE restaurants SET updated_at = now() + interval '1 second' WHERE id = $1`, [onA.id]);
    const res = await get(onA, MON, 2, 'main');
    assert.deepEqual((res.json().slots as { time: string }[]).map((s) => s.time).slice(-2), ['13:45', '14:00']);
    assert.deepEqual(seen.splice(0), ['built']);

    // The restaurant gone: not found, not the kept bytes.
    const availability = a.app.services.availability;
    await availability.forDateSerialized(onA.id, { date: MON, partySize: 2, area: 'main' });
    assert.deepEqual(seen.splice(0), ['kept']);
    await a.db.query('DELETE FROM restaurants WHERE id = $1', [onA.id]);
    await assert.rejects(availability.forDateSerialized(onA.id, { date: MON, partySize: 2, area: 'main' }), { code: 'not_found' });
  } finally {
    await b.close();
    await a.close();
  }
});

test('the clock: an answer is rebuilt when a slot turns past or enters the notice, when the window moves at midnight, and when time goes back', async () => {
  const clock = new TestClock(MONDAY_9Z); // 10:00 in Paris; 60 minutes' notice: 12:00 is bookable until 11:00
  const t = await createTestApp({ clock });
  try {
    const r = await createTenant(t.app, small());
    const seen = answers(t);
    const all = ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30'];
    assert.deepEqual(await freeTimes(r), all);
    clock.advance(59 * 60_000); // 10:59
    assert.deepEqual(await freeTimes(r), all);
    assert.deepEqual(seen.splice(0), ['built', 'kept']);
    clock.advance(60_000 + 1); // just past 11:00: 12:00 is inside the notice
    const now = await get(r, MON);
    assert.deepEqual(now.json().slots[0], {
      time: '12:00', available: false, reason: 'outside_opening_hours', detail: 'min_notice', service: 'lunch', startsAt: '2026-03-02T11:00:00.000Z',
    });
    assert.deepEqual(seen.splice(0), ['built']);
    clock.ms = Date.parse('2026-03-02T11:00:00.001Z'); // 12:00:00.001 in Paris: 12:00 is past
    assert.equal((await get(r, MON)).json().slots[0].detail, 'past');
    assert.deepEqual(seen.splice(0), ['built']);

    // Back in time (tests move clocks; so may an operator): rebuilt, not the later answer.
    clock.ms = MONDAY_9Z;
    assert.deepEqual(await freeTimes(r), all);
    assert.deepEqual(seen.splice(0), ['built']);

    // The window: ten days from Monday 2026-03-02 ends on 2026-03-12; the 13th opens at local midnight.
    const beyond = '2026-03-13';
    clock.ms = Date.parse('2026-03-02T22:59:59.000Z'); // 23:59:59 in Paris
    const closed = (await get(r, beyond)).json().slots as { detail?: string }[];
    assert.ok(closed.every((s) => s.detail === 'booking_window'));
    clock.ms = Date.parse('2026-03-02T22:59:59.999Z');
    await get(r, beyond);
    assert.deepEqual(seen.splice(0), ['built', 'kept']);
    clock.ms = Date.parse('2026-03-02T23:00:00.000Z'); // midnight in Paris
    assert.deepEqual(await freeTimes(r, beyond), all, 'bookable from midnight');
    assert.deepEqual(seen.splice(0), ['built']);
    // A date inside the window keeps its answer across midnight (nothing of it depends on the date turning).
    await freeTimes(r, '2026-03-05');
    clock.ms = Date.parse('2026-03-03T23:00:00.000Z');
    await freeTimes(r, '2026-03-05');
    assert.deepEqual(seen.splice(0), ['built', 'kept']);
  } finally {
    await t.close();
  }
});

test('the caches are bounded in bytes: past the bound the least recently used day and answer go, and answers stay right', async () => {
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, small());
    const svc = t.app.services.availability;
    const [TUE, WED, THU] = ['2026-03-03', '2026-03-04', '2026-03-05'];
    const made = await r.post('/reservations', booking(TUE, '12:00', 2));
    assert.equal(made.statusCode, 201, made.body);
    // What one answer and one day weigh here (every date of this floor has the same slots, so the same size).
    const one = (await get(r, MON)).body.length + 320;
    const day = dayWeight((await svc.days.read(t.app.services.db, r.id, TUE, 2)).state);
    const empty = dayWeight({ bookings: [], holds: new Map() });
    assert.ok(day > empty);
    // Room for two answers, and for TUE's day state and one empty day's, no more.
    const days = new DayCache(svc.floors, { answerBytes: 2 * one + 100, dayBytes: day + empty + 100 });
    (svc as { days: DayCache }).days = days;
    const seen = answers(t);

    const expected = new Map<string, string>();
    for (const date of [MON, TUE, WED]) expected.set(date, (await get(r, date)).body);
    assert.deepEqual(seen.splice(0), ['built', 'built', 'built']);
    assert.equal(days.answerCount, 2, 'the first answer went when the third came');
    assert.equal(days.size, 2);
    assert.ok(days.bytes.answers <= 2 * one + 100 && days.bytes.days <= day + empty + 100, JSON.stringify(days.bytes));

    // TUE is used again (kept), so THU evicts WED, the least recently used, not TUE.
    assert.equal((await get(r, TUE)).body, expected.get(TUE));
    await get(r, THU);
    assert.deepEqual(seen.splice(0), ['kept', 'built']);
    assert.equal((await get(r, TUE)).body, expected.get(TUE));
    assert.deepEqual(seen.splice(0), ['kept']);
    assert.equal((await get(r, WED)).body, expected.get(WED), 'an evicted answer is built again, the same');
    assert.equal((await get(r, MON)).body, expected.get(MON));
    assert.deepEqual(seen.splice(0), ['built', 'built']);

    // A change on an evicted date (WED went when MON came back) is in its next answer.
    const onWed = await r.post('/reservations', booking(WED, '12:00', 2, { area: 'main' }));
    assert.equal(onWed.statusCode, 201, onWed.body);
    const wed = await freeTimes(r, WED, 2, 'main');
    assert.ok(!wed.includes('12:00'), wed.join(' '));
    assert.ok(days.answerCount <= 2 && days.size <= 2);
  } finally {
    await t.close();
  }
});

test('the stamps asked for in one turn are one statement; a call made after a change sees it, even while a batch is in flight', async () => {
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, small());
    const db = t.app.services.db;
    const statements: string[] = [];
    let answered = 0;
    let hold: Promise<void> | undefined;
    const counting: Queryable = {
      query: async (sql, params) => {
        statements.push(sql);
        const result = await db.query(sql, params);
        answered++;
        if (hold) await hold;
        return result as never;
      },
      exec: (sql) => db.exec(sql),
    };
    const TUE = '2026-03-03';
    const single = (date: string, id = r.id) => db.query<{ version: string | null; days: string }>(
      `SELECT (SELECT updated_at::text FROM restaurants WHERE id = $1) AS version,
              (SELECT coalesce(sum(weight), 0)::text FROM day_changes WHERE restaurant_id = $1 AND date BETWEEN $2::date - 3 AND $2::date + 3) AS days`,
      [id, date],
    ).then((res) => res.rows[0]);
    await db.query(`SELECT note_day_change($1, $2)`, [r.id, '2026-03-06']); // within TUE's reach (three days), not MON's

    // Five calls in one turn (two the same, one of a restaurant that does not exist): one statement, each its answer.
    const asked = [[r.id, MON], [r.id, TUE], [r.id, MON], [r.id, '2026-04-01'], ['rst_missing', MON]] as const;
    const got = await Promise.all(asked.map(([id, date]) => loadDayStamp(counting, id, date)));
    assert.equal(statements.length, 1, statements.join('\n'));
    for (const [n, [id, date]] of asked.entries()) {
      const want = await single(date, id);
      assert.deepEqual(got[n], { version: want!.version, days: want!.days }, `${id} ${date}`);
    }
    assert.equal(got[4]!.version, null);
    assert.notEqual(got[0]!.days, got[1]!.days, 'MON and TUE see different changes');

    // A batch in flight (read, its answer held back from its callers): a change committed now is not in it, and a call
    // made after the commit does not join it — its own statement sees the change.
    statements.length = 0;
    answered = 0;
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const before = loadDayStamp(counting, r.id, MON);
    while (answered === 0) await new Promise((resolve) => setImmediate(resolve));
    await db.query(`SELECT note_day_change($1, $2)`, [r.id, MON]);
    const after = loadDayStamp(counting, r.id, MON);
    while (statements.length === 1) await new Promise((resolve) => setImmediate(resolve));
    hold = undefined;
    release();
    const [b, a] = await Promise.all([before, after]);
    assert.equal(statements.length, 2);
    assert.equal(BigInt(a.days), BigInt(b.days) + 1n, `before ${b.days}, after ${a.days}`);

    // One call's bad input fails that call alone: the others of its turn get their answers.
    statements.length = 0;
    const mixed = await Promise.allSettled([loadDayStamp(counting, r.id, MON), loadDayStamp(counting, r.id, '2026-02-30'), loadDayStamp(counting, r.id, TUE)]);
    assert.deepEqual(mixed.map((m) => m.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual((mixed[0] as PromiseFulfilledResult<unknown>).value, await single(MON));
    assert.deepEqual((mixed[2] as PromiseFulfilledResult<unknown>).value, await single(TUE));
    assert.equal(statements.length, 4, 'the batch, then each call on its own');

    // Through the API: concurrent requests for several dates answer as one at a time would.
    const dates = [MON, TUE, '2026-03-04', MON, TUE];
    const together = await Promise.all(dates.map((d) => get(r, d)));
    for (const [n, d] of dates.entries()) {
      assert.equal(together[n]!.statusCode, 200);
      assert.equal(together[n]!.body, (await get(r, d)).body, d);
    }
  } finally {
    await t.close();
  }
});

test('ByteLru: bounded by weight and by count, least recently used out first, nothing heavier than the budget kept', () => {
  const lru = new ByteLru<string>(10, 3, (v) => v.length);
  lru.set('a', 'aaaa');
  lru.set('b', 'bbbb');
  assert.equal(lru.get('a'), 'aaaa'); // a is now the most recent
  lru.set('c', 'cc'); // 10 bytes: fits
  assert.deepEqual([lru.size, lru.bytes], [3, 10]);
  lru.set('d', 'd'); // over both bounds: b (least recent) goes
  assert.equal(lru.peek('b'), undefined);
  assert.deepEqual([lru.size, lru.bytes], [3, 7]);
  lru.set('a', 'aaaaaaaa'); // replaced, heavier: c goes (d is newer), the old a's weight is not counted twice
  assert.deepEqual([lru.peek('c'), lru.size, lru.bytes], [undefined, 2, 9]);
  lru.set('e', 'e'.repeat(11));
  assert.equal(lru.peek('e'), undefined, 'heavier than the whole budget: not kept');
  assert.deepEqual([lru.size, lru.bytes], [2, 9], 'and nothing evicted for it');
});
