/**
 * Marketing consent given with a booking (`customer.marketingConsent`): `true` records it on the customer (time of the
 * booking, the booking's source) in the booking's transaction; `false` or absent never withdraws; wrong types are 422.
 * The public and the admin booking routes share the body.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
/** A Saturday the bistro is closed (a private party): any booking on it is refused. */
const CLOSED = '2026-03-14';
const iso = (ms: number) => new Date(ms).toISOString();
const tenant = () => createTenant(t.app, bistro());

interface Consent {
  granted: boolean;
  at: string | null;
  source: string | null;
}

/** The customer with this email as GET /customers?email= lists it. */
async function customerByEmail(r: Tenant, email: string): Promise<{ id: string; marketingConsent: Consent; updatedAt: string }> {
  const res = await r.get(`/customers?email=${encodeURIComponent(email)}`);
  assert.equal(res.statusCode, 200, res.body);
  const data = res.json().data;
  assert.equal(data.length, 1, `one customer with ${email}`);
  return data[0];
}

/** The customer.* webhook events of the restaurant, oldest first, with their data. */
async function customerEvents(r: Tenant): Promise<{ type: string; data: { id: string; marketingConsent: Consent } }[]> {
  const { rows } = await t.db.query<{ type: string; payload: unknown }>(
    `SELECT type, payload FROM webhook_events WHERE restaurant_id = $1 AND type LIKE 'customer.%' ORDER BY seq`,
    [r.id],
  );
  return rows.map((row) => {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { data: { id: string; marketingConsent: Consent } };
    return { type: row.type, data: payload.data };
  });
}

const book = async (r: Tenant, time: string, customer: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const res = await r.post('/reservations', booking(TUE, time, 2, { customer, ...extra }));
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
};

test('a new guest booking with marketingConsent true: consent recorded with the booking time and source, announced with the customer', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const made = await book(r, '12:00', { name: 'Ada', email: 'ada@example.com', marketingConsent: true }, { source: 'website' });
  const ada = await customerByEmail(r, 'ada@example.com');
  assert.equal(ada.id, made.customer.id);
  assert.deepEqual(ada.marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'website' });
  assert.deepEqual(Object.keys(made.customer).sort(), ['email', 'id', 'name', 'phone'], 'the reservation view is unchanged');

  // Without a source the booking's default (`api`) is the consent's source too.
  t.clock.advance(60_000);
  await book(r, '12:15', { name: 'Grace', phone: '+33 6 11 22 33 44', email: 'grace@example.com', marketingConsent: true });
  assert.deepEqual((await customerByEmail(r, 'grace@example.com')).marketingConsent, { granted: true, at: iso(MONDAY_9Z + 60_000), source: 'api' });
  // Absent or false: a new customer without consent.
  await book(r, '12:30', { name: 'Hedy', email: 'hedy@example.com' });
  await book(r, '12:45', { name: 'Alan', email: 'alan@example.com', marketingConsent: false });
  for (const email of ['hedy@example.com', 'alan@example.com']) {
    assert.deepEqual((await customerByEmail(r, email)).marketingConsent, { granted: false, at: null, source: null });
  }

  const events = await customerEvents(r);
  assert.deepEqual(events.map((e) => e.type), ['customer.created', 'customer.created', 'customer.created', 'customer.created']);
  assert.deepEqual(events[0].data.marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'website' }, 'created with its consent, one event');
});

