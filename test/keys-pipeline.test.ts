import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { bearer, SYSTEM, tenantWithKey } from './helpers/keys.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { checksum, generateKey } from '../src/modules/keys/format.js';
import type { Db } from '../src/db/types.js';

const code = (res: { json(): any }) => res.json().error.code;

test('the key pipeline: every auth error code, Bearer ≡ x-api-key', async () => {
  const t = await createTestApp();
  try {
    const { key, restaurant } = await tenantWithKey(t.app);
    const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/me', headers });

    const missing = await me({});
    assert.equal(missing.statusCode, 401);
    assert.equal(code(missing), 'api_key_missing');
    assert.equal(code(await me({ authorization: 'Basic abc' })), 'api_key_missing');

    for (const bad of ['garbage', key.slice(0, -1), key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), key.replace('mtr_live', 'mtr_prod')]) {
      const r = await me(bearer(bad));
      assert.equal(r.statusCode, 401, bad);
      assert.equal(code(r), 'api_key_invalid');
    }
    // Well-formed, valid checksum, never issued.
    const forged = generateKey('live');
    assert.equal(code(await me(bearer(forged.key))), 'api_key_invalid');

    const viaBearer = await me(bearer(key));
    const viaHeader = await me({ 'x-api-key': key });
    assert.equal(viaBearer.statusCode, 200);
    assert.equal(viaHeader.statusCode, 200);
    assert.deepEqual(viaBearer.json(), viaHeader.json());
    assert.equal(viaBearer.json().restaurant.slug, restaurant.slug);
    assert.equal((await me({ ...bearer(key), 'x-api-key': key })).statusCode, 200);
    const both = await me({ ...bearer(key), 'x-api-key': forged.key });
    assert.equal(both.statusCode, 401);
    assert.equal(code(both), 'api_key_invalid');

    // /v1/me never shows the key or its hash.
    const body = viaBearer.body;
    assert.ok(!body.includes(key.slice(18)));
    assert.equal(viaBearer.json().prefix, key.slice(0, 17));
  } finally {
    await t.close();
  }
});

test('checksum: garbage is refused before any database read; a cached key needs no I/O', async () => {
  const t0 = await createTestApp();
  let queries = 0;
  const db = t0.db;
  const counting: Db = Object.assign(Object.create(Object.getPrototypeOf(db)), db, {
    query: (sql: string, params?: readonly unknown[]) => {
      queries++;
      return db.query(sql, params);
    },
  });
  await t0.app.close();
  const t = await createTestApp({ db: counting as any });
  try {
    const { key } = await tenantWithKey(t.app);
    const body = key.slice(0, -6);
    assert.equal(checksum(body), key.slice(-6));
    queries = 0;
    const r = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(body + 'zzzzzz') });
    assert.equal(code(r), 'api_key_invalid');
    assert.equal(queries, 0, 'a bad checksum must not reach the database');
    await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) }); // warms the cache
    queries = 0;
    for (let i = 0; i < 5; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200);
    assert.equal(queries, 0, 'verification of a cached key does no I/O');
    // The cache is asked before the checksum is computed: a near-copy of the cached key (one character of its secret or
    // of its checksum changed, or a character added) is no hit, and is still refused without a query.
    const secretTypo = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    for (const bad of [secretTypo, body + 'zzzzzz', key + 'x', ' '.repeat(key.length)]) {
      assert.equal(code(await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(bad) })), 'api_key_invalid', bad);
    }
    assert.equal(queries, 0, 'near-copies of a cached key must not reach the database');
  } finally {
    await t.close();
    await db.close();
  }
});

test('revocation bites on the very next request; settings changes apply at once', async () => {
  const t = await createTestApp();
  try {
    const { key, keyId, restaurant } = await tenantWithKey(t.app, { key: { scopes: ['config:read'] } });
    const me = () => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
    assert.equal((await me()).statusCode, 200);
    await t.app.services.keys.update(restaurant.id, keyId, { scopes: ['config:read', 'reservations:read'], rateLimitPerMinute: 7 }, SYSTEM);
    const after = await me();
    assert.deepEqual(after.json().scopes, ['config:read', 'reservations:read']);
    assert.equal(after.headers['x-ratelimit-limit'], '7');
    await t.app.services.keys.revoke(restaurant.id, keyId, SYSTEM);
    const revoked = await me();
    assert.equal(revoked.statusCode, 401);
    assert.equal(code(revoked), 'api_key_invalid');
  } finally {
    await t.close();
  }
});

