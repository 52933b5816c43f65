/**
 * The restaurant reads of the admin API (profile with role, floor, hours, availability, waitlist): the public views,
 * for every role, behind the session guard; other restaurants are invisible.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

let t: TestApp;
let r: Tenant;
let other: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(t.app, bistro());
  other = await createTenant(t.app, bistro());
});
after(async () => t.close());

const TUE = '2026-03-03';
const get = (headers: Record<string, string>, path: string, restaurant = r.slug) =>
  t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${restaurant}${path}`, headers });

test('every role reads the restaurant: the public profile plus its own role', async () => {
  const publicProfile = (await r.get('')).json();
  for (const role of ['owner', 'manager', 'staff'] as const) {
    const s = await signIn(t, r.id, role);
    for (const ref of [r.slug, r.id]) {
      const res = await get(s.headers, '', ref);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { ...publicProfile, role });
    }
  }
});

test('the floor is the public areas, tables, combinations and services in one answer', async () => {
  const s = await signIn(t, r.id, 'staff');
  const res = await get(s.headers, '/floor');
  assert.equal(res.statusCode, 200, res.body);
  const floor = res.json();
  for (const part of ['areas', 'tables', 'combinations', 'services'] as const) {
    assert.deepEqual(floor[part], (await r.get(`/${part}`)).json().data, part);
  }
  assert.deepEqual(floor.tables.map((x: { key: string }) => x.key), ['T1', 'T2', 'T3', 'T4', 'P1', 'P2']);
  assert.deepEqual(floor.combinations.map((c: { tables: string[] }) => c.tables), [['T1', 'T2'], ['T3', 'T4']]);
});

test('hours and availability answer exactly what the public API answers, and validate their query', async () => {
  const s = await signIn(t, r.id, 'staff');
  await r.post('/reservations', booking(TUE, '19:00', 4, { area: 'terrace' }));
  for (const path of [`/hours?from=${TUE}&to=2026-03-16`, '/hours', `/availability?date=${TUE}&partySize=4`, `/availability?date=${TUE}&partySize=2&area=terrace`]) {
    const admin = await get(s.headers, path);
    assert.equal(admin.statusCode, 200, `${path}: ${admin.body}`);
    assert.deepEqual(admin.json(), (await r.get(path)).json(), path);
  }
  const hours = (await get(s.headers, `/hours?from=2026-03-14&to=2026-03-14`)).json();
  assert.deepEqual([hours.days[0].closed, hours.days[0].closureReason], [true, 'Private party']);

  const missing = await get(s.headers, `/availability?date=${TUE}`);
  assert.deepEqual([missing.statusCode, missing.json().error.code], [422, 'validation_failed']);
  assert.equal(missing.json().error.details.issues[0].path, 'querystring.partySize');
  const badArea = await get(s.headers, `/availability?date=${TUE}&partySize=2&area=cellar`);
  assert.deepEqual([badArea.statusCode, badArea.json().error.details.issues[0].path], [422, 'querystring.area']);
  const backwards = await get(s.headers, `/hours?from=${TUE}&to=2026-03-01`);
  assert.deepEqual([backwards.statusCode, backwards.json().error.details.issues[0].path], [422, 'querystring.to']);
});

test('the waitlist list is the public one', async () => {
  const s = await signIn(t, r.id, 'manager');
  const joined = await r.post('/waitlist', { date: TUE, time: '20:00', partySize: 2, customer: { name: 'Waiting Wanda' } });
  assert.equal(joined.statusCode, 201, joined.body);
  const res = await get(s.headers, `/waitlist?date=${TUE}`);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), (await r.get(`/waitlist?date=${TUE}`)).json());
  assert.deepEqual(res.json().data.map((e: { id: string }) => e.id), [joined.json().id]);
  assert.deepEqual((await get(s.headers, `/waitlist?date=2026-03-04`)).json().data, []);
  const bad = await get(s.headers, '/waitlist?status=sleeping');
  assert.deepEqual([bad.statusCode, bad.json().error.details.issues[0].path], [422, 'querystring.status']);
});

test('no session is 401; a member of another restaurant gets 404 on every read, whether by slug or id', async () => {
  for (const path of ['', '/floor', '/hours', `/availability?date=${TUE}&partySize=2`, '/waitlist']) {
    const anon = await get({}, path);
    assert.deepEqual([anon.statusCode, anon.json().error.code], [401, 'unauthenticated'], path);
    const stranger = await signIn(t, other.id, 'owner');
    for (const ref of [r.slug, r.id]) {
      const res = await get(stranger.headers, path, ref);
      assert.deepEqual([res.statusCode, res.json().error.code], [404, 'not_found'], `${path} ${ref}`);
    }
  }
  const unknown = await get((await signIn(t, r.id)).headers, '', 'no-such-restaurant');
  assert.equal(unknown.statusCode, 404);
});
