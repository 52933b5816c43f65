import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { signIn } from './helpers/admin.js';
import { hashKey } from '../src/modules/keys/format.js';
import { createDemoWidgetKey, DEMO_WIDGET_KEY_NAME, seedDemoIfEmpty } from '../src/demo.js';

const KEY_VIEW_FIELDS = [
  'allowedOrigins', 'bookingRateLimitPerMinute', 'createdAt', 'environment', 'expiresAt', 'graceEndsAt', 'id', 'lastUsedAt', 'name',
  'prefix', 'rateLimitPerMinute', 'restaurantId', 'revokedAt', 'rotatedFromId', 'scopes', 'status', 'system',
];

async function setup(t: TestApp) {
  const r = await insertRestaurant(t.db);
  const owner = await signIn(t, r.id);
  const base = `/admin/api/restaurants/${r.slug}/keys`;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    t.app.inject({ method, url: `${base}${path}`, headers: owner.headers, payload });
  const me = (key: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
  return { r, owner, base, call, me };
}

test('create shows the key once; list and get never show it; the key works against /v1; changes apply at once', async () => {
  const t = await createTestApp();
  try {
    const { r, call, me } = await setup(t);
    const res = await call('POST', '', {
      name: 'POS', scopes: ['config:read', 'config:read'], allowedOrigins: ['HTTPS://Shop.Example/'], rateLimitPerMinute: 50,
      bookingRateLimitPerMinute: 5, environment: 'test',
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.match(created.key, /^mtr_test_[a-z0-9]{8}_[0-9A-Za-z]{38}$/);
    assert.deepEqual(Object.keys(created).sort(), [...KEY_VIEW_FIELDS, 'key'].sort());
    assert.equal(created.prefix, created.key.slice(0, 17));
    assert.deepEqual(created.scopes, ['config:read']);
    assert.deepEqual(created.allowedOrigins, ['https://shop.example']);
    assert.equal(created.status, 'active');
    assert.equal(created.restaurantId, r.id);

    const ok = await me(created.key);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().id, created.id);
    assert.equal(ok.headers['x-ratelimit-limit'], '50');

    const secrets = [created.key, hashKey(created.key), created.key.slice(18)];
    const list = await call('GET', '');
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().data.length, 1);
    assert.deepEqual(Object.keys(list.json().data[0]).sort(), KEY_VIEW_FIELDS);
    const one = await call('GET', `/${created.id}`);
    assert.equal(one.statusCode, 200);
    for (const body of [list.body, one.body]) for (const s of secrets) assert.ok(!body.includes(s), 'no key material in a read');

    const patched = await call('PATCH', `/${created.id}`, { name: 'POS 2', scopes: ['config:read', 'reservations:read'], rateLimitPerMinute: 7 });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'POS 2');
    const after = await me(created.key);
    assert.deepEqual(after.json().scopes, ['config:read', 'reservations:read']);
    assert.equal(after.headers['x-ratelimit-limit'], '7');

    const bad = await call('POST', '', { name: 'x', scopes: ['everything'] });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'validation_failed');
    assert.equal((await call('GET', '/key_nope')).json().error.code, 'key_not_found');
  } finally {
    await t.close();
  }
});

