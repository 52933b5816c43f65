/** The pure engine, without a database: wall time ↔ instants, slot generation, best fit, pacing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatesFor, chooseUnit, type Holds } from '../src/modules/availability/assignment.js';
import { evaluateDay, evaluateRequest, type DayState } from '../src/modules/availability/evaluate.js';
import { turnMinutes, type BookingModel } from '../src/modules/availability/model.js';
import { scheduleOn } from '../src/modules/availability/schedule.js';
import { slotsOf } from '../src/modules/availability/slots.js';
import { wallToInstant } from '../src/modules/availability/time.js';

const Z = (s: string) => Date.parse(s);

function model(overrides: Partial<BookingModel> = {}): BookingModel {
  return {
    restaurantId: 'rst_x',
    timezone: 'Europe/Paris',
    policy: {
      minPartySize: 1, maxPartySize: 8, slotIntervalMinutes: 15, bookingWindowDays: 30, minNoticeMinutes: 60, bufferMinutes: 15,
      turnTimes: [{ maxPartySize: 2, minutes: 90 }, { maxPartySize: 4, minutes: 120 }, { maxPartySize: 8, minutes: 150 }],
    },
    areas: [{ key: 'main', name: 'Main' }, { key: 'terrace', name: 'Terrace' }],
    tables: [
      { id: 't4', key: 'T4', area: 'main', minCovers: 2, maxCovers: 4, position: 0 },
      { id: 't1', key: 'T1', area: 'main', minCovers: 1, maxCovers: 2, position: 1 },
      { id: 't2', key: 'T2', area: 'main', minCovers: 1, maxCovers: 2, position: 2 },
      { id: 'p2', key: 'P2', area: 'terrace', minCovers: 1, maxCovers: 2, position: 3 },
    ],
    combinations: [{ id: 'c12', tableIds: ['t1', 't2'], minCovers: 3, maxCovers: 4, position: 0 }],
    services: [
      { key: 'dinner', name: 'Dinner', days: ['tue'], start: '19:00', lastSeating: '21:00', end: '23:00', pacing: { maxCoversPerSlot: 6, maxBookingsPerSlot: 2 } },
    ],
    closures: new Map(),
    specialHours: new Map(),
    events: [],
    ...overrides,
  };
}

const empty = (): DayState => ({ bookings: [], holds: new Map() });

test('wall time: ordinary, DST gap (null), DST overlap (earlier instant), overnight minutes', () => {
  assert.equal(wallToInstant('2026-03-03', 19 * 60, 'Europe/Paris'), Z('2026-03-03T18:00:00Z'));
  assert.equal(wallToInstant('2026-03-29', 2 * 60 + 30, 'Europe/Paris'), null);
  assert.equal(wallToInstant('2026-03-29', 3 * 60, 'Europe/Paris'), Z('2026-03-29T01:00:00Z'));
  assert.equal(wallToInstant('2026-10-25', 2 * 60 + 30, 'Europe/Paris'), Z('2026-10-25T00:30:00Z'));
  assert.equal(wallToInstant('2026-10-25', 3 * 60, 'Europe/Paris'), Z('2026-10-25T02:00:00Z'));
  assert.equal(wallToInstant('2026-03-08', 2 * 60 + 15, 'America/New_York'), null);
  assert.equal(wallToInstant('2026-11-01', 60 + 30, 'America/New_York'), Z('2026-11-01T05:30:00Z'));
  assert.equal(wallToInstant('2026-12-31', 1440 + 30, 'Europe/Paris'), Z('2026-12-31T23:30:00Z'));
});

test('turn times by party size; the largest entry covers bigger parties', () => {
  const p = model().policy;
  assert.deepEqual([1, 2, 3, 4, 5, 8, 12].map((n) => turnMinutes(p, n)), [90, 90, 120, 120, 150, 150, 150]);
});

test('slots run from the start to the last seating, one interval apart, with hold = turn + buffer', () => {
  const m = model();
  const slots = slotsOf(m, scheduleOn(m, '2026-03-03'), 2);
  assert.deepEqual(slots.map((s) => s.time), ['19:00', '19:15', '19:30', '19:45', '20:00', '20:15', '20:30', '20:45', '21:00']);
  assert.equal(slots[0].startMs, Z('2026-03-03T18:00:00Z'));
  assert.equal(slots[0].endMs - slots[0].startMs, 90 * 60_000);
  assert.equal(slots[0].holdEndMs - slots[0].startMs, 105 * 60_000);
  const hourly = model({ policy: { ...m.policy, slotIntervalMinutes: 60 } });
  assert.deepEqual(slotsOf(hourly, scheduleOn(hourly, '2026-03-03'), 2).map((s) => s.time), ['19:00', '20:00', '21:00']);
  assert.deepEqual(slotsOf(m, scheduleOn(m, '2026-03-04'), 2), []); // Wednesday: no service
});

test('best fit: smallest single table, singles before combinations, area honoured, combination only as declared', () => {
  const m = model();
  const keys = (p: number, area: string | null = null) => candidatesFor(m, p, area).map((u) => u.tableKeys.join('+'));
  assert.deepEqual(keys(2), ['T1', 'T2', 'P2', 'T4']);
  assert.deepEqual(keys(2, 'terrace'), ['P2']);
  assert.deepEqual(keys(3), ['T4', 'T1+T2']);
  assert.deepEqual(keys(5), []);
  const holds: Holds = new Map([['t4', [{ reservationId: 'r1', startMs: 0, endMs: 10 }]]]);
  assert.equal(chooseUnit(candidatesFor(m, 3, null), holds, 5, 8)!.id, 'c12');
  // a combination is busy when a member is, and a member when its combination is
  holds.set('t1', [{ reservationId: 'r2', startMs: 0, endMs: 10 }]);
  assert.equal(chooseUnit(candidatesFor(m, 3, null), holds, 5, 8), null);
  assert.equal(chooseUnit(candidatesFor(m, 3, null), holds, 10, 20)!.id, 't4'); // holds are half-open
  // keep the current unit when it still fits and is free, even if a better one exists
  assert.equal(chooseUnit(candidatesFor(m, 2, null), new Map(), 0, 5, { keep: ['p2'] })!.id, 'p2');
});

test('evaluation order and pacing exact to the cover and to the booking', () => {
  const m = model();
  const now = Z('2026-03-03T16:30:00Z'); // 17:30 in Paris
  const at = (state: DayState, time: string, partySize: number) => {
    const v = evaluateRequest(m, state, '2026-03-03', time, { partySize, area: null, nowMs: now });
    return v.available ? 'ok' : `${v.reason}:${v.detail}`;
  };
  assert.equal(at(empty(), '19:00', 9), 'party_size_out_of_range:policy');
  assert.equal(at(empty(), '18:00', 2), 'outside_opening_hours:not_a_slot');
  assert.equal(at(empty(), '19:05', 2), 'outside_opening_hours:not_a_slot');
  assert.equal(at(empty(), '19:00', 2), 'ok');
  const late = (t: string) => evaluateRequest(m, empty(), '2026-03-03', '19:00', { partySize: 2, area: null, nowMs: Z(t) });
  assert.equal(late('2026-03-03T17:00:01Z').detail, 'min_notice');
  assert.equal(late('2026-03-03T18:00:01Z').detail, 'past');
  assert.equal(late('2026-03-03T17:00:00Z').available, true); // exactly the minimum notice
  const tooFar = evaluateRequest(m, empty(), '2026-03-03', '19:00', { partySize: 2, area: null, nowMs: Z('2026-01-31T12:00:00Z') });
  assert.equal(tooFar.detail, 'booking_window');
  const inWindow = evaluateRequest(m, empty(), '2026-03-03', '19:00', { partySize: 2, area: null, nowMs: Z('2026-02-01T12:00:00Z') });
  assert.equal(inWindow.available, true);

  const state: DayState = { bookings: [{ id: 'a', serviceKey: 'dinner', time: '19:00', partySize: 4 }], holds: new Map() };
  assert.equal(at(state, '19:00', 2), 'ok'); // 4 + 2 = 6 covers: exactly the limit
  assert.equal(at(state, '19:00', 3), 'slot_limit_reached:covers'); // 7 > 6
  state.bookings.push({ id: 'b', serviceKey: 'dinner', time: '19:00', partySize: 1 });
  assert.equal(at(state, '19:00', 1), 'slot_limit_reached:bookings'); // a third booking
  assert.equal(at(state, '19:15', 2), 'ok'); // pacing is per slot
  // a reservation being moved does not count against itself
  assert.equal(evaluateRequest(m, state, '2026-03-03', '19:00', { partySize: 1, area: null, nowMs: now, exclude: 'b' }).available, true);
});

test('a day evaluates each slot with the same function; a closure or special hours replace the services', () => {
  const m = model({
    closures: new Map([['2026-03-10', 'Works']]),
    specialHours: new Map([['2026-03-17', [{ key: 'late', name: 'Late', start: '22:00', lastSeating: '00:30', end: '02:00', pacing: {} }]]]),
  });
  const now = Z('2026-03-02T09:00:00Z');
  const closed = evaluateDay(m, empty(), '2026-03-10', { partySize: 2, area: null, nowMs: now });
  assert.deepEqual([closed.closed, closed.slots.length], [true, 0]);
  const special = evaluateDay(m, empty(), '2026-03-17', { partySize: 2, area: null, nowMs: now });
  assert.deepEqual(special.slots.map((v) => v.slot.time), ['22:00', '22:15', '22:30', '22:45', '23:00', '23:15', '23:30', '23:45', '00:00', '00:15', '00:30']);
  assert.equal(special.slots.at(-1)!.slot.startMs, Z('2026-03-17T23:30:00Z')); // 00:30 on the 18th, local
  assert.ok(special.slots.every((v) => v.available));
});

test('an event that closes the regular service removes the slots whose hold would overlap it', () => {
  const m = model({ events: [{ key: 'wine', name: 'Wine', date: '2026-03-03', start: '20:30', end: '23:00', closesRegularService: true }] });
  const slots = slotsOf(m, scheduleOn(m, '2026-03-03'), 2); // every hold (105 min from 19:00 on) reaches 20:30
  assert.deepEqual(slots.map((s) => s.time), []);
  const lunch = model({
    services: [{ key: 'lunch', name: 'Lunch', days: ['tue'], start: '12:00', lastSeating: '14:00', end: '15:00', pacing: {} }],
    events: [{ key: 'wine', name: 'Wine', date: '2026-03-03', start: '14:00', end: '16:00', closesRegularService: true }],
  });
  assert.deepEqual(slotsOf(lunch, scheduleOn(lunch, '2026-03-03'), 2).map((s) => s.time), ['12:00', '12:15']);
});
