/** Special events through the admin API: create, change, delete (owners and managers), with the booking model following at once. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const jazz = { key: 'jazz', name: 'Jazz night', date: TUE, start: '20:00', end: '23:00', capacity: 4, closesRegularService: true };

test('a manager creates, changes and deletes an event; availability and GET /events follow at once', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'manager');
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    t.app.inject({ method, url: `/admin/api/restaurants/${r.slug}/events${path}`, headers: s.headers, payload: payload ?? (method === 'GET' ? undefined : {}) });

  assert.ok(slotAt(await slotsOf(r, TUE, 2), '20:00')?.available, 'cached model before the event');
  const created = await call('POST', '', jazz);
  assert.equal(created.statusCode, 201, created.body);
  const ev = created.json();
  assert.deepEqual([ev.key, ev.capacity, ev.seatsLeft, ev.closesRegularService], ['jazz', 4, 4, true]);
  assert.equal(slotAt(await slotsOf(r, TUE, 2), '20:00'), undefined, 'the overlapping dinner slots are gone at once');
  assert.equal((await r.get(`/events?from=${TUE}&to=${TUE}`)).json().data[0].id, ev.id);
  const dup = await call('POST', '', jazz);
  assert.deepEqual([dup.statusCode, dup.json().error.code], [409, 'conflict']);
  const bad = await call('POST', '', { ...jazz, key: 'late', end: '19:00' });
  assert.deepEqual([bad.statusCode, bad.json().error.details.issues[0].path], [422, 'body.end']);

  assert.equal((await r.post('/reservations', booking(TUE, '20:00', 3, { eventId: ev.id }))).statusCode, 201);
  const lower = await call('PATCH', `/${ev.id}`, { capacity: 2 });
  assert.deepEqual([lower.statusCode, lower.json().error.code, lower.json().error.details.seatsTaken], [409, 'conflict', 3]);
  const moved = await call('PATCH', `/${ev.id}`, { date: '2026-03-04' });
  assert.deepEqual([moved.statusCode, moved.json().error.code], [409, 'conflict']);
  const more = await call('PATCH', `/${ev.id}`, { capacity: 10, closesRegularService: false, name: 'Jazz & wine' });
  assert.equal(more.statusCode, 200, more.body);
  assert.deepEqual([more.json().capacity, more.json().seatsLeft, more.json().name], [10, 7, 'Jazz & wine']);
  assert.ok(slotAt(await slotsOf(r, TUE, 2), '20:00')?.available, 'no longer closes the regular service');
  const busy = await call('DELETE', `/${ev.id}`);
  assert.deepEqual([busy.statusCode, busy.json().error.code], [409, 'conflict']);

  const empty = (await call('POST', '', { ...jazz, key: 'quiz', start: '12:00', end: '14:00' })).json();
  assert.equal((await call('DELETE', `/${empty.id}`)).statusCode, 204);
  assert.equal((await call('GET', `/${empty.id}`)).statusCode, 404);
  assert.deepEqual((await call('GET', `?from=${TUE}&to=${TUE}`)).json().data.map((e: { key: string }) => e.key), ['jazz']);

  const { rows } = await t.db.query(`SELECT action FROM audit_log WHERE restaurant_id = $1 AND action LIKE 'event.%' ORDER BY id`, [r.id]);
  assert.deepEqual(rows.map((x) => x.action), ['event.created', 'event.updated', 'event.created', 'event.deleted']);
  // The configuration export includes what the admin API made.
  assert.deepEqual((await t.app.services.restaurants.exportConfig(r.id)).events.map((e) => e.key), ['jazz']);
});

test('staff read events but cannot manage them', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'staff');
  const url = `/admin/api/restaurants/${r.slug}/events`;
  assert.equal((await t.app.inject({ method: 'GET', url, headers: s.headers })).statusCode, 200);
  const res = await t.app.inject({ method: 'POST', url, headers: s.headers, payload: jazz });
  assert.deepEqual([res.statusCode, res.json().error.code], [403, 'forbidden']);
});
