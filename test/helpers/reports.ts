/**
 * A known history for the report suites, seeded through the real services with the test clock set to the moment of
 * each step (so created_at, history times and the lifecycle are what a real day would write). Europe/Paris; the range
 * 2026-03-28 (Sat) .. 2026-03-30 (Mon) spans the spring-forward night (2026-03-29 02:00 → 03:00).
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { TestClock } from './app.js';
import { bistro, createTenant, SYSTEM, type Tenant } from './booking.js';

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The bistro's floor (20 seats), lunch and an overnight dinner (slots until 23:30, ends 01:30) every day. */
export function reportBistro() {
  return bistro({
    services: [
      { key: 'lunch', name: 'Lunch', days: EVERY_DAY, start: '12:00', lastSeating: '13:30', end: '15:00' },
      { key: 'dinner', name: 'Dinner', days: EVERY_DAY, start: '19:00', lastSeating: '23:30', end: '01:30' },
    ],
    closures: [],
  } as never);
}

export const RANGE = { from: '2026-03-28', to: '2026-03-30' };

const guest = (name: string) => ({ name, email: `${name.toLowerCase()}@example.com` });

/**
 * A  2026-03-28 12:00 lunch   2 widget  Ada    made 03-20 → completed
 * B  2026-03-28 23:30 dinner  4 phone   Fay    made 03-28 00:30 local (03-27 23:30Z) → completed at 01:30 (across midnight)
 * C  2026-03-29 20:00 dinner  2 api     Cy     made 03-20 → cancelled at 19:00 local (late: cut-off 120 min)
 * D  2026-03-29 12:30 lunch   3 agent   Dee    made 03-20 → no-show
 * E  2026-03-29 12:00 lunch   6 phone   Eve    made 03-20 → cancelled on 03-25 (on time)
 * H  2026-03-21 12:00 lunch   2 phone   Bob    made 03-20 → completed (before the range: Bob returns)
 * I  2026-03-30 19:00 dinner  5 widget  Bob    made 03-30 (same day) → confirmed
 * W1 waitlist 2026-03-30 20:00 2 Gus → offered → accepted (a `waitlist` booking, confirmed)
 * W2 waitlist 2026-03-30 20:00 2 Hal → offered → cancelled
 * G  walk-in 2026-03-30 13:00 lunch 2 walk_in Ada (seated)
 */
export async function seedHistory(app: FastifyInstance, clock: TestClock): Promise<Tenant> {
  const t = await createTenant(app, reportBistro());
  const res = app.services.reservations;
  const at = (iso: string) => (clock.ms = Date.parse(iso));
  const book = (date: string, time: string, partySize: number, source: string, name: string) =>
    res.create(t.id, { date, time, partySize, source, customer: guest(name) }, SYSTEM);
  const step = (id: string, status: 'seated' | 'completed' | 'no_show') => res.update(t.id, id, { status }, SYSTEM);

  at('2026-03-20T10:00:00Z');
  const h = await book('2026-03-21', '12:00', 2, 'phone', 'Bob');
  const a = await book('2026-03-28', '12:00', 2, 'widget', 'Ada');
  const c = await book('2026-03-29', '20:00', 2, 'api', 'Cy');
  const d = await book('2026-03-29', '12:30', 3, 'agent', 'Dee');
  const e = await book('2026-03-29', '12:00', 6, 'phone', 'Eve');
  at('2026-03-21T11:00:00Z');
  await step(h.id, 'seated');
  at('2026-03-21T12:30:00Z');
  await step(h.id, 'completed');
  at('2026-03-25T09:00:00Z');
  await res.cancel(t.id, e.id, 'plans changed', SYSTEM);
  at('2026-03-27T23:30:00Z');
  const b = await book('2026-03-28', '23:30', 4, 'phone', 'Fay');
  at('2026-03-28T11:00:00Z');
  await step(a.id, 'seated');
  at('2026-03-28T12:30:00Z');
  await step(a.id, 'completed');
  at('2026-03-28T22:30:00Z');
  await step(b.id, 'seated');
  at('2026-03-29T00:30:00Z');
  await step(b.id, 'completed');
  at('2026-03-29T10:30:00Z');
  await step(d.id, 'no_show');
  at('2026-03-29T17:00:00Z');
  await res.cancel(t.id, c.id, null, SYSTEM);
  at('2026-03-30T08:00:00Z');
  await book('2026-03-30', '19:00', 5, 'widget', 'Bob');
  const w1 = await app.services.waitlist.create(t.id, { date: '2026-03-30', time: '20:00', partySize: 2, customer: guest('Gus'), source: 'widget' });
  if (w1.status !== 'offered') throw new Error(`seed: waitlist entry not offered (${w1.status})`);
  await app.services.waitlist.accept(t.id, w1.id, SYSTEM);
  const w2 = await app.services.waitlist.create(t.id, { date: '2026-03-30', time: '20:00', partySize: 2, customer: guest('Hal'), source: 'widget' });
  if (w2.status !== 'offered') throw new Error(`seed: waitlist entry not offered (${w2.status})`);
  await app.services.waitlist.cancel(t.id, w2.id);
  at('2026-03-30T11:00:00Z');
  const g = await res.createWalkIn(t.id, { partySize: 2, source: 'walk_in', customer: guest('Ada') }, SYSTEM);
  if (g.status !== 'seated' || g.time !== '13:00') throw new Error(`seed: walk-in ${g.status} at ${g.time}`);
  at('2026-04-01T08:00:00Z');
  return t;
}

