/**
 * The per-request pipeline's shortcuts (issue "Hot paths", read side) answer exactly what the long way did: the route
 * config read from Fastify's route context, the request logger created only when something is written, the request
 * metrics kept in plain cells, and /v1/me's answer kept per key record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { Histogram, Registry } from 'prom-client';
import { routeConfig } from '../src/http/route-context.js';
import { RequestMetrics } from '../src/http/metrics.js';
import { lazyChildLoggerFactory, loggerOptions } from '../src/logger.js';
import { createTestApp } from './helpers/app.js';
import { bearer, SYSTEM, tenantWithKey } from './helpers/keys.js';

test('routeConfig(req) is the config routeOptions gives, with the template url; no url on a 404', async () => {
  const app = Fastify();
  const seen: unknown[] = [];
  app.addHook('onRequest', (req, _reply, done) => {
    const config = routeConfig(req);
    seen.push([config === req.routeOptions.config, config.url, req.routeOptions.url, config.url === undefined, req.is404]);
    done();
  });
  app.get('/things/:id', { config: { scope: [] } }, async () => ({ ok: true }));
  await app.inject({ method: 'GET', url: '/things/42' });
  await app.inject({ method: 'GET', url: '/nothing/here' });
  await app.close();
  assert.deepEqual(seen, [
    [true, '/things/:id', '/things/:id', false, false],
    [true, undefined, undefined, true, true],
  ]);
});

test('the request logger: nothing is made for a request that logs nothing; what is logged carries the request id', async () => {
  const lines: string[] = [];
  const root = pino(loggerOptions('warn'), new Writable({ write: (chunk, _enc, cb) => (lines.push(chunk.toString()), cb()) }));
  let children = 0;
  const counting = new Proxy(root, {
    get: (target, prop) => (prop === 'child' ? (...args: Parameters<typeof root.child>) => (children++, target.child(...args)) : Reflect.get(target, prop)),
  });
  const log = lazyChildLoggerFactory(counting, { requestId: 'req_1' }, {});
  log.info({ x: 1 }, 'below the level');
  log.debug('below the level');
  assert.equal(children, 0, 'no child logger for lines below the level');
  assert.equal(log.isLevelEnabled('info'), false);
  assert.equal(log.isLevelEnabled('error'), true);
  log.error({ err: new Error('boom'), key: 'mk_live_secret' }, 'failed');
  log.warn('second');
  assert.equal(children, 1, 'one child, made on the first enabled line and kept');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!);
  assert.equal(first.requestId, 'req_1');
  assert.equal(first.msg, 'failed');
  assert.equal(first.err.message, 'boom');
  assert.match(first.err.stack, /Error: boom/);
  assert.equal(first.key, '[redacted]', 'redaction still applies');
  assert.equal(JSON.parse(lines[1]!).requestId, 'req_1');
  // A route with a level of its own gets pino's own child.
  const own = lazyChildLoggerFactory(root, { requestId: 'req_2' }, { level: 'debug' });
  assert.equal(own.level, 'debug');
});

test('an error answered by a real app is logged with its request id and stack', async () => {
  const t = await createTestApp({
    config: { logLevel: 'warn' },
    contract: false,
    extend(app) {
      app.get('/boom', { config: { auth: 'none' }, schema: { hide: true } }, async () => {
        throw new Error('kaboom');
      });
    },
  });
  try {
    const r = await t.app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req_pipeline_test' } });
    assert.equal(r.statusCode, 500);
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'req_pipeline_test');
    assert.ok(line, `no log line with the request id: ${t.logs.join('')}`);
    assert.equal(line.level, 50);
    assert.match(line.err.stack, /kaboom/);
  } finally {
    await t.close();
  }
});

test('the request metrics render exactly as prom-client’s own counter and histogram would', async () => {
  const ours = new Registry();
  const metrics = new RequestMetrics(ours);
  const theirs = new Registry();
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  const labelNames = ['method', 'route', 'status'] as const;
  const { Counter } = await import('prom-client');
  const counter = new Counter({ name: 'maitre_http_requests_total', help: 'HTTP requests by route and status', labelNames, registers: [theirs] });
  const histogram = new Histogram({ name: 'maitre_http_request_duration_seconds', help: 'HTTP request latency by route and status', labelNames, buckets, registers: [theirs] });
  const observations: [string, string, number, number][] = [
    ['GET', '/v1/me', 200, 0.0004], ['GET', '/v1/me', 200, 0.001], ['GET', '/v1/me', 200, 0.0011], ['GET', '/v1/me', 429, 0.3],
    ['POST', '/v1/restaurants/:restaurant/reservations', 201, 0.04], ['GET', '(unknown)', 404, 7], ['GET', '/v1/me', 200, 2.5],
  ];
  for (const [method, route, status, seconds] of observations) {
    metrics.observe(method, route, status, seconds);
    counter.inc({ method, route, status: String(status) });
    histogram.observe({ method, route, status: String(status) }, seconds);
  }
  const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => l.replace(/\{(.*)\}/, (_m, inner: string) => `{${inner.split(',').sort().join(',')}}`)).sort();
  assert.deepEqual(lines(await ours.metrics()), lines(await theirs.metrics()));
});

test('/v1/me is answered from the kept bytes only while the key record is the same: a change shows at once', async () => {
  const t = await createTestApp();
  try {
    const { key, keyId, restaurant } = await tenantWithKey(t.app, { key: { name: 'first name' } });
    const me = () => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
    const a = await me();
    const b = await me();
    assert.equal(a.statusCode, 200);
    assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(b.body, a.body);
    assert.equal(a.json().name, 'first name');
    await t.app.services.keys.update(restaurant.id, keyId, { name: 'second name', allowedOrigins: ['https://shop.example'] }, SYSTEM);
    const c = await me();
    assert.equal(c.json().name, 'second name');
    assert.deepEqual(c.json().allowedOrigins, ['https://shop.example']);
    // The restaurant's own change (its name) reaches the answer too.
    await t.app.services.db.query(`UPDATE restaurants SET name = 'Renamed' WHERE id = $1`, [restaurant.id]);
    t.app.services.invalidateLocal(`restaurant:${restaurant.id}`);
    assert.equal((await me()).json().restaurant.name, 'Renamed');
  } finally {
    await t.close();
  }
});

test('usage batches: one statement writes every row with its exact time, moves last_used_at forward only, drops unknown keys', async () => {
  const t = await createTestApp();
  try {
    const { keyId } = await tenantWithKey(t.app);
    const usage = t.app.services.usage;
    await usage.flush();
    const at1 = Date.parse('2026-05-01T10:11:12.741Z');
    const at2 = Date.parse('2026-05-01T10:11:13.007Z');
    usage.record({ keyId, at: at2, method: 'GET', route: '/v1/me', status: 200, origin: 'https://shop.example', durationMs: 0.42 });
    usage.record({ keyId, at: at1, method: 'POST', route: '/v1/restaurants/:restaurant/reservations', status: 201, origin: null, durationMs: 12.5 });
    usage.record({ keyId: 'key_gone', at: at1, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
    await usage.flush();
    assert.equal(usage.pending, 0);
    const { rows } = await t.app.services.db.query<{ at: Date; method: string; route: string; status: number; origin: string | null; duration_ms: number }>(
      `SELECT at, method, route, status, origin, duration_ms FROM api_key_usage WHERE key_id = $1 ORDER BY at`, [keyId]);
    assert.deepEqual(rows.map((r) => [r.at.getTime(), r.method, r.route, r.status, r.origin, r.duration_ms]), [
      [at1, 'POST', '/v1/restaurants/:restaurant/reservations', 201, null, 12.5],
      [at2, 'GET', '/v1/me', 200, 'https://shop.example', 0.42],
    ]);
    const last = async () => (await t.app.services.db.query<{ at: Date }>(`SELECT last_used_at AS at FROM api_keys WHERE id = $1`, [keyId])).rows[0]!.at.getTime();
    assert.equal(await last(), at2);
    usage.record({ keyId, at: at1 - 60_000, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
    await usage.flush();
    assert.equal(await last(), at2, 'an older batch row never moves last_used_at back');
    const gone = await t.app.services.db.query(`SELECT 1 FROM api_key_usage WHERE key_id = 'key_gone'`);
    assert.equal(gone.rows.length, 0);
  } finally {
    await t.close();
  }
});
