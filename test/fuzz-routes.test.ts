/**
 * Hostile-input fuzzer (issue 8, item 4): every operation of the public and admin OpenAPI documents, driven through
 * app.inject with plausible and hostile paths, query strings, headers and bodies (test/helpers/fuzz-requests.ts).
 * Every response must be < 500, carry X-Request-Id, and every non-2xx must be the contract's error envelope with a
 * code of src/http/errors.ts and its status. Responses are also checked against the OpenAPI document
 * (test/helpers/contract.ts): an undocumented status becomes a 500 and fails here.
 *
 * MAITRE_FUZZ_RUNS (default 100000) and MAITRE_FUZZ_SEED (default: random, printed) reproduce a run. The figures go
 * to test-results/reliability.json under "fuzz".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { MONDAY_9Z } from './helpers/booking.js';
import { hashSessionToken, insertSession, newSessionToken, SESSION_TTL_MS } from '../src/modules/admin/sessions.js';
import { fuzzProblem } from './helpers/fuzz-check.js';
import { recordReliability } from './scale/record.js';
import {
  A_KEY, A_SESSION, B_KEY, B_SESSION, operationsOf, requestFor, unknownRouteRequest, type FuzzRequest, type FuzzWorld, type Operation,
} from './helpers/fuzz-requests.js';
import { seedObjects, seedTenant, type SeededTenant } from './helpers/fuzz-seed.js';
import { openapiDocument } from '../src/http/openapi.js';
import { generateKey } from '../src/modules/keys/format.js';
import { SYSTEM } from './helpers/keys.js';
import { SCOPES } from '../src/modules/keys/scopes.js';

const RUNS = Number(process.env.MAITRE_FUZZ_RUNS ?? 100_000);
const SEED = Number(process.env.MAITRE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 1000;
/** Fresh objects for A every this many batches. */
const RESEED_EVERY = 5;
/** The key allows 1000 requests a minute: the test clock moves a minute on after this many requests. */
const PER_MINUTE = 700;
const OTHER_WEIGHT = 10;
/**
 * The share of requests that reach the handlers and the database (the rest are refused in front of them, see
 * requestFor). A database round trip costs a few tenths of a millisecond here, the layers in front a tenth of that: this
 * share is what keeps 100,000 requests within the CI budget while tens of thousands still reach the data.
 */
const DEEP_SHARE = Number(process.env.MAITRE_FUZZ_DEEP_SHARE ?? 0.15);
/**
 * How often an operation is drawn, relative to the others: a login costs a full scrypt, and the OpenAPI documents
 * take no input but headers and are large, so they are drawn less often.
 */
function weightOf(o: Operation): number {
  if (o.path === '/admin/api/login') return 1;
  if (o.path.endsWith('/openapi.json') || o.path === '/admin/api/logout') return 2;
  return OTHER_WEIGHT;
}
/** Operations that end or replace the fuzzer's own session: its credentials are checked right after them. */
const SESSION_CHANGING = /\/admin\/api\/(login|logout)$/;

let t: TestApp;
let a: SeededTenant;
let b: SeededTenant;
let ops: Operation[];

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), config: { webhookAllowPrivate: true, logLevel: 'warn' } });
  await t.app.services.webhookDispatcher.stop(); // deliveries are not under test here: no outbound connections
  a = await seedTenant(t);
  b = await seedTenant(t);
  ops = [...operationsOf(openapiDocument(t.app, 'public'), 'public'), ...operationsOf(openapiDocument(t.app, 'admin'), 'admin')];
});
after(async () => t?.close());

/** Replaces the credential placeholders with the current credentials. */
function materialize(value: string): string {
  if (!value.includes('{{')) return value;
  return value.replaceAll(A_KEY, a.key).replaceAll(B_KEY, b.key).replaceAll(A_SESSION, a.sessionToken).replaceAll(B_SESSION, b.sessionToken);
}

/** The "fuzz" section of test-results/reliability.json (docs/reliability.md): what the report reads. */
function recordFuzzRun(run: { requests: number; serverErrors: number; envelopeViolations: number } & Record<string, unknown>): void {
  recordReliability('fuzz', {
    requests: run.requests, serverErrors: run.serverErrors, envelopeViolations: run.envelopeViolations,
    operations: ops.length, byEngine: { postgres: run },
  });
}

