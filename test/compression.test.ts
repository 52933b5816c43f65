/** Compression: pages, scripts and the OpenAPI documents above 1 KiB (brotli, else gzip); never the JSON API. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { signIn } from './helpers/admin.js';
import { acceptedEncodings, isApiRoute, Precompressed } from '../src/http/compression.js';

let t: TestApp;
let r: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(t.app, bistro());
});
after(async () => t.close());

const get = (url: string, encoding: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': encoding, ...headers } });

test('the OpenAPI documents, the pages and the reference renderer are compressed: brotli first, else gzip', async () => {
  const page = await get('/docs', 'identity');
  const bundle = /data-bundle="(\/docs\/assets\/redoc\.[0-9a-f]+\.js)"/.exec(page.body)![1]!;
  const part = /data-part="(\/docs\/parts\/[^"]+)"/.exec(page.body)![1]!; // a part of the pre-rendered reference
  for (const url of ['/v1/openapi.json', '/admin/api/openapi.json', '/', '/docs', bundle, part, '/docs/reference/public.json']) {
    const plain = await get(url, 'identity');
    assert.equal(plain.headers['content-encoding'], undefined, `${url}: not compressed when not accepted`);
    const br = await get(url, 'gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br', url);
    assert.match(String(br.headers.vary), /accept-encoding/i, url);
    assert.deepEqual(brotliDecompressSync(br.rawPayload), plain.rawPayload, `${url}: the same bytes`);
    assert.ok(br.rawPayload.length < plain.rawPayload.length / 2, `${url}: ${plain.rawPayload.length} → ${br.rawPayload.length}`);
    const gz = await get(url, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip', url);
    assert.deepEqual(gunzipSync(gz.rawPayload), plain.rawPayload);
  }
});

test('the JSON API is never compressed, however large; small answers neither', async () => {
  const availability = await get(`/v1/restaurants/${r.slug}/availability?date=2026-03-03&partySize=2`, 'br, gzip', { authorization: `Bearer ${r.key}` });
  assert.equal(availability.statusCode, 200);
  assert.ok(availability.rawPayload.length > 1024, `large enough to be compressed: ${availability.rawPayload.length}`);
  assert.equal(availability.headers['content-encoding'], undefined);
  const admin = await signIn(t, r.id);
  const config = await get(`/admin/api/restaurants/${r.slug}/config`, 'br, gzip', { cookie: admin.headers.cookie });
  assert.equal(config.statusCode, 200, config.body);
  assert.ok(config.rawPayload.length > 1024);
  assert.equal(config.headers['content-encoding'], undefined);
  const icon = await get('/favicon.svg', 'br');
  assert.ok(icon.rawPayload.length < 1024);
  assert.equal(icon.headers['content-encoding'], undefined, 'below the threshold');
});

test('isApiRoute: the API routes but the documents', () => {
  assert.equal(isApiRoute('/v1/restaurants/:restaurant/availability'), true);
  assert.equal(isApiRoute('/admin/api/restaurants/:restaurant/keys'), true);
  assert.equal(isApiRoute('/v1/openapi.json'), false);
  assert.equal(isApiRoute('/admin/api/openapi.json'), false);
  assert.equal(isApiRoute('/docs'), false);
  assert.equal(isApiRoute('/dashboard/'), false);
});

test('Precompressed: compressed once per encoding, negotiated from Accept-Encoding (q=0 refuses, * allows both)', async () => {
  const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(5000) }));
  const packed = new Precompressed(body);
  const first = await packed.pick('gzip, br');
  assert.equal(first.encoding, 'br');
  assert.equal((await packed.pick('br')).body, first.body, 'the same buffer: compressed once');
  assert.deepEqual(brotliDecompressSync(first.body), body);
  assert.equal((await packed.pick('br;q=0, gzip')).encoding, 'gzip');
  assert.equal((await packed.pick('identity')).encoding, null);
  assert.equal((await packed.pick(undefined)).body, body);
  assert.equal((await packed.pick('*')).encoding, 'br');
  assert.equal((await new Precompressed(Buffer.from('small')).pick('br')).encoding, null, 'below the threshold');
  assert.deepEqual([...acceptedEncodings('GZIP;q=0.5, br;q=0, deflate')], ['gzip', 'deflate']);
});
