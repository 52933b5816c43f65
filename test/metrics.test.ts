/**
 * /metrics after real traffic (issue 8, item 5): every family an operator needs is there with sane labels — request
 * rate and latency by route template (never a raw URL) and status, rate-limit rejections by route, limiter fallback,
 * webhook attempt outcomes and queue depth, database pool gauges, process defaults.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { bearer, tenantWithKey } from './helpers/keys.js';
import { startReceiver, type Receiver } from './webhooks-support.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it: `name{a="b",c="d"} value`. */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

let t: TestApp;
let r: Tenant;
let receiver: Receiver;
let scraped: ReturnType<typeof parse>;
let reservationId: string;

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), config: { webhookAllowPrivate: true, webhookRetryDelaysMs: [10] } });
  r = await createTenant(t.app, bistro());
  receiver = await startReceiver((n) => (n === 1 ? { status: 500 } : { status: 200 }));
  assert.equal((await r.post('/webhooks', { url: receiver.url, events: ['booking.created'] })).statusCode, 201);
  const created = await r.post('/reservations', booking('2026-03-03', '19:30', 2));
  assert.equal(created.statusCode, 201, created.body);
  reservationId = created.json().id;
  await receiver.waitFor(2); // one failed attempt, then the retry that succeeds
  // The dispatcher records an outcome once the receiver has answered: wait for the second one.
  for (let waited = 0; ; waited += 20) {
    const attempts = (await t.app.services.metrics.webhookAttempts.get()).values.reduce((n, v) => n + v.value, 0);
    if (attempts >= 2) break;
    assert.ok(waited < 10_000, 'the dispatcher recorded both attempts');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal((await r.get(`/reservations/${reservationId}`)).statusCode, 200);
  assert.equal((await r.get('/reservations/res_doesnotexist')).statusCode, 404);
  assert.equal((await r.get('/availability?date=not-a-date&partySize=2')).statusCode, 422);
  assert.equal((await t.app.inject({ method: 'GET', url: `/nowhere/${reservationId}` })).statusCode, 404);
  const limited = await tenantWithKey(t.app, { key: { rateLimitPerMinute: 1 } });
  for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(limited.key) });
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  scraped = parse(res.body);
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const series = (name: string) => scraped.samples.filter((s) => s.name === name);
const one = (name: string, labels: Record<string, string>) =>
  series(name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));

test('request rate by method, route template and status; never a raw URL', () => {
  assert.equal(scraped.types.get('maitre_http_requests_total'), 'counter');
  const requests = series('maitre_http_requests_total');
  assert.ok(requests.length >= 5);
  for (const s of requests) assert.deepEqual(Object.keys(s.labels).sort(), ['method', 'route', 'status']);
  assert.ok(one('maitre_http_requests_total', { method: 'POST', route: '/v1/restaurants/:restaurant/reservations', status: '201' })?.value === 1);
  assert.equal(one('maitre_http_requests_total', { method: 'GET', route: '/v1/restaurants/:restaurant/reservations/:id', status: '200' })?.value, 1);
  assert.equal(one('maitre_http_requests_total', { method: 'GET', route: '/v1/restaurants/:restaurant/reservations/:id', status: '404' })?.value, 1);
  assert.equal(one('maitre_http_requests_total', { method: 'GET', route: '/v1/restaurants/:restaurant/availability', status: '422' })?.value, 1);
  assert.equal(one('maitre_http_requests_total', { method: 'GET', route: '(unknown)', status: '404' })?.value, 1);
  const routes = new Set(requests.map((s) => s.labels.route!));
  for (const route of routes) {
    assert.ok(route === '(unknown)' || /^\/[\w/:.-]*$/.test(route), `route label ${route}`);
    for (const raw of [r.slug, r.id, reservationId, 'res_doesnotexist', 'not-a-date']) assert.ok(!route.includes(raw), `raw URL in a label: ${route}`);
  }
});

test('latency histogram by method, route and status', () => {
  assert.equal(scraped.types.get('maitre_http_request_duration_seconds'), 'histogram');
  const count = one('maitre_http_request_duration_seconds_count', { method: 'POST', route: '/v1/restaurants/:restaurant/reservations', status: '201' });
  assert.equal(count?.value, 1);
  const buckets = series('maitre_http_request_duration_seconds_bucket').filter((s) => s.labels.route === '/v1/restaurants/:restaurant/reservations');
  assert.ok(buckets.some((b) => b.labels.le === '+Inf' && b.value === 1));
  assert.ok(buckets.length >= 10, 'buckets');
});

test('rate-limit rejections by route, limiter fallback counter and degraded gauge', () => {
  assert.equal(scraped.types.get('maitre_rate_limit_rejections_total'), 'counter');
  assert.equal(one('maitre_rate_limit_rejections_total', { method: 'GET', route: '/v1/me' })?.value, 2);
  assert.equal(one('maitre_http_requests_total', { route: '/v1/me', status: '429' })?.value, 2);
  assert.equal(scraped.types.get('maitre_rate_limit_fallback_total'), 'counter');
  assert.equal(one('maitre_rate_limit_fallback_total', {})?.value, 0, 'no Redis configured: nothing fell back');
  assert.equal(one('maitre_rate_limit_degraded', {})?.value, 0);
});

test('webhook attempts by outcome, attempt duration and queue depth', () => {
  assert.equal(one('maitre_webhook_attempts_total', { outcome: 'failed' })?.value, 1);
  assert.equal(one('maitre_webhook_attempts_total', { outcome: 'succeeded' })?.value, 1);
  assert.equal(one('maitre_webhook_attempt_duration_seconds_count', {})?.value, 2);
  assert.equal(scraped.types.get('maitre_webhook_queue_depth'), 'gauge');
  assert.equal(one('maitre_webhook_queue_depth', {})?.value, 0, 'everything was delivered');
});

test('database pool gauges: total, idle, waiting, max', () => {
  const pool = series('maitre_db_pool_connections');
  assert.deepEqual(pool.map((s) => s.labels.state).sort(), ['idle', 'max', 'total', 'waiting']);
  const v = (state: string) => one('maitre_db_pool_connections', { state })!.value;
  assert.ok(v('total') >= 1 && v('total') <= v('max'), `total ${v('total')} max ${v('max')}`);
  assert.ok(v('idle') <= v('total'));
  assert.ok(Number.isInteger(v('waiting')) && v('waiting') >= 0, 'waiting: queries queued for a connection (the scrape itself may be one)');
  assert.equal(v('max'), 10);
});

test('process defaults and the app gauges are exported', () => {
  for (const name of ['maitre_process_cpu_seconds_total', 'maitre_nodejs_eventloop_lag_seconds', 'maitre_process_resident_memory_bytes', 'maitre_key_cache_entries', 'maitre_usage_pending']) {
    assert.ok(series(name).length >= 1, name);
  }
});

test('with Redis unreachable, the fallback counter and degraded gauge move', async () => {
  const degraded = await createTestApp({ config: { redisUrl: 'redis://127.0.0.1:1' } });
  try {
    const { key } = await tenantWithKey(degraded.app);
    for (let i = 0; i < 2; i++) assert.equal((await degraded.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200);
    const m = parse((await degraded.app.inject({ method: 'GET', url: '/metrics' })).body);
    assert.equal(m.samples.find((s) => s.name === 'maitre_rate_limit_fallback_total')?.value, 2);
    assert.equal(m.samples.find((s) => s.name === 'maitre_rate_limit_degraded')?.value, 1);
  } finally {
    await degraded.close();
  }
});
