/** find_availability's shaping of the availability answer: windows (also past midnight) and the nearest free times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeTimes, inWindow } from '../src/modules/mcp/free-times.js';
import type { AvailabilityView } from '../src/modules/availability/service.js';

/** A late service 22:00–00:45 (overnight) with every quarter free except those listed. */
function day(taken: string[], closed = false): AvailabilityView {
  const times = ['22:00', '22:15', '22:30', '22:45', '23:00', '23:15', '23:30', '23:45', '00:00', '00:15', '00:30', '00:45'];
  return {
    date: '2026-03-06', partySize: 2, area: null, timezone: 'Europe/Paris', closed,
    slots: closed ? [] : times.map((time, i) => ({
      time, service: 'late', startsAt: new Date(Date.parse('2026-03-06T21:00:00Z') + i * 900_000).toISOString(),
      available: !taken.includes(time), ...(taken.includes(time) ? { reason: 'no_tables_available' as const, detail: 'all_busy' } : {}),
    })),
  } as AvailabilityView;
}

test('inWindow: inclusive bounds; a window whose end is before its start runs past midnight', () => {
  assert.equal(inWindow('12:00', { from: '12:00', to: '13:00' }), true);
  assert.equal(inWindow('13:00', { from: '12:00', to: '13:00' }), true);
  assert.equal(inWindow('13:15', { from: '12:00', to: '13:00' }), false);
  assert.equal(inWindow('23:30', { from: '23:00', to: '00:30' }), true);
  assert.equal(inWindow('00:15', { from: '23:00', to: '00:30' }), true);
  assert.equal(inWindow('22:45', { from: '23:00', to: '00:30' }), false);
  assert.equal(inWindow('00:45', { from: '23:00', to: '00:30' }), false);
});

test('nearest free times count on the clock face across midnight, and come back in service order', () => {
  const v = freeTimes(day(['23:30', '23:45', '00:00', '00:15']), { time: '23:45' });
  assert.deepEqual(v.requested, { time: '23:45', available: false, reason: 'no_tables_available', detail: 'all_busy' });
  // 23:15 (30 min before), then 23:00 and 00:30 (45 min either side: 00:30 is not 22 h 45 away); 22:45 and 00:45 lose.
  assert.deepEqual(v.nearest.map((s) => s.time), ['23:00', '23:15', '00:30']);
  assert.equal(v.freeTimes.length, 8);
});

test('a window narrows the free times and, when it has any, the alternatives; a free asked time has none', () => {
  const taken = ['23:30', '23:45', '00:00', '00:15'];
  const inside = freeTimes(day(taken), { time: '23:45', window: { from: '00:00', to: '00:45' } });
  assert.deepEqual(inside.freeTimes.map((s) => s.time), ['00:30', '00:45']);
  assert.deepEqual(inside.nearest.map((s) => s.time), ['00:30', '00:45']);
  const empty = freeTimes(day(taken), { time: '23:45', window: { from: '23:30', to: '00:15' } });
  assert.deepEqual(empty.freeTimes, []);
  assert.deepEqual(empty.nearest.map((s) => s.time), ['23:00', '23:15', '00:30'], 'nothing free in the window: the whole day');
  const free = freeTimes(day(taken), { time: '22:00' });
  assert.equal(free.requested?.available, true);
  assert.deepEqual(free.nearest, []);
  const unasked = freeTimes(day(taken), {});
  assert.equal(unasked.requested, null);
});

test('a time that is no slot, and a closed day', () => {
  const v = freeTimes(day([]), { time: '21:50' });
  assert.deepEqual(v.requested, { time: '21:50', available: false, reason: 'outside_opening_hours', detail: 'not a bookable slot time' });
  assert.deepEqual(v.nearest.map((s) => s.time), ['22:00', '22:15', '22:30']);
  const closed = freeTimes(day([], true), { time: '22:00' });
  assert.equal(closed.closed, true);
  assert.deepEqual([closed.freeTimes, closed.nearest], [[], []]);
});