test('rotate: the new key works, the old one is deprecated with a Sunset until the grace ends, then refused', async () => {
  const clock = new TestClock();
  const t = await createTestApp({ clock });
  try {
    const { call, me } = await setup(t);
    const old = (await call('POST', '', { name: 'Widget', scopes: ['availability:read'] })).json();
    const res = await call('POST', `/${old.id}/rotate`, { graceSeconds: 3600 });
    assert.equal(res.statusCode, 201, res.body);
    const rotated = res.json();
    assert.notEqual(rotated.id, old.id);
    assert.notEqual(rotated.key, old.key);
    assert.equal(rotated.rotatedFromId, old.id);
    assert.equal(rotated.name, 'Widget');
    assert.equal(rotated.previous.id, old.id);
    assert.equal(rotated.previous.status, 'rotating');
    assert.equal(rotated.previous.key, undefined);

    const fresh = await me(rotated.key);
    assert.equal(fresh.statusCode, 200);
    assert.equal(fresh.headers.deprecation, undefined);
    const deprecated = await me(old.key);
    assert.equal(deprecated.statusCode, 200);
    assert.equal(deprecated.headers.deprecation, 'true');
    assert.equal(deprecated.headers.sunset, new Date(clock.ms + 3600_000).toUTCString());

    const again = await call('POST', `/${old.id}/rotate`);
    assert.equal(again.statusCode, 409, 'a rotating key cannot be rotated again');

    clock.advance(3600_000 + 1);
    const refused = await me(old.key);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'api_key_invalid');
    assert.equal((await me(rotated.key)).statusCode, 200);

    const bodyless = await call('POST', `/${rotated.id}/rotate`);
    assert.equal(bodyless.statusCode, 201, bodyless.body);
    assert.equal(bodyless.json().previous.graceEndsAt, null);
    const noGrace = await me(rotated.key);
    assert.equal(noGrace.headers.deprecation, 'true');
    assert.equal(noGrace.headers.sunset, undefined);
  } finally {
    await t.close();
  }
});

test('revoke takes effect on the next request', async () => {
  const t = await createTestApp();
  try {
    const { call, me } = await setup(t);
    const key = (await call('POST', '', { name: 'Kiosk', scopes: ['config:read'] })).json();
    assert.equal((await me(key.key)).statusCode, 200);
    const res = await call('POST', `/${key.id}/revoke`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'revoked');
    assert.ok(res.json().revokedAt);
    const refused = await me(key.key);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'api_key_invalid');
    assert.equal((await call('PATCH', `/${key.id}`, { name: 'again' })).statusCode, 409);
  } finally {
    await t.close();
  }
});

test('usage shows 30 daily buckets and recent requests; delete removes the key and its usage log', async () => {
  const t = await createTestApp();
  try {
    const { call, me } = await setup(t);
    const key = (await call('POST', '', { name: 'Reports', scopes: ['config:read'] })).json();
    for (let i = 0; i < 3; i++) assert.equal((await me(key.key)).statusCode, 200);
    await t.app.services.usage.flush();

    const res = await call('GET', `/${key.id}/usage`);
    assert.equal(res.statusCode, 200, res.body);
    const usage = res.json();
    assert.equal(usage.keyId, key.id);
    assert.equal(usage.daily.length, 30);
    assert.equal(usage.daily[29].date, new Date(t.clock.ms).toISOString().slice(0, 10));
    assert.equal(usage.daily.reduce((n: number, d: { s2xx: number }) => n + d.s2xx, 0), 3);
    assert.equal(usage.recent.length, 3);
    for (const line of usage.recent) {
      assert.equal(line.method, 'GET');
      assert.equal(line.route, '/v1/me');
      assert.equal(line.status, 200);
    }
    assert.ok((await call('GET', `/${key.id}`)).json().lastUsedAt);

    const count = async () => (await t.db.query(
      `SELECT coalesce((SELECT sum(s2xx + s3xx + s4xx + s5xx) FROM api_key_usage_daily WHERE key_id = $1), 0)::int
            + coalesce((SELECT jsonb_array_length(lines) FROM api_key_usage_recent WHERE key_id = $1), 0) AS n`, [key.id])).rows[0].n;
    assert.equal(await count(), 6, 'three requests counted, three lines kept');
    const del = await call('DELETE', `/${key.id}`);
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    await t.app.services.usage.flush();
    assert.equal(await count(), 0);
    assert.equal((await call('GET', `/${key.id}`)).json().error.code, 'key_not_found');
    assert.equal((await call('DELETE', `/${key.id}`)).statusCode, 404);
    assert.equal((await me(key.key)).json().error.code, 'api_key_invalid');
  } finally {
    await t.close();
  }
});