test('expiry: 401 api_key_expired once past expiresAt', async () => {
  const t = await createTestApp();
  try {
    const expiresAt = new Date(t.clock.ms + 60_000).toISOString();
    const { key } = await tenantWithKey(t.app, { key: { expiresAt } });
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200);
    t.clock.advance(60_001);
    const r = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
    assert.equal(r.statusCode, 401);
    assert.equal(code(r), 'api_key_expired');
    assert.equal(r.json().error.details.expiresAt, expiresAt);
  } finally {
    await t.close();
  }
});

test('rotation: new key active, old key rotating with Deprecation/Sunset, refused after the grace period', async () => {
  const t = await createTestApp();
  try {
    const { key: oldKey, keyId, restaurant } = await tenantWithKey(t.app, { key: { scopes: ['config:read'], rateLimitPerMinute: 50 } });
    const rotated = await t.app.services.keys.rotate(restaurant.id, keyId, 3600, SYSTEM);
    assert.notEqual(rotated.key, oldKey);
    assert.equal(rotated.view.status, 'active');
    assert.equal(rotated.view.rotatedFromId, keyId);
    assert.deepEqual(rotated.view.scopes, ['config:read']);
    assert.equal(rotated.view.rateLimitPerMinute, 50);
    assert.equal(rotated.previous.status, 'rotating');

    const viaOld = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(oldKey) });
    assert.equal(viaOld.statusCode, 200);
    assert.equal(viaOld.headers.deprecation, 'true');
    assert.equal(viaOld.headers.sunset, new Date(t.clock.ms + 3600_000).toUTCString());
    const viaNew = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(rotated.key) });
    assert.equal(viaNew.statusCode, 200);
    assert.equal(viaNew.headers.deprecation, undefined);

    t.clock.advance(3600_000);
    assert.equal(code(await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(oldKey) })), 'api_key_invalid');
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(rotated.key) })).statusCode, 200);
    const listed = await t.app.services.keys.list(restaurant.id);
    assert.equal(listed.find((k) => k.id === keyId)?.status, 'revoked');
    // A rotating key without grace stays valid until revoked.
    const again = await t.app.services.keys.rotate(restaurant.id, rotated.view.id, undefined, SYSTEM);
    t.clock.advance(365 * 86_400_000);
    const stillOk = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(rotated.key) });
    assert.equal(stillOk.statusCode, 200);
    assert.equal(stillOk.headers.sunset, undefined);
    await t.app.services.keys.revoke(restaurant.id, rotated.view.id, SYSTEM);
    assert.equal(code(await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(rotated.key) })), 'api_key_invalid');
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(again.key) })).statusCode, 200);
  } finally {
    await t.close();
  }
});

test('restaurant binding, plan gating and scopes, in pipeline order', async () => {
  const t = await createTestApp();
  try {
    const { key, restaurant } = await tenantWithKey(t.app, { key: { scopes: ['reservations:read'] } });
    const other = await insertRestaurant(t.app.services.db);
    const get = (path: string, headers = bearer(key)) => t.app.inject({ method: 'GET', url: path, headers });
    await t.app.ready();

    // Another existing restaurant and a non-existent one answer alike.
    for (const r of [other.slug, other.id, 'no-such-place']) {
      const res = await get(`/v1/restaurants/${r}`);
      assert.equal(res.statusCode, 403, r);
      assert.equal(code(res), 'restaurant_scope_mismatch');
    }
    // Own restaurant, by slug and id: scope config:read is missing.
    for (const r of [restaurant.slug, restaurant.id]) {
      const res = await get(`/v1/restaurants/${r}`);
      assert.equal(res.statusCode, 403);
      assert.equal(code(res), 'scope_missing');
      assert.deepEqual(res.json().error.details, {
        missingScope: 'config:read',
        requiredScopes: ['config:read'],
        grantedScopes: ['reservations:read'],
      });
    }
    // Starter plan: plan_upgrade_required before scope_missing, after restaurant mismatch.
    const starter = await tenantWithKey(t.app, { plan: 'starter', key: { scopes: ['reservations:read'] } });
    const planRes = await get(`/v1/restaurants/${starter.restaurant.slug}`, bearer(starter.key));
    assert.equal(planRes.statusCode, 403);
    assert.equal(code(planRes), 'plan_upgrade_required');
    assert.equal(planRes.json().error.details.plan, 'starter');
    assert.equal(code(await get(`/v1/restaurants/${restaurant.slug}`, bearer(starter.key))), 'restaurant_scope_mismatch');
    // A plan change reaches cached keys at once.
    await t.app.services.db.query(`UPDATE restaurants SET plan = 'pro' WHERE id = $1`, [starter.restaurant.id]);
    t.app.services.invalidateLocal(`restaurant:${starter.restaurant.id}`);
    assert.equal(code(await get(`/v1/restaurants/${starter.restaurant.slug}`, bearer(starter.key))), 'scope_missing');
  } finally {
    await t.close();
  }
});