test('later bookings without consent, or with false, keep it; a second true keeps the original time and source', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  await book(r, '12:00', { name: 'Ada', email: 'ada@example.com', marketingConsent: true }, { source: 'widget' });
  const granted = { granted: true, at: iso(MONDAY_9Z), source: 'widget' };
  const before = await customerByEmail(r, 'ada@example.com');
  assert.deepEqual(before.marketingConsent, granted);

  t.clock.advance(3_600_000);
  await book(r, '12:15', { name: 'Ada', email: 'ada@example.com' }, { source: 'widget' });
  assert.deepEqual((await customerByEmail(r, 'ada@example.com')).marketingConsent, granted, 'absent: kept');
  t.clock.advance(60_000);
  await book(r, '12:30', { name: 'Ada', email: 'ADA@example.com', marketingConsent: false }, { source: 'widget' });
  assert.deepEqual((await customerByEmail(r, 'ada@example.com')).marketingConsent, granted, 'false (an unticked box): not a withdrawal');
  t.clock.advance(60_000);
  await book(r, '12:45', { name: 'Ada', email: 'ada@example.com', marketingConsent: true }, { source: 'other-site' });
  const after = await customerByEmail(r, 'ada@example.com');
  assert.deepEqual(after.marketingConsent, granted, 'already consenting: the first consent stands');
  assert.equal(after.updatedAt, before.updatedAt, 'the customer did not change');
  assert.deepEqual((await customerEvents(r)).map((e) => e.type), ['customer.created'], 'no change, no customer.updated');

  // Withdrawn through the customers API, it stays withdrawn by a booking without consent, and a new true grants again.
  const withdrawn = await r.patch(`/customers/${after.id}`, { marketingConsent: false });
  assert.equal(withdrawn.statusCode, 200, withdrawn.body);
  await book(r, '19:00', { name: 'Ada', email: 'ada@example.com', marketingConsent: false });
  assert.equal((await customerByEmail(r, 'ada@example.com')).marketingConsent.granted, false);
  t.clock.advance(60_000);
  await book(r, '19:15', { name: 'Ada', email: 'ada@example.com', marketingConsent: true }, { source: 'widget' });
  assert.deepEqual((await customerByEmail(r, 'ada@example.com')).marketingConsent, {
    granted: true, at: iso(MONDAY_9Z + 3_600_000 + 180_000), source: 'widget',
  });
});

test('a known customer consenting with a booking: one customer.updated (also when the booking fills in a phone)', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const created = await r.post('/customers', { name: 'Katherine', email: 'kj@example.com' });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id;
  t.clock.advance(120_000);
  const made = await book(r, '12:00', { name: 'K. Johnson', email: 'kj@example.com', phone: '+1 202 555 0199', marketingConsent: true }, { source: 'widget' });
  assert.equal(made.customer.id, id);
  const k = await customerByEmail(r, 'kj@example.com');
  assert.deepEqual(k.marketingConsent, { granted: true, at: iso(MONDAY_9Z + 120_000), source: 'widget' });
  assert.equal(k.updatedAt, iso(MONDAY_9Z + 120_000));

  const events = await customerEvents(r);
  assert.deepEqual(events.map((e) => e.type), ['customer.created', 'customer.updated']);
  assert.equal(events[1].data.id, id);
  assert.deepEqual(events[1].data.marketingConsent, { granted: true, at: iso(MONDAY_9Z + 120_000), source: 'widget' });
});

test('the consent is part of the booking: a refused booking records none, and creates no customer', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  assert.equal((await r.post('/customers', { name: 'Mary', email: 'mary@example.com' })).statusCode, 201);
  const refused = await r.post('/reservations', booking(CLOSED, '12:00', 2, { customer: { name: 'Mary', email: 'mary@example.com', marketingConsent: true } }));
  assert.deepEqual([refused.statusCode, refused.json().error.code], [422, 'outside_opening_hours']);
  assert.deepEqual((await customerByEmail(r, 'mary@example.com')).marketingConsent, { granted: false, at: null, source: null });

  const tooBig = await r.post('/reservations', booking(TUE, '12:00', 50, { customer: { name: 'New', email: 'new@example.com', marketingConsent: true } }));
  assert.equal(tooBig.statusCode, 422, tooBig.body);
  assert.equal((await r.get('/customers?email=new@example.com')).json().data.length, 0);
  assert.deepEqual((await customerEvents(r)).map((e) => e.type), ['customer.created'], 'only Mary\'s own creation');
});

