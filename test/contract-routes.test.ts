/** Every route is described (or explicitly hidden), and the contract check catches what it must. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { openapiPath, violations } from './helpers/contract.js';
import { openapiDocument } from '../src/http/openapi.js';
import { tenantWithKey, bearer } from './helpers/keys.js';

type Json = Record<string, any>;

test('every route registered in the app is in one of the two documents, or explicitly hidden outside /v1 and /admin/api', async () => {
  const t = await createTestApp();
  try {
    const docs = { public: openapiDocument(t.app, 'public'), admin: openapiDocument(t.app, 'admin') };
    const hidden: string[] = [];
    let documented = 0;
    for (const r of t.app.openapiRoutes) {
      for (const method of ([] as string[]).concat(r.method)) {
        if (method === 'HEAD') continue; // Fastify's automatic HEAD for every GET
        const where = `${method} ${r.url}`;
        if ((r.schema as Json | undefined)?.hide) {
          assert.ok(!r.url.startsWith('/v1/') && !r.url.startsWith('/admin/api/'), `${where}: API routes must not be hidden`);
          hidden.push(where);
          continue;
        }
        const doc = r.url.startsWith('/v1/') ? docs.public : r.url.startsWith('/admin/api/') ? docs.admin : undefined;
        assert.ok(doc, `${where} is in no document: put it under /v1 or /admin/api, or give it schema: { hide: true }`);
        assert.ok(doc.paths[openapiPath(r.url)]?.[method.toLowerCase()], `${where} is missing from its document`);
        documented += 1;
      }
    }
    for (const h of ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /docs', 'GET /docs/admin', 'GET /docs/init.js', 'GET /', 'GET /favicon.svg']) {
      assert.ok(hidden.includes(h), `${h} is hidden`);
    }
    assert.ok(hidden.some((h) => /^GET \/docs\/assets\/redoc\.[0-9a-f]{16}\.js$/.test(h)), 'the reference renderer is hidden');
    const inDocs = Object.values(docs).reduce(
      (n, d) => n + Object.values(d.paths as Json).reduce((m: number, item: Json) => m + Object.keys(item).length, 0),
      0,
    );
    assert.equal(documented, inDocs, 'the documents describe exactly the registered routes');
  } finally {
    await t.close();
  }
});

test('the contract check turns a response that breaks the document into a loud 500', async () => {
  const t = await createTestApp({
    extend(app) {
      // Runs before the contract hook: simulates a handler that drifted from its schema.
      app.addHook('onSend', async (req, reply, payload) => {
        const mode = req.headers['x-break'];
        if (mode === 'body') return JSON.stringify({ id: 42 });
        if (mode === 'status') reply.code(418);
        if (mode === 'code') {
          reply.code(404);
          return JSON.stringify({ error: { code: 'reservation_not_found', message: 'x', details: {} } });
        }
        return payload;
      });
    },
  });
  const before = violations.length;
  try {
    const { key } = await tenantWithKey(t.app);
    const fine = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });
    assert.equal(fine.statusCode, 200);
    assert.equal(violations.length, before);

    const body = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(key), 'x-break': 'body' } });
    assert.equal(body.statusCode, 500);
    assert.equal(body.json().error.details.contractViolation, true);
    assert.match(body.json().error.message, /GET \/v1\/me answered 200: the body does not match the documented schema/);

    const status = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(key), 'x-break': 'status' } });
    assert.equal(status.statusCode, 500);
    assert.match(status.json().error.message, /status 418 is not documented for this operation/);

    const code = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(key), 'x-break': 'code' } });
    assert.match(code.json().error.message, /status 404 \(reservation_not_found\) is not documented.*errorResponses\('reservation_not_found'\)/);

    const unknown = await t.app.inject({ method: 'GET', url: '/v1/nowhere' });
    assert.equal(unknown.statusCode, 404, 'unknown routes answer the generic envelope, which validates');
    assert.deepEqual(violations.slice(before).map((v) => [v.method, v.path, v.status]), [
      ['GET', '/v1/me', 200],
      ['GET', '/v1/me', 418],
      ['GET', '/v1/me', 404],
    ]);
  } finally {
    violations.splice(before); // provoked on purpose: not a failure of this file
    await t.close();
  }
});
