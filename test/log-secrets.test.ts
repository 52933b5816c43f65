/**
 * Secrets never reach a log line (issue 8, item 4), with the logger at trace level and every line captured: API keys
 * (created, rotated, sent as Bearer and x-api-key, wrong ones), admin passwords (right and wrong), session tokens,
 * webhook secrets (create, roll, deliveries that succeed and fail). Also: the session id is renewed on login, the
 * admin API's CSRF defence, and the security headers of /docs and the admin API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createAdminUser, login, sessionCookie, JSON_TYPE } from './helpers/admin.js';
import { bistro, createTenant, type Tenant } from './helpers/booking.js';
import { startReceiver, type Receiver } from './webhooks-support.js';
import { loggerOptions } from '../src/logger.js';

let t: TestApp;
let r: Tenant;
let receiver: Receiver;
/** Every plaintext secret the test saw; none may appear in any log line. */
const secrets = new Set<string>();

before(async () => {
  t = await createTestApp({ config: { logLevel: 'trace', webhookAllowPrivate: true, webhookRetryDelaysMs: [20, 20] } });
  r = await createTenant(t.app, bistro());
  secrets.add(r.key);
  receiver = await startReceiver((n) => (n === 1 ? { status: 500, body: 'try again' } : { status: 200, body: 'ok' }));
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const logText = () => t.logs.join('');

function assertNoSecretLogged(where: string) {
  const text = logText();
  assert.ok(t.logs.length > 0, 'the logger captured nothing: the check would be empty');
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where}: a secret (${secret.slice(0, 12)}…) appears in the logs`);
    // Also not its distinctive half (a key's secret part, a token without its prefix).
    const tail = secret.slice(Math.floor(secret.length / 2));
    assert.ok(!text.includes(tail), `${where}: part of a secret (…${tail.slice(-6)}) appears in the logs`);
  }
}

test('API keys, passwords, session tokens and webhook secrets are never logged, even at trace level', async () => {
  const owner = await createAdminUser(t, { restaurantId: r.id, role: 'owner' });
  secrets.add(owner.password);
  const wrongPassword = 'not the right password at all';
  secrets.add(wrongPassword);

  // Login: wrong then right password, with a user agent and a forwarded-for that do get logged nowhere secret.
  const bad = await login(t, owner.email, wrongPassword);
  assert.equal(bad.statusCode, 401);
  const ok = await login(t, owner.email, owner.password);
  assert.equal(ok.statusCode, 200, ok.body);
  const token = sessionCookie(ok)!.value;
  secrets.add(token);
  const admin = { ...JSON_TYPE, cookie: `maitre_session=${token}` };
  assert.equal((await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: admin })).statusCode, 200);

  // Keys: create and rotate through the admin API, then use them both ways, and wrong ones.
  const created = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/keys`, headers: admin, payload: { name: 'log test', scopes: ['config:read'] } });
  assert.equal(created.statusCode, 201, created.body);
  const key: string = created.json().key;
  secrets.add(key);
  const rotated = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/keys/${created.json().id}/rotate`, headers: admin, payload: {} });
  assert.equal(rotated.statusCode, 201, rotated.body);
  secrets.add(rotated.json().key);
  for (const headers of [
    { authorization: `Bearer ${key}` }, { 'x-api-key': key }, { authorization: `Bearer ${rotated.json().key}` },
    { authorization: `Bearer ${key.slice(0, -1)}x` }, { 'x-api-key': `${key}garbage` }, { authorization: `Bearer ${key}`, 'x-api-key': r.key },
  ]) {
    const res = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${r.slug}`, headers });
    assert.ok(res.statusCode === 200 || res.statusCode === 401, res.body);
  }
  secrets.add(`${key.slice(0, -1)}x`);

  // Webhooks: create (secret shown once), roll the secret, deliver a test event (first attempt fails, then succeeds).
  const hook = await r.post('/webhooks', { url: receiver.url, events: ['*'] });
  assert.equal(hook.statusCode, 201, hook.body);
  secrets.add(hook.json().secret);
  const rolled = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/webhooks/${hook.json().id}/roll-secret`, headers: admin, payload: {} });
  assert.equal(rolled.statusCode, 201, rolled.body);
  secrets.add(rolled.json().secret);
  assert.equal((await r.post('/webhooks/test', {})).statusCode, 202);
  const got = await receiver.waitFor(2);
  assert.match(String(got[1]!.headers['webhook-signature']), /^v1,/, 'the delivery was signed (with the secrets above)');

  // Logout, then the dead session used again.
  assert.equal((await t.app.inject({ method: 'POST', url: '/admin/api/logout', headers: admin })).statusCode, 204);
  assert.equal((await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: admin })).statusCode, 401);

  await t.app.services.usage.flush();
  assert.ok(logText().includes('webhook attempt failed'), 'the failed attempt was logged (the check covers the dispatcher)');
  assert.ok(/"requestId":"req_/.test(logText()), 'request lines carry the request id');
  assertNoSecretLogged('after the whole scenario');
});

test('the redaction list covers headers, cookies and secret-named fields wherever a log call puts them', () => {
  const lines: string[] = [];
  const logger = pino(loggerOptions('trace'), new Writable({ write(c, _e, cb) { lines.push(c.toString()); cb(); } }));
  const s = 'mtr_live_abcdefgh_SECRETSECRETSECRETSECRETSECRET1234';
  logger.info({ req: { headers: { authorization: `Bearer ${s}`, 'x-api-key': s, cookie: `maitre_session=${s}` } }, res: { headers: { 'set-cookie': `maitre_session=${s}` } } }, 'request');
  logger.info({ headers: { authorization: s, 'x-api-key': s, cookie: s, 'set-cookie': s } }, 'headers');
  logger.info({ password: s, secret: s, key: s, token: s, body: { password: s, secret: s, key: s, token: s, newPassword: s } }, 'fields');
  logger.info({ request: { headers: { authorization: s, cookie: s } } }, 'nested headers');
  assert.equal(lines.length, 4);
  for (const line of lines) assert.ok(!line.includes('SECRETSECRET'), `not redacted: ${line}`);
  assert.ok(lines.every((l) => l.includes('[redacted]')));
});

test("a database error's quoted values (detail, where) are not logged; its message, code and constraint are", async () => {
  const lines: string[] = [];
  const logger = pino(loggerOptions('trace'), new Writable({ write(c, _e, cb) { lines.push(c.toString()); cb(); } }));
  // A real one: a duplicate key, which PostgreSQL reports with the key's values in `detail`.
  const err = await t.app.services.db
    .query(`INSERT INTO restaurants SELECT * FROM restaurants WHERE id = $1`, [r.id])
    .then(() => null, (e: unknown) => e as Error & { code?: string; detail?: string });
  assert.ok(err?.detail?.includes(r.id), 'the statement fails, and its detail quotes the key');
  const violation = Object.assign(new Error('new row for relation "customers" violates check constraint "customers_email_check"'), {
    code: '23514', constraint: 'customers_email_check', table: 'customers',
    detail: 'Failing row contains (cus_1, rst_1, Ann, guest@example.com, +33612345678).',
    where: 'SQL statement "INSERT INTO customers VALUES (…guest@example.com…)"',
  });
  logger.warn({ err: violation, bookings: 3 }, 'a batch of bookings was rolled back; each is made alone');
  logger.error({ err: Object.assign(new Error('wrapped'), { cause: violation }) }, 'wrapped');
  logger.error({ err }, 'duplicate');
  const text = lines.join('');
  assert.equal(lines.length, 3);
  assert.doesNotMatch(text, /guest@example\.com|33612345678/);
  assert.ok(!lines[2]!.includes(r.id), "the real error's key values are not logged");
  assert.match(lines[0]!, /"code":"23514"/);
  assert.match(lines[0]!, /customers_email_check/);
  assert.match(lines[0]!, /"detail":"\[redacted\]"/);
  assert.match(lines[2]!, /duplicate key value violates unique constraint/, 'the message of the real error is kept');
  assert.match(lines[2]!, /"code":"23505"/);
});

test('login renews the session id: a pre-set cookie is never adopted and the previous session ends', async () => {
  const user = await createAdminUser(t, { restaurantId: r.id });
  const fixated = 'attacker-chosen-session-value-0123456789abcdef';
  const first = await login(t, user.email, user.password, { headers: { cookie: `maitre_session=${fixated}` } });
  assert.equal(first.statusCode, 200, first.body);
  const one = sessionCookie(first)!;
  assert.notEqual(one.value, fixated);
  assert.equal(one.httpOnly, true);
  assert.equal(one.sameSite, 'Strict');
  const second = await login(t, user.email, user.password, { headers: { cookie: `maitre_session=${one.value}` } });
  const two = sessionCookie(second)!;
  assert.notEqual(two.value, one.value, 'a new session id on every login');
  const old = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: { cookie: `maitre_session=${one.value}` } });
  assert.deepEqual([old.statusCode, old.json().error.code], [401, 'unauthenticated'], 'the previous session ended');
  const current = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: { cookie: `maitre_session=${two.value}` } });
  assert.equal(current.statusCode, 200);
});

test('CSRF defence on the admin API: cross-site Origin → 403 csrf_failed, a form or text body → 415 (a bodyless one needs no type), same origin passes', async () => {
  const user = await createAdminUser(t, { restaurantId: r.id, role: 'owner' });
  const res = await login(t, user.email, user.password);
  const cookie = `maitre_session=${sessionCookie(res)!.value}`;
  const url = `/admin/api/restaurants/${r.slug}/keys`;
  const body = JSON.stringify({ name: 'csrf', scopes: ['config:read'] });
  const send = (headers: Record<string, string>, payload = body) => t.app.inject({ method: 'POST', url, headers: { cookie, ...headers }, payload });
  const code = (x: { statusCode: number; json(): any }) => [x.statusCode, x.json().error?.code];

  for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null', 'http://localhost:81']) {
    assert.deepEqual(code(await send({ ...JSON_TYPE, origin })), [403, 'csrf_failed'], origin);
  }
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
    assert.deepEqual(code(await send({ 'content-type': type }, 'name=csrf')), [415, 'unsupported_media_type'], type);
  }
  assert.deepEqual(code(await send({})), [415, 'unsupported_media_type'], 'a body without a content type');
  assert.deepEqual(code(await send({}, '')), [422, 'validation_failed'], 'no body, no content type: past the guard, the body is missing');
  // Login itself is state-changing: a cross-site login form is refused too.
  const crossLogin = await t.app.inject({ method: 'POST', url: '/admin/api/login', headers: { ...JSON_TYPE, origin: 'https://evil.example' }, payload: { email: user.email, password: user.password } });
  assert.deepEqual(code(crossLogin), [403, 'csrf_failed']);
  const sameOrigin = await send({ ...JSON_TYPE, origin: 'http://localhost:80' });
  assert.equal(sameOrigin.statusCode, 201, sameOrigin.body);
  const noOrigin = await send(JSON_TYPE);
  assert.equal(noOrigin.statusCode, 201, 'no Origin (a script, curl): the JSON content type is the defence');
  secrets.add(sameOrigin.json().key);
  secrets.add(noOrigin.json().key);
  assertNoSecretLogged('after the CSRF checks');
});

test('security headers: /docs and /dashboard have a CSP with frame-ancestors and nosniff; API answers are nosniff, admin ones no-store', async () => {
  const docs = await t.app.inject({ method: 'GET', url: '/docs' });
  assert.equal(docs.statusCode, 200);
  assert.equal(docs.headers['x-content-type-options'], 'nosniff');
  assert.match(String(docs.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(String(docs.headers['content-security-policy']), /default-src/);
  const dashboard = await t.app.inject({ method: 'GET', url: '/dashboard/' });
  assert.equal(dashboard.statusCode, 200, 'the dashboard is built (npm run build)');
  assert.match(String(dashboard.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(dashboard.headers['x-content-type-options'], 'nosniff');
  for (const url of ['/admin/api/session', '/admin/api/openapi.json', '/v1/openapi.json', '/v1/me', '/nowhere']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    if (url.startsWith('/admin/api/session')) assert.equal(res.headers['cache-control'], 'no-store', url);
  }
});