/** The figures of seedHistory over RANGE (every report but occupancy, checked by checkOccupancy). */
export const EXPECTED = {
  daily: {
    rows: [
      { date: '2026-03-28', service: 'lunch', bookings: 1, covers: 2, seatedCovers: 2 },
      { date: '2026-03-28', service: 'dinner', bookings: 1, covers: 4, seatedCovers: 4 },
      { date: '2026-03-29', service: 'lunch', bookings: 1, covers: 3, seatedCovers: 0 },
      { date: '2026-03-30', service: 'lunch', bookings: 1, covers: 2, seatedCovers: 2 },
      { date: '2026-03-30', service: 'dinner', bookings: 2, covers: 7, seatedCovers: 0 },
    ],
  },
  statusMix: {
    cancellationCutoffMinutes: 120,
    rows: [
      { status: 'confirmed', bookings: 2, covers: 7, share: 0.25 },
      { status: 'seated', bookings: 1, covers: 2, share: 0.125 },
      { status: 'completed', bookings: 2, covers: 6, share: 0.25 },
      { status: 'no_show', bookings: 1, covers: 3, share: 0.125 },
      { status: 'cancelled', bookings: 1, covers: 6, share: 0.125 },
      { status: 'late_cancelled', bookings: 1, covers: 2, share: 0.125 },
    ],
  },
  leadTime: {
    rows: [
      // B was made at 00:30 local on its own service date (23:30Z the day before): same day, not 1 day.
      { bucket: 'same_day', minDays: 0, maxDays: 0, bookings: 4, covers: 13, share: 0.6667 },
      { bucket: '1_day', minDays: 1, maxDays: 1, bookings: 0, covers: 0, share: 0 },
      { bucket: '2_3_days', minDays: 2, maxDays: 3, bookings: 0, covers: 0, share: 0 },
      { bucket: '4_7_days', minDays: 4, maxDays: 7, bookings: 0, covers: 0, share: 0 },
      { bucket: '8_14_days', minDays: 8, maxDays: 14, bookings: 2, covers: 5, share: 0.3333 },
      { bucket: '15_30_days', minDays: 15, maxDays: 30, bookings: 0, covers: 0, share: 0 },
      { bucket: '31_plus_days', minDays: 31, maxDays: null, bookings: 0, covers: 0, share: 0 },
    ],
  },
  partySize: {
    rows: [
      { partySize: 2, bookings: 3, covers: 6, share: 0.5 },
      { partySize: 3, bookings: 1, covers: 3, share: 0.1667 },
      { partySize: 4, bookings: 1, covers: 4, share: 0.1667 },
      { partySize: 5, bookings: 1, covers: 5, share: 0.1667 },
    ],
  },
  sources: {
    rows: [
      { source: 'widget', bookings: 2, covers: 7, share: 0.3333 },
      { source: 'agent', bookings: 1, covers: 3, share: 0.1667 },
      { source: 'phone', bookings: 1, covers: 4, share: 0.1667 },
      { source: 'waitlist', bookings: 1, covers: 2, share: 0.1667 },
      { source: 'walk_in', bookings: 1, covers: 2, share: 0.1667 },
    ],
  },
  waitlist: {
    conversionRate: 0.5,
    rows: [
      { status: 'waiting', entries: 0, covers: 0, share: 0 },
      { status: 'offered', entries: 0, covers: 0, share: 0 },
      { status: 'booked', entries: 1, covers: 2, share: 0.5 },
      { status: 'expired', entries: 0, covers: 0, share: 0 },
      { status: 'cancelled', entries: 1, covers: 2, share: 0.5 },
    ],
  },
  guests: {
    rows: [
      { kind: 'new', guests: 4, bookings: 5, covers: 13 },
      { kind: 'returning', guests: 1, bookings: 1, covers: 5 },
      { kind: 'unknown', guests: null, bookings: 0, covers: 0 },
    ],
  },
};

/** The occupancy cells with seated covers: weekday (1 = Mon), local hour, cover-hours (20 seats). */
export const OCCUPIED = [
  [1, 13, 2, 0.1], [1, 14, 1, 0.05], // Mon: the walk-in, 13:00–14:30
  [6, 12, 2, 0.1], [6, 13, 1, 0.05], // Sat: A, 12:00–13:30
  [6, 23, 2, 0.1], [7, 0, 4, 0.2], [7, 1, 2, 0.1], // B across midnight, Sat 23:30 – Sun 01:30
];

export function checkOccupancy(occ: { seats: number; rows: Record<string, number | null>[] }) {
  assert.equal(occ.seats, 20);
  // Sat 24 + Sun 23 (02:00 does not exist on 2026-03-29) + Mon 24 hours.
  assert.equal(occ.rows.length, 71);
  assert.equal(occ.rows.find((c) => c.weekday === 7 && c.hour === 2), undefined);
  for (const c of occ.rows) {
    assert.equal(c.hours, 1);
    assert.equal(c.capacityCoverHours, 20);
  }
  const occupied = occ.rows.filter((c) => c.seatedCoverHours !== 0).map((c) => [c.weekday, c.hour, c.seatedCoverHours, c.occupancy]);
  assert.deepEqual(occupied, OCCUPIED);
  assert.ok(occ.rows.filter((c) => c.seatedCoverHours === 0).every((c) => c.occupancy === 0));
}

