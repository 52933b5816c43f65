import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import type { Scope } from '../src/modules/keys/scopes.js';
import { parseRestaurantConfig, type RestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { demoConfig } from '../src/modules/restaurants/demo-config.js';

const SYSTEM = { type: 'system' as const, id: null };

function config(slug: string): RestaurantConfig {
  const r = parseRestaurantConfig({ ...demoConfig('2026-05-01'), slug });
  assert.ok(r.ok);
  return r.config;
}

async function tenant(t: TestApp, slug: string, scopes: Scope[]) {
  const restaurant = await t.app.services.restaurants.create(config(slug), SYSTEM);
  const { key } = await t.app.services.keys.create(restaurant.id, { name: 'k', scopes }, SYSTEM);
  return { restaurant, key };
}

const get = (t: TestApp, url: string, key?: string) =>
  t.app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

test('config:read routes return the profile, areas, tables, combinations and services', async () => {
  const t = await createTestApp();
  try {
    const { restaurant, key } = await tenant(t, 'demo', ['config:read']);
    const profile = await get(t, '/v1/restaurants/demo', key);
    assert.equal(profile.statusCode, 200);
    const p = profile.json();
    assert.deepEqual(Object.keys(p).sort(), ['contact', 'createdAt', 'id', 'location', 'name', 'plan', 'policy', 'slug', 'timezone', 'updatedAt']);
    assert.equal(p.id, restaurant.id);
    assert.equal(p.timezone, 'Europe/Paris');
    assert.equal(p.plan, 'business');
    assert.deepEqual(p.location, { address: '12 rue des Martyrs', city: 'Paris', postalCode: '75009', country: 'FR' });
    assert.equal(p.policy.cancellationCutoffMinutes, 120);
    assert.equal((await get(t, `/v1/restaurants/${restaurant.id}`, key)).json().slug, 'demo', 'the id works as well as the slug');

    const areas = (await get(t, '/v1/restaurants/demo/areas', key)).json();
    assert.deepEqual(areas.data.map((a: any) => a.key), ['main', 'terrace']);
    assert.equal(areas.nextCursor, null);

    const tables = (await get(t, '/v1/restaurants/demo/tables', key)).json();
    assert.equal(tables.data.length, 10);
    const t1 = tables.data.find((x: any) => x.key === 'T1');
    assert.deepEqual(Object.keys(t1).sort(), ['area', 'areaId', 'id', 'key', 'maxCovers', 'minCovers']);
    assert.equal(t1.area, 'terrace');
    assert.equal(t1.areaId, areas.data[1].id);

    const combos = (await get(t, '/v1/restaurants/demo/combinations', key)).json();
    assert.deepEqual(combos.data.map((c: any) => c.tables), [['M1', 'M2'], ['M4', 'M5']]);

    const services = (await get(t, '/v1/restaurants/demo/services', key)).json();
    assert.deepEqual(services.data.map((s: any) => s.key), ['lunch', 'dinner']);
    const dinner = services.data[1];
    assert.match(dinner.id, /^svc_/);
    assert.deepEqual(dinner.days, ['tue', 'wed', 'thu', 'fri', 'sat']);
    assert.deepEqual([dinner.start, dinner.lastSeating, dinner.end], ['19:00', '21:30', '23:00']);
    assert.deepEqual(dinner.pacing, { maxCoversPerSlot: 20, maxBookingsPerSlot: 6 });
  } finally {
    await t.close();
  }
});

test('the profile: a load (cold cache) and a hit (kept bytes) answer the same; a change is served at once; a failed load is an error envelope', async () => {
  const t = await createTestApp();
  try {
    const { restaurant, key } = await tenant(t, 'kept', ['config:read']);
    const cold = await get(t, '/v1/restaurants/kept', key);
    assert.ok(t.app.services.restaurants.cachedProfile(restaurant.id), 'the first request loaded and cached it');
    const warm = await get(t, '/v1/restaurants/kept', key);
    assert.equal(cold.statusCode, 200);
    assert.equal(warm.statusCode, 200);
    assert.equal(warm.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(warm.headers['content-type'], cold.headers['content-type']);
    assert.equal(warm.body, cold.body, 'the kept bytes are the answer the load gave');
    assert.equal(warm.headers['x-ratelimit-remaining'], String(Number(cold.headers['x-ratelimit-remaining']) - 1), 'the pipeline ran on the hit');

    await t.app.services.restaurants.replaceConfig(restaurant.id, { ...config('kept'), name: 'Kept Renamed' }, SYSTEM);
    const renamed = await get(t, '/v1/restaurants/kept', key);
    assert.equal(renamed.json().name, 'Kept Renamed', 'a change is served on the very next request (new object, new bytes)');
    const same = (body: string) => ({ ...(JSON.parse(body) as Record<string, unknown>), name: 'x', updatedAt: 'x' });
    assert.deepEqual(same(renamed.body), same(cold.body), 'nothing else changed');

    // A load that fails (cold cache) answers the error envelope and its request id, as an async handler would.
    t.app.services.restaurants.invalidateCached({ kind: 'all' });
    const original = t.app.services.restaurants.profile;
    t.app.services.restaurants.profile = () => Promise.reject(new Error('database gone'));
    try {
      const failed = await get(t, '/v1/restaurants/kept', key);
      assert.equal(failed.statusCode, 500);
      assert.equal(failed.json().error.code, 'internal_error');
      assert.deepEqual(Object.keys(failed.json().error).sort(), ['code', 'details', 'message']);
      assert.match(String(failed.headers['x-request-id']), /^req_/);
      assert.doesNotMatch(failed.body, /database gone/);
    } finally {
      t.app.services.restaurants.profile = original;
    }
  } finally {
    await t.close();
  }
});

test('without config:read: 403 scope_missing; no key: 401; another restaurant: 403', async () => {
  const t = await createTestApp();
  try {
    const { key } = await tenant(t, 'demo', ['availability:read']);
    const other = await tenant(t, 'other', ['config:read']);
    for (const path of ['', '/areas', '/tables', '/combinations', '/services']) {
      const denied = await get(t, `/v1/restaurants/demo${path}`, key);
      assert.equal(denied.statusCode, 403, path);
      const error = denied.json().error;
      assert.equal(error.code, 'scope_missing');
      assert.equal(error.details.missingScope, 'config:read');
      assert.deepEqual(error.details.grantedScopes, ['availability:read']);
      assert.equal((await get(t, `/v1/restaurants/demo${path}`)).json().error.code, 'api_key_missing');
      assert.equal((await get(t, `/v1/restaurants/demo${path}`, other.key)).json().error.code, 'restaurant_scope_mismatch');
    }
  } finally {
    await t.close();
  }
});

test('plan and name changes reach the key pipeline on the very next request', async () => {
  const t = await createTestApp();
  try {
    const { restaurant, key } = await tenant(t, 'demo', ['config:read']);
    assert.equal((await get(t, '/v1/me', key)).json().restaurant.name, 'Maitre Demo Bistro');
    const renamed = { ...config('demo'), name: 'Bistro Renamed' };
    await t.app.services.restaurants.replaceConfig(restaurant.id, renamed, SYSTEM);
    assert.equal((await get(t, '/v1/me', key)).json().restaurant.name, 'Bistro Renamed');
    assert.equal((await get(t, '/v1/restaurants/demo', key)).json().name, 'Bistro Renamed');

    await t.app.services.restaurants.setPlan(restaurant.id, 'starter', SYSTEM);
    const blocked = await get(t, '/v1/restaurants/demo', key);
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json().error.code, 'plan_upgrade_required');
    await t.app.services.restaurants.setPlan(restaurant.id, 'pro', SYSTEM);
    assert.equal((await get(t, '/v1/restaurants/demo', key)).json().plan, 'pro');
  } finally {
    await t.close();
  }
});