async function send(r: FuzzRequest): Promise<LightMyRequestResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.map(materialize) : materialize(v);
  return t.app.inject({ method: r.method as 'GET', url: r.url, headers, payload: r.payload, remoteAddress: r.remoteAddress });
}

/** The fuzzer may revoke A's key or end A's session through the very routes it fuzzes: renew them when it did. */
async function renewCredentials(): Promise<void> {
  for (const s of [a, b]) {
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${s.key}` } });
    if (me.statusCode === 401) {
      const k = await t.app.services.keys.create(s.id, { name: 'fuzz renewed', scopes: [...SCOPES], rateLimitPerMinute: 1000 }, SYSTEM);
      s.key = k.key;
    }
    const session = await t.app.inject({ method: 'GET', url: '/admin/api/session', headers: { cookie: `maitre_session=${s.sessionToken}` } });
    if (session.statusCode === 401) {
      // Straight into the sessions table: logging in again and again would only meet the login rate limit.
      const token = newSessionToken();
      await insertSession(t.db, { hash: hashSessionToken(token), userId: s.userId, createdAt: t.clock.now(), expiresAt: t.clock.now() + SESSION_TTL_MS, ip: null, userAgent: null });
      s.sessionToken = token;
    }
  }
}

function describe(r: FuzzRequest, res: LightMyRequestResponse | undefined, problem: string): string {
  const clip = (s: string | undefined, n = 300) => (s === undefined ? '(none)' : s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, clip(String(v), 120)]));
  return [
    `${problem} — ${r.operation} [${r.tags.join(', ')}]`,
    `  request: ${r.method} ${clip(r.url, 400)}`,
    `  headers: ${JSON.stringify(headers)}`,
    `  body: ${JSON.stringify(clip(r.payload))}`,
    `  answer: ${res ? `${res.statusCode} ${clip(res.body)}` : '(inject threw)'}`,
  ].join('\n');
}

/** Regressions: each input the fuzzer found answering 500, fixed in src/, kept here by hand. */
test('regression: a path that is not valid percent-encoded UTF-8, or a too-long path segment, is a 404 in the envelope with a request id', async () => {
  const key = { authorization: `Bearer ${a.key}` };
  for (const url of [
    `/v1/restaurants/${a.slug}/reservations/%ED%A0%80`, `/v1/restaurants/${a.slug}/webhooks/%`, '/admin/api/restaurants/%E0%A4%A/keys',
    `/v1/restaurants/${a.slug}/reservations/${'x'.repeat(201)}`, `/admin/api/restaurants/${'y'.repeat(300)}/webhooks`,
  ]) {
    const res = await t.app.inject({ method: 'GET', url, headers: key });
    assert.equal(fuzzProblem('GET', res), null, `${url}: ${res.statusCode} ${res.body}`);
    assert.deepEqual([res.statusCode, res.json().error.code], [404, 'not_found'], url);
  }
});

test('regression: JSON nested deeper than 64 levels is refused as invalid_json before any handler walks it', async () => {
  const headers = { authorization: `Bearer ${a.key}`, 'content-type': 'application/json', 'idempotency-key': 'deep-1' };
  for (const payload of ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(65) + '1' + '}'.repeat(65)]) {
    // waitlist accept takes no body schema: the raw body used to reach the idempotency fingerprint and overflow the stack
    const res = await t.app.inject({ method: 'POST', url: `/v1/restaurants/${a.slug}/waitlist/${a.ids.waitlist[0]}/accept`, headers, payload });
    assert.deepEqual([res.statusCode, res.json().error.code], [400, 'invalid_json'], res.body);
  }
  const ok = await t.app.inject({ method: 'POST', url: `/v1/restaurants/${a.slug}/customers`, headers: { ...headers, 'idempotency-key': 'deep-2' }, payload: '{"name":"Shallow","tags":["a"]}' });
  assert.notEqual(ok.statusCode, 400, 'ordinary bodies still parse');
});

test('regression: a NUL character in a path id, a query or a body field is 422 validation_failed, not a database crash', async () => {
  const key = { authorization: `Bearer ${a.key}` };
  const json = { ...key, 'content-type': 'application/json' };
  const cases = [
    { method: 'GET', url: `/v1/restaurants/${a.slug}/webhooks/%00`, headers: key },
    { method: 'GET', url: `/v1/restaurants/${a.slug}/customers?q=%00`, headers: key },
    { method: 'POST', url: '/v1/restaurants/%00/guest/lookup', headers: { 'content-type': 'application/json' }, payload: '{"reference":"AAA-AAAA","contact":"ada@example.com"}' },
    { method: 'POST', url: `/v1/restaurants/${a.slug}/customers`, headers: json, payload: '{"name":"a\\u0000b"}' },
    { method: 'POST', url: `/admin/api/restaurants/${a.slug}/keys`, headers: { ...a.admin, cookie: `maitre_session=${a.sessionToken}` }, payload: '{"name":"k\\u0000","scopes":["config:read"]}' },
  ] as const;
  for (const c of cases) {
    const res = await t.app.inject({ ...c });
    assert.deepEqual([res.statusCode, res.json().error.code], [422, 'validation_failed'], `${c.method} ${c.url}: ${res.body}`);
  }
});

test('regression: an instant with any ISO 8601 offset (+21:40) is normalised to UTC, not sent raw to the database', async () => {
  const admin = { ...a.admin, cookie: `maitre_session=${a.sessionToken}` };
  const key = await t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${a.slug}/keys`, headers: admin,
    payload: { name: 'far offset', scopes: ['config:read'], expiresAt: '7993-11-28T21:46:35+21:40' },
  });
  assert.equal(key.statusCode, 201, key.body);
  assert.equal(key.json().expiresAt, '7993-11-28T00:06:35.000Z');
  const replay = await t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${a.slug}/webhooks/${a.ids.webhook[0]}/replay`, headers: admin, payload: { since: '2026-01-01T00:00:00-23:59' },
  });
  assert.equal(replay.statusCode, 202, replay.body);
  assert.equal(replay.json().since, '2026-01-01T23:59:00.000Z');
  // Year 0000 (here reached through the offset) does not exist for PostgreSQL: 422, not a database error.
  const year0 = await t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${a.slug}/keys`, headers: admin,
    payload: { name: 'year zero', scopes: ['config:read'], expiresAt: '0000-02-29T04:15:27.4556637+21:33' },
  });
  assert.deepEqual([year0.statusCode, year0.json().error.code, year0.json().error.details.issues[0].path], [422, 'validation_failed', 'body.expiresAt'], year0.body);
});