test('pipeline order: expired beats rate limit, rate limit beats origin, origin beats restaurant', async () => {
  const t = await createTestApp();
  try {
    const { key, keyId, restaurant } = await tenantWithKey(t.app, {
      key: { rateLimitPerMinute: 1, allowedOrigins: ['https://shop.example'], scopes: ['config:read'] },
    });
    const other = await insertRestaurant(t.app.services.db);
    const req = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: `/v1/restaurants/${other.slug}`, headers: { ...bearer(key), ...headers } });
    // origin wrong AND restaurant wrong → origin first
    assert.equal(code(await req({ origin: 'https://evil.example' })), 'origin_not_allowed');
    // budget now spent: rate limit beats origin
    const limited = await req({ origin: 'https://evil.example' });
    assert.equal(code(limited), 'rate_limit_exceeded');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    // expired beats rate limit
    await t.app.services.keys.update(restaurant.id, keyId, { expiresAt: new Date(t.clock.ms - 1000).toISOString() }, SYSTEM);
    assert.equal(code(await req({})), 'api_key_expired');
    // revoked beats expired
    await t.app.services.keys.revoke(restaurant.id, keyId, SYSTEM);
    assert.equal(code(await req({})), 'api_key_invalid');
  } finally {
    await t.close();
  }
});

test('allowed origins and CORS: allowed, denied, absent, preflight', async () => {
  const t = await createTestApp();
  try {
    const { key } = await tenantWithKey(t.app, { key: { allowedOrigins: ['https://shop.example', 'http://localhost:8080'] } });
    const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(key), ...headers } });
    const allowed = await me({ origin: 'https://shop.example' });
    assert.equal(allowed.statusCode, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(String(allowed.headers['access-control-expose-headers']), /x-ratelimit-remaining/);
    assert.equal((await me({ origin: 'HTTPS://SHOP.EXAMPLE' })).statusCode, 200);
    const denied = await me({ origin: 'https://evil.example' });
    assert.equal(denied.statusCode, 403);
    assert.equal(code(denied), 'origin_not_allowed');
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
    const absent = await me({});
    assert.equal(absent.statusCode, 200);
    assert.equal(absent.headers['access-control-allow-origin'], undefined);

    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/restaurants/x/reservations',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://shop.example');
    assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /idempotency-key/);

    // A key without an allow-list accepts any origin and echoes it.
    const open = await tenantWithKey(t.app);
    const any = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(open.key), origin: 'https://anything.example' } });
    assert.equal(any.statusCode, 200);
    assert.equal(any.headers['access-control-allow-origin'], 'https://anything.example');
  } finally {
    await t.close();
  }
});

