/**
 * One phone rule (src/lib/phone.ts): E.164 with the restaurant's country (`location.country`) for national numbers, at
 * booking, on the waitlist, on customers and their filter, and at guest lookup, cancel and reschedule; one message.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { PHONE_MESSAGE, phoneCountry, toE164 } from '../src/lib/phone.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';

let t: TestApp;
let paris: Tenant;
let nowhere: Tenant;

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  paris = await createTenant(t.app, bistro({ location: { city: 'Paris', country: 'fr' } }));
  nowhere = await createTenant(t.app, bistro());
});
after(async () => t.close());

const TUE = '2026-03-03';
let ip = 0;
const guest = (r: Tenant, action: 'lookup' | 'cancel' | 'reschedule', payload: object) =>
  t.app.inject({ method: 'POST', url: `/v1/restaurants/${r.slug}/guest/${action}`, payload, remoteAddress: `203.0.113.${++ip}` });
const issuesOf = (res: { json(): any }) => res.json().error.details.issues as { path: string; message: string }[];

test('toE164: international in any format, national with the country, nothing else', () => {
  const cases: [string, string | null, string | null][] = [
    ['+33 6 12 34 56 78', null, '+33612345678'],
    ['0033 6-12-34-56-78', null, '+33612345678'],
    ['+33 (0)6 12.34.56.78', 'FR', '+33612345678'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06 12 34 56 78', 'fr', '+33612345678'],
    ['06/12/34/56/78', 'FR', '+33612345678'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['(202) 555-0123', 'US', '+12025550123'],
    ['+44 20 7946 0958', 'FR', '+442079460958'],
    ['06 12 34 56 78', null, null], // national, no country to read it in
    ['06 12 34 56 78', 'France', null],
    ['06 12 34 56 78', 'US', null], // not a US number
    ['+33 6 12', null, null],
    ['+336123', 'FR', null],
    ['tel:+33612345678', null, null],
    ['+33 6 12 34 56 78 ext. 9', null, null],
    ['', 'FR', null],
  ];
  for (const [raw, country, expected] of cases) assert.equal(toE164(raw, country), expected, `${raw} in ${country}`);
  assert.equal(phoneCountry(' gb '), 'GB');
  assert.equal(phoneCountry('XX'), null);
  assert.equal(phoneCountry(null), null);
});

test("a French restaurant: 06 12 34 56 78 and +33 6 12 34 56 78 are one guest, at booking and on the waitlist", async () => {
  const first = await paris.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', phone: '+33 6 12 34 56 78' } });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json().customer.phone, '+33612345678');
  const second = await paris.post('/reservations', { date: TUE, time: '12:30', partySize: 2, customer: { name: 'Ada L.', phone: '06 12 34 56 78' } });
  assert.equal(second.statusCode, 201, second.body);
  assert.equal(second.json().customer.id, first.json().customer.id, 'the national form found the same customer');
  assert.equal(second.json().customer.phone, '+33612345678');
  const waiting = await paris.post('/waitlist', { date: TUE, time: '20:00', partySize: 2, customer: { name: 'Ada', phone: '06.12.34.56.78' } });
  assert.equal(waiting.statusCode, 201, waiting.body);
  assert.equal(waiting.json().customer.id, first.json().customer.id);
  const { rows } = await t.db.query('SELECT phone FROM customers WHERE restaurant_id = $1', [paris.id]);
  assert.deepEqual(rows, [{ phone: '+33612345678' }]);
});

test('guest lookup, cancel and reschedule accept the national form of the number the booking was made with', async () => {
  const booked = (await paris.post('/reservations', { date: TUE, time: '13:00', partySize: 2, customer: { name: 'Grace', phone: '+33 6 98 76 54 32' } })).json();
  const lookup = await guest(paris, 'lookup', { reference: booked.reference, contact: '06 98 76 54 32' });
  assert.equal(lookup.statusCode, 200, lookup.body);
  assert.equal(lookup.json().reference, booked.reference);
  const wrong = await guest(paris, 'lookup', { reference: booked.reference, contact: '06 98 76 54 33' });
  assert.deepEqual([wrong.statusCode, wrong.json().error.code], [404, 'reservation_not_found']);
  const moved = await guest(paris, 'reschedule', { reference: booked.reference, contact: '0698765432', time: '13:15' });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.equal(moved.json().time, '13:15');
  const cancelled = await guest(paris, 'cancel', { reference: booked.reference, contact: '06-98-76-54-32' });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.equal(cancelled.json().status, 'cancelled');
});

test('a restaurant without a country takes international numbers only; the national form is 422 with the one message', async () => {
  const national = await nowhere.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', phone: '06 12 34 56 78' } });
  assert.deepEqual([national.statusCode, national.json().error.code], [422, 'validation_failed']);
  assert.deepEqual(issuesOf(national), [{ path: 'body.customer.phone', message: PHONE_MESSAGE }]);
  const booked = await nowhere.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', phone: '+33 6 12 34 56 78' } });
  assert.equal(booked.statusCode, 201, booked.body);
  const lookup = await guest(nowhere, 'lookup', { reference: booked.json().reference, contact: '06 12 34 56 78' });
  assert.equal(lookup.statusCode, 404, 'a national number cannot be read without a country: no match');
});

test('every phone input answers the same message, whether its shape or its digits are wrong', async () => {
  const refusals = [
    [await paris.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'A', phone: 'call me' } }), 'body.customer.phone'],
    [await paris.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'A', phone: '+33 6 12' } }), 'body.customer.phone'],
    [await paris.post('/waitlist', { date: TUE, time: '20:00', partySize: 2, customer: { name: 'A', phone: '06 12' } }), 'body.customer.phone'],
    [await paris.post('/customers', { name: 'A', phone: '+1 555' }), 'body.phone'],
    [await paris.post('/customers', { name: 'A', phone: '' }), 'body.phone'],
    [await paris.get('/customers?phone=06%2012'), 'querystring.phone'],
    [await paris.get('/customers?phone=abc'), 'querystring.phone'],
  ] as const;
  for (const [res, path] of refusals) {
    assert.equal(res.statusCode, 422, res.body);
    assert.deepEqual(issuesOf(res).filter((i) => i.path === path), [{ path, message: PHONE_MESSAGE }], res.body);
  }
});

test('customers: created, changed and searched with a national number, stored in E.164', async () => {
  const created = await paris.post('/customers', { name: 'Hedy', phone: '06 55 44 33 22' });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().phone, '+33655443322');
  const same = await paris.post('/customers', { name: 'Hedy', phone: '+33 6 55 44 33 22', tags: ['vip'] });
  assert.deepEqual([same.statusCode, same.json().id], [200, created.json().id]);
  const found = await paris.get(`/customers?phone=${encodeURIComponent('06 55 44 33 22')}`);
  assert.deepEqual(found.json().data.map((c: { id: string }) => c.id), [created.json().id]);
  const changed = await paris.patch(`/customers/${created.json().id}`, { phone: '07 81 22 33 44' });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal(changed.json().phone, '+33781223344');
});

test("the restaurant's country is an ISO 3166-1 alpha-2 code, stored upper-case", () => {
  const bad = parseRestaurantConfig(bistro({ location: { country: 'France' } }));
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.issues.some((i) => i.path === 'location.country' && /not an ISO 3166-1 alpha-2 country code/.test(i.message)), JSON.stringify(!bad.ok && bad.issues));
  const good = parseRestaurantConfig(bistro({ location: { country: ' gb ' } }));
  assert.ok(good.ok && good.config.location?.country === 'GB');
});

test('searching reservations and customers with q = a national number finds the E.164 phone', async () => {
  const booked = await paris.post('/reservations', { date: TUE, time: '13:30', partySize: 2, customer: { name: 'Search Me', phone: '+33 6 44 55 66 77' } });
  assert.equal(booked.statusCode, 201, booked.body);
  const q = encodeURIComponent('06 44 55 66 77');
  const reservations = await paris.get(`/reservations?date=${TUE}&q=${q}`);
  assert.deepEqual(reservations.json().data.map((r: { id: string }) => r.id), [booked.json().id]);
  const customers = await paris.get(`/customers?q=${q}`);
  assert.deepEqual(customers.json().data.map((c: { id: string }) => c.id), [booked.json().customer.id]);
  const partial = await paris.get(`/customers?q=${encodeURIComponent('44 55 66')}`);
  assert.deepEqual(partial.json().data.map((c: { id: string }) => c.id), [booked.json().customer.id], 'digits still match as a substring');
  const nobody = await paris.get(`/customers?q=${encodeURIComponent('06 44 55 66 78')}`);
  assert.deepEqual(nobody.json().data, []);
});
