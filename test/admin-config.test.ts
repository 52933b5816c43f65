/**
 * The configuration file through the admin API: export for every role, replacement by owners and managers with the
 * importer's precise issues, nothing changed on a refusal, an audit row under the user, and the booking model
 * following at once — on this instance and on another one sharing the database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const MON = '2026-03-02';
type Config = Record<string, any>;

function configOf(r: Tenant, headers: Record<string, string>) {
  const url = `/admin/api/restaurants/${r.slug}/config`;
  return {
    get: () => t.app.inject({ method: 'GET', url, headers }),
    put: (payload: unknown) => t.app.inject({ method: 'PUT', url, headers, payload: payload as object }),
  };
}

const auditCount = async (restaurantId: string) =>
  (await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE restaurant_id = $1`, [restaurantId])).rows[0].n as number;

const issues = (res: LightMyRequestResponse) => res.json().error.details.issues as { path: string; message: string }[];

test('every role exports the configuration file; export → PUT → export is identical and keeps every id', async () => {
  const r = await createTenant(t.app, bistro());
  const exported = await t.app.services.restaurants.exportConfig(r.id);
  for (const role of ['owner', 'manager', 'staff'] as const) {
    const res = await configOf(r, (await signIn(t, r.id, role)).headers).get();
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), JSON.parse(JSON.stringify(exported)), role);
  }
  const owner = await signIn(t, r.id, 'owner');
  const cfg = configOf(r, owner.headers);
  const floorBefore = (await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/floor`, headers: owner.headers })).json();
  const before = (await cfg.get()).json();
  const put = await cfg.put(before);
  assert.equal(put.statusCode, 200, put.body);
  assert.deepEqual(put.json(), before, 'the answer is the new export');
  assert.deepEqual((await cfg.get()).json(), before);
  const floorAfter = (await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/floor`, headers: owner.headers })).json();
  assert.deepEqual(floorAfter, floorBefore, 'areas, tables, combinations and services keep their ids');

  const { rows } = await t.db.query(
    `SELECT action, actor_type, actor_id, target_id FROM audit_log WHERE restaurant_id = $1 AND action = 'restaurant.config_replaced'`, [r.id],
  );
  assert.deepEqual(rows, [{ action: 'restaurant.config_replaced', actor_type: 'user', actor_id: owner.user.id, target_id: r.id }]);
});

test('a broken configuration is 422 with the importer\'s precise issues, and changes nothing', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'manager');
  const cfg = configOf(r, s.headers);
  const before: Config = (await cfg.get()).json();
  const audits = await auditCount(r.id);
  const broken = structuredClone(before);
  broken.name = 'Renamed while broken';
  broken.combinations[0].tables = ['T1', 'T9'];
  broken.tables[0].minCovers = 5;
  const res = await cfg.put(broken);
  assert.deepEqual([res.statusCode, res.json().error.code], [422, 'validation_failed']);
  assert.deepEqual(issues(res), [
    { path: 'body.tables.0.minCovers', message: 'minCovers 5 is greater than maxCovers 2' },
    { path: 'body.combinations.0.tables.1', message: 'unknown table "T9"' },
  ]);

  const cases: [string, (c: Config) => unknown, { path: string; message: string }[]][] = [
    ['schema errors name the value', (c) => ({ ...c, policy: { ...c.policy, slotIntervalMinutes: 3 }, areas: [{ key: 'bad key', name: 'X' }] }), [
      { path: 'body.policy.slotIntervalMinutes', message: 'must be at least 5, got 3' },
      { path: 'body.areas.0.key', message: '"bad key" is not a valid key (1–64 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)' },
    ]],
    ['unknown fields', (c) => ({ ...c, colour: 'red' }), [{ path: 'body.colour', message: 'unknown field "colour"' }]],
    ['another slug', (c) => ({ ...c, slug: 'someone-else' }), [
      { path: 'body.slug', message: `must be this restaurant's slug "${r.slug}" (it cannot be changed here), got "someone-else"` },
    ]],
    ['another plan', (c) => ({ ...c, plan: 'pro' }), [
      { path: 'body.plan', message: 'the plan is not editable here: omit it or send the current plan "business", got "pro"' },
    ]],
    ['an unknown plan', (c) => ({ ...c, plan: 'gold' }), [{ path: 'body.plan', message: '"gold" is not one of "starter", "business", "pro"' }]],
    ['a missing name', ({ name: _name, ...c }) => c, [{ path: 'body.name', message: 'is required' }]],
  ];
  for (const [what, change, expected] of cases) {
    const bad = await cfg.put(change(structuredClone(before)));
    assert.equal(bad.statusCode, 422, `${what}: ${bad.body}`);
    assert.deepEqual(issues(bad), expected, what);
  }
  const notAnObject = await cfg.put([before]);
  assert.deepEqual([notAnObject.statusCode, notAnObject.json().error.code], [422, 'validation_failed']);

  assert.deepEqual((await cfg.get()).json(), before, 'nothing changed');
  assert.equal(await auditCount(r.id), audits, 'no audit row for a refusal');
});

test('the plan stays what it is; a valid change applies at once to availability on every instance', async () => {
  const r = await createTenant(t.app, bistro({ plan: 'pro' }));
  const s = await signIn(t, r.id, 'owner');
  const cfg = configOf(r, s.headers);
  const other = await createTestApp({ db: t.db, clock: t.clock }); // a second instance on the same database
  try {
    const adminSlots = async () =>
      (await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/availability?date=${MON}&partySize=2`, headers: s.headers })).json().slots;
    const otherSlots = async () =>
      (await other.app.inject({ method: 'GET', url: `/v1/restaurants/${r.slug}/availability?date=${MON}&partySize=2`, headers: { authorization: `Bearer ${r.key}` } })).json().slots;
    const times = (slots: { time: string }[]) => slots.map((x) => x.time);
    assert.deepEqual(times(await adminSlots()), ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30']);
    assert.deepEqual(times(await otherSlots()), times(await adminSlots()), 'both instances have the model cached');

    const { plan: _plan, ...withoutPlan } = (await cfg.get()).json() as Config;
    withoutPlan.services[0].lastSeating = '12:30';
    withoutPlan.policy.minPartySize = 3;
    withoutPlan.name = 'Bistro Nouveau';
    const put = await cfg.put(withoutPlan);
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual([put.json().plan, put.json().name, put.json().services[0].lastSeating], ['pro', 'Bistro Nouveau', '12:30']);

    const four = (await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/availability?date=${MON}&partySize=4`, headers: s.headers })).json();
    assert.deepEqual(times(four.slots), ['12:00', '12:15', '12:30'], 'this instance: the new last seating');
    assert.ok((await adminSlots()).every((x: { reason?: string }) => x.reason === 'party_size_out_of_range'), 'and the new policy');
    assert.deepEqual(times(await otherSlots()), ['12:00', '12:15', '12:30'], 'the other instance too, at once');
    const refused = await r.post('/reservations', booking('2026-03-03', '13:00', 4));
    assert.deepEqual([refused.statusCode, refused.json().error.code], [422, 'outside_opening_hours'], 'booking follows as well');
    assert.equal((await other.app.inject({ method: 'GET', url: `/v1/restaurants/${r.slug}`, headers: { authorization: `Bearer ${r.key}` } })).json().name, 'Bistro Nouveau');
  } finally {
    await other.close();
  }
});

test('removing a table a reservation holds is 409 conflict and changes nothing', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'owner');
  const cfg = configOf(r, s.headers);
  const held = await r.post('/reservations', booking('2026-03-03', '19:00', 6));
  assert.deepEqual(held.json().tables, ['T4']);
  const before: Config = (await cfg.get()).json();
  const without = structuredClone(before);
  without.tables = without.tables.filter((x: { key: string }) => x.key !== 'T4');
  without.combinations = without.combinations.filter((c: { tables: string[] }) => !c.tables.includes('T4'));
  const res = await cfg.put(without);
  assert.deepEqual([res.statusCode, res.json().error.code], [409, 'conflict']);
  assert.deepEqual((await cfg.get()).json(), before);
  assert.deepEqual((await r.get(`/reservations/${held.json().id}`)).json().tables, ['T4']);
});

test('staff export but cannot replace; a non-member gets 404 and no session 401', async () => {
  const r = await createTenant(t.app, bistro());
  const stranger = await createTenant(t.app, bistro());
  const staff = configOf(r, (await signIn(t, r.id, 'staff')).headers);
  const current = (await staff.get()).json();
  const denied = await staff.put(current);
  assert.deepEqual([denied.statusCode, denied.json().error.code], [403, 'forbidden']);
  const outsider = configOf(r, (await signIn(t, stranger.id, 'owner')).headers);
  for (const res of [await outsider.get(), await outsider.put(current)]) assert.deepEqual([res.statusCode, res.json().error.code], [404, 'not_found']);
  const anon = configOf(r, { 'content-type': 'application/json' });
  for (const res of [await anon.get(), await anon.put(current)]) assert.deepEqual([res.statusCode, res.json().error.code], [401, 'unauthenticated']);
  const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE restaurant_id = $1 AND action = 'restaurant.config_replaced'`, [r.id]);
  assert.equal(rows[0].n, 0);
});
