/**
 * Auth is declared on every route and checked when the route is added (src/http/route-auth.ts): a route that says
 * nothing, or the wrong thing for the guard it is mounted behind, stops the server from starting, naming the route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { registerKeyAuth } from '../src/http/auth.js';
import { checkRouteAuth, registerRouteAuthCheck, type RouteGuard } from '../src/http/route-auth.js';
import { registerAdminGuard } from '../src/modules/admin/guard.js';
import type { AdminAuth } from '../src/modules/admin/auth.js';
import type { KeyAuthDeps } from '../src/http/auth.js';
import { testConfig } from './helpers/app.js';
import { createTestDb } from './helpers/db.js';

const handler = async () => ({ ok: true });

test('the real app: a route added without an auth declaration makes start-up fail, naming the route', async () => {
  const db = await createTestDb();
  const app = await buildApp({ config: testConfig(), db, logger: pino({ level: 'silent' }) });
  try {
    // Every route of the app itself passed the check (buildApp did not throw). One more, declaring nothing:
    void app.register(async (plugin) => {
      plugin.get('/reports/daily', handler);
    });
    await assert.rejects(async () => app.ready().then(() => {}), (err: Error) => {
      assert.match(err.message, /^route GET \/reports\/daily declares no auth, and no guard runs here/);
      return true;
    });
  } finally {
    await app.close().catch(() => {});
    await db.close();
  }
});

test('the real app: a scoped route mounted outside /v1 (where no key pipeline runs) fails too', async () => {
  const db = await createTestDb();
  const app = await buildApp({ config: testConfig(), db, logger: pino({ level: 'silent' }) });
  try {
    void app.register(async (plugin) => {
      plugin.get('/restaurants/:restaurant/secrets', { config: { scope: 'config:read' } }, handler);
    }, { prefix: '/v2' });
    await assert.rejects(async () => app.ready().then(() => {}), /^Error: route GET \/v2\/restaurants\/:restaurant\/secrets declares no auth, and no guard runs here/);
  } finally {
    await app.close().catch(() => {});
    await db.close();
  }
});

/** A bare app with the check and the two real guards, each in its own context, as buildApp mounts them. */
async function mount(where: 'v1' | 'admin' | 'root', add: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerRouteAuthCheck(app);
  await app.register(async (v1) => {
    registerKeyAuth(v1, {} as KeyAuthDeps); // deps are used per request only
    if (where === 'v1') add(v1);
  }, { prefix: '/v1' });
  await app.register(async (admin) => {
    registerAdminGuard(admin, {} as AdminAuth);
    await admin.register(async (r) => {
      if (where === 'admin') add(r);
    }, { prefix: '/restaurants/:restaurant' });
  }, { prefix: '/admin/api' });
  if (where === 'root') add(app);
  await app.ready();
  return app;
}

test('behind each guard: what a route must declare, and what it must not', async () => {
  const fails = async (where: 'v1' | 'admin' | 'root', add: (app: FastifyInstance) => void, message: RegExp) =>
    assert.rejects(mount(where, add), message, String(message));
  const works = async (where: 'v1' | 'admin' | 'root', add: (app: FastifyInstance) => void) => (await mount(where, add)).close();

  await fails('v1', (a) => a.get('/things', handler), /route GET \/v1\/things declares no scope/);
  await fails('v1', (a) => a.post('/things', { config: { auth: 'session' } }, handler), /POST \/v1\/things declares auth 'session' under the API key pipeline/);
  await fails('v1', (a) => a.get('/things', { config: { scope: [], roles: ['owner'] } }, handler), /declares roles under the API key pipeline/);
  await works('v1', (a) => a.get('/things', { config: { scope: 'config:read' } }, handler));
  await works('v1', (a) => a.get('/things', { config: { scope: [] } }, handler)); // any valid key
  await works('v1', (a) => a.get('/things', { config: { auth: 'none' } }, handler));

  await fails('admin', (a) => a.get('/things', handler), /route GET \/admin\/api\/restaurants\/:restaurant\/things declares no auth/);
  await fails('admin', (a) => a.get('/things', { config: { auth: 'session' } }, handler), /things declares no roles/);
  await fails('admin', (a) => a.get('/things', { config: { auth: 'session', roles: [] } }, handler), /things declares no roles/);
  await fails('admin', (a) => a.get('/things', { config: { auth: 'session', roles: ['owner'], scope: 'config:read' } }, handler), /declares a scope under the admin guard/);
  await fails('admin', (a) => a.get('/things', { config: { scope: 'config:read' } }, handler), /declares no auth/);
  await works('admin', (a) => a.get('/things', { config: { auth: 'session', roles: ['owner', 'manager'] } }, handler));

  await fails('root', (a) => a.get('/things', handler), /route GET \/things declares no auth, and no guard runs here/);
  await fails('root', (a) => a.get('/things', { config: { auth: 'session' } }, handler), /no guard runs here/);
  await fails('root', (a) => a.get('/things', { config: { auth: 'key', scope: [] } }, handler), /no guard runs here/);
  await fails('root', (a) => a.get('/things', { config: { auth: 'none', scope: [] } }, handler), /is public \(auth: 'none'\) but also declares a scope/);
  await works('root', (a) => a.get('/things', { config: { auth: 'none' } }, handler));
});

test('checkRouteAuth: the rules, one by one, with a message naming the route', () => {
  const check = (config: Record<string, unknown> | undefined, guard: RouteGuard | undefined, url = '/x') =>
    checkRouteAuth({ method: ['GET', 'HEAD'], url, config }, guard);
  assert.throws(() => check(undefined, undefined), /^Error: route GET,HEAD \/x declares no auth/);
  assert.throws(() => check({ auth: 'cookie' }, 'key'), /declares an unknown auth "cookie"/);
  assert.throws(() => check({ auth: 'none', roles: ['owner'] }, 'session'), /is public \(auth: 'none'\) but also declares roles/);
  assert.throws(() => check({ auth: 'session' }, 'public'), /declares auth 'session' in a context whose routes are all public/);
  assert.throws(() => check({ auth: 'session', roles: ['owner'] }, 'session', '/admin/api/me'), /declares roles outside \/restaurants\/:restaurant/);
  assert.throws(() => check({ auth: 'session' }, 'session', '/admin/api/restaurants/:restaurant'), /declares no roles/);
  assert.doesNotThrow(() => check({ auth: 'session' }, 'session', '/admin/api/me'));
  assert.doesNotThrow(() => check({ auth: 'session' }, 'session', '/admin/api/restaurants/:restaurantish'), 'only the :restaurant parameter');
  assert.doesNotThrow(() => check(undefined, 'public'));
  assert.doesNotThrow(() => check({ auth: 'none' }, 'public'));
  assert.doesNotThrow(() => check({ auth: 'key', scope: ['config:read'] }, 'key'));
});
