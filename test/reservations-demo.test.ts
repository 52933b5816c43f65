/**
 * The demo restaurant, booked full through the API: before every attempt, availability for that party size is asked,
 * and the booking must succeed exactly when the slot was reported available, failing with the very reason reported.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { booking, createTenant, MONDAY_9Z, type SlotJson, type Tenant } from './helpers/booking.js';
import { demoConfig } from '../src/modules/restaurants/demo-config.js';
import type { RateLimiter } from '../src/http/rate-limit/types.js';

const unlimited: RateLimiter = {
  consume: async (_bucket, limit) => ({ allowed: true, limit, remaining: limit, resetSeconds: 0, retryAfterSeconds: 0 }),
};

let t: TestApp;
let demo: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), limiter: unlimited });
  demo = await createTenant(t.app, demoConfig('2026-03-02'));
});
after(async () => t.close());

async function availability(date: string, partySize: number): Promise<SlotJson[]> {
  const res = await demo.get(`/availability?date=${date}&partySize=${partySize}`);
  assert.equal(res.statusCode, 200);
  return res.json().slots;
}

test('the demo restaurant booked full: at every slot, available iff the booking succeeds', async (ctx) => {
  const date = '2026-03-06'; // a Friday: lunch and dinner
  const sizes = [8, 3, 2, 4, 6, 1, 5, 7, 10, 9];
  let booked = 0;
  let refused = 0;
  const reasons = new Set<string>();
  for (let round = 0, progress = true; progress; round++) {
    progress = false;
    for (const size of sizes) {
      let slots = await availability(date, size);
      for (const time of slots.map((s) => s.time)) {
        // book this slot again and again until it refuses, asking availability before every attempt
        for (;;) {
          const slot = slots.find((s) => s.time === time)!;
          const res = await demo.post('/reservations', booking(date, time, size));
          if (!slot.available) {
            assert.notEqual(res.statusCode, 201, `${time} for ${size} was unavailable (${slot.reason}) yet booked`);
            assert.equal(res.json().error.code, slot.reason, `${time} for ${size}`);
            const d = res.json().error.details;
            if (slot.detail !== 'policy') assert.equal(d.reason ?? d.limit, slot.detail, `${time} for ${size}`);
            reasons.add(slot.reason!);
            refused++;
            break;
          }
          assert.equal(res.statusCode, 201, `${time} for ${size} was available: ${res.body}`);
          booked++;
          progress = true;
          slots = await availability(date, size); // the booking changes this slot and its neighbours
        }
      }
    }
    assert.ok(round < 20, 'terminates');
  }
  // full: nothing is offered any more, for any party size
  for (const size of sizes) assert.ok((await availability(date, size)).every((s) => !s.available), `size ${size}`);
  ctx.diagnostic(`${booked} bookings made, ${refused} refusals matched availability's reason`);
  assert.ok(booked >= 20, `booked ${booked}`);
  assert.ok(refused > 0);
  assert.ok(reasons.has('no_tables_available'));
  assert.ok(reasons.has('slot_limit_reached'), 'pacing binds somewhere in a full day');

  const overlaps = await t.db.query(
    `SELECT count(*)::int AS n FROM reservation_tables a JOIN reservation_tables b ON a.table_id = b.table_id AND a.reservation_id < b.reservation_id
      WHERE a.restaurant_id = $1 AND a.active AND b.active AND a.during && b.during`,
    [demo.id],
  );
  assert.equal(overlaps.rows[0].n, 0);
  const pacing = await t.db.query(
    `SELECT service_key, time, sum(party_size)::int AS covers, count(*)::int AS n FROM reservations WHERE restaurant_id = $1 AND active GROUP BY 1, 2`,
    [demo.id],
  );
  const limits: Record<string, [number, number]> = { lunch: [16, 5], dinner: [20, 6] };
  for (const row of pacing.rows) {
    assert.ok(row.covers <= limits[row.service_key][0] && row.n <= limits[row.service_key][1], JSON.stringify(row));
  }
  const combos = await t.db.query(
    `SELECT count(*)::int AS n FROM (SELECT reservation_id FROM reservation_tables WHERE restaurant_id = $1 GROUP BY 1 HAVING count(*) > 1) x`,
    [demo.id],
  );
  assert.ok(combos.rows[0].n > 0, 'combinations were used');
});

test('the demo calendar: a closure, an event closing dinner, special hours', async () => {
  const closure = (await demo.get('/availability?date=2026-03-16&partySize=2')).json();
  assert.deepEqual([closure.closed, closure.slots.length], [true, 0]);
  const event = await availability('2026-03-12', 2);
  assert.ok(event.length > 0 && event.every((s) => s.service === 'lunch'));
  const brunch = await availability('2026-03-23', 2);
  assert.ok(brunch.length > 0 && brunch.every((s) => s.service === 'brunch'));
  const hours = (await demo.get('/hours?from=2026-03-12&to=2026-03-23')).json().days;
  assert.equal(hours.find((d: { date: string }) => d.date === '2026-03-16').closureReason, 'Staff training day');
});
