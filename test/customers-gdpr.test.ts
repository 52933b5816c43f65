/** GDPR: a customer's data export, and erasure that leaves no personal data in any table, through the admin API and the CLI. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, testConfig, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, SYSTEM, type Tenant } from './helpers/booking.js';
import { runCliInProcess } from './helpers/cli.js';
import { createTestDb } from './helpers/db.js';
import type { Db } from '../src/db/types.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { RestaurantService } from '../src/modules/restaurants/service.js';
import { createBookingServices } from '../src/modules/reservations/setup.js';
import { messageDefaults } from '../src/modules/notifications/links.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';
const ADA = { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', phone: '+33 6 12 34 56 78' };
/** Compared without case: the name in any case, the email, the phone with and without its plus. */
const SECRETS = ['Ada Lovelace', 'ada.lovelace@example.com', '+33612345678', '33612345678'];

/** Every row of every table of the database, as one JSON text. */
async function dump(db: Db): Promise<string> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  let text = '';
  for (const { table_name } of tables) text += JSON.stringify((await db.query(`SELECT * FROM "${table_name}"`)).rows);
  return text;
}

/** A guest with everything a guest can leave behind: bookings (one idempotent), notes, a reason, changes, waitlist entries. */
async function richGuest(r: Tenant) {
  const first = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: ADA, notes: 'Ada Lovelace birthday' }), { 'idempotency-key': 'ada-1' });
  assert.equal(first.statusCode, 201, first.body);
  const id = first.json().customer.id as string;
  const second = (await r.post('/reservations', booking('2026-03-04', '12:00', 2, { customer: { name: 'A', email: ADA.email } }))).json();
  assert.equal((await r.patch(`/reservations/${second.id}`, { notes: 'Call Ada Lovelace on +33612345678' })).statusCode, 200);
  assert.equal((await r.post(`/reservations/${second.id}/cancel`, { reason: 'Ada Lovelace is ill' })).statusCode, 200);
  const third = (await r.post('/reservations', booking('2026-03-05', '12:00', 2, { customer: { name: 'A', phone: ADA.phone } }))).json();
  assert.equal((await r.patch(`/reservations/${third.id}`, { status: 'seated' })).statusCode, 200);
  const upsert = await r.post('/customers', { ...ADA, tags: ['vip'], notes: 'Ada Lovelace prefers the window', marketingConsent: true }, { 'idempotency-key': 'ada-2' });
  assert.equal(upsert.statusCode, 200, upsert.body);
  const waiting = await r.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: ADA, notes: 'Ada Lovelace, any table' });
  assert.equal(waiting.statusCode, 201, waiting.body);
  return { id, first: first.json(), second, third, waitlistId: waiting.json().id as string };
}

test('export: the profile, statistics, every reservation with its history and the waitlist; managers yes, staff no', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const g = await richGuest(r);
  const manager = await signIn(t, r.id, 'manager');
  const staff = await signIn(t, r.id, 'staff');
  const url = `/admin/api/restaurants/${r.slug}/customers/${g.id}/export`;
  assert.deepEqual((await t.app.inject({ method: 'GET', url, headers: staff.headers })).json().error.code, 'forbidden');
  const res = await t.app.inject({ method: 'GET', url, headers: manager.headers });
  assert.equal(res.statusCode, 200, res.body);
  const x = res.json();
  assert.deepEqual([x.restaurant.id, x.customer.id, x.customer.name, x.customer.tags, x.customer.notes], [r.id, g.id, 'Ada Lovelace', ['vip'], 'Ada Lovelace prefers the window']);
  assert.deepEqual(x.reservations.map((v: { id: string }) => v.id), [g.first.id, g.second.id, g.third.id]);
  assert.deepEqual(x.reservations[1].history.map((h: { action: string }) => h.action), ['created', 'updated', 'status_changed']);
  assert.deepEqual([x.stats.reservations, x.stats.visits, x.stats.cancellations], [3, 1, 1]);
  assert.deepEqual(x.waitlist.map((w: { id: string }) => w.id), [g.waitlistId]);
  const { rows } = await t.db.query(`SELECT actor_type, target_id FROM audit_log WHERE action = 'customer.exported' AND restaurant_id = $1`, [r.id]);
  assert.deepEqual(rows, [{ actor_type: 'user', target_id: g.id }]);
  const unknown = await t.app.inject({ method: 'GET', url: url.replace(g.id, 'cus_nosuchcustomer000000'), headers: manager.headers });
  assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'customer_not_found']);
});

