import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, TestClock } from './helpers/app.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { createAdminUser, login, sessionCookie, uniqueEmail } from './helpers/admin.js';
import { passwordWork } from '../src/modules/admin/passwords.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const cookieOf = (token: string) => ({ cookie: `maitre_session=${token}` });
const JSON_TYPE = { 'content-type': 'application/json' };

test('login answers the user and memberships and sets a strict HttpOnly session cookie; only its hash is stored', async () => {
  const t = await createTestApp();
  try {
    const r = await insertRestaurant(t.db, { name: 'Chez Test' });
    const { user, email, password } = await createAdminUser(t, { restaurantId: r.slug, role: 'manager', name: 'Ada' });
    const res = await login(t, `  ${email.toUpperCase()} `, password);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      user: { id: user.id, email, name: 'Ada' },
      memberships: [{ restaurantId: r.id, slug: r.slug, name: 'Chez Test', role: 'manager' }],
    });
    assert.equal(res.headers['cache-control'], 'no-store');
    const c = sessionCookie(res)!;
    assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(c.path, '/');
    assert.equal(c.maxAge, 12 * 3600);
    assert.ok(!c.secure, 'not Secure over plain http');
    const { rows } = await t.db.query('SELECT id_hash, ip FROM sessions WHERE user_id = $1', [user.id]);
    assert.deepEqual(rows, [{ id_hash: sha256(c.value), ip: '127.0.0.1' }]);

    const s = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(c.value) });
    assert.equal(s.statusCode, 200);
    assert.deepEqual(s.json(), res.json());
  } finally {
    await t.close();
  }
});

test('the session cookie is Secure when the request came over https', async () => {
  const t = await createTestApp({ config: { trustProxy: true } });
  try {
    const { email, password } = await createAdminUser(t);
    const res = await login(t, email, password, { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.statusCode, 200);
    assert.equal(sessionCookie(res)!.secure, true);
  } finally {
    await t.close();
  }
});

test('wrong password and unknown email answer the same 401 invalid_credentials, with no cookie', async () => {
  const t = await createTestApp();
  try {
    const { email } = await createAdminUser(t);
    const wrong = await login(t, email, 'not the password at all');
    const unknown = await login(t, uniqueEmail('nobody'), 'not the password at all');
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'invalid_credentials');
      assert.equal(sessionCookie(res), undefined);
    }
    assert.deepEqual(wrong.json(), unknown.json());
    // An unknown email still spends a full scrypt derivation (at today's parameters), like a wrong password does.
    const spent = async (who: string) => {
      const before = passwordWork.derivations;
      await login(t, who, 'not the password at all');
      return passwordWork.derivations - before;
    };
    assert.equal(await spent(email), 1);
    assert.equal(await spent(uniqueEmail('nobody')), 1);
    const invalid = await login(t, email, '');
    assert.equal(invalid.statusCode, 422);
  } finally {
    await t.close();
  }
});

test('every login gets a new session id; the cookie a browser brought is ended, never adopted', async () => {
  const t = await createTestApp();
  try {
    const { email, password } = await createAdminUser(t);
    const first = sessionCookie(await login(t, email, password))!.value;
    const other = sessionCookie(await login(t, email, password))!.value; // another browser
    assert.notEqual(first, other);
    const again = await login(t, email, password, { headers: cookieOf(first) });
    const second = sessionCookie(again)!.value;
    assert.notEqual(second, first);
    const old = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(first) });
    assert.equal(old.statusCode, 401);
    for (const token of [second, other]) {
      assert.equal((await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(token) })).statusCode, 200);
    }
    const planted = 'A'.repeat(43);
    const fixed = await login(t, email, password, { headers: cookieOf(planted) });
    assert.notEqual(sessionCookie(fixed)!.value, planted);
    const { rows } = await t.db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [sha256(planted)]);
    assert.equal(rows.length, 0);
  } finally {
    await t.close();
  }
});