test('rate limit headers on every authenticated response; 429 exactly after N at N = 1 and N = 1000', async () => {
  const t = await createTestApp();
  try {
    for (const n of [1, 1000]) {
      const { key } = await tenantWithKey(t.app, { key: { rateLimitPerMinute: n } });
      for (let i = 0; i < n; i++) {
        const r = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
        assert.equal(r.statusCode, 200, `request ${i + 1} of ${n}`);
        if (i === 0 || i === n - 1) {
          assert.equal(r.headers['x-ratelimit-limit'], String(n));
          assert.equal(r.headers['x-ratelimit-remaining'], String(n - i - 1));
          assert.equal(r.headers['x-ratelimit-reset'], '60');
          assert.equal(r.headers['ratelimit-policy'], `"default";q=${n};w=60`);
          assert.equal(r.headers.ratelimit, `"default";r=${n - i - 1};t=60`);
        }
      }
      const over = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
      assert.equal(over.statusCode, 429);
      assert.equal(code(over), 'rate_limit_exceeded');
      assert.equal(over.headers['retry-after'], '60');
      assert.equal(over.headers['x-ratelimit-remaining'], '0');
      t.clock.advance(60_000);
      assert.equal((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200);
    }
  } finally {
    await t.close();
  }
});

test('usage: lastUsedAt and the usage log are written in batches; deleting a key deletes its log', async () => {
  const t = await createTestApp();
  try {
    const { key, keyId, restaurant } = await tenantWithKey(t.app);
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(key), origin: 'https://a.example' } });
    await t.app.inject({ method: 'GET', url: `/v1/restaurants/nope`, headers: bearer(key) });
    await t.app.services.usage.flush();
    const usage = await t.app.services.keys.usage(restaurant.id, keyId);
    assert.equal(usage.recent.length, 4);
    assert.deepEqual(usage.recent.map((r) => r.status).sort(), [200, 200, 200, 403]);
    assert.equal(usage.recent.find((r) => r.status === 200)?.route, '/v1/me');
    assert.equal(usage.recent.find((r) => r.status === 200)?.origin, 'https://a.example');
    assert.equal(usage.daily.length, 30);
    assert.equal(usage.daily.at(-1)!.s2xx + usage.daily.at(-1)!.s4xx, 4);
    const [k] = (await t.app.services.keys.list(restaurant.id)).filter((x) => x.id === keyId);
    assert.ok(k.lastUsedAt);

    await t.app.services.keys.delete(restaurant.id, keyId, SYSTEM);
    const { rows } = await t.db.query(
      `SELECT (SELECT count(*) FROM api_key_usage_daily WHERE key_id = $1)::int + (SELECT count(*) FROM api_key_usage_recent WHERE key_id = $1)::int AS n`,
      [keyId]);
    assert.equal(rows[0].n, 0);
    assert.equal(code(await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })), 'api_key_invalid');
    // A batch still holding rows of the deleted key flushes without error.
    t.app.services.usage.record({ keyId, at: t.clock.ms, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
    await t.app.services.usage.flush();
    assert.equal(t.app.services.usage.pending, 0);
  } finally {
    await t.close();
  }
});

test('the plaintext key appears nowhere in a full database dump', async () => {
  const t = await createTestApp();
  try {
    const { key, keyId, restaurant } = await tenantWithKey(t.app);
    const rotated = await t.app.services.keys.rotate(restaurant.id, keyId, 60, SYSTEM);
    await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
    await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(rotated.key) });
    await t.app.services.usage.flush();
    const { rows: tables } = await t.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables) {
      const { rows } = await t.db.query(`SELECT * FROM "${table_name}"`);
      dump += JSON.stringify(rows);
    }
    assert.ok(dump.includes(keyId), 'the dump covers the key table');
    for (const k of [key, rotated.key]) {
      assert.ok(!dump.includes(k), 'full key in the dump');
      assert.ok(!dump.includes(k.slice(18, 50)), 'secret part in the dump');
    }
  } finally {
    await t.close();
  }
});

test('revocation through one instance reaches another instance on the same database', async () => {
  const a = await createTestApp();
  const b = await createTestApp({ db: a.db, clock: a.clock });
  try {
    const { key, keyId, restaurant } = await tenantWithKey(a.app);
    assert.equal((await b.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200); // cached in b
    await a.app.services.keys.revoke(restaurant.id, keyId, SYSTEM);
    const deadline = Date.now() + 1000;
    let status = 200;
    while (Date.now() < deadline) {
      status = (await b.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, 'refused by the other instance within 1 s');
  } finally {
    await b.close();
    await a.close();
  }
});