test('regression: a string with a lone UTF-16 surrogate is refused as invalid_json (jsonb cannot store it)', async () => {
  const admin = { ...a.admin, cookie: `maitre_session=${a.sessionToken}` };
  for (const name of ['\\udffd\\ud807x', 'x\\ud800', '\\udc00']) {
    const res = await t.app.inject({
      method: 'POST', url: `/admin/api/restaurants/${a.slug}/keys`, headers: admin, payload: `{"name":"${name}","scopes":["config:read"]}`,
    });
    assert.deepEqual([res.statusCode, res.json().error.code], [400, 'invalid_json'], `${name}: ${res.body}`);
  }
  const pair = await t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${a.slug}/keys`, headers: admin, payload: '{"name":"\\ud83d\\ude00 ok","scopes":["config:read"]}',
  });
  assert.equal(pair.statusCode, 201, `a surrogate pair (an emoji) is fine: ${pair.body}`);
});

test(`fuzz: ${RUNS} hostile requests over every documented operation — no 5xx, every error in the envelope`, async () => {
  const revoked = await t.app.services.keys.create(a.id, { name: 'revoked', scopes: ['config:read'] }, SYSTEM);
  await t.app.services.keys.revoke(a.id, revoked.view.id, SYSTEM);
  const deadKeys = [revoked.key, generateKey('live').key, generateKey('test').key];
  const build = () => {
    const world: FuzzWorld = {
      // A's own main key is never named in a path: revoking it would only test the fuzzer's renewal.
      a: { ...a, ids: { ...a.ids, key: a.ids.key.filter((id) => id !== a.keyId) } },
      b,
      deadKeys,
    };
    const weighted = ops.flatMap((o) => [
      { weight: Math.round(weightOf(o) * DEEP_SHARE * 100), arbitrary: requestFor(world, o, 'deep') },
      { weight: Math.round(weightOf(o) * (1 - DEEP_SHARE) * 100), arbitrary: requestFor(world, o, 'surface') },
    ]);
    return fc.oneof(...weighted, { weight: OTHER_WEIGHT * 50, arbitrary: unknownRouteRequest });
  };
  let arbitrary = build();

  const started = Date.now();
  const cpu = process.cpuUsage();
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  const successByOperation = new Map<string, number>(ops.map((o) => [`${o.method} ${o.path}`, 0]));
  let sent = 0;
  let deep = 0;
  let fiveXx = 0;
  let envelopeViolations = 0;
  console.log(`# fuzz seed ${SEED} (MAITRE_FUZZ_SEED=${SEED} MAITRE_FUZZ_RUNS=${RUNS} to reproduce)`);
  for (let batch = 0; sent < RUNS; batch += 1) {
    const requests = fc.sample(arbitrary, { numRuns: Math.min(BATCH, RUNS - sent), seed: SEED + batch });
    for (const r of requests) {
      if (sent % PER_MINUTE === 0) t.clock.advance(61_000);
      let res: LightMyRequestResponse | undefined;
      let problem: string | null;
      try {
        res = await send(r);
        problem = fuzzProblem(r.method, res);
      } catch (err) {
        problem = `inject failed: ${(err as Error).message}`;
      }
      sent += 1;
      if (r.tags[0] === 'deep') deep += 1;
      if (res) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res && res.statusCode < 300 && r.method !== 'HEAD' && r.method !== 'OPTIONS') {
        successByOperation.set(r.operation, (successByOperation.get(r.operation) ?? 0) + 1);
      }
      if (SESSION_CHANGING.test(r.operation)) await renewCredentials();
      if (problem) {
        if (res && res.statusCode >= 500) fiveXx += 1;
        else envelopeViolations += 1;
        if (failures.length < 20) failures.push(describe(r, res, problem));
      }
    }
    await renewCredentials();
    if ((batch + 1) % RESEED_EVERY === 0) {
      // The fuzzer deletes, erases and revokes what it finds: seed fresh objects so that later requests still find data.
      try {
        await seedObjects(t, a);
        arbitrary = build();
      } catch (err) {
        console.log(`# fuzz: re-seeding failed (${(err as Error).message.split('\n')[0]}); going on with the objects left`);
      }
    }
    if ((batch + 1) % 10 === 0) console.log(`# fuzz: ${sent} requests, ${((Date.now() - started) / 1000).toFixed(1)} s, ${fiveXx} 5xx, ${envelopeViolations} envelope violations`);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpuSpent = process.cpuUsage(cpu);
  const cpuSeconds = (cpuSpent.user + cpuSpent.system) / 1e6;
  const neverSucceeded = [...successByOperation].filter(([, n]) => n === 0).map(([op]) => op);
  const succeeded = Object.entries(statuses).filter(([s]) => Number(s) < 300).reduce((n, [, c]) => n + c, 0);
  const run = {
    requests: sent, deepRequests: deep, serverErrors: fiveXx, envelopeViolations, successes: succeeded, seed: SEED,
    seconds: Math.round(seconds * 10) / 10, cpuSeconds: Math.round(cpuSeconds * 10) / 10, operations: ops.length, statuses,
  };
  recordFuzzRun(run);
  console.log(`# fuzz: ${sent} requests (${deep} deep) in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s, ${cpuSeconds.toFixed(1)} s of CPU), ${fiveXx} 5xx, ${envelopeViolations} envelope violations; statuses ${JSON.stringify(statuses)}`);
  if (neverSucceeded.length) console.log(`# fuzz: operations that never answered 2xx: ${neverSucceeded.join(' · ')}`);

  assert.equal(failures.length, 0, `${fiveXx + envelopeViolations} bad responses (seed ${SEED}); first ones:\n${failures.join('\n')}`);
  assert.ok(sent >= RUNS);
  // Some inputs must reach the data, not just bounce off validation: every GET answered 2xx at least once.
  // (Checked on full runs only — 100,000 requests, the PostgreSQL pass: with fewer, a rarely reached operation may by
  // chance never get a deep request that succeeds, and the check would fail at random.)
  if (RUNS >= 100_000) {
    assert.deepEqual(neverSucceeded.filter((op) => op.startsWith('GET ')), [], 'GET operations that never answered 2xx');
    assert.ok(succeeded >= sent * 0.05, `only ${succeeded} of ${sent} requests succeeded`);
  }
});
