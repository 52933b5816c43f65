/**
 * The key cache (src/modules/keys/cache.ts) and the profile cache (src/modules/restaurants/profile-cache.ts): a change
 * notice that arrives while a record is being loaded must not let a later request join that load and be handed the
 * record as it was before the change; each change drops what it concerns and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthenticatedKey } from '../src/http/context.js';
import { KeyCache } from '../src/modules/keys/cache.js';
import { ProfileCache } from '../src/modules/restaurants/profile-cache.js';
import type { RestaurantProfile } from '../src/modules/restaurants/rows.js';

function record(status: AuthenticatedKey['status'], id = 'key_1', restaurantId = 'r1'): AuthenticatedKey {
  return {
    id, hash: `h${id}`, publicId: 'k1', prefix: 'mtr_live_k1', name: 'k', environment: 'live', scopes: [],
    allowedOrigins: [], rateLimitPerMinute: 60, bookingRateLimitPerMinute: null, expiresAt: null, status, graceEndsAt: null,
    restaurant: { id: restaurantId, slug: 'r', name: 'R', timezone: 'UTC', plan: 'pro' },
  };
}

test('a load held open across a revocation is not handed to a request that arrives after it', async () => {
  let status: AuthenticatedKey['status'] = 'active';
  const held: Array<() => void> = [];
  let loads = 0;
  const cache = new KeyCache(async () => {
    loads++;
    const seen = status; // what the database said when this load read it
    await new Promise<void>((r) => held.push(r));
    return record(seen);
  }, 60_000);

  const early = cache.get('h1'); // starts a load: reads the key while it is still active
  status = 'revoked';
  cache.invalidate('key:key_1'); // the revocation notice, while that load is still open
  const late = cache.get('h1'); // a request after the notice

  while (held.length) held.shift()!();
  await new Promise((r) => setImmediate(r));
  while (held.length) held.shift()!();
  assert.equal((await early)?.status, 'active', 'the request that started before the notice may see the old record');
  assert.equal((await late)?.status, 'revoked', 'the request after the notice must not');
  assert.equal(loads, 2);
  assert.equal((await cache.get('h1'))?.status, 'revoked', 'and the old record is not what stays cached');
});

test('key cache: a key change drops that key and every negative entry; a restaurant change drops its keys only', async () => {
  const records = new Map([
    ['h1', record('active', 'key_1', 'r1')],
    ['h2', record('active', 'key_2', 'r1')],
    ['h3', record('active', 'key_3', 'r2')],
  ]);
  let loads = 0;
  const cache = new KeyCache(async (hash) => (loads++, records.get(hash) ?? null), 60_000);
  for (const h of ['h1', 'h2', 'h3', 'nope']) await cache.get(h);
  const cached = () => ['h1', 'h2', 'h3', 'nope'].map((h) => cache.peek(h) !== undefined);
  assert.deepEqual(cached(), [true, true, true, true]);
  assert.equal(cache.peek('nope'), null, 'a negative entry');
  cache.invalidate('restaurant:r1');
  assert.deepEqual(cached(), [false, false, true, true], 'restaurant:r1: its two keys');
  for (const h of ['h1', 'h2']) await cache.get(h);
  cache.invalidate('key:key_2');
  assert.deepEqual(cached(), [true, false, true, false], 'key:key_2: that key and the negative entries');
  assert.equal(loads, 6);
});

test('profile cache: a restaurant change drops that profile and its load in flight; key changes do not concern it', async () => {
  const names = new Map([['r1', 'One'], ['r2', 'Two']]);
  const held: Array<() => void> = [];
  let loads = 0;
  const cache = new ProfileCache(async (id) => {
    loads++;
    const name = names.get(id)!;
    await new Promise<void>((r) => held.push(r));
    return { id, name } as RestaurantProfile;
  });
  const release = async () => {
    while (held.length) held.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  const early = cache.get('r1');
  const other = cache.get('r2');
  names.set('r1', 'Renamed');
  cache.invalidate('restaurant:r1');
  cache.invalidate('key:key_1');
  const late = cache.get('r1');
  const otherLate = cache.get('r2');
  assert.equal(loads, 3, 'r1 loads again; r2 is still shared');
  await release();
  assert.deepEqual([(await early).name, (await late).name, (await other).name, (await otherLate).name], ['One', 'Renamed', 'Two', 'Two']);
  assert.deepEqual([cache.peek('r1')?.name, cache.peek('r2')?.name], ['Renamed', 'Two']);
  cache.invalidate('key:key_1');
  assert.equal(cache.size, 2, 'a key change drops no profile');
  cache.invalidate('restaurant:r2');
  assert.deepEqual([cache.peek('r1')?.name, cache.peek('r2')], ['Renamed', undefined]);
});
