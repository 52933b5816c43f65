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
import { UsageRecorder } from '../src/modules/keys/usage-recorder.js';
import { pruneUsage } from '../src/modules/keys/usage-retention.js';
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

/** A usage test: an app, one key of a new restaurant, the usage recorder flushed empty. */
async function withUsage(body: (u: {
  t: Awaited<ReturnType<typeof createTestApp>>; keyId: string; restaurant: { id: string }; usage: UsageRecorder; db: Awaited<ReturnType<typeof createTestApp>>['app']['services']['db'];
}) => Promise<void>): Promise<void> {
  const t = await createTestApp();
  try {
    const { keyId, restaurant } = await tenantWithKey(t.app);
    const usage = t.app.services.usage;
    await usage.flush();
    await body({ t, keyId, restaurant, usage, db: t.app.services.db });
  } finally {
    await t.close();
  }
}

/** Runs `fn` with the database's query() replaced by `fake` (given the real one), put back afterwards. */
async function withQuery(db: { query: unknown }, fake: (real: (...args: any[]) => any) => (...args: any[]) => any, fn: () => Promise<void>): Promise<void> {
  const real = db.query as (...args: any[]) => any;
  (db as any).query = fake(real);
  try {
    await fn();
  } finally {
    (db as any).query = real;
  }
}

