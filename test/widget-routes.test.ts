/**
 * GET /widget.js (bundle, caching, CORS, 503 when not built), GET /demo (page, CSP, off/absent demo) and the demo's
 * server-side proxy /demo/api (only the widget's routes, a narrowly scoped key that exists only in memory, replaced
 * at each start, renewed when revoked). Real app, real database; no browser (see test/browser/widget.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createTestApp } from './helpers/app.js';
import { createTestDb } from './helpers/db.js';
import { widgetRoutes } from '../src/modules/widget/routes.js';
import { DEMO_WIDGET_KEY_NAME, seedDemoIfEmpty } from '../src/demo.js';

const code = (res: { json(): any }) => res.json().error.code;

test('/widget.js: JavaScript with ETag revalidation, readable from any origin; a rebuild is picked up; 503 when not built', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-widget-'));
  const file = join(dir, 'widget.js');
  const t = await createTestApp({
    extend: (app) => {
      void app.register(widgetRoutes, { prefix: '/built', bundlePath: file });
      void app.register(widgetRoutes, { prefix: '/missing', bundlePath: join(dir, 'nope.js') });
    },
  });
  try {
    writeFileSync(file, 'console.log("v1");');
    const first = await t.app.inject({ method: 'GET', url: '/built/widget.js', headers: { origin: 'https://bistro.example' } });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(first.body, 'console.log("v1");');
    assert.equal(first.headers['access-control-allow-origin'], '*');
    assert.equal(first.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(first.headers['x-content-type-options'], 'nosniff');
    assert.match(String(first.headers['cache-control']), /max-age=\d+/);
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);

    const again = await t.app.inject({ method: 'GET', url: '/built/widget.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, etag);
    const weak = await t.app.inject({ method: 'GET', url: '/built/widget.js', headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.statusCode, 304);
    const stale = await t.app.inject({ method: 'GET', url: '/built/widget.js', headers: { 'if-none-match': '"other"' } });
    assert.equal(stale.statusCode, 200);
    const head = await t.app.inject({ method: 'HEAD', url: '/built/widget.js' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-type'], 'text/javascript; charset=utf-8');

    writeFileSync(file, 'console.log("version two");');
    const rebuilt = await t.app.inject({ method: 'GET', url: '/built/widget.js', headers: { 'if-none-match': etag } });
    assert.equal(rebuilt.statusCode, 200, 'a new build has a new ETag');
    assert.equal(rebuilt.body, 'console.log("version two");');
    assert.notEqual(rebuilt.headers.etag, etag);

    const missing = await t.app.inject({ method: 'GET', url: '/missing/widget.js' });
    assert.equal(missing.statusCode, 503);
    assert.equal(code(missing), 'service_unavailable');
    assert.match(missing.json().error.message, /npm run build/);
    assert.equal(missing.headers['retry-after'], '60');
    assert.equal(missing.headers['cache-control'], 'no-store');

    // The real route answers either the built bundle or the same explanation.
    const real = await t.app.inject({ method: 'GET', url: '/widget.js' });
    assert.ok(real.statusCode === 200 || (real.statusCode === 503 && /npm run build/.test(real.body)), `GET /widget.js → ${real.statusCode}`);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/demo with the demo off, and with no demo restaurant: a clear 404 page; no proxy routes', async () => {
  const off = await createTestApp();
  try {
    const page = await off.app.inject({ method: 'GET', url: '/demo' });
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /MAITRE_DEMO=0/);
    assert.ok(page.headers['content-security-policy']);
    const api = await off.app.inject({ method: 'GET', url: '/demo/api/v1/restaurants/demo/availability?date=2026-12-01&partySize=2' });
    assert.equal(api.statusCode, 404);
    assert.equal(code(api), 'not_found');
  } finally {
    await off.close();
  }
  const empty = await createTestApp({ config: { demo: true } });
  try {
    const page = await empty.app.inject({ method: 'GET', url: '/demo' });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /no demo restaurant/i);
    const api = await empty.app.inject({ method: 'GET', url: '/demo/api/v1/restaurants/demo/availability?date=2026-12-01&partySize=2' });
    assert.equal(api.statusCode, 404);
    assert.equal(code(api), 'not_found');
  } finally {
    await empty.close();
  }
});

test('/demo: the sample page embeds the widget under a strict CSP, with no inline script or style', async () => {
  const t = await createTestApp({ config: { demo: true } });
  try {
    await seedDemoIfEmpty(t.app.services);
    const page = await t.app.inject({ method: 'GET', url: '/demo' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.body, /<maitre-booking restaurant="demo" endpoint="\/demo\/api" lang="en"/);
    assert.match(page.body, /<script src="\/widget.js" defer><\/script>/);
    assert.doesNotMatch(page.body, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(page.body, /<style|\sstyle=/, 'no inline style');
    assert.doesNotMatch(page.body, /mtr_(live|test)_/, 'no key in the page');
    assert.match(page.body, /Maitre Demo Bistro/);

    const fr = await t.app.inject({ method: 'GET', url: '/demo?lang=fr' });
    assert.match(fr.body, /<html lang="fr">/);
    assert.match(fr.body, /lang="fr" max-party-size/);
    const odd = await t.app.inject({ method: 'GET', url: '/demo?lang=%22%3E%3Cscript%3E' });
    assert.match(odd.body, /<html lang="en">/);

    const css = await t.app.inject({ method: 'GET', url: '/demo/demo.css' });
    assert.equal(css.statusCode, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.body, /--maitre-accent/);
  } finally {
    await t.close();
  }
});

test('/demo/api forwards only the widget routes of the demo restaurant, with an in-memory key limited to two scopes', async () => {
  const t = await createTestApp({ config: { demo: true } });
  try {
    const seeded = await seedDemoIfEmpty(t.app.services);
    assert.ok(seeded);
    const date = seeded.date; // a Friday with lunch and dinner
    const api = '/demo/api/v1/restaurants/demo';

    const slots = await t.app.inject({ method: 'GET', url: `${api}/availability?date=${date}&partySize=2` });
    assert.equal(slots.statusCode, 200, slots.body);
    assert.ok(slots.json().slots.some((s: { available: boolean }) => s.available));
    assert.equal(slots.headers['cache-control'], 'no-store');
    // The opening hours too (the widget explains closed days and services with them), with the query passed on.
    const hours = await t.app.inject({ method: 'GET', url: `${api}/hours?from=${date}&to=${date}` });
    assert.equal(hours.statusCode, 200, hours.body);
    assert.deepEqual(hours.json().days.map((d: { date: string }) => d.date), [date]);
    assert.equal((await t.app.inject({ method: 'GET', url: `${api}/hours?from=nope` })).statusCode, 422);
    const bad = await t.app.inject({ method: 'GET', url: `${api}/availability?date=someday&partySize=2` });
    assert.equal(bad.statusCode, 422);
    assert.equal(code(bad), 'validation_failed');

    // The key behind it: two scopes, a booking budget, its hash only.
    const { rows } = await t.app.services.db.query<{ scopes: string[]; booking_rate_limit_per_minute: number; key_hash: string; status: string }>(
      'SELECT scopes, booking_rate_limit_per_minute, key_hash, status FROM api_keys WHERE name = $1', [DEMO_WIDGET_KEY_NAME],
    );
    assert.equal(rows.length, 1);
    assert.deepEqual([...rows[0].scopes].sort(), ['availability:read', 'reservations:write']);
    assert.equal(rows[0].booking_rate_limit_per_minute, 20);
    assert.match(rows[0].key_hash, /^[0-9a-f]{64}$/);

    const body = { date, time: '19:30', partySize: 2, customer: { name: 'Ana Demo', email: 'ana@example.com' }, source: 'widget' };
    const headers = { 'idempotency-key': 'demo-attempt-1' };
    const created = await t.app.inject({ method: 'POST', url: `${api}/reservations`, payload: body, headers });
    assert.equal(created.statusCode, 201, created.body);
    const reservation = created.json();
    assert.equal(reservation.source, 'widget');
    const replay = await t.app.inject({ method: 'POST', url: `${api}/reservations`, payload: body, headers });
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().id, reservation.id);
    const listed = await t.app.inject({
      method: 'GET', url: `/v1/restaurants/demo/reservations?date=${date}`, headers: { authorization: `Bearer ${seeded.key}` },
    });
    assert.equal(listed.json().data.filter((r: { customer: { email: string } }) => r.customer.email === 'ana@example.com').length, 1);

    const found = await t.app.inject({
      method: 'POST', url: `${api}/guest/lookup`, payload: { reference: reservation.reference, contact: 'ana@example.com' },
    });
    assert.equal(found.statusCode, 200, found.body);
    assert.equal(found.json().reference, reservation.reference);
    const wrong = await t.app.inject({ method: 'POST', url: `${api}/guest/lookup`, payload: { reference: reservation.reference, contact: 'x@example.com' } });
    assert.equal(code(wrong), 'reservation_not_found');
    const notJson = await t.app.inject({ method: 'POST', url: `${api}/reservations`, payload: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(notJson.statusCode, 415);

    // Nothing else goes through: other routes, other restaurants, other guest actions.
    for (const [method, url] of [
      ['GET', `${api}/reservations`],
      ['GET', `${api}/reservations/${reservation.id}`],
      ['POST', `${api}/reservations/${reservation.id}/cancel`],
      ['GET', `${api}`],
      ['POST', `${api}/guest/delete`],
      ['GET', `/demo/api/v1/restaurants/other/availability?date=${date}&partySize=2`],
      ['GET', `/demo/api/v1/restaurants/other/hours?from=${date}`],
      ['GET', '/demo/api/v1/me'],
    ] as const) {
      const res = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      assert.equal(res.statusCode, 404, `${method} ${url} → ${res.statusCode}`);
    }

    // Revoked from the dashboard: the next call makes a new key and still works.
    const demoId = (await t.app.services.restaurants.resolve('demo'))!.id;
    const [old] = (await t.app.services.keys.list(demoId)).filter((k) => k.name === DEMO_WIDGET_KEY_NAME);
    await t.app.services.keys.revoke(demoId, old.id, { type: 'system', id: null });
    const after = await t.app.inject({ method: 'GET', url: `${api}/availability?date=${date}&partySize=2` });
    assert.equal(after.statusCode, 200, after.body);
    const { rows: keys } = await t.app.services.db.query<{ status: string }>('SELECT status FROM api_keys WHERE name = $1 ORDER BY created_at', [DEMO_WIDGET_KEY_NAME]);
    assert.deepEqual(keys.map((k) => k.status).sort(), ['active', 'revoked']);
  } finally {
    await t.close();
  }
});

test('each start replaces the demo page key of the previous run (one key, new id); the widget routes pass CORS preflight', async () => {
  const db = await createTestDb();
  try {
    const first = await createTestApp({ db, config: { demo: true } });
    let firstId: string;
    try {
      await seedDemoIfEmpty(first.app.services);
      const friday = DateTime.now().setZone('Europe/Paris').plus({ days: 3 }).toISODate()!;
      const res = await first.app.inject({ method: 'GET', url: `/demo/api/v1/restaurants/demo/availability?date=${friday}&partySize=2` });
      assert.equal(res.statusCode, 200, res.body);
      const { rows } = await db.query<{ id: string }>('SELECT id FROM api_keys WHERE name = $1', [DEMO_WIDGET_KEY_NAME]);
      assert.equal(rows.length, 1);
      firstId = rows[0].id;
    } finally {
      await first.close();
    }
    const second = await createTestApp({ db, config: { demo: true } }); // ready() runs the start-up hook
    try {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM api_keys WHERE name = $1', [DEMO_WIDGET_KEY_NAME]);
      assert.equal(rows.length, 1, 'the previous run’s key is gone');
      assert.notEqual(rows[0].id, firstId);

      // Direct browser use: the preflight of a keyed booking and of a guest call from any page is answered.
      for (const url of ['/v1/restaurants/demo/reservations', '/v1/restaurants/demo/guest/lookup']) {
        const pre = await second.app.inject({
          method: 'OPTIONS', url,
          headers: { origin: 'https://bistro.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key,x-api-key' },
        });
        assert.equal(pre.statusCode, 204);
        assert.equal(pre.headers['access-control-allow-origin'], 'https://bistro.example');
        for (const h of ['content-type', 'idempotency-key', 'x-api-key']) assert.match(String(pre.headers['access-control-allow-headers']), new RegExp(h));
      }
      const guest = await second.app.inject({
        method: 'POST', url: '/v1/restaurants/demo/guest/lookup', headers: { origin: 'https://bistro.example' }, payload: { reference: 'AAA-BBBB', contact: 'a@b.example' },
      });
      assert.equal(code(guest), 'reservation_not_found');
      assert.equal(guest.headers['access-control-allow-origin'], 'https://bistro.example', 'guest answers are readable cross-origin');
    } finally {
      await second.close();
    }
  } finally {
    await db.close();
  }
});
