/** src/lib/memoize.ts, and pure date helpers of the booking path made cheaper without a library call per use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { memoize } from '../src/lib/memoize.js';
import { weekdayOf, WEEKDAYS } from '../src/modules/restaurants/clock.js';
import { formatDate, formatTime } from '../src/modules/notifications/render.js';

test('memoize: one call per distinct arguments, falsy answers kept too, emptied past its size', () => {
  const calls: string[] = [];
  const f = memoize((a: string, n: number) => {
    calls.push(`${a}/${n}`);
    return n === 0 ? undefined : a.length + n;
  }, 3);
  assert.equal(f('ab', 1), 3);
  assert.equal(f('ab', 1), 3);
  assert.equal(f('a', 2), 3);
  assert.equal(f('ab', 0), undefined);
  assert.equal(f('ab', 0), undefined);
  assert.deepEqual(calls, ['ab/1', 'a/2', 'ab/0'], 'each distinct call once, an undefined answer included');
  // Arguments that would join alike stay apart ('a' + 'b1' is not 'ab' + 1).
  const g = memoize((x: string, y: string) => `${x}|${y}`);
  assert.equal(g('a', 'b1'), 'a|b1');
  assert.equal(g('ab', '1'), 'ab|1');
  f('c', 1); // the fourth distinct call: the memo was full, so it starts again
  assert.equal(f('ab', 1), 3);
  assert.deepEqual(calls.slice(3), ['c/1', 'ab/1']);
});

test('weekdayOf agrees with luxon over 3,000 days, across years and leap days', () => {
  let d = DateTime.fromISO('2023-12-25', { zone: 'utc' });
  for (let i = 0; i < 3000; i++, d = d.plus({ days: 1 })) {
    const date = d.toISODate()!;
    assert.equal(weekdayOf(date), WEEKDAYS[d.weekday - 1], date);
  }
  assert.equal(weekdayOf('2026-03-03'), 'tue');
  assert.equal(weekdayOf('2028-02-29'), 'tue');
});

test('the guest emails\' date and time on the night Paris goes back to winter time: the restaurant\'s zone, the guest\'s language', () => {
  const ms = Date.UTC(2026, 9, 25, 0, 30); // 02:30 local (the first of the two), 00:30 UTC
  assert.equal(formatDate(ms, 'Europe/Paris', 'fr'), 'dimanche 25 octobre 2026');
  assert.equal(formatDate(ms, 'Europe/Paris', 'en'), 'Sunday 25 October 2026');
  assert.equal(formatTime(ms, 'Europe/Paris', 'fr'), '02h30');
  assert.equal(formatTime(ms, 'America/New_York', 'en'), '20:30');
  assert.equal(formatDate(ms, 'America/New_York', 'en'), 'Saturday 24 October 2026');
});