test('usage: the counts and the lines of a flush are read together, even when a flush commits while the usage is read', async () => {
  const t = await createTestApp();
  try {
    const { call, me } = await setup(t);
    const key = (await call('POST', '', { name: 'Widget', scopes: ['config:read'] })).json();
    for (let i = 0; i < 3; i++) assert.equal((await me(key.key)).statusCode, 200);
    // The waiting usage is flushed (committed) right after the usage read's first statement on its tables.
    const db = t.app.services.db as { query: (...args: unknown[]) => Promise<unknown> };
    const query = db.query.bind(db);
    let flushed = false;
    db.query = async (...args: unknown[]) => {
      const result = await query(...args);
      if (!flushed && String(args[0]).includes('FROM api_key_usage')) {
        flushed = true;
        await t.app.services.usage.flush();
      }
      return result;
    };
    const total = (u: { daily: { s2xx: number }[] }) => u.daily.reduce((n, d) => n + d.s2xx, 0);
    try {
      const during = (await call('GET', `/${key.id}/usage`)).json();
      assert.ok(flushed, 'the flush ran during the read');
      assert.equal(total(during), during.recent.length, 'as many requests counted as lines shown');
      const after = (await call('GET', `/${key.id}/usage`)).json();
      assert.equal(total(after), 3);
      assert.equal(after.recent.length, 3);
    } finally {
      db.query = query;
    }
  } finally {
    await t.close();
  }
});

