import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { ApiError } from '../src/http/errors.js';
import { parseRestaurantConfig, type RestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { demoConfig } from '../src/modules/restaurants/demo-config.js';
import { loadFloor } from '../src/modules/restaurants/floor.js';

const SYSTEM = { type: 'system' as const, id: null };

function demo(slug = 'demo'): RestaurantConfig {
  const r = parseRestaurantConfig({ ...demoConfig('2026-05-01'), slug });
  assert.ok(r.ok);
  return r.config;
}

const idsByKey = (items: { id: string; key: string }[]) => Object.fromEntries(items.map((i) => [i.key, i.id]));

async function rejectsWith(p: Promise<unknown>, code: string, fragment: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.ok(err.message.includes(fragment), `message "${err.message}" lacks "${fragment}"`);
    return true;
  });
}

test('create then export round-trips the configuration exactly', async () => {
  const t = await createTestApp();
  try {
    const config = demo();
    const created = await t.app.services.restaurants.create(config, SYSTEM);
    assert.match(created.id, /^rst_/);
    assert.equal(created.slug, 'demo');
    assert.equal(created.contact.email, 'bonjour@demo.maitre.test');
    const exported = await t.app.services.restaurants.exportConfig('demo');
    assert.deepEqual(exported, config);
    const reparsed = parseRestaurantConfig(JSON.parse(JSON.stringify(exported)));
    assert.ok(reparsed.ok);
    assert.deepEqual(reparsed.config, config);
    assert.deepEqual(await t.app.services.restaurants.exportConfig(created.id), exported, 'by id as by slug');

    const minimal = parseRestaurantConfig({ slug: 'bare', name: 'Bare', timezone: 'UTC' });
    assert.ok(minimal.ok);
    await t.app.services.restaurants.create(minimal.config, SYSTEM);
    assert.deepEqual(await t.app.services.restaurants.exportConfig('bare'), minimal.config);

    const { rows } = await t.db.query(`SELECT action, actor_type FROM audit_log WHERE restaurant_id = $1`, [created.id]);
    assert.deepEqual(rows, [{ action: 'restaurant.created', actor_type: 'system' }]);
  } finally {
    await t.close();
  }
});

test('loadFloor returns the floor plan with keys and ids resolved', async () => {
  const t = await createTestApp();
  try {
    const { id } = await t.app.services.restaurants.create(demo(), SYSTEM);
    const floor = await loadFloor(t.db, 'demo');
    assert.equal(floor.restaurantId, id);
    assert.equal(floor.timezone, 'Europe/Paris');
    assert.equal(floor.tables.length, 10);
    const tables = idsByKey(floor.tables);
    const terrace = floor.areas.find((a) => a.key === 'terrace')!;
    assert.equal(floor.tables.find((x) => x.key === 'T1')!.areaId, terrace.id);
    assert.deepEqual(floor.combinations[0].tables, ['M1', 'M2']);
    assert.deepEqual(floor.combinations[0].tableIds, [tables.M1, tables.M2]);
    assert.deepEqual(floor.services[1].pacing, { maxCoversPerSlot: 20, maxBookingsPerSlot: 6 });
    assert.deepEqual(floor.specialHours[0].services[0].pacing, { maxCoversPerSlot: 20, maxBookingsPerSlot: null });
    assert.match(floor.events[0].id, /^exp_/);
    assert.equal(floor.closures[0].reason, 'Staff training day');
    assert.deepEqual(await t.app.services.restaurants.loadFloor(id), floor);
  } finally {
    await t.close();
  }
});

