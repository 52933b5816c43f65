/** Tenant isolation on every customer, waitlist, event and guest route, public and admin: nothing crosses restaurants. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

let t: TestApp;
let a: Tenant;
let b: Tenant;
/** B's resources. */
let theirs: { customer: string; waitlist: string; event: string; reference: string };

const TUE = '2026-03-03';
const GUEST = { name: 'Same Person', email: 'same@example.com', phone: '+33612345678' };
const event = { key: 'wine', name: 'Wine dinner', date: TUE, start: '19:30', end: '23:00', capacity: 10, closesRegularService: false };

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  a = await createTenant(t.app, bistro({ events: [event] }));
  b = await createTenant(t.app, bistro({ events: [event], tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] }));
  const res = (await b.post('/reservations', booking(TUE, '12:00', 2, { customer: GUEST }))).json();
  const w = (await b.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: GUEST })).json();
  const ev = (await b.get(`/events?from=${TUE}&to=${TUE}`)).json().data[0];
  theirs = { customer: res.customer.id, waitlist: w.id, event: ev.id, reference: res.reference };
});
after(async () => t.close());

const code = (res: { json(): any }) => res.json().error?.code;

test('a key on another restaurant’s path: 403 restaurant_scope_mismatch on every route', async () => {
  const calls: [string, string, object?][] = [
    ['GET', '/customers'], ['POST', '/customers', { name: 'X' }], ['GET', `/customers/${theirs.customer}`],
    ['PATCH', `/customers/${theirs.customer}`, { notes: 'x' }], ['GET', '/waitlist'], ['GET', `/waitlist/${theirs.waitlist}`],
    ['POST', '/waitlist', { date: TUE, partySize: 2, customer: GUEST }], ['POST', `/waitlist/${theirs.waitlist}/accept`],
    ['POST', `/waitlist/${theirs.waitlist}/cancel`], ['GET', '/events'],
  ];
  for (const [method, path, payload] of calls) {
    const res = await t.app.inject({ method: method as 'GET', url: `/v1/restaurants/${b.slug}${path}`, headers: { authorization: `Bearer ${a.key}` }, payload });
    assert.deepEqual([res.statusCode, code(res)], [403, 'restaurant_scope_mismatch'], `${method} ${path}`);
  }
});

test('another restaurant’s ids on one’s own path: not found, and lists show only one’s own', async () => {
  assert.equal(code(await a.get(`/customers/${theirs.customer}`)), 'customer_not_found');
  assert.equal(code(await a.patch(`/customers/${theirs.customer}`, { notes: 'x' })), 'customer_not_found');
  assert.equal(code(await a.get(`/waitlist/${theirs.waitlist}`)), 'waitlist_entry_not_found');
  assert.equal(code(await a.post(`/waitlist/${theirs.waitlist}/accept`)), 'waitlist_entry_not_found');
  assert.equal(code(await a.post(`/waitlist/${theirs.waitlist}/cancel`)), 'waitlist_entry_not_found');
  const withTheirEvent = await a.post('/reservations', booking(TUE, '19:30', 2, { eventId: theirs.event }));
  assert.deepEqual([code(withTheirEvent), withTheirEvent.json().error.details.issues[0].path], ['validation_failed', 'body.eventId']);
  assert.deepEqual((await a.get('/customers')).json().data, []);
  assert.deepEqual((await a.get(`/customers?email=${GUEST.email}`)).json().data, []);
  assert.deepEqual((await a.get('/waitlist')).json().data, []);
  assert.deepEqual((await a.get(`/events?from=${TUE}&to=${TUE}`)).json().data.map((e: { id: string }) => e.id).includes(theirs.event), false);
  // The same person is a customer of each restaurant separately.
  const mine = (await a.post('/customers', GUEST)).json();
  assert.notEqual(mine.id, theirs.customer);
  assert.equal(mine.stats.reservations, 0);
  assert.equal((await b.get(`/customers/${theirs.customer}`)).json().stats.reservations, 1);
});

test('guest self-service: another restaurant’s reference answers the same 404', async () => {
  const lookup = (slug: string) =>
    t.app.inject({
      method: 'POST', url: `/v1/restaurants/${slug}/guest/lookup`, payload: { reference: theirs.reference, contact: GUEST.email }, remoteAddress: '192.0.2.77',
    });
  const wrong = await lookup(a.slug);
  assert.deepEqual([wrong.statusCode, code(wrong), wrong.json().error.message], [404, 'reservation_not_found', 'No reservation matches this reference and contact.']);
  for (const action of ['cancel', 'reschedule']) {
    const res = await t.app.inject({
      method: 'POST', url: `/v1/restaurants/${a.slug}/guest/${action}`, payload: { reference: theirs.reference, contact: GUEST.email, ...(action === 'reschedule' ? { time: '13:00' } : {}) },
      remoteAddress: '192.0.2.78',
    });
    assert.equal(code(res), 'reservation_not_found', action);
  }
  assert.equal((await lookup(b.slug)).statusCode, 200);
  assert.equal((await b.get(`/reservations/${theirs.reference}`)).json().status, 'confirmed', 'untouched');
});

test('admin API: another restaurant is not found; its customers and events are not found under one’s own', async () => {
  const owner = await signIn(t, a.id, 'owner');
  const call = (method: string, path: string, payload?: object) =>
    t.app.inject({ method: method as 'GET', url: `/admin/api/restaurants/${path}`, headers: owner.headers, payload: payload ?? (method === 'GET' ? undefined : {}) });
  for (const [method, path, payload] of [
    ['GET', '/customers'], ['GET', `/customers/${theirs.customer}`], ['PATCH', `/customers/${theirs.customer}`, { notes: 'x' }],
    ['GET', `/customers/${theirs.customer}/export`], ['POST', `/customers/${theirs.customer}/erase`], ['GET', '/events'],
    ['POST', '/events', event], ['GET', `/events/${theirs.event}`], ['PATCH', `/events/${theirs.event}`, { capacity: 1 }], ['DELETE', `/events/${theirs.event}`],
  ] as [string, string, object?][]) {
    const res = await call(method, `${b.slug}${path}`, payload);
    assert.deepEqual([res.statusCode, code(res)], [404, 'not_found'], `${method} ${path} of another restaurant`);
  }
  for (const [method, path, payload] of [
    ['GET', `/customers/${theirs.customer}`], ['PATCH', `/customers/${theirs.customer}`, { notes: 'x' }], ['GET', `/customers/${theirs.customer}/export`],
    ['POST', `/customers/${theirs.customer}/erase`],
  ] as [string, string, object?][]) {
    assert.equal(code(await call(method, `${a.slug}${path}`, payload)), 'customer_not_found', `${method} ${path}`);
  }
  for (const [method, path, payload] of [['GET', `/events/${theirs.event}`], ['PATCH', `/events/${theirs.event}`, { capacity: 1 }], ['DELETE', `/events/${theirs.event}`]] as [
    string, string, object?,
  ][]) {
    assert.deepEqual([(await call(method, `${a.slug}${path}`, payload)).statusCode], [404], `${method} ${path}`);
  }
  assert.equal((await b.get(`/customers/${theirs.customer}`)).json().name, 'Same Person', 'nothing was erased or changed');
  assert.equal((await b.get(`/events?from=${TUE}&to=${TUE}`)).json().data[0].capacity, 10);
});