test('erase (owners only) leaves no personal data in any table; the reservations stay, anonymous', async () => {
  // A database of its own: the dump below must see this guest's data only.
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, bistro());
    const g = await richGuest(r);
    const grace = await r.post('/reservations', booking(TUE, '12:30', 2, { customer: { name: 'Grace Hopper', email: 'grace@example.com' } }));
    assert.equal(grace.statusCode, 201);
    const before = await dump(t.db);
    for (const s of SECRETS) assert.ok(before.includes(s), `the dump shows ${s} before`);

    const url = `/admin/api/restaurants/${r.slug}/customers/${g.id}/erase`;
    const manager = await signIn(t, r.id, 'manager');
    assert.deepEqual((await t.app.inject({ method: 'POST', url, headers: manager.headers, payload: {} })).json().error.code, 'forbidden');
    const owner = await signIn(t, r.id, 'owner');
    const res = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: {} });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual({ ...(res.json() as object), snapshotsRedacted: undefined }, {
      id: g.id, erasedAt: new Date(MONDAY_9Z).toISOString(), reservations: 3, waitlistEntriesCancelled: 1, snapshotsRedacted: undefined,
    });
    assert.ok(res.json().snapshotsRedacted >= 4, 'outbox events and idempotency records were redacted');

    const after = await dump(t.db);
    for (const s of SECRETS) assert.ok(!after.toLowerCase().includes(s.toLowerCase()), `no "${s}" left anywhere`);
    assert.ok(after.includes('grace@example.com'), 'other customers are untouched');
    assert.ok(after.includes(g.id), 'the anonymous tombstone and its links remain');

    // Statistics survive, anonymous.
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'seated')::int AS seated FROM reservations WHERE customer_id = $1`,
      [g.id],
    );
    assert.deepEqual(rows[0], { n: 3, seated: 1 });
    const shown = (await r.get(`/reservations/${g.first.id}`)).json();
    assert.deepEqual([shown.customer, shown.notes, shown.partySize], [null, null, 2]);
    assert.equal((await r.get(`/reservations/${g.second.id}`)).json().cancellationReason, null);
    assert.equal((await r.get(`/waitlist/${g.waitlistId}`)).json().status, 'cancelled');
    assert.equal((await r.get(`/customers/${g.id}`)).json().error.code, 'customer_not_found');
    assert.deepEqual((await r.get(`/customers?q=lovelace`)).json().data, []);
    const replay = await r.post('/reservations', booking(TUE, '12:00', 2, { customer: ADA, notes: 'Ada Lovelace birthday' }), { 'idempotency-key': 'ada-1' });
    assert.deepEqual([replay.statusCode, replay.json().id, replay.json().customer], [201, g.first.id, null], 'a replay no longer discloses the guest');
    const guestLookup = await t.app.inject({
      method: 'POST', url: `/v1/restaurants/${r.slug}/guest/lookup`, payload: { reference: g.first.reference, contact: ADA.email }, remoteAddress: '203.0.113.9',
    });
    assert.equal(guestLookup.statusCode, 404);
    const { rows: audit } = await t.db.query(`SELECT action, details FROM audit_log WHERE target_id = $1 AND action = 'customer.erased'`, [g.id]);
    assert.equal(audit.length, 1);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: {} })).statusCode, 404, 'erased once');
    // The same person booking again is a new customer.
    const again = await r.post('/reservations', booking(TUE, '13:00', 2, { customer: ADA }));
    assert.notEqual(again.json().customer.id, g.id);
  } finally {
    await t.close();
  }
});

test('dashboard roles on customers: everyone reads; staff may change notes and tags only', async () => {
  const r = await createTenant(t.app, bistro());
  const c = (await r.post('/customers', { name: 'Hedy', email: 'hedy@example.com' })).json();
  const staff = await signIn(t, r.id, 'staff');
  const base = `/admin/api/restaurants/${r.slug}/customers`;
  const list = await t.app.inject({ method: 'GET', url: `${base}?q=hedy`, headers: staff.headers });
  assert.deepEqual(list.json().data.map((x: { id: string }) => x.id), [c.id]);
  assert.equal((await t.app.inject({ method: 'GET', url: `${base}/${c.id}`, headers: staff.headers })).json().name, 'Hedy');
  const ok = await t.app.inject({ method: 'PATCH', url: `${base}/${c.id}`, headers: staff.headers, payload: { notes: 'Regular', tags: ['vip'] } });
  assert.deepEqual([ok.statusCode, ok.json().notes, ok.json().tags], [200, 'Regular', ['vip']]);
  const no = await t.app.inject({ method: 'PATCH', url: `${base}/${c.id}`, headers: staff.headers, payload: { name: 'H.' } });
  assert.deepEqual([no.statusCode, no.json().error.code], [403, 'forbidden']);
  const manager = await signIn(t, r.id, 'manager');
  const consent = await t.app.inject({ method: 'PATCH', url: `${base}/${c.id}`, headers: manager.headers, payload: { marketingConsent: true } });
  assert.equal(consent.json().marketingConsent.source, 'dashboard');
});

test('maitre customer export ID / erase ID --yes', async () => {
  const seedDb = await createTestDb();
  try {
    const parsed = parseRestaurantConfig(bistro());
    assert.ok(parsed.ok);
    const restaurant = await new RestaurantService(seedDb, () => {}).create(parsed.config, SYSTEM);
    const { customers } = createBookingServices(seedDb, Date.now, messageDefaults(testConfig()));
    const { profile } = await customers.upsert(restaurant.id, { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', notes: 'Ada Lovelace, VIP' }, 'cli');
    const env: Record<string, string> = { DATABASE_URL: seedDb.url };

    const exported = await runCliInProcess(['customer', 'export', profile.id], env);
    assert.equal(exported.code, 0, exported.stderr);
    const x = JSON.parse(exported.stdout);
    assert.deepEqual([x.customer.id, x.customer.email, x.reservations], [profile.id, 'ada.lovelace@example.com', []]);

    const refused = await runCliInProcess(['customer', 'erase', profile.id], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--yes/);
    const erased = await runCliInProcess(['customer', 'erase', profile.id, '--yes', '--json'], env);
    assert.equal(erased.code, 0, erased.stderr);
    assert.deepEqual([JSON.parse(erased.stdout).id, JSON.parse(erased.stdout).reservations], [profile.id, 0]);
    const gone = await runCliInProcess(['customer', 'export', profile.id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /customer_not_found/);
    assert.match((await runCliInProcess(['customer', 'erase', 'cus_nosuchcustomer000000', '--yes'], env)).stderr, /customer_not_found/);
  } finally {
    await seedDb.close();
  }
});