test('replaceConfig keeps the ids of unchanged keys and replaces the rest', async () => {
  const t = await createTestApp();
  try {
    const svc = t.app.services.restaurants;
    const { id } = await svc.create(demo(), SYSTEM);
    const before = await svc.loadFloor(id);
    const next = structuredClone(demo());
    next.name = 'Demo Bistro, renamed';
    next.areas[1].name = 'Garden';
    next.tables = next.tables.filter((x) => x.key !== 'T4');
    next.tables.find((x) => x.key === 'M6')!.maxCovers = 8;
    next.tables.find((x) => x.key === 'T1')!.area = 'main';
    next.tables.push({ key: 'B1', area: 'main', minCovers: 1, maxCovers: 2 });
    next.combinations[1].maxCovers = 7;
    next.combinations.push({ tables: ['T1', 'T2'], minCovers: 3, maxCovers: 4 });
    next.services = next.services.filter((s) => s.key !== 'lunch');
    next.closures = [{ date: '2026-06-01' }];
    next.events[0].capacity = 30;
    const updated = await svc.replaceConfig('demo', next, SYSTEM);
    assert.equal(updated.name, 'Demo Bistro, renamed');
    const after = await svc.loadFloor(id);

    const oldTables = idsByKey(before.tables);
    const newTables = idsByKey(after.tables);
    for (const key of ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'T1', 'T2', 'T3']) assert.equal(newTables[key], oldTables[key], key);
    assert.equal(newTables.T4, undefined);
    assert.match(newTables.B1, /^tbl_/);
    assert.equal(after.tables.find((x) => x.key === 'T1')!.area, 'main');
    assert.deepEqual(idsByKey(after.areas), idsByKey(before.areas));
    assert.equal(after.areas[1].name, 'Garden');
    assert.equal(after.combinations[0].id, before.combinations[0].id);
    assert.equal(after.combinations[1].id, before.combinations[1].id);
    assert.equal(after.combinations[1].maxCovers, 7);
    assert.deepEqual(after.services.map((s) => [s.key, s.id]), [['dinner', before.services[1].id]]);
    assert.equal(after.events[0].id, before.events[0].id);
    assert.equal(after.events[0].capacity, 30);
    assert.deepEqual(after.closures, [{ date: '2026-06-01', reason: null }]);
    const canonical = parseRestaurantConfig(next);
    assert.ok(canonical.ok);
    assert.deepEqual(await svc.exportConfig(id), canonical.config);

    const { rows } = await t.db.query(`SELECT action FROM audit_log WHERE restaurant_id = $1 ORDER BY id`, [id]);
    assert.deepEqual(rows.map((r) => r.action), ['restaurant.created', 'restaurant.config_replaced']);
  } finally {
    await t.close();
  }
});

test('a duplicate slug, a slug change and an invalid configuration are refused clearly', async () => {
  const t = await createTestApp();
  try {
    const svc = t.app.services.restaurants;
    await svc.create(demo(), SYSTEM);
    await rejectsWith(svc.create(demo(), SYSTEM), 'conflict', 'slug "demo" already exists');
    await rejectsWith(svc.replaceConfig('demo', demo('other'), SYSTEM), 'conflict', 'slug cannot be changed');
    await rejectsWith(svc.replaceConfig('nope', demo('nope'), SYSTEM), 'not_found', '"nope"');
    const bad = { ...demo('bad'), tables: [{ key: 'X', area: 'cellar', minCovers: 1, maxCovers: 2 }] };
    await rejectsWith(svc.create(bad, SYSTEM), 'validation_failed', 'tables.0.area: unknown area "cellar"');
    assert.equal(await svc.resolve('bad'), null);
  } finally {
    await t.close();
  }
});

test('removing a table that other records still reference is a 409, and nothing changes', async () => {
  const t = await createTestApp();
  try {
    const svc = t.app.services.restaurants;
    const { id } = await svc.create(demo(), SYSTEM);
    const floor = await svc.loadFloor(id);
    // Stands in for a reservation holding the table (restrictive foreign key).
    await t.db.exec('CREATE TABLE probe_holds (table_id text NOT NULL REFERENCES tables(id))');
    await t.db.query('INSERT INTO probe_holds (table_id) VALUES ($1)', [floor.tables[0].id]);
    const next = demo();
    next.tables = next.tables.filter((x) => x.key !== 'M1');
    next.combinations = next.combinations.slice(1);
    await rejectsWith(svc.replaceConfig(id, next, SYSTEM), 'conflict', 'still refer to');
    assert.deepEqual(await svc.loadFloor(id), floor);
  } finally {
    await t.close();
  }
});

test('setPlan changes the plan once and audits it', async () => {
  const t = await createTestApp();
  try {
    const svc = t.app.services.restaurants;
    const { id } = await svc.create(demo(), SYSTEM);
    assert.equal((await svc.setPlan(id, 'pro', SYSTEM)).plan, 'pro');
    assert.equal((await svc.setPlan('demo', 'pro', SYSTEM)).plan, 'pro');
    const { rows } = await t.db.query(`SELECT details FROM audit_log WHERE action = 'restaurant.plan_changed'`);
    assert.deepEqual(rows.map((r) => r.details), [{ from: 'business', to: 'pro' }]);
    assert.deepEqual(await svc.resolve('demo'), { id, slug: 'demo', name: 'Maitre Demo Bistro', timezone: 'Europe/Paris', plan: 'pro' });
  } finally {
    await t.close();
  }
});
