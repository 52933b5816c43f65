/**
 * Tenant isolation, every route × another restaurant (issue 8, item 4). Two restaurants A and B, each with a
 * reservation, customer, waitlist entry, webhook endpoint and delivery, key and special event. The route list comes
 * from the two OpenAPI documents, so a new route is covered the day it is added (and a path parameter this file
 * cannot map to one of B's objects fails the coverage test):
 * - A's key (or A's owner session) aimed at B's restaurant → 403 restaurant_scope_mismatch (public) / 404 not_found
 *   (admin: a non-member learns nothing), whatever the method and body;
 * - A's own restaurant in the path with one of B's object ids → 404 with the contract's code for that kind;
 * - guest self-service: A's reference and contact at B's restaurant → 404 reservation_not_found;
 * - nothing of B appears in any of these answers unless the request itself carried it, and B's data is unchanged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { MONDAY_9Z } from './helpers/booking.js';
import { idKindOf, pathParams, seedTenant, SEED_DATE, type IdKind, type SeededTenant } from './helpers/fuzz-seed.js';
import { operationsOf, type Operation } from './helpers/fuzz-requests.js';
import { openapiDocument } from '../src/http/openapi.js';

let t: TestApp;
let a: SeededTenant;
let b: SeededTenant;
let ops: Operation[];
let bBefore: Awaited<ReturnType<typeof snapshotOf>>;

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), config: { webhookAllowPrivate: true } });
  await t.app.services.webhookDispatcher.stop();
  a = await seedTenant(t);
  b = await seedTenant(t);
  bBefore = await snapshotOf(b);
  ops = [...operationsOf(openapiDocument(t.app, 'public'), 'public'), ...operationsOf(openapiDocument(t.app, 'admin'), 'admin')];
});
after(async () => t?.close());

/** What B's data looks like through B's own credentials. */
async function snapshotOf(b: SeededTenant) {
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${b.key}` } }).then((r) => r.json());
  const admin = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: `maitre_session=${b.sessionToken}` } }).then((r) => r.json());
  const base = `/v1/restaurants/${b.slug}`;
  return {
    reservations: (await get(`${base}/reservations?date=${SEED_DATE}&limit=100`)).data.map((r: any) => [r.id, r.status, r.notes, r.updatedAt]),
    customers: (await get(`${base}/customers?limit=100`)).data.map((c: any) => [c.id, c.notes, c.updatedAt]),
    waitlist: (await get(`${base}/waitlist?limit=100`)).data.map((w: any) => [w.id, w.status, w.updatedAt]),
    webhooks: (await get(`${base}/webhooks`)).data.map((w: any) => [w.id, w.enabled, w.description]),
    keys: (await admin(`/admin/api/restaurants/${b.slug}/keys`)).data.map((k: any) => [k.id, k.status, k.name]),
    events: (await get(`${base}/events?from=2026-03-01&to=2026-03-31`)).data.map((e: any) => [e.id, e.name, e.capacity]),
    deliveries: (await t.db.query(
      `SELECT d.id, d.status FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.restaurant_id = $1 ORDER BY d.id`, [b.id],
    )).rows,
  };
}

/** The contract's 404 code for an unknown id of each kind. */
const NOT_FOUND_CODE: Record<Exclude<IdKind, 'restaurant'>, string> = {
  reservation: 'reservation_not_found',
  customer: 'customer_not_found',
  waitlist: 'waitlist_entry_not_found',
  webhook: 'webhook_endpoint_not_found',
  key: 'key_not_found',
  event: 'not_found',
  delivery: 'not_found',
  message: 'not_found',
};

/** Bodies that pass validation, so that the id lookup (not the schema) decides; the document's example otherwise. */
const BODIES: Record<string, unknown> = {
  'PATCH /reservations/{id}': { notes: 'isolation' },
  'POST /reservations/{id}/cancel': { reason: 'isolation' },
  'PATCH /customers/{id}': { notes: 'isolation' },
  'PATCH /keys/{id}': { name: 'isolation' },
  'POST /keys/{id}/rotate': {},
  'PATCH /webhooks/{id}': { description: 'isolation' },
  'POST /webhooks/{id}/test': {},
  'POST /reservations/{id}/messages': { kind: 'confirmation' },
  'POST /webhooks/{id}/replay': { since: '2026-01-01T00:00:00.000Z' },
  'PATCH /events/{id}': { name: 'isolation' },
};

function bodyFor(o: Operation): string | undefined {
  if (o.method === 'GET') return undefined;
  const key = `${o.method} ${o.path.replace(/^.*\/restaurants\/\{restaurant\}/, '')}`;
  if (key in BODIES) return JSON.stringify(BODIES[key]);
  const examples = o.op.requestBody?.content?.['application/json']?.examples as Record<string, { value: unknown }> | undefined;
  const first = examples && Object.values(examples)[0];
  return JSON.stringify(first ? first.value : {});
}

const QUERY: Record<string, string> = { date: SEED_DATE, partySize: '2', from: SEED_DATE, to: SEED_DATE };

function queryFor(o: Operation): string {
  const required = ((o.op.parameters ?? []) as { in: string; name: string; required?: boolean }[]).filter((p) => p.in === 'query' && p.required);
  return required.length ? `?${required.map((p) => `${p.name}=${encodeURIComponent(QUERY[p.name] ?? 'x')}`).join('&')}` : '';
}

function call(o: Operation, who: SeededTenant, url: string, payload = bodyFor(o)): Promise<LightMyRequestResponse> {
  const auth = o.kind === 'admin' ? { cookie: `maitre_session=${who.sessionToken}` } : { authorization: `Bearer ${who.key}` };
  return t.app.inject({
    method: o.method as 'GET', url, payload,
    headers: { ...auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
  });
}

/** URL of `o` with every parameter taken from `owner`, except those in `overrides`. */
function urlOf(o: Operation, owner: SeededTenant, overrides: Record<string, string> = {}): string {
  return o.path.replace(/\{(\w+)\}/g, (_, p: string) => {
    if (p in overrides) return encodeURIComponent(overrides[p]!);
    const kind = idKindOf(o.path, p)!;
    return encodeURIComponent(kind === 'restaurant' ? owner.slug : owner.ids[kind][0]!);
  }) + queryFor(o);
}

/** Every string that identifies one of B's objects (or B itself). */
const secretsOf = (s: SeededTenant) => [s.id, s.slug, s.keyId, ...Object.values(s.ids).flat(), s.guest.reference, s.guest.contact];

function assertNoLeak(res: LightMyRequestResponse, requestUrl: string, where: string) {
  const url = decodeURIComponent(requestUrl);
  for (const secret of secretsOf(b)) {
    if (url.includes(secret)) continue; // echoing what the caller sent is not a leak
    assert.ok(!res.body.includes(secret), `${where}: the answer reveals ${secret} of the other restaurant: ${res.body.slice(0, 300)}`);
  }
}

const errorOf = (res: LightMyRequestResponse) => [res.statusCode, res.json().error?.code];
const isGuest = (o: Operation) => o.kind === 'public' && !o.op.security?.length && o.path.includes('{restaurant}');

test('coverage: every path parameter of every documented route names a kind of object this matrix can swap', () => {
  const unmapped = ops.flatMap((o) => pathParams(o.path).filter((p) => !idKindOf(o.path, p)).map((p) => `${o.method} ${o.path} {${p}}`));
  assert.deepEqual(unmapped, [], 'routes with a parameter the isolation matrix cannot cover: map it in test/helpers/fuzz-seed.ts');
  const kinds = new Set(ops.flatMap((o) => pathParams(o.path).map((p) => idKindOf(o.path, p))));
  for (const kind of kinds) assert.ok(b.ids[kind!].length > 0, `the seed has no ${kind} to swap in`);
});

test('A\'s credentials aimed at B\'s restaurant are refused on every route, before anything else', async () => {
  let checked = 0;
  for (const o of ops.filter((x) => x.path.includes('{restaurant}') && !isGuest(x))) {
    for (const restaurant of [b.slug, b.id]) {
      const url = urlOf(o, a, { restaurant });
      const res = await call(o, a, url);
      const where = `${o.method} ${o.path} with ${restaurant}`;
      if (o.kind === 'public') assert.deepEqual(errorOf(res), [403, 'restaurant_scope_mismatch'], `${where}: ${res.body}`);
      else assert.deepEqual(errorOf(res), [404, 'not_found'], `${where}: ${res.body}`);
      assertNoLeak(res, url, where);
      checked += 1;
    }
  }
  assert.ok(checked >= 40, `checked ${checked}`);
});

test('A\'s restaurant with any of B\'s object ids answers 404 with the contract\'s code, on every route with an id', async () => {
  let checked = 0;
  for (const o of ops) {
    for (const param of pathParams(o.path)) {
      const kind = idKindOf(o.path, param)!;
      if (kind === 'restaurant') continue;
      for (const foreign of b.ids[kind]) {
        const url = urlOf(o, a, { [param]: foreign });
        const res = await call(o, a, url);
        const where: string = `${o.method} ${o.path} with B's ${kind} ${foreign} as {${param}}`;
        assert.deepEqual(errorOf(res), [404, NOT_FOUND_CODE[kind]], `${where}: ${res.body}`);
        assertNoLeak(res, url, where);
        checked += 1;
      }
    }
  }
  assert.ok(checked >= 60, `checked ${checked}`);
});