test('usage batches: one statement adds up each key (daily counts, newest lines, last_used_at forward only), drops unknown keys', () => withUsage(async ({ t, keyId, restaurant, usage, db }) => {
  const at1 = Date.parse('2026-05-01T10:11:12.741Z');
  const at2 = Date.parse('2026-05-01T10:11:13.007Z');
  const at0 = Date.parse('2026-04-30T23:59:59.999Z'); // the UTC day before
  usage.record({ keyId, at: at2, method: 'GET', route: '/v1/me', status: 200, origin: 'https://shop.example', durationMs: 0.42 });
  usage.record({ keyId, at: at1, method: 'POST', route: '/v1/restaurants/:restaurant/reservations', status: 201, origin: null, durationMs: 12.5 });
  usage.record({ keyId, at: at0, method: 'GET', route: '/v1/me', status: 429, origin: null, durationMs: 0.16 });
  usage.record({ keyId: 'key_gone', at: at1, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
  assert.equal(usage.pending, 4);
  const statements: string[] = [];
  await withQuery(db, (real) => (text: string, values?: unknown[]) => (statements.push(text), real.call(db, text, values)), () => usage.flush());
  assert.equal(statements.length, 1, 'one statement a flush');
  assert.equal(usage.pending, 0);
  const daily = async () => (await db.query(
    `SELECT key_id, to_char(day, 'YYYY-MM-DD') AS day, s2xx, s3xx, s4xx, s5xx FROM api_key_usage_daily WHERE key_id IN ($1, 'key_gone') ORDER BY day`,
    [keyId])).rows;
  assert.deepEqual(await daily(), [
    { key_id: keyId, day: '2026-04-30', s2xx: 0, s3xx: 0, s4xx: 1, s5xx: 0 },
    { key_id: keyId, day: '2026-05-01', s2xx: 2, s3xx: 0, s4xx: 0, s5xx: 0 },
  ]);
  const lines = async () => (await db.query(`SELECT key_id, lines FROM api_key_usage_recent WHERE key_id IN ($1, 'key_gone')`, [keyId])).rows;
  assert.deepEqual(await lines(), [{ key_id: keyId, lines: [
    { at: at2, method: 'GET', route: '/v1/me', status: 200, origin: 'https://shop.example', durationMs: 0.4 },
    { at: at1, method: 'POST', route: '/v1/restaurants/:restaurant/reservations', status: 201, origin: null, durationMs: 12.5 },
    { at: at0, method: 'GET', route: '/v1/me', status: 429, origin: null, durationMs: 0.2 },
  ] }], 'newest first, durations to a tenth of a millisecond, nothing for an unknown key');
  const last = async () => (await db.query<{ at: Date }>(`SELECT last_used_at AS at FROM api_keys WHERE id = $1`, [keyId])).rows[0]!.at.getTime();
  assert.equal(await last(), at2);

  // A later batch adds to the day's counts; its lines merge with the stored ones by time (another instance's batch
  // may hold older requests) and only the newest 50 stay; an older batch never moves last_used_at back.
  for (let i = 0; i < 60; i++) {
    usage.record({ keyId, at: at1 - 200_000 + i * 2_000, method: 'GET', route: '/v1/me', status: i % 10 === 0 ? 503 : 200, origin: null, durationMs: 1 });
  }
  await usage.flush();
  assert.equal(await last(), at2, 'an older batch never moves last_used_at back');
  assert.deepEqual((await daily()).map((r) => [r.day, r.s2xx, r.s5xx]), [['2026-04-30', 0, 0], ['2026-05-01', 56, 6]]);
  const [{ lines: kept }] = await lines();
  assert.equal(kept.length, 50);
  const times = kept.map((l: { at: number }) => l.at);
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  assert.deepEqual(times.slice(0, 3), [at2, at1, at1 - 200_000 + 59 * 2_000], 'the stored newest lines stay first, then the batch\'s');

  // The admin API reads the same: 30 days of counts and the newest lines.
  t.clock.ms = Date.parse('2026-05-01T12:00:00Z');
  const shown = await t.app.services.keys.usage(restaurant.id, keyId);
  assert.deepEqual(shown.daily.slice(-2), [
    { date: '2026-04-30', s2xx: 0, s3xx: 0, s4xx: 1, s5xx: 0 },
    { date: '2026-05-01', s2xx: 56, s3xx: 0, s4xx: 0, s5xx: 6 },
  ]);
  assert.equal(shown.recent.length, 50);
  assert.deepEqual(shown.recent[0], { at: new Date(at2).toISOString(), method: 'GET', route: '/v1/me', status: 200, origin: 'https://shop.example', durationMs: 0.4 });
}));

test('usage batches: a flush that fails keeps its counts and lines for the next one, merged with what came since', () => withUsage(async ({ t, keyId, restaurant, usage, db }) => {
  const at = Date.parse('2026-05-02T08:00:00Z');
  for (let i = 0; i < 3; i++) usage.record({ keyId, at: at + i, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
  await withQuery(db, () => () => Promise.reject(new Error('connection lost')), () => usage.flush());
  assert.equal(usage.pending, 3, 'nothing lost');
  usage.record({ keyId, at: at + 10, method: 'GET', route: '/v1/me', status: 404, origin: null, durationMs: 1 });
  await usage.flush();
  assert.equal(usage.pending, 0);
  t.clock.ms = Date.parse('2026-05-02T12:00:00Z');
  const shown = await t.app.services.keys.usage(restaurant.id, keyId);
  assert.deepEqual(shown.daily.at(-1), { date: '2026-05-02', s2xx: 3, s3xx: 0, s4xx: 1, s5xx: 0 });
  assert.deepEqual(shown.recent.map((r) => [Date.parse(r.at) - at, r.status]), [[10, 404], [2, 200], [1, 200], [0, 200]]);
}));

test('usage batches: two instances flushing the same keys at once neither deadlock nor lose a count', async () => {
  const t = await createTestApp();
  try {
    const keyIds: string[] = [];
    for (let i = 0; i < 12; i++) keyIds.push((await tenantWithKey(t.app)).keyId);
    const errors: unknown[] = [];
    const instances = [0, 1].map(() => new UsageRecorder(t.db, { error: (o: unknown) => void errors.push(o) }));
    const at = Date.parse('2026-05-03T09:00:00Z');
    for (let round = 0; round < 10; round++) {
      instances.forEach((u, n) => {
        const order = n === 0 ? keyIds : [...keyIds].reverse();
        for (const keyId of order) u.record({ keyId, at: at + round, method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
      });
      await Promise.all(instances.map((u) => u.flush()));
    }
    assert.deepEqual(errors, []);
    const { rows } = await t.db.query<{ n: number; lines: number }>(
      `SELECT d.s2xx AS n, jsonb_array_length(r.lines) AS lines FROM api_key_usage_daily d JOIN api_key_usage_recent r USING (key_id)
        WHERE key_id = ANY($1::text[])`, [keyIds]);
    assert.deepEqual(rows, keyIds.map(() => ({ n: 20, lines: 20 })));
  } finally {
    await t.close();
  }
});

test('usage retention: daily counts older than 90 days are deleted, the 90 days up to today kept, other keys untouched by age alone', () => withUsage(async ({ keyId, usage, db }) => {
  const now = Date.parse('2026-06-30T15:00:00Z');
  const day = (n: number) => now - n * 86_400_000;
  for (const n of [0, 89, 90, 91, 400]) usage.record({ keyId, at: day(n), method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
  await usage.flush();
  const days = async () => (await db.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM api_key_usage_daily WHERE key_id = $1 ORDER BY day`, [keyId])).rows.map((r) => r.day);
  assert.deepEqual(await days(), ['2025-05-26', '2026-03-31', '2026-04-01', '2026-04-02', '2026-06-30']);
  assert.equal(await pruneUsage(db, now), 3);
  assert.deepEqual(await days(), ['2026-04-02', '2026-06-30'], 'today and the 89 days before it stay: 90 days');
  assert.equal(await pruneUsage(db, now), 0, 'a second run finds nothing');
  const [{ n }] = (await db.query<{ n: number }>(`SELECT jsonb_array_length(lines) AS n FROM api_key_usage_recent WHERE key_id = $1`, [keyId])).rows;
  assert.equal(n, 5, 'the newest lines are bounded per key, not by age');
}));