test('every key action leaves an audit row with the user, the key id and the client IP; the log pages', async () => {
  const t = await createTestApp();
  try {
    const { r, owner, call } = await setup(t);
    const a = (await call('POST', '', { name: 'A', scopes: ['config:read'] })).json();
    await call('PATCH', `/${a.id}`, { name: 'A2' });
    const b = (await call('POST', `/${a.id}/rotate`, { graceSeconds: 60 })).json();
    await call('POST', `/${b.id}/revoke`);
    await call('DELETE', `/${a.id}`);

    const audit = (path: string) => t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.id}/audit${path}`, headers: owner.headers });
    const res = await audit('?limit=100');
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json().data as { action: string; actorType: string; actorId: string; targetId: string; ip: string; details: object }[];
    assert.equal(res.json().nextCursor, null);
    const expected: [string, string][] = [
      ['key.created', a.id], ['key.updated', a.id], ['key.rotated', a.id], ['key.revoked', b.id], ['key.deleted', a.id],
    ];
    for (const [action, targetId] of expected) {
      const row = rows.find((x) => x.action === action && x.targetId === targetId);
      assert.ok(row, `${action} ${targetId}`);
      assert.equal(row.actorType, 'user');
      assert.equal(row.actorId, owner.user.id);
      assert.equal(row.ip, '127.0.0.1');
    }
    assert.deepEqual(rows.find((x) => x.action === 'key.rotated')!.details, { newKeyId: b.id, graceSeconds: 60 });

    const first = await audit('?limit=2');
    assert.equal(first.json().data.length, 2);
    const cursor = first.json().nextCursor;
    assert.equal(typeof cursor, 'string');
    const second = await audit(`?limit=2&cursor=${cursor}`);
    assert.equal(second.statusCode, 200);
    const ids = [...first.json().data, ...second.json().data].map((x: { id: number }) => x.id);
    assert.deepEqual(ids, rows.slice(0, 4).map((x) => (x as unknown as { id: number }).id));
    assert.equal((await audit('?cursor=nonsense')).json().error.code, 'validation_failed');
    assert.equal((await audit('?limit=0')).statusCode, 422);
  } finally {
    await t.close();
  }
});

test('the server’s own /demo key is a system key: the admin API refuses to change, rotate, revoke or delete it (409)', async () => {
  const t = await createTestApp();
  try {
    const demo = await seedDemoIfEmpty(t.app.services);
    assert.ok(demo);
    const demoId = (await t.app.services.restaurants.resolve('demo'))!.id;
    const plaintext = await createDemoWidgetKey(t.app.services, { replacePrevious: true });
    assert.ok(plaintext);
    const owner = await signIn(t, demoId);
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
      t.app.inject({ method, url: `/admin/api/restaurants/demo/keys${path}`, headers: owner.headers, payload });

    // The name is reserved, so no user can make a key that passes for the server's (nor rename one to it).
    for (const name of [DEMO_WIDGET_KEY_NAME, `  ${DEMO_WIDGET_KEY_NAME} `]) {
      const taken = await call('POST', '', { name, scopes: ['config:read'] });
      assert.equal(taken.statusCode, 422, taken.body);
      assert.equal(taken.json().error.code, 'validation_failed');
      assert.match(taken.json().error.message, /reserved/);
    }
    const lookalike = await call('POST', '', { name: 'Demo page widget', scopes: ['config:read'] });
    assert.equal(lookalike.statusCode, 201, lookalike.body);
    assert.equal(lookalike.json().system, false);
    const renamed = await call('PATCH', `/${lookalike.json().id}`, { name: DEMO_WIDGET_KEY_NAME });
    assert.equal(renamed.statusCode, 422, renamed.body);

    const listed = (await call('GET', '')).json().data as { id: string; name: string; system: boolean }[];
    const system = listed.filter((k) => k.system);
    assert.equal(system.length, 1, 'one system key');
    assert.equal(system[0].name, DEMO_WIDGET_KEY_NAME);
    assert.deepEqual(listed.filter((k) => !k.system).map((k) => k.name).sort(), ['Demo key', 'Demo page widget']);
    const id = system[0].id;
    assert.equal((await call('GET', `/${id}`)).json().system, true);

    const auditBefore = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1', [id])).rows[0].n;
    for (const [method, path, payload] of [
      ['PATCH', `/${id}`, { name: 'mine now' }],
      ['PATCH', `/${id}`, { scopes: ['reservations:read'] }],
      ['POST', `/${id}/rotate`, { graceSeconds: 0 }],
      ['POST', `/${id}/rotate`, undefined],
      ['POST', `/${id}/revoke`, undefined],
      ['DELETE', `/${id}`, undefined],
    ] as const) {
      const res = await call(method, path, payload);
      assert.equal(res.statusCode, 409, `${method} ${path}: ${res.body}`);
      const { error } = res.json();
      assert.equal(error.code, 'conflict');
      assert.deepEqual(error.details, { id, system: true });
      assert.match(error.message, /\/demo page/);
    }
    const after = (await call('GET', `/${id}`)).json();
    assert.deepEqual([after.name, after.status, after.scopes], [DEMO_WIDGET_KEY_NAME, 'active', ['availability:read', 'reservations:write']]);
    const auditAfter = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1', [id])).rows[0].n;
    assert.equal(auditAfter, auditBefore, 'a refused change leaves no audit row');
    const works = await t.app.inject({
      method: 'GET', url: `/v1/restaurants/demo/availability?date=${demo.date}&partySize=2`, headers: { 'x-api-key': plaintext },
    });
    assert.equal(works.statusCode, 200, 'the /demo key still works');

    // The other keys are not affected, and the operator's CLI (and the server itself) still may.
    const other = lookalike.json().id;
    assert.equal((await call('POST', `/${other}/revoke`)).statusCode, 200);
    assert.equal((await call('DELETE', `/${other}`)).statusCode, 204);
    const revoked = await t.app.services.keys.revoke(demoId, id, { type: 'cli', id: 'ops' });
    assert.equal(revoked.status, 'revoked');
    // At the next start the server replaces it with a new system key, deleting the old one.
    await createDemoWidgetKey(t.app.services, { replacePrevious: true });
    const again = (await call('GET', '')).json().data.filter((k: { system: boolean }) => k.system);
    assert.equal(again.length, 1);
    assert.notEqual(again[0].id, id);
    assert.equal(again[0].status, 'active');
  } finally {
    await t.close();
  }
});