test('logout ends the session and clears the cookie', async () => {
  const t = await createTestApp();
  try {
    const { user, email, password } = await createAdminUser(t);
    const token = sessionCookie(await login(t, email, password))!.value;
    const out = await t.app.inject({ method: 'POST', url: '/admin/api/logout', headers: { ...JSON_TYPE, ...cookieOf(token) } });
    assert.equal(out.statusCode, 204);
    const cleared = sessionCookie(out)!;
    assert.equal(cleared.value, '');
    assert.equal(cleared.maxAge, 0);
    assert.equal(cleared.httpOnly, true);
    const s = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(token) });
    assert.equal(s.statusCode, 401);
    assert.equal(s.json().error.code, 'unauthenticated');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [user.id]);
    assert.equal(rows[0].n, 0);
    const twice = await t.app.inject({ method: 'POST', url: '/admin/api/logout', headers: JSON_TYPE });
    assert.equal(twice.statusCode, 204);
  } finally {
    await t.close();
  }
});

test('a session expires after 12 hours: refused with 401, deleted, cookie cleared', async () => {
  const clock = new TestClock();
  const t = await createTestApp({ clock });
  try {
    const { user, email, password } = await createAdminUser(t);
    const token = sessionCookie(await login(t, email, password))!.value;
    clock.advance(12 * 3600_000 - 1);
    assert.equal((await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(token) })).statusCode, 200);
    clock.advance(1);
    const res = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: cookieOf(token) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'unauthenticated');
    assert.equal(sessionCookie(res)?.maxAge, 0);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [user.id]);
    assert.equal(rows[0].n, 0);
  } finally {
    await t.close();
  }
});

test('no cookie or a garbage cookie: 401 unauthenticated', async () => {
  const t = await createTestApp();
  try {
    for (const headers of [{}, cookieOf('garbage'), cookieOf('B'.repeat(43))]) {
      const res = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(Object.keys(res.json().error).sort(), ['code', 'details', 'message']);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
  } finally {
    await t.close();
  }
});

test('logins are rate limited per email (10 per 15 min), whatever the IP', async () => {
  const clock = new TestClock();
  const t = await createTestApp({ clock });
  try {
    const { email, password } = await createAdminUser(t);
    for (let i = 0; i < 10; i++) {
      const res = await login(t, email, 'wrong password!', { remoteAddress: `10.0.0.${i + 1}` });
      assert.equal(res.statusCode, 401);
    }
    const limited = await login(t, email, password, { remoteAddress: '10.0.1.1' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limit_exceeded');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 900, `retry-after ${retryAfter}`);
    assert.equal(sessionCookie(limited), undefined);
    const otherEmail = await login(t, uniqueEmail(), password, { remoteAddress: '10.0.1.1' });
    assert.equal(otherEmail.statusCode, 401);
    clock.advance(retryAfter * 1000);
    assert.equal((await login(t, email, password, { remoteAddress: '10.0.1.1' })).statusCode, 200);
  } finally {
    await t.close();
  }
});

test('logins are rate limited per client IP (20 per 15 min), whatever the email', async () => {
  const clock = new TestClock();
  const t = await createTestApp({ clock });
  try {
    const { email, password } = await createAdminUser(t);
    for (let i = 0; i < 20; i++) {
      const res = await login(t, uniqueEmail(`probe${i}`), 'some password', { remoteAddress: '192.0.2.7' });
      assert.equal(res.statusCode, 401);
    }
    const limited = await login(t, email, password, { remoteAddress: '192.0.2.7' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limit_exceeded');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await login(t, email, password, { remoteAddress: '192.0.2.8' })).statusCode, 200);
    clock.advance(15 * 60_000);
    assert.equal((await login(t, email, password, { remoteAddress: '192.0.2.7' })).statusCode, 200);
  } finally {
    await t.close();
  }
});
