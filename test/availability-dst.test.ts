/**
 * DST days, Europe/Paris (2026-03-29 gap 02:00→03:00, 2026-10-25 overlap 03:00→02:00) and America/New_York
 * (2026-03-08 gap 02:00→03:00, 2026-11-01 overlap 02:00→01:00). A night service (23:00, last seating 03:30) runs
 * through the transition: a slot in the gap does not exist, one in the overlap is its earlier instant, and holds are
 * measured in real time across the change.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
const tenants: Record<string, Tenant> = {};

function nightOwl(timezone: string) {
  return bistro({
    timezone,
    policy: { slotIntervalMinutes: 30, bookingWindowDays: 365, minNoticeMinutes: 0 },
    areas: [{ key: 'bar', name: 'Bar' }],
    tables: [{ key: 'B1', area: 'bar', minCovers: 1, maxCovers: 4 }],
    combinations: [],
    services: [{ key: 'night', name: 'Night', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '23:00', lastSeating: '03:30', end: '05:00' }],
    closures: [],
  });
}

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  tenants.paris = await createTenant(t.app, nightOwl('Europe/Paris'));
  tenants.ny = await createTenant(t.app, nightOwl('America/New_York'));
});
after(async () => t.close());

const view = (slots: { time: string; startsAt: string }[]) => slots.map((s) => `${s.time}=${s.startsAt.slice(11, 16)}Z`);

test('Europe/Paris spring forward: 02:00 and 02:30 do not exist and are skipped', async () => {
  const slots = await slotsOf(tenants.paris, '2026-03-28', 2);
  assert.deepEqual(view(slots), ['23:00=22:00Z', '23:30=22:30Z', '00:00=23:00Z', '00:30=23:30Z', '01:00=00:00Z', '01:30=00:30Z', '03:00=01:00Z', '03:30=01:30Z']);
  const res = await tenants.paris.post('/reservations', booking('2026-03-28', '02:30', 2));
  assert.equal(res.statusCode, 422);
  assert.deepEqual([res.json().error.code, res.json().error.details.reason], ['outside_opening_hours', 'not_a_slot']);
});

test('Europe/Paris spring forward: a 90-minute hold from 01:30 ends at 04:00 local and blocks the slots it overlaps', async () => {
  const res = await tenants.paris.post('/reservations', booking('2026-03-28', '01:30', 2));
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual([res.json().startsAt, res.json().endsAt], ['2026-03-29T00:30:00.000Z', '2026-03-29T02:00:00.000Z']);
  const slots = await slotsOf(tenants.paris, '2026-03-28', 2);
  assert.deepEqual(
    slots.map((s) => `${s.time}:${s.available ? 'ok' : 'busy'}`),
    ['23:00:ok', '23:30:ok', '00:00:ok', '00:30:busy', '01:00:busy', '01:30:busy', '03:00:busy', '03:30:busy'],
  );
});

test('Europe/Paris fall back: 02:00 and 02:30 exist twice and resolve to the earlier instant', async () => {
  const slots = await slotsOf(tenants.paris, '2026-10-24', 2);
  assert.deepEqual(view(slots), [
    '23:00=21:00Z', '23:30=21:30Z', '00:00=22:00Z', '00:30=22:30Z', '01:00=23:00Z', '01:30=23:30Z', '02:00=00:00Z', '02:30=00:30Z',
    '03:00=02:00Z', '03:30=02:30Z',
  ]);
  const res = await tenants.paris.post('/reservations', booking('2026-10-24', '02:30', 2));
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual([res.json().date, res.json().time, res.json().startsAt, res.json().endsAt], [
    '2026-10-24', '02:30', '2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z',
  ]);
  const after = await slotsOf(tenants.paris, '2026-10-24', 2);
  assert.deepEqual(after.filter((s) => !s.available).map((s) => s.time), ['01:30', '02:00', '02:30']);
});

test('America/New_York spring forward: 02:00 and 02:30 are skipped', async () => {
  const slots = await slotsOf(tenants.ny, '2026-03-07', 2);
  assert.deepEqual(view(slots), ['23:00=04:00Z', '23:30=04:30Z', '00:00=05:00Z', '00:30=05:30Z', '01:00=06:00Z', '01:30=06:30Z', '03:00=07:00Z', '03:30=07:30Z']);
});

test('America/New_York fall back: 01:00 and 01:30 are the earlier (EDT) instants; holds count real minutes', async () => {
  const slots = await slotsOf(tenants.ny, '2026-10-31', 2);
  assert.deepEqual(view(slots), [
    '23:00=03:00Z', '23:30=03:30Z', '00:00=04:00Z', '00:30=04:30Z', '01:00=05:00Z', '01:30=05:30Z', '02:00=07:00Z', '02:30=07:30Z',
    '03:00=08:00Z', '03:30=08:30Z',
  ]);
  const res = await tenants.ny.post('/reservations', booking('2026-10-31', '01:00', 2));
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual([res.json().startsAt, res.json().endsAt], ['2026-11-01T05:00:00.000Z', '2026-11-01T06:30:00.000Z']);
  const after = await slotsOf(tenants.ny, '2026-10-31', 2);
  // 90 real minutes from 05:00Z: 00:00 (04:00Z–05:30Z) … 01:30 overlap; 02:00 (07:00Z) is free again
  assert.deepEqual(after.filter((s) => !s.available).map((s) => s.time), ['00:00', '00:30', '01:00', '01:30']);
});
