/** Customers: identity by normalised email and E.164 phone, search, profile with history and stats, changes and their events. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const tenant = () => createTenant(t.app, bistro());
const count = async (r: Tenant) => (await t.db.query('SELECT count(*)::int AS n FROM customers WHERE restaurant_id = $1', [r.id])).rows[0].n;
const eventTypes = async (r: Tenant) =>
  (await t.db.query<{ type: string }>(`SELECT type FROM webhook_events WHERE restaurant_id = $1 AND type LIKE 'customer.%' ORDER BY seq`, [r.id])).rows.map(
    (x) => x.type,
  );

test('one customer per email and per phone, whatever their format, through POST /customers and bookings', async () => {
  const r = await tenant();
  const created = await r.post('/customers', { name: 'Ada', email: ' Ada@Example.COM ', tags: ['vip', 'vip', 'wine'], marketingConsent: true });
  assert.equal(created.statusCode, 201, created.body);
  const ada = created.json();
  assert.match(ada.id, /^cus_[a-z0-9]{20}$/);
  assert.deepEqual([ada.email, ada.phone, ada.tags, ada.marketingConsent], [
    'ada@example.com', null, ['vip', 'wine'], { granted: true, at: new Date(MONDAY_9Z).toISOString(), source: 'api' },
  ]);
  assert.deepEqual(ada.stats, { reservations: 0, visits: 0, covers: 0, cancellations: 0, noShows: 0, upcoming: 0, firstVisitAt: null, lastVisitAt: null });

  const withPhone = await r.post('/customers', { name: 'Ada Lovelace', email: 'ADA@example.com', phone: '+33 6 12 34 56 78' });
  assert.equal(withPhone.statusCode, 200, 'same email: the existing customer is updated');
  assert.deepEqual([withPhone.json().id, withPhone.json().name, withPhone.json().phone, withPhone.json().tags], [ada.id, 'Ada Lovelace', '+33612345678', ['vip', 'wine']]);
  const byPhone = await r.post('/customers', { name: 'Ada Lovelace', phone: '0033 (6) 12.34.56.78' });
  assert.deepEqual([byPhone.statusCode, byPhone.json().id], [200, ada.id]);

  const b1 = (await r.post('/reservations', booking(TUE, '12:00', 2, { customer: { name: 'A. L.', phone: '+33-6-12-34-56-78' } }))).json();
  const b2 = (await r.post('/reservations', booking(TUE, '12:15', 2, { customer: { name: 'A. L.', email: ' ada@EXAMPLE.com' } }))).json();
  assert.deepEqual([b1.customer.id, b2.customer.id], [ada.id, ada.id]);
  assert.equal(b1.customer.name, 'Ada Lovelace', 'a booking does not rename a known customer');
  assert.equal(await count(r), 1);

  const other = await r.post('/customers', { name: 'Grace', email: 'grace@example.com' });
  assert.equal(other.statusCode, 201);
  assert.equal(await count(r), 2);
  const steal = await r.patch(`/customers/${other.json().id}`, { phone: '+33612345678' });
  assert.deepEqual([steal.statusCode, steal.json().error.code, steal.json().error.details.field], [409, 'conflict', 'phone']);
  const badPhone = await r.post('/customers', { name: 'X', phone: '06 12 34 56 78' });
  assert.deepEqual([badPhone.statusCode, badPhone.json().error.details.issues[0].path], [422, 'body.phone']);

  assert.deepEqual(await eventTypes(r), ['customer.created', 'customer.updated', 'customer.created']);
});

test('POST /customers is idempotent with an Idempotency-Key: the replay answers the original status and body', async () => {
  const r = await tenant();
  const body = { name: 'Hedy', email: 'hedy@example.com' };
  const first = await r.post('/customers', body, { 'idempotency-key': 'cus-1' });
  const replay = await r.post('/customers', body, { 'idempotency-key': 'cus-1' });
  assert.deepEqual([first.statusCode, replay.statusCode, replay.headers['idempotent-replayed']], [201, 201, 'true']);
  assert.equal(replay.body, first.body);
  const conflict = await r.post('/customers', { ...body, name: 'Other' }, { 'idempotency-key': 'cus-1' });
  assert.deepEqual([conflict.statusCode, conflict.json().error.code], [409, 'idempotency_conflict']);
});

test('search: part of the name in any case, of the email, of the phone; exact email and phone; tags; pagination', async () => {
  const r = await tenant();
  const make = async (body: object) => {
    t.clock.advance(1000); // distinct creation times: the list is oldest first
    return (await r.post('/customers', body)).json().id as string;
  };
  const ada = await make({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+33612345678', tags: ['vip'] });
  const grace = await make({ name: 'Grace Hopper', email: 'grace@navy.example', phone: '+12025550123' });
  const alan = await make({ name: 'Alan Turing', email: 'alan@example.org', tags: ['vip'] });
  const ids = async (query: string) => {
    const res = await r.get(`/customers?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data.map((c: { id: string }) => c.id);
  };
  assert.deepEqual(await ids('q=LOVE'), [ada]);
  assert.deepEqual(await ids('q=a'), [ada, grace, alan]);
  assert.deepEqual(await ids('q=navy'), [grace]);
  assert.deepEqual(await ids(`q=${encodeURIComponent('202 555')}`), [grace]);
  assert.deepEqual(await ids(`q=${encodeURIComponent('6 12 34')}`), [ada]);
  assert.deepEqual(await ids('q=example.org'), [alan]);
  assert.deepEqual(await ids(`q=${encodeURIComponent('%')}`), [], 'LIKE wildcards are literal');
  assert.deepEqual(await ids(`email=${encodeURIComponent(' GRACE@navy.example')}`), [grace]);
  assert.deepEqual(await ids(`phone=${encodeURIComponent('+1 (202) 555-0123')}`), [grace]);
  assert.deepEqual(await ids('tag=vip'), [ada, alan]);
  const bad = await r.get('/customers?phone=12');
  assert.deepEqual([bad.statusCode, bad.json().error.code], [422, 'validation_failed']);

  const p1 = (await r.get('/customers?limit=2')).json();
  assert.deepEqual(p1.data.map((c: { id: string }) => c.id), [ada, grace]);
  const p2 = (await r.get(`/customers?limit=2&cursor=${p1.nextCursor}`)).json();
  assert.deepEqual([p2.data.map((c: { id: string }) => c.id), p2.nextCursor], [[alan], null]);
  assert.equal((await r.get('/customers?cursor=garbage')).statusCode, 422);
});

test('profile: booking history and visit statistics after seated, completed, no-show and cancelled bookings', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const guest = { name: 'Grace', email: 'grace@example.com' };
  const book = async (date: string, time: string, size: number) => (await r.post('/reservations', booking(date, time, size, { customer: guest }))).json();
  const completed = await book(TUE, '12:00', 2);
  const seated = await book('2026-03-04', '12:00', 3);
  const noShow = await book('2026-03-05', '12:00', 2);
  const cancelled = await book('2026-03-06', '12:00', 4);
  const upcoming = await book('2026-03-07', '12:00', 2);
  for (const [id, steps] of [[completed.id, ['seated', 'completed']], [seated.id, ['seated']], [noShow.id, ['no_show']]] as const) {
    for (const status of steps) assert.equal((await r.patch(`/reservations/${id}`, { status })).statusCode, 200);
  }
  assert.equal((await r.post(`/reservations/${cancelled.id}/cancel`, {})).statusCode, 200);

  const res = await r.get(`/customers/${completed.customer.id}`);
  assert.equal(res.statusCode, 200, res.body);
  const p = res.json();
  assert.deepEqual(p.stats, {
    reservations: 5, visits: 2, covers: 5, cancellations: 1, noShows: 1, upcoming: 1,
    firstVisitAt: completed.startsAt, lastVisitAt: seated.startsAt,
  });
  assert.deepEqual(
    p.history.map((h: { id: string; status: string }) => [h.id, h.status]),
    [[upcoming.id, 'confirmed'], [cancelled.id, 'cancelled'], [noShow.id, 'no_show'], [seated.id, 'seated'], [completed.id, 'completed']],
  );
  assert.deepEqual(Object.keys(p.history[0]).sort(), ['date', 'eventId', 'id', 'partySize', 'reference', 'service', 'startsAt', 'status', 'time']);
  const listed = (await r.get(`/reservations?customerId=${p.id}`)).json().data;
  assert.equal(listed.length, 5);
});

test('PATCH: tags, notes, marketing consent with its time and source; events only for real changes; 404s', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const c = (await r.post('/customers', { name: 'Hedy', phone: '+4915112345678' })).json();
  t.clock.advance(60_000);
  const res = await r.patch(`/customers/${c.id}`, {
    tags: ['regular', 'window'], notes: 'Allergic to nuts', marketingConsent: true, marketingConsentSource: 'in_person', email: 'Hedy@Example.com',
  });
  assert.equal(res.statusCode, 200, res.body);
  const p = res.json();
  assert.deepEqual([p.tags, p.notes, p.email, p.marketingConsent], [
    ['regular', 'window'], 'Allergic to nuts', 'hedy@example.com', { granted: true, at: new Date(MONDAY_9Z + 60_000).toISOString(), source: 'in_person' },
  ]);
  assert.equal(p.updatedAt, new Date(MONDAY_9Z + 60_000).toISOString());
  assert.equal((await r.patch(`/customers/${c.id}`, { notes: 'Allergic to nuts' })).statusCode, 200); // no change, no event
  const withdrawn = (await r.patch(`/customers/${c.id}`, { marketingConsent: false })).json();
  assert.deepEqual(withdrawn.marketingConsent, { granted: false, at: new Date(MONDAY_9Z + 60_000).toISOString(), source: 'api' });
  assert.deepEqual(await eventTypes(r), ['customer.created', 'customer.updated', 'customer.updated']);
  const { rows } = await t.db.query(
    `SELECT payload FROM webhook_events WHERE restaurant_id = $1 AND type = 'customer.updated' ORDER BY seq LIMIT 1`,
    [r.id],
  );
  const data = (typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload).data;
  assert.deepEqual([data.id, data.notes, data.tags], [c.id, 'Allergic to nuts', ['regular', 'window']]);

  assert.deepEqual((await r.patch(`/customers/${c.id}`, {})).json().error.code, 'validation_failed');
  for (const id of ['cus_nosuchcustomer0000000', 'nonsense']) {
    assert.deepEqual([(await r.get(`/customers/${id}`)).statusCode, (await r.get(`/customers/${id}`)).json().error.code], [404, 'customer_not_found']);
    assert.equal((await r.patch(`/customers/${id}`, { notes: 'x' })).json().error.code, 'customer_not_found');
  }
});
