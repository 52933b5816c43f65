import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';

test('health, readiness and unknown routes answer in the envelope with a request id', async () => {
  const t = await createTestApp();
  try {
    const h = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(h.statusCode, 200);
    assert.deepEqual(h.json(), { status: 'ok' });
    assert.ok(h.headers['x-request-id']);
    const r = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(r.statusCode, 200);
    const nf = await t.app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().error.code, 'not_found');
    assert.deepEqual(Object.keys(nf.json().error).sort(), ['code', 'details', 'message']);
    assert.equal(nf.headers['x-request-id'], 'abc-123');
  } finally {
    await t.close();
  }
});