test('guest self-service: A\'s reference and contact at B\'s restaurant are not found there', async () => {
  const guestOps = ops.filter(isGuest);
  assert.ok(guestOps.length >= 3);
  for (const o of guestOps) {
    const extra = o.path.endsWith('/reschedule') ? { time: '20:00' } : {};
    const payload = JSON.stringify({ reference: a.guest.reference, contact: a.guest.contact, ...extra });
    const url = urlOf(o, a, { restaurant: b.slug });
    const res = await t.app.inject({ method: o.method as 'POST', url, headers: { 'content-type': 'application/json' }, payload });
    assert.deepEqual(errorOf(res), [404, 'reservation_not_found'], `${o.method} ${o.path}: ${res.body}`);
    assertNoLeak(res, url, o.path);
    // The same proof at A's own restaurant works (the refusal above is isolation, not a broken request).
    const own = await t.app.inject({ method: 'POST', url: `/v1/restaurants/${a.slug}/guest/lookup`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ reference: a.guest.reference, contact: a.guest.contact }) });
    assert.equal(own.statusCode, 200, own.body);
  }
});

test('after the whole matrix, B\'s data is exactly as it was', async () => {
  const now = await snapshotOf(b);
  assert.deepEqual(now, bBefore, 'B changed');
  assert.deepEqual(now.reservations.map((r: any[]) => r[0]).sort(), b.ids.reservation.filter((id) => id.startsWith('res_')).sort());
  assert.ok(now.reservations.every((r: any[]) => r[2] !== 'isolation'), 'no reservation of B was changed');
  assert.ok(now.customers.every((c: any[]) => c[1] !== 'isolation'), 'no customer of B was changed');
  assert.deepEqual(now.waitlist.map((w: any[]) => w[0]), b.ids.waitlist);
  assert.deepEqual(now.webhooks.map((w: any[]) => [w[0], w[1], w[2]]), [[b.ids.webhook[0], true, null]]);
  assert.deepEqual(now.keys.map((k: any[]) => [k[0], k[1]]).sort(), b.ids.key.map((id) => [id, 'active']).sort());
  assert.deepEqual(now.events.map((e: any[]) => [e[0], e[1]]), [[b.ids.event[0], 'Jazz night']]);
  assert.ok(b.ids.delivery.every((id) => now.deliveries.some((d) => d.id === id)));
});
