/**
 * lib/zone-offsets.ts against luxon (Intl) as the oracle: the kept rules must give the very offset, wall clock and
 * guest-email words that asking Intl gives, at random instants and at the milliseconds around every change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime, IANAZone } from 'luxon';
import { compactWall, wallClock, zoneOffset, zoneTransitions } from '../src/lib/zone-offsets.js';
import { formatDate, formatTime } from '../src/modules/notifications/render.js';
import { wallToInstant } from '../src/modules/availability/time.js';

const ZONES = [
  'Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Tokyo', 'UTC',
  'Australia/Lord_Howe', // a 30-minute DST shift
  'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', // offsets of 45 and 30 minutes
  'Africa/Casablanca', // four changes a year (Ramadan)
  'America/Santiago', 'Pacific/Apia', 'Antarctica/Troll', 'Europe/Dublin', // negative DST in the tz data
];

/** A deterministic pseudo-random sequence (no flaky failures, the same instants every run). */
function* randomInstants(n: number, fromMs: number, toMs: number): Generator<number> {
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    yield fromMs + ((x >>> 0) / 0x1_0000_0000) * (toMs - fromMs);
  }
}

const FROM = Date.UTC(2019, 0, 1);
const TO = Date.UTC(2036, 0, 1);

test('the offset at random instants from 2019 to 2035 is Intl\'s, in every kind of zone', () => {
  for (const zone of ZONES) {
    const iana = IANAZone.create(zone);
    for (const raw of randomInstants(3_000, FROM, TO)) {
      const ms = Math.floor(raw);
      assert.equal(zoneOffset(zone, ms), iana.offset(ms), `${zone} at ${new Date(ms).toISOString()}`);
    }
  }
});

test('every change is found to the millisecond: the old offset until it, the new one from it', () => {
  let count = 0;
  for (const zone of ZONES) {
    const iana = IANAZone.create(zone);
    const changes = zoneTransitions(zone, FROM, TO);
    if (zone === 'Europe/Paris') assert.equal(changes.length, 2 * 17, 'Paris: two changes a year');
    if (zone === 'Asia/Tokyo' || zone === 'UTC') assert.equal(changes.length, 0);
    for (const t of changes) {
      assert.notEqual(t.from, t.to);
      assert.equal(iana.offset(t.atMs - 1), t.from, `${zone} before ${new Date(t.atMs).toISOString()}`);
      assert.equal(iana.offset(t.atMs), t.to, `${zone} at ${new Date(t.atMs).toISOString()}`);
      for (const ms of [t.atMs - 3_600_000, t.atMs - 1, t.atMs, t.atMs + 1, t.atMs + 3_600_000]) {
        assert.equal(zoneOffset(zone, ms), iana.offset(ms), `${zone} at ${new Date(ms).toISOString()}`);
      }
      count++;
    }
    // Changes across a year boundary are kept in order and none is counted twice.
    for (let i = 1; i < changes.length; i++) assert.ok(changes[i].atMs > changes[i - 1].atMs);
  }
  assert.ok(count > 200, `changes checked: ${count}`);
});

test('wall clock, iCalendar local time and the guest\'s date and time are the words luxon writes', () => {
  for (const zone of ZONES) {
    for (const raw of randomInstants(500, FROM, TO)) {
      const ms = Math.floor(raw / 1000) * 1000;
      const dt = DateTime.fromMillis(ms, { zone });
      const w = wallClock(ms, zone);
      assert.deepEqual(w, { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second, weekday: dt.weekday });
      assert.equal(compactWall(w), dt.toFormat("yyyyMMdd'T'HHmmss"));
      assert.equal(formatDate(ms, zone, 'en'), dt.setLocale('en-GB').toFormat('cccc d LLLL yyyy'), `${zone} ${dt.toISO()}`);
      assert.equal(formatDate(ms, zone, 'fr'), dt.setLocale('fr-FR').toFormat('cccc d LLLL yyyy'), `${zone} ${dt.toISO()}`);
      assert.equal(formatTime(ms, zone, 'en'), dt.toFormat('HH:mm'));
      assert.equal(formatTime(ms, zone, 'fr'), dt.toFormat("HH'h'mm"));
    }
  }
});

test('an unknown zone is refused, not read as UTC', () => {
  assert.throws(() => zoneOffset('Mars/Olympus_Mons', 0), RangeError);
});

test('availability\'s wall time → instant (earliest in an overlap, none in a gap) agrees with a search over Intl\'s offsets', () => {
  /** Every offset the zone has within three days of a date's midnight (hourly), then the instants that read right. */
  const offsetsNear = (date: string, zone: string): number[] => {
    const iana = IANAZone.create(zone);
    const midnight = Date.parse(`${date}T00:00:00Z`);
    const offsets = new Set<number>();
    for (let h = -72; h <= 72; h++) offsets.add(iana.offset(midnight + h * 3_600_000));
    return [...offsets];
  };
  const brute = (date: string, minutes: number, zone: string, offsets: number[]): number | null => {
    const iana = IANAZone.create(zone);
    const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
    const instants = offsets.map((o) => wall - o * 60_000).filter((i) => i + iana.offset(i) * 60_000 === wall);
    return instants.length ? Math.min(...instants) : null;
  };
  let checked = 0;
  for (const zone of ZONES) {
    const near = zoneTransitions(zone, FROM, TO).slice(0, 12).map((t) => t.atMs); // the nights the clocks change
    for (const ms of [...near, ...[...randomInstants(200, FROM, TO)].map(Math.floor)]) {
      const local = DateTime.fromMillis(ms, { zone });
      const date = local.toISODate()!;
      const offsets = offsetsNear(date, zone);
      for (const minutes of [0, 30, 60, 90, 120, 150, 180, local.hour * 60 + local.minute, 1440 + 150]) {
        assert.equal(wallToInstant(date, minutes, zone), brute(date, minutes, zone, offsets), `${zone} ${date} +${minutes} min`);
        checked++;
      }
    }
  }
  assert.ok(checked > 20_000, `checked ${checked}`);
});
