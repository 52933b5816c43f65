import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../src/http/errors.js';
import { hashPassword, needsRehash, verifyPassword } from '../src/modules/admin/passwords.js';
import { addMembership, createUser, findUserByEmail, listMemberships } from '../src/modules/admin/users.js';
import { createTestDb } from './helpers/db.js';
import { createTestApp } from './helpers/app.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { login, PASSWORD, uniqueEmail } from './helpers/admin.js';

async function rejects(p: Promise<unknown>, code: string, path?: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, code);
    if (path) assert.deepEqual((err.details.issues as { path: string }[]).map((i) => i.path), [path]);
    return true;
  });
}

test('passwords: salted scrypt in scrypt$N$r$p$salt$hash, verified in constant time', async () => {
  const a = await hashPassword('a long enough secret');
  const b = await hashPassword('a long enough secret');
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(a, b, 'a random salt per hash');
  assert.equal(await verifyPassword('a long enough secret', a), true);
  assert.equal(await verifyPassword('a long enough secreT', a), false);
  assert.equal(await verifyPassword('a long enough secret', 'garbage'), false);
  assert.equal(await verifyPassword('x', 'scrypt$1048576$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=='), false, 'absurd cost refused');
  assert.equal(needsRehash(a), false);
  assert.equal(needsRehash(a.replace('$32768$', '$16384$')), true);
});

test('createUser normalises the email, hashes the password and adds the membership (by slug or id)', async () => {
  const db = await createTestDb();
  try {
    const r = await insertRestaurant(db, { name: 'Le Test' });
    const email = uniqueEmail('chef');
    const user = await createUser(db, { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: ' Chef ', restaurantId: r.slug });
    assert.equal(user.email, email);
    assert.equal(user.name, 'Chef');
    assert.match(user.id, /^usr_/);
    assert.deepEqual(user.memberships, [{ restaurantId: r.id, slug: r.slug, name: 'Le Test', role: 'owner' }]);
    const { rows } = await db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    assert.ok(!rows[0].password_hash.includes(PASSWORD));
    assert.equal(await verifyPassword(PASSWORD, rows[0].password_hash), true);
    assert.equal((await findUserByEmail(db, email.toUpperCase()))?.id, user.id);

    const r2 = await insertRestaurant(db);
    await addMembership(db, { userId: user.id, restaurantId: r2.id, role: 'staff' });
    await addMembership(db, { userId: user.id, restaurantId: r2.id, role: 'manager' });
    const roles = (await listMemberships(db, user.id)).map((m) => [m.restaurantId, m.role]);
    assert.deepEqual(roles.sort(), [[r.id, 'owner'], [r2.id, 'manager']].sort());
    const audit = await db.query('SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id', [user.id]);
    assert.deepEqual(audit.rows.map((x) => x.action), ['user.created', 'membership.added', 'membership.added', 'membership.added']);

    const loner = await createUser(db, { email: uniqueEmail(), password: PASSWORD });
    assert.deepEqual(loner.memberships, []);
    assert.equal(loner.name, null);
  } finally {
    await db.close();
  }
});

test('createUser refuses a short password, a bad email, a taken email and an unknown restaurant, leaving nothing behind', async () => {
  const db = await createTestDb();
  try {
    const email = uniqueEmail();
    await rejects(createUser(db, { email, password: '123456789' }), 'validation_failed', 'password');
    await rejects(createUser(db, { email: 'not-an-email', password: PASSWORD }), 'validation_failed', 'email');
    await rejects(createUser(db, { email, password: PASSWORD, restaurantId: 'nowhere' }), 'not_found');
    assert.equal(await findUserByEmail(db, email), null);
    await createUser(db, { email, password: PASSWORD });
    await rejects(createUser(db, { email: email.toUpperCase(), password: PASSWORD }), 'conflict');
    await rejects(addMembership(db, { userId: 'usr_missing', restaurantId: (await insertRestaurant(db)).id, role: 'owner' }), 'not_found');
  } finally {
    await db.close();
  }
});

test('a login re-hashes a password stored with older scrypt parameters', async () => {
  const t = await createTestApp();
  try {
    const email = uniqueEmail();
    const user = await createUser(t.db, { email, password: PASSWORD });
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const weak = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
    await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, weak]);
    const res = await login(t, email, PASSWORD);
    assert.equal(res.statusCode, 200, res.body);
    const { rows } = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    assert.match(rows[0].password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal((await login(t, email, PASSWORD)).statusCode, 200);
  } finally {
    await t.close();
  }
});
