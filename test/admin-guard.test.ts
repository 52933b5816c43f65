import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { createAdminUser, login, signIn } from './helpers/admin.js';
import { addMembership } from '../src/modules/admin/users.js';
import { isSameOrigin } from '../src/modules/admin/guard.js';

const NEW_KEY = { name: 'Widget', scopes: ['config:read'] };

test('a cross-origin state-changing request is refused with 403 csrf_failed; same origin passes', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db);
    const owner = await signIn(t, r.id);
    const url = `/admin/api/restaurants/${r.slug}/keys`;
    for (const origin of ['https://evil.example', 'http://localhost:8080', 'null', 'http://localhost.evil.example']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { ...owner.headers, origin }, payload: NEW_KEY });
      assert.equal(res.statusCode, 403, origin);
      assert.equal(res.json().error.code, 'csrf_failed');
    }
    const { email, password } = await createAdminUser(t);
    const crossLogin = await login(t, email, password, { headers: { origin: 'https://evil.example' } });
    assert.equal(crossLogin.statusCode, 403);
    const list = await t.app.inject({ method: 'GET', url, headers: owner.headers });
    assert.deepEqual(list.json().data, [], 'nothing was created');

    const same = await t.app.inject({ method: 'POST', url, headers: { ...owner.headers, origin: 'http://localhost' }, payload: NEW_KEY });
    assert.equal(same.statusCode, 201, same.body);
    const noOrigin = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: NEW_KEY });
    assert.equal(noOrigin.statusCode, 201);
  } finally {
    await t.close();
  }
});

test('isSameOrigin compares host and port, with default ports', () => {
  assert.equal(isSameOrigin('https://admin.example.com', 'admin.example.com'), true);
  assert.equal(isSameOrigin('https://admin.example.com', 'admin.example.com:443'), true);
  assert.equal(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:3000'), true);
  assert.equal(isSameOrigin('HTTP://LOCALHOST:3000', 'localhost:3000'), true);
  assert.equal(isSameOrigin('http://127.0.0.1:3001', '127.0.0.1:3000'), false);
  assert.equal(isSameOrigin('https://evil.example', 'admin.example.com'), false);
  assert.equal(isSameOrigin('null', 'admin.example.com'), false);
  assert.equal(isSameOrigin('file://', 'admin.example.com'), false);
  assert.equal(isSameOrigin('https://admin.example.com', 'evil@admin.example.com'), false);
});

test('a state-changing request that is not declared JSON is refused with 415', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db);
    const owner = await signIn(t, r.id);
    const url = `/admin/api/restaurants/${r.id}/keys`;
    const cookie = owner.headers.cookie;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': type }, payload: JSON.stringify(NEW_KEY) });
      assert.equal(res.statusCode, 415, type);
      assert.equal(res.json().error.code, 'unsupported_media_type');
    }
    const created = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: NEW_KEY });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    // A body without a Content-Type is refused; so is a bodyless request that declares a form type.
    const untyped = await t.app.inject({ method: 'POST', url, headers: { cookie }, payload: Buffer.from(JSON.stringify(NEW_KEY)) });
    assert.equal(untyped.statusCode, 415, untyped.body);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const form = await t.app.inject({ method: 'POST', url: `${url}/${id}/revoke`, headers: { cookie, 'content-type': type } });
      assert.equal(form.statusCode, 415, type);
    }
    const chunked = await t.app.inject({ method: 'POST', url: `${url}/${id}/revoke`, headers: { cookie, 'transfer-encoding': 'chunked' }, payload: '{}' });
    assert.equal(chunked.statusCode, 415, 'a chunked body without a Content-Type');
    const keyState = await t.app.inject({ method: 'GET', url: `${url}/${id}`, headers: { cookie } });
    assert.equal(keyState.json().status, 'active', 'none of the refused requests revoked it');
    // A bodyless POST declared JSON is fine.
    const revoke = await t.app.inject({ method: 'POST', url: `${url}/${id}/revoke`, headers: owner.headers });
    assert.equal(revoke.statusCode, 200, revoke.body);
    assert.equal(revoke.json().status, 'revoked');
  } finally {
    await t.close();
  }
});