test('wrong types and unknown keys are refused with 422 on the field, and nothing is written', async () => {
  const r = await tenant();
  for (const value of ['true', 'yes', 1, 0, null, {}, [true]]) {
    const res = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: { name: 'Bad', email: 'bad@example.com', marketingConsent: value } }));
    assert.equal(res.statusCode, 422, `${JSON.stringify(value)}: ${res.body}`);
    const err = res.json().error;
    assert.equal(err.code, 'validation_failed');
    assert.deepEqual(err.details.issues.map((i: { path: string }) => i.path), ['body.customer.marketingConsent'], JSON.stringify(value));
  }
  const unknown = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: { name: 'Bad', email: 'bad@example.com', consent: true } }));
  assert.deepEqual([unknown.statusCode, unknown.json().error.code], [422, 'validation_failed'], 'the customer object stays strict');
  const misplaced = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: { name: 'Bad', email: 'bad@example.com' }, marketingConsent: true }));
  assert.deepEqual([misplaced.statusCode, misplaced.json().error.code], [422, 'validation_failed'], 'it belongs in customer');
  assert.equal((await r.get('/reservations?date=2026-03-03')).json().data.length, 0);
  assert.equal((await r.get('/customers?email=bad@example.com')).json().data.length, 0);
});

test('admin API: a phone booking or a walk-in with consent records it with source phone / walk_in; false keeps it', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const { headers } = await signIn(t, r.id, 'staff');
  const admin = (payload: object) =>
    t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/reservations`, headers, payload });

  const phone = await admin({ date: TUE, time: '12:00', partySize: 2, customer: { name: 'Lin', phone: '+33 6 55 44 33 22', email: 'lin@example.com', marketingConsent: true } });
  assert.equal(phone.statusCode, 201, phone.body);
  assert.equal(phone.json().source, 'phone');
  assert.deepEqual((await customerByEmail(r, 'lin@example.com')).marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'phone' });
  t.clock.advance(60_000);
  const again = await admin({ date: TUE, time: '12:30', partySize: 2, customer: { name: 'Lin', email: 'lin@example.com', marketingConsent: false } });
  assert.equal(again.statusCode, 201, again.body);
  assert.deepEqual((await customerByEmail(r, 'lin@example.com')).marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'phone' });

  // Monday 12:05 in Paris: lunch is under way, a walk-in is seated at once.
  t.clock.ms = Date.parse('2026-03-02T12:05:00+01:00');
  const walkIn = await admin({ partySize: 2, walkIn: true, customer: { name: 'Walk', email: 'walk@example.com', marketingConsent: true } });
  assert.equal(walkIn.statusCode, 201, walkIn.body);
  assert.deepEqual((await customerByEmail(r, 'walk@example.com')).marketingConsent, { granted: true, at: iso(t.clock.ms), source: 'walk_in' });

  const bad = await admin({ date: TUE, time: '13:00', partySize: 2, customer: { name: 'Bad', email: 'bad@example.com', marketingConsent: 'on' } });
  assert.deepEqual([bad.statusCode, bad.json().error.details.issues[0].path], [422, 'body.customer.marketingConsent']);
});

test('waitlist: joining with consent records it with the entry source and time; false keeps it; a wrong type is 422', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await tenant();
  const joined = await r.post('/waitlist', {
    date: TUE, time: '20:00', partySize: 2, source: 'website', customer: { name: 'Wanda', email: 'wanda@example.com', marketingConsent: true },
  });
  assert.equal(joined.statusCode, 201, joined.body);
  assert.deepEqual((await customerByEmail(r, 'wanda@example.com')).marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'website' });

  t.clock.advance(60_000);
  const again = await r.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Wanda', email: 'wanda@example.com', marketingConsent: false } });
  assert.equal(again.statusCode, 201, again.body);
  assert.deepEqual((await customerByEmail(r, 'wanda@example.com')).marketingConsent, { granted: true, at: iso(MONDAY_9Z), source: 'website' }, 'an unticked box is no withdrawal');

  const plain = await r.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Pat', email: 'pat@example.com' } });
  assert.equal(plain.statusCode, 201, plain.body);
  assert.deepEqual((await customerByEmail(r, 'pat@example.com')).marketingConsent, { granted: false, at: null, source: null });

  const bad = await r.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Bad', email: 'badw@example.com', marketingConsent: 'yes' } });
  assert.deepEqual([bad.statusCode, bad.json().error.details.issues[0].path], [422, 'body.customer.marketingConsent']);
  assert.equal((await r.get('/customers?email=badw@example.com')).json().data.length, 0, 'a refused entry records nothing');
});
