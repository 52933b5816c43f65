/**
 * The in-process caches of hot read paths: the restaurant profile (GET /v1/restaurants/{r}) is served from memory and
 * every change to the restaurant reaches it — on the changing instance at once, on another instance sharing the
 * database through the `maitre_cache` NOTIFY within a second; the booking model (availability and booking) is
 * re-validated against restaurants.updated_at by the same statement that reads the day's reservations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf } from './helpers/booking.js';
import { parseRestaurantConfig, type RestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { demoConfig } from '../src/modules/restaurants/demo-config.js';

const SYSTEM = { type: 'system' as const, id: null };
const MON = '2026-03-02';

function config(slug: string, patch: Partial<RestaurantConfig> = {}): RestaurantConfig {
  const r = parseRestaurantConfig({ ...demoConfig('2026-05-01'), slug, ...patch });
  assert.ok(r.ok);
  return r.config;
}

async function tenant(t: TestApp, slug: string) {
  const restaurant = await t.app.services.restaurants.create(config(slug), SYSTEM);
  const { key } = await t.app.services.keys.create(restaurant.id, { name: 'k', scopes: ['config:read'] }, SYSTEM);
  return { restaurant, key };
}

const profileOf = async (t: TestApp, slug: string, key: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${slug}`, headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

/** Polls `read` until `ok` holds or a second has passed; returns the last value read. */
async function within1s<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 1000;
  let v = await read();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    v = await read();
  }
  return v;
}

test('profile: a configuration change is served at once here and within a second by another instance', async () => {
  const a = await createTestApp();
  const b = await createTestApp({ db: a.db, clock: a.clock });
  try {
    const { restaurant, key } = await tenant(a, 'cache-a');
    const first = await profileOf(a, 'cache-a', key);
    assert.deepEqual(await profileOf(b, 'cache-a', key), first, 'both instances have the profile cached');

    // A field no key caches (the policy, the contact): only the profile cache depends on its invalidation.
    const next = config('cache-a', { contact: { phone: '+33 1 00 00 00 00' } });
    await a.app.services.restaurants.replaceConfig(restaurant.id, { ...next, policy: { ...next.policy, maxPartySize: 7 } }, SYSTEM);
    const here = await profileOf(a, 'cache-a', key);
    assert.deepEqual([here.policy.maxPartySize, here.contact.phone], [7, '+33 1 00 00 00 00'], 'this instance: the next request');
    assert.notEqual(here.updatedAt, first.updatedAt);
    const there = await within1s(() => profileOf(b, 'cache-a', key), (p) => p.policy.maxPartySize === 7);
    assert.deepEqual(there, here, 'the other instance within 1 s');

    await a.app.services.restaurants.setPlan(restaurant.id, 'business', SYSTEM); // unchanged: nothing to announce
    await a.app.services.restaurants.setPlan(restaurant.id, 'pro', SYSTEM);
    assert.equal((await profileOf(a, 'cache-a', key)).plan, 'pro', 'a plan change: the next request here');
    assert.equal((await within1s(() => profileOf(b, 'cache-a', key), (p) => p.plan === 'pro')).plan, 'pro', 'and there within 1 s');
  } finally {
    await b.close();
    await a.close();
  }
});

test('profile: served from memory until a restaurant:<id> message arrives on maitre_cache, which drops only that restaurant', async () => {
  const t = await createTestApp();
  try {
    const one = await tenant(t, 'cache-one');
    const two = await tenant(t, 'cache-two');
    assert.equal((await profileOf(t, 'cache-one', one.key)).name, 'Maitre Demo Bistro');
    assert.equal((await profileOf(t, 'cache-two', two.key)).name, 'Maitre Demo Bistro');
    // Written behind the application's back (no NOTIFY): the cached profile is what is served.
    await t.db.query(`UPDATE restaurants SET name = 'Renamed' WHERE id = ANY ($1)`, [[one.restaurant.id, two.restaurant.id]]);
    assert.equal((await profileOf(t, 'cache-one', one.key)).name, 'Maitre Demo Bistro', 'a hit reads no database');

    await t.db.query('SELECT pg_notify($1, $2)', ['maitre_cache', `restaurant:${one.restaurant.id}`]);
    const renamed = await within1s(() => profileOf(t, 'cache-one', one.key), (p) => p.name === 'Renamed');
    assert.equal(renamed.name, 'Renamed', 'the announced restaurant is re-read');
    assert.equal((await profileOf(t, 'cache-two', two.key)).name, 'Maitre Demo Bistro', 'the other one stays cached');

    await t.db.query('SELECT pg_notify($1, $2)', ['maitre_cache', 'all']);
    assert.equal((await within1s(() => profileOf(t, 'cache-two', two.key), (p) => p.name === 'Renamed')).name, 'Renamed', '"all" drops everything');
  } finally {
    await t.close();
  }
});

test('booking model: a cached model is checked against updated_at by the same statement that reads the day', async () => {
  const clock = new TestClock(MONDAY_9Z);
  const t = await createTestApp({ clock });
  try {
    const r = await createTenant(t.app, bistro());
    const times = async () => (await slotsOf(r, MON, 2)).map((s) => s.time);
    const lunch = ['12:00', '12:15', '12:30', '12:45', '13:00', '13:15', '13:30'];
    assert.deepEqual(await times(), lunch, 'the model is cached now');

    // A change of the floor that does not bump updated_at is not seen: the cached model is what answers.
    await t.db.query(`UPDATE services SET last_seating = '12:30' WHERE restaurant_id = $1 AND key = 'lunch'`, [r.id]);
    assert.deepEqual(await times(), lunch, 'served from the cached model');

    // Bumping updated_at (as every configuration change does, in its transaction) is seen by the very next request.
    await t.db.query('UPDATE restaurants SET updated_at = now() + interval \'1 second\' WHERE id = $1', [r.id]);
    assert.deepEqual(await times(), ['12:00', '12:15', '12:30'], 'availability: the new last seating at once');
    const late = await r.post('/reservations', booking(MON, '13:00', 2));
    assert.deepEqual([late.statusCode, late.json().error.code], [422, 'outside_opening_hours'], 'booking too');
    assert.equal((await r.post('/reservations', booking(MON, '12:30', 2))).statusCode, 201);
    const slot = slotAt(await slotsOf(r, MON, 2), '12:30');
    assert.equal(slot?.available, true, 'the day read with the cached model sees the new booking (one table of several taken)');

  } finally {
    await t.close();
  }
});
