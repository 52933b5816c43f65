/**
 * A sweep over every operation of both documents, so that each one's error responses (and the success of each GET)
 * are exercised at least once under the contract check of test/helpers/contract.ts, including routes added later.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { tenantWithKey } from './helpers/keys.js';
import { openapiDocument } from '../src/http/openapi.js';

type Json = Record<string, any>;
interface Op { path: string; method: string; op: Json }

const TUE = '2026-03-03';
let t: TestApp;
let tenant: Tenant;
let reservationId: string;
let ops: { public: Op[]; admin: Op[] };

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  tenant = await createTenant(t.app, bistro());
  const res = await tenant.post('/reservations', booking(TUE, '19:30', 2));
  assert.equal(res.statusCode, 201, res.body);
  reservationId = res.json().id;
  const list = (doc: Json): Op[] =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Json })),
    );
  ops = { public: list(openapiDocument(t.app, 'public')), admin: list(openapiDocument(t.app, 'admin')) };
});
after(async () => t.close());

const QUERY_VALUES: Record<string, string> = { date: TUE, partySize: '2', from: TUE, to: TUE };

/** The URL of an operation for `slug`, or undefined when a required query parameter has no known value. */
function urlOf({ path, op }: Op, slug: string): string | undefined {
  const url = path.replace('{restaurant}', slug).replace(/\{(\w+)\}/g, (_, name: string) => (/^id/i.test(name) ? reservationId : 'x1'));
  const query: string[] = [];
  for (const p of (op.parameters ?? []) as Json[]) {
    if (p.in !== 'query' || !p.required) continue;
    const value = QUERY_VALUES[p.name] ?? (p.example !== undefined ? String(p.example) : undefined);
    if (value === undefined) return undefined;
    query.push(`${p.name}=${encodeURIComponent(value)}`);
  }
  return query.length ? `${url}?${query.join('&')}` : url;
}

const keyed = (o: Op) => o.op.security?.length > 0;
const codeOf = (res: { json(): any }) => res.json().error?.code;

test('every key operation: no key 401, another restaurant 403, no scope 403, starter plan 403 — in the documented envelope', async () => {
  const other = await tenantWithKey(t.app);
  const narrow = await t.app.services.keys.create(tenant.id, { name: 'narrow', scopes: ['webhooks:test'] }, { type: 'system', id: null });
  const starter = await tenantWithKey(t.app, { plan: 'starter' });
  let checked = 0;
  for (const o of ops.public.filter(keyed)) {
    const url = urlOf(o, tenant.slug);
    if (!url) continue;
    const where = `${o.method} ${o.path}`;
    const call = (headers: Record<string, string>, u = url) =>
      t.app.inject({ method: o.method as 'GET', url: u, headers: { ...headers, 'content-type': 'application/json' }, payload: o.method === 'GET' ? undefined : '{}' });

    const none = await call({});
    assert.deepEqual([none.statusCode, codeOf(none)], [401, 'api_key_missing'], where);
    if (o.path.includes('{restaurant}')) {
      const mismatch = await call({ authorization: `Bearer ${other.key}` });
      assert.deepEqual([mismatch.statusCode, codeOf(mismatch)], [403, 'restaurant_scope_mismatch'], where);
      const plan = await call({ authorization: `Bearer ${starter.key}` }, urlOf(o, starter.restaurant.slug));
      assert.deepEqual([plan.statusCode, codeOf(plan)], [403, 'plan_upgrade_required'], where);
    }
    const scopes: string[] = o.op['x-required-scopes'] ?? [];
    if (scopes.length && !scopes.includes('webhooks:test')) {
      const scope = await call({ authorization: `Bearer ${narrow.key}` });
      assert.deepEqual([scope.statusCode, codeOf(scope)], [403, 'scope_missing'], where);
    }
    if (o.op.requestBody) {
      const bad = await t.app.inject({
        method: o.method as 'POST', url, headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' }, payload: '{"oops": ',
      });
      assert.deepEqual([bad.statusCode, codeOf(bad)], [400, 'invalid_json'], where);
    }
    checked += 1;
  }
  assert.ok(checked >= 15, `operations checked: ${checked}`);
});

test('every GET of the public API answers a documented status with a documented body', async () => {
  let checked = 0;
  for (const o of ops.public.filter((x) => x.method === 'GET')) {
    const url = urlOf(o, tenant.slug);
    if (!url) continue;
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tenant.key}` } });
    assert.ok(res.statusCode < 500, `${o.method} ${o.path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    assert.ok(o.op.responses[String(res.statusCode)], `${o.method} ${o.path}: ${res.statusCode} is documented`);
    checked += 1;
  }
  assert.ok(checked >= 10, `operations checked: ${checked}`);
});

test('every admin operation that needs a session answers 401 unauthenticated without one', async () => {
  let checked = 0;
  for (const o of ops.admin.filter(keyed)) {
    const url = urlOf(o, tenant.slug);
    if (!url) continue;
    const res = await t.app.inject({
      method: o.method as 'GET', url, headers: { 'content-type': 'application/json' }, payload: o.method === 'GET' ? undefined : '{}',
    });
    assert.deepEqual([res.statusCode, codeOf(res)], [401, 'unauthenticated'], `${o.method} ${o.path}`);
    checked += 1;
  }
  assert.ok(checked >= 5, `operations checked: ${checked}`);
});
