/**
 * loadLockedDayStates (src/modules/availability/queries.ts): several dates' locked reads in one statement, as a batch
 * of bookings reads them (ReservationService.bookBatch). Each date must come back exactly as its own read
 * (loadLockedDayState) gives it: its bookings, every hold reaching its span (a hold of the day before included), and
 * its overdue waitlist offers only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, SYSTEM } from './helpers/booking.js';
import { loadLockedDayState, loadLockedDayStates } from '../src/modules/availability/queries.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const at = (s: string) => Date.parse(s);

test('several dates in one read: each exactly as its own read, in the order asked', async () => {
  const r = await createTenant(t.app, bistro());
  const book = (date: string, time: string, partySize: number, i: number) =>
    t.app.services.reservations.create(r.id, { date, time, partySize, customer: { name: `G${i}`, email: `g${i}@example.com` } }, SYSTEM);
  const made = [
    await book('2026-03-03', '12:00', 2, 1), await book('2026-03-03', '20:30', 4, 2), await book('2026-03-03', '21:00', 2, 3),
    await book('2026-03-05', '19:30', 6, 4), await book('2026-03-05', '12:30', 2, 5),
  ];
  // One overdue offer on the 5th (an offered entry holds a reservation), one not yet due on the 3rd.
  await t.db.query(
    `INSERT INTO waitlist_entries (id, restaurant_id, date, party_size, status, reservation_id, offered_at, offer_expires_at) VALUES
       ('wl_lockeddaysdue', $1, '2026-03-05', 2, 'offered', $2, $4::timestamptz - interval '1 hour', $4::timestamptz - interval '1 minute'),
       ('wl_lockeddayslater', $1, '2026-03-03', 2, 'offered', $3, $4::timestamptz - interval '1 hour', $4::timestamptz + interval '1 hour')`,
    [r.id, made[4]!.id, made[0]!.id, new Date(MONDAY_9Z)],
  );
  const reads: { date: string; span: [number, number] | null }[] = [
    { date: '2026-03-05', span: [at('2026-03-05T10:00:00Z'), at('2026-03-05T23:00:00Z')] },
    // The 4th, no booking of its own, over a span that the 3rd's late dinners reach into.
    { date: '2026-03-04', span: [at('2026-03-03T20:00:00Z'), at('2026-03-04T23:00:00Z')] },
    { date: '2026-03-03', span: [at('2026-03-03T10:00:00Z'), at('2026-03-04T01:00:00Z')] },
    { date: '2026-03-06', span: null },
  ];
  const together = await t.db.transaction((tx) => loadLockedDayStates(tx, r.id, reads, MONDAY_9Z));
  const alone = await t.db.transaction(async (tx) => {
    const out = [];
    for (const { date, span } of reads) out.push(await loadLockedDayState(tx, r.id, date, span, MONDAY_9Z));
    return out;
  });
  assert.equal(together.version, alone[0]!.version);
  assert.notEqual(together.version, null);
  assert.deepEqual(together.days, alone.map((a) => ({ due: a.due, state: a.state })));
  // What the reads hold, so that the comparison is not of two empty answers.
  assert.deepEqual(together.days.map((d) => d.state.bookings.length), [2, 0, 3, 0]);
  assert.ok(together.days[1]!.state.holds.size > 0, 'the 3rd\'s late holds reach the 4th\'s span');
  assert.deepEqual(together.days.map((d) => d.due), [['wl_lockeddaysdue'], [], [], []]);
  // A restaurant that does not exist: no version, as alone.
  assert.equal((await t.db.transaction((tx) => loadLockedDayStates(tx, 'rst_nobody', reads, MONDAY_9Z))).version, null);
});
