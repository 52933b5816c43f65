/** GET /availability and GET /hours through the API: edges of the day, notice, window, closures, areas, validation. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
let r: Tenant;

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(
    t.app,
    bistro({
      specialHours: [{ date: '2026-03-20', services: [{ key: 'late', name: 'Late night', start: '22:00', lastSeating: '00:30', end: '02:00' }] }],
      events: [{ key: 'jazz', name: 'Jazz night', date: '2026-03-19', start: '21:00', end: '23:30', capacity: 30, closesRegularService: true }],
    }),
  );
});
after(async () => t.close());

const times = (slots: { time: string }[]) => slots.map((s) => s.time);

test('slots run from the first to the last seating of each service, one interval apart, in local time', async () => {
  const res = await r.get('/availability?date=2026-03-03&partySize=2');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual([body.date, body.partySize, body.area, body.timezone, body.closed], ['2026-03-03', 2, null, 'Europe/Paris', false]);
  assert.deepEqual(times(body.slots), [
    '12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30',
    '19:00', '19:15', '19:30', '19:45', '20:00', '20:15', '20:30', '20:45', '21:00', '21:15', '21:30',
  ]);
  assert.ok(body.slots.every((s: { available: boolean }) => s.available));
  assert.deepEqual(body.slots[0], { time: '12:00', available: true, service: 'lunch', startsAt: '2026-03-03T11:00:00.000Z' });
  assert.equal(body.slots.at(-1).service, 'dinner');
  // Monday: lunch only
  assert.deepEqual(times(await slotsOf(r, '2026-03-02', 2)), ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30']);
});

test('minimum notice and the past, at the edge', async () => {
  try {
    t.clock.ms = Date.parse('2026-03-02T11:00:00Z'); // 12:00 in Paris; 60 min notice
    const s = await slotsOf(r, '2026-03-02', 2);
    assert.deepEqual(
      s.map((x) => `${x.time}:${x.available ? 'ok' : x.detail}`),
      ['12:00:min_notice', '12:15:min_notice', '12:30:min_notice', '12:45:min_notice', '13:00:ok', '13:15:ok', '13:30:ok'],
    );
    assert.ok(s.filter((x) => !x.available).every((x) => x.reason === 'outside_opening_hours'));
    t.clock.ms = Date.parse('2026-03-02T11:00:01Z');
    const s2 = await slotsOf(r, '2026-03-02', 2);
    assert.equal(s2[0].detail, 'past');
    assert.equal(s2[4].detail, 'min_notice'); // 13:00 is now 59:59 away
    assert.equal(s2[5].available, true);
  } finally {
    t.clock.ms = MONDAY_9Z;
  }
});

test('the booking window: its last date is bookable, the next one is not', async () => {
  const last = await slotsOf(r, '2026-05-01', 2); // 60 days after 2026-03-02
  assert.ok(last.length > 0 && last.every((s) => s.available));
  const beyond = await slotsOf(r, '2026-05-02', 2);
  assert.ok(beyond.length > 0 && beyond.every((s) => s.reason === 'outside_opening_hours' && s.detail === 'booking_window'));
  const past = await slotsOf(r, '2026-02-24', 2);
  assert.ok(past.every((s) => s.reason === 'outside_opening_hours' && s.detail === 'past'));
});

test('closed days: a closure and a weekday without service', async () => {
  for (const date of ['2026-03-14', '2026-03-08']) {
    const res = await r.get(`/availability?date=${date}&partySize=2`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual({ closed: res.json().closed, slots: res.json().slots }, { closed: true, slots: [] });
  }
});

test('special hours past midnight keep their date; an event closing the regular service removes overlapping slots', async () => {
  const late = await slotsOf(r, '2026-03-20', 2);
  assert.deepEqual(times(late), ['22:00', '22:15', '22:30', '22:45', '23:00', '23:15', '23:30', '23:45', '00:00', '00:15', '00:30']);
  assert.equal(late.at(-1)!.startsAt, '2026-03-20T23:30:00.000Z');
  const jazz = await slotsOf(r, '2026-03-19', 2); // dinner holds 90 min: the last start ending by 21:00 is 19:30
  assert.deepEqual(times(jazz).filter((x) => x >= '19:00'), ['19:00', '19:15', '19:30']);
});

test('party size outside the policy is a reason on every slot; zero or missing is invalid', async () => {
  const s = await slotsOf(r, '2026-03-03', 9);
  assert.ok(s.length === 18 && s.every((x) => !x.available && x.reason === 'party_size_out_of_range'));
  for (const q of ['date=2026-03-03&partySize=0', 'date=2026-03-03', 'date=2026-02-30&partySize=2', 'date=03/03/2026&partySize=2', 'date=2026-03-03&partySize=2.5']) {
    const res = await r.get(`/availability?${q}`);
    assert.equal(res.statusCode, 422, q);
    assert.equal(res.json().error.code, 'validation_failed');
  }
});

test('area: only that area\'s tables; an unknown area is a validation error', async () => {
  const terrace = await slotsOf(r, '2026-03-03', 5, 'terrace');
  assert.ok(terrace.every((s) => s.reason === 'no_tables_available' && s.detail === 'no_unit_fits'));
  assert.ok((await slotsOf(r, '2026-03-03', 5, 'main')).every((s) => s.available));
  const res = await r.get('/availability?date=2026-03-03&partySize=2&area=garden');
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().error.details.issues[0].path, 'querystring.area');
});

test('GET /hours applies closures and special hours per date', async () => {
  const res = await r.get('/hours?from=2026-03-13&to=2026-03-20');
  assert.equal(res.statusCode, 200);
  const days = res.json().days;
  assert.equal(days.length, 8);
  const by = (d: string) => days.find((x: { date: string }) => x.date === d);
  assert.deepEqual(by('2026-03-13').services.map((s: { key: string }) => s.key), ['lunch', 'dinner']);
  assert.deepEqual([by('2026-03-14').closed, by('2026-03-14').closureReason, by('2026-03-14').services], [true, 'Private party', []]);
  assert.deepEqual([by('2026-03-15').closed, by('2026-03-15').closureReason], [true, null]);
  assert.deepEqual(by('2026-03-16').services.map((s: { key: string }) => s.key), ['lunch']);
  assert.deepEqual(by('2026-03-19').events, [{ key: 'jazz', name: 'Jazz night', start: '21:00', end: '23:30', closesRegularService: true }]);
  assert.equal(by('2026-03-20').specialHours, true);
  assert.deepEqual(by('2026-03-20').services, [{ key: 'late', name: 'Late night', start: '22:00', lastSeating: '00:30', end: '02:00', endsNextDay: true }]);
  const def = (await r.get('/hours')).json();
  assert.deepEqual([def.from, def.to, def.days.length], ['2026-03-02', '2026-03-08', 7]);
  assert.equal((await r.get('/hours?from=2026-03-10&to=2026-03-09')).statusCode, 422);
  assert.equal((await r.get('/hours?from=2026-01-01&to=2026-06-01')).statusCode, 422);
});

test('availability needs availability:read', async () => {
  const other = await createTenant(t.app, bistro(), ['reservations:read']);
  const res = await other.get('/availability?date=2026-03-03&partySize=2');
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().error.details.missingScope, 'availability:read');
  assert.equal((await other.get('/hours')).statusCode, 403);
});
