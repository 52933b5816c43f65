/**
 * Every date and date-time input outside 1900-01-01 .. 9999-12-31 is a 422 validation_failed, on every route: the
 * operations and fields are read from the served OpenAPI documents (format `date` / `date-time`), so a new route that
 * takes a date is covered without being listed here. The edges themselves are accepted and never a 500.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { signIn } from './helpers/admin.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';

type Json = Record<string, any>;

const BAD_DATES = ['0000-01-01', '0001-01-01', '1899-12-31'];
const BAD_INSTANTS = ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00', '9999-12-31T23:59:59-05:00'];
const RANGE = /must fall between 1900-01-01/;

let t: TestApp;
let r: Tenant;
let admin: Record<string, string>;

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(t.app, bistro());
  admin = (await signIn(t, r.id)).headers;
});
after(async () => t.close());

interface Target { method: string; path: string; where: 'querystring' | 'body'; field: string; format: 'date' | 'date-time' }

/** Every (operation, field) of a document whose schema is a date or a date-time: query parameters and body properties. */
function dateTargets(doc: Json): Target[] {
  const deref = (s: Json | undefined): Json | undefined =>
    typeof s?.$ref === 'string' ? s.$ref.slice(2).split('/').reduce((o: Json, p: string) => o?.[p], doc) : s;
  const formatOf = (s: Json | undefined): Target['format'] | undefined => {
    const schema = deref(s);
    const f = schema?.format ?? (schema?.anyOf ?? schema?.oneOf)?.map(deref).find((x: Json) => x?.format)?.format;
    return f === 'date' || f === 'date-time' ? f : undefined;
  };
  const out: Target[] = [];
  for (const [path, ops] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(ops)) {
      for (const p of op.parameters ?? []) {
        const format = p.in === 'query' ? formatOf(p.schema) : undefined;
        if (format) out.push({ method, path, where: 'querystring', field: p.name, format });
      }
      const body = deref(op.requestBody?.content?.['application/json']?.schema);
      for (const [name, s] of Object.entries<Json>(body?.properties ?? {})) {
        const format = formatOf(s);
        if (format) out.push({ method, path, where: 'body', field: name, format });
      }
    }
  }
  return out;
}

async function sweep(docUrl: string, headers: Record<string, string>): Promise<Target[]> {
  const doc = (await t.app.inject({ method: 'GET', url: docUrl })).json();
  const targets = dateTargets(doc);
  for (const target of targets) {
    const url = target.path.replace('{restaurant}', r.slug).replace(/\{[^}]+\}/g, 'x_1');
    for (const bad of target.format === 'date' ? BAD_DATES : BAD_INSTANTS) {
      const res = target.where === 'querystring'
        ? await t.app.inject({ method: target.method as 'GET', url: `${url}?${target.field}=${encodeURIComponent(bad)}`, headers })
        : await t.app.inject({ method: target.method as 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: { [target.field]: bad } });
      const what = `${target.method.toUpperCase()} ${target.path} ${target.field}=${bad}`;
      assert.equal(res.statusCode, 422, `${what}: ${res.body}`);
      const { code, details } = res.json().error;
      assert.equal(code, 'validation_failed', what);
      const issue = details.issues.find((i: { path: string }) => i.path === `${target.where}.${target.field}`);
      assert.match(issue?.message ?? '', RANGE, `${what}: ${JSON.stringify(details.issues)}`);
    }
  }
  return targets;
}

test('public API: every date and date-time field outside 1900-01-01..9999-12-31 is 422 validation_failed', async () => {
  const targets = await sweep('/v1/openapi.json', { authorization: `Bearer ${r.key}` });
  const names = targets.map((x) => `${x.method} ${x.path.replace('/v1/restaurants/{restaurant}', '')} ${x.field}`);
  for (const expected of ['get /availability date', 'get /hours from', 'get /reservations date', 'post /reservations date', 'get /events from']) {
    assert.ok(names.includes(expected), `${expected} is swept (found: ${names.join(', ')})`);
  }
});

test('admin API: the same rule on every date and date-time field (key expiry, reservations, floor…)', async () => {
  const targets = await sweep('/admin/api/openapi.json', admin);
  const names = targets.map((x) => `${x.method} ${x.path.replace('/admin/api/restaurants/{restaurant}', '')} ${x.field}`);
  for (const expected of ['post /keys expiresAt', 'post /reservations date']) {
    assert.ok(names.includes(expected), `${expected} is swept (found: ${names.join(', ')})`);
  }
});

test('the edges 1900-01-01 and 9999-12-31 are accepted: answers, never a 500', async () => {
  for (const date of ['1900-01-01', '9999-12-31']) {
    const availability = await r.get(`/availability?date=${date}&partySize=2`);
    assert.equal(availability.statusCode, 200, availability.body);
    assert.ok(availability.json().slots.every((s: { available: boolean }) => !s.available), 'outside the booking window');
    const hours = await r.get(`/hours?from=${date}&to=${date}`);
    assert.equal(hours.statusCode, 200, hours.body);
    const list = await r.get(`/reservations?date=${date}`);
    assert.deepEqual([list.statusCode, list.json().data], [200, []]);
    const book = await r.post('/reservations', { date, time: '19:30', partySize: 2, customer: { name: 'Ada', email: 'ada@example.com' } });
    assert.equal(book.statusCode, 422, book.body);
    assert.notEqual(book.json().error.code, 'validation_failed', 'refused by the booking window, not by the date rule');
  }
});

test('a restaurant configuration refuses closures and special hours outside the range, with the value', () => {
  for (const date of ['0000-01-01', '1899-12-31']) {
    const closure = parseRestaurantConfig(bistro({ closures: [{ date, reason: 'x' }] }));
    assert.equal(closure.ok, false);
    assert.ok(!closure.ok && closure.issues.some((i) => i.message === `"${date}" must fall between 1900-01-01 and 9999-12-31`), JSON.stringify(!closure.ok && closure.issues));
  }
  assert.equal(parseRestaurantConfig(bistro({ closures: [{ date: '9999-12-31', reason: 'x' }] })).ok, true);
});