test('a bodyless request needs no Content-Type (curl -X DELETE), and a cross-origin one is still refused', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db);
    const owner = await signIn(t, r.id);
    const url = `/admin/api/restaurants/${r.id}/keys`;
    const cookie = owner.headers.cookie;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: NEW_KEY });
      ids.push(created.json().id);
    }
    const cross = await t.app.inject({ method: 'DELETE', url: `${url}/${ids[0]}`, headers: { cookie, origin: 'https://evil.example' } });
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.json().error.code, 'csrf_failed');
    const del = await t.app.inject({ method: 'DELETE', url: `${url}/${ids[0]}`, headers: { cookie } });
    assert.equal(del.statusCode, 204, del.body);
    const zero = await t.app.inject({ method: 'DELETE', url: `${url}/${ids[1]}`, headers: { cookie, 'content-length': '0', origin: 'http://localhost' } });
    assert.equal(zero.statusCode, 204, zero.body);
    const list = await t.app.inject({ method: 'GET', url, headers: { cookie } });
    assert.deepEqual(list.json().data, []);
    const revoke = await t.app.inject({ method: 'POST', url: `${url}/${ids[0]}/revoke`, headers: { cookie } });
    assert.equal(revoke.statusCode, 404, 'a bodyless POST passes the guard and reaches the route');
    const logout = await t.app.inject({ method: 'POST', url: '/admin/api/logout', headers: { cookie } });
    assert.equal(logout.statusCode, 204, logout.body);
    const after = await t.app.inject({ method: 'GET', url, headers: { cookie } });
    assert.equal(after.statusCode, 401, 'logged out');
  } finally {
    await t.close();
  }
});

test('restaurant routes need a session: 401 unauthenticated', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db);
    for (const [method, url] of [['GET', 'keys'], ['POST', 'keys'], ['GET', 'audit'], ['GET', 'keys/key_x/usage']] as const) {
      const res = await t.app.inject({ method, url: `/admin/api/restaurants/${r.slug}/${url}`, headers: { 'content-type': 'application/json' }, payload: method === 'POST' ? NEW_KEY : undefined });
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
  } finally {
    await t.close();
  }
});

test("a member of restaurant A gets 404 not_found for restaurant B, as for one that does not exist", async () => {
  const t = await createTestApp();
  try {
    const a = await insertRestaurant(t.db);
    const b = await insertRestaurant(t.db);
    await t.app.services.keys.create(b.id, { name: 'B key', scopes: ['config:read'] }, { type: 'system', id: null });
    const userA = await signIn(t, a.id);
    const requests = [
      ['GET', `/admin/api/restaurants/${b.slug}/keys`],
      ['GET', `/admin/api/restaurants/${b.id}/keys`],
      ['POST', `/admin/api/restaurants/${b.slug}/keys`],
      ['GET', `/admin/api/restaurants/${b.slug}/audit`],
      ['GET', `/admin/api/restaurants/no-such-place/keys`],
    ] as const;
    for (const [method, url] of requests) {
      const res = await t.app.inject({ method, url, headers: userA.headers, payload: method === 'POST' ? NEW_KEY : undefined });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'not_found');
    }
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM api_keys WHERE restaurant_id = $1', [b.id]);
    assert.equal(rows[0].n, 1, 'B was not touched');
    const own = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${a.slug}/keys`, headers: userA.headers });
    assert.equal(own.statusCode, 200);
  } finally {
    await t.close();
  }
});

test('a key id of another restaurant is 404 key_not_found, and the key is untouched', async () => {
  const t = await createTestApp();
  try {
    const a = await insertRestaurant(t.db);
    const b = await insertRestaurant(t.db);
    const owner = await signIn(t, a.id);
    await addMembership(t.db, { userId: owner.user.id, restaurantId: b.id, role: 'owner' });
    const created = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${b.slug}/keys`, headers: owner.headers, payload: NEW_KEY });
    const id = created.json().id;
    const base = `/admin/api/restaurants/${a.slug}/keys/${id}`;
    for (const [method, url] of [['GET', base], ['PATCH', base], ['POST', `${base}/rotate`], ['POST', `${base}/revoke`], ['DELETE', base], ['GET', `${base}/usage`]] as const) {
      const res = await t.app.inject({ method, url, headers: owner.headers, payload: method === 'PATCH' ? { name: 'x' } : undefined });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.equal(res.json().error.code, 'key_not_found');
    }
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${created.json().key}` } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().name, 'Widget');
  } finally {
    await t.close();
  }
});

test('staff may not manage keys or read the audit log (403 forbidden); managers may', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db);
    const staff = await signIn(t, r.id, 'staff');
    const manager = await signIn(t, r.id, 'manager');
    const base = `/admin/api/restaurants/${r.slug}`;
    for (const [method, url] of [['GET', `${base}/keys`], ['POST', `${base}/keys`], ['GET', `${base}/audit`], ['DELETE', `${base}/keys/key_x`]] as const) {
      const res = await t.app.inject({ method, url, headers: staff.headers, payload: method === 'POST' ? NEW_KEY : undefined });
      assert.equal(res.statusCode, 403, url);
      assert.equal(res.json().error.code, 'forbidden');
    }
    const session = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: staff.headers });
    assert.equal(session.json().memberships[0].role, 'staff');
    const created = await t.app.inject({ method: 'POST', url: `${base}/keys`, headers: manager.headers, payload: NEW_KEY });
    assert.equal(created.statusCode, 201);
    assert.equal((await t.app.inject({ method: 'GET', url: `${base}/audit`, headers: manager.headers })).statusCode, 200);
  } finally {
    await t.close();
  }
});
