/**
 * GET /docs and /docs/admin: Redoc's standalone bundle and the page's initializer come from this server only (no CDN,
 * no telemetry), under a strict CSP, with Maitre's name; the bundle is served under its hash and cached for good.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.close());

const srcs = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);

test('the pages load only same-origin scripts, under a strict Content-Security-Policy, with Maitre in the title', async () => {
  for (const [url, spec, title] of [
    ['/docs', '/v1/openapi.json', 'Maitre API reference'],
    ['/docs/admin', '/admin/api/openapi.json', 'Maitre admin API reference'],
  ] as const) {
    const page = await t.app.inject({ method: 'GET', url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, new RegExp(`<title>${title}</title>`));
    assert.match(page.body, new RegExp(`data-spec="${spec.replace(/\//g, '\\/')}"`));
    assert.match(page.body, /<meta name="description" content="[^"]{30,}">/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const urls = srcs(page.body);
    assert.ok(urls.some((u) => /^\/docs\/assets\/redoc\.[0-9a-f]{16}\.js$/.test(u)), urls.join(' '));
    for (const u of urls) assert.match(u, /^\//, `${u} is served by this server`);
    assert.ok(!/https?:\/\//.test(page.body), 'no absolute URL in the page');
    for (const u of urls) {
      const res = await t.app.inject({ method: 'GET', url: u });
      assert.equal(res.statusCode, 200, `${url} → ${u}`);
    }
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
});

test('the bundle is Redoc, cached immutably under its hash; the initializer starts it; nothing else is served', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/docs' });
  const bundleUrl = srcs(page.body).find((u) => u.startsWith('/docs/assets/'))!;
  const bundle = await t.app.inject({ method: 'GET', url: bundleUrl });
  assert.match(String(bundle.headers['content-type']), /javascript/);
  assert.equal(bundle.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.ok(bundle.rawPayload.length > 500_000, 'the standalone bundle');
  assert.ok(bundleUrl.includes(createHash('sha256').update(bundle.rawPayload).digest('hex').slice(0, 16)));
  assert.match(bundle.body, /Redoc/);
  const init = await t.app.inject({ method: 'GET', url: '/docs/init.js' });
  assert.match(String(init.headers['content-type']), /javascript/);
  assert.match(init.body, /Redoc\.init\(/);
  for (const url of ['/docs/assets/redoc.standalone.js', '/docs/assets/redoc.0000000000000000.js', '/docs/assets/../package.json', '/docs/assets/swagger-ui-bundle.js']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, 'not_found', url);
  }
});

test('no telemetry: the page and the bundle name no third-party host to call', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/docs' });
  const bundleUrl = srcs(page.body).find((u) => u.startsWith('/docs/assets/'))!;
  const body = (await t.app.inject({ method: 'GET', url: bundleUrl })).body;
  for (const host of ['scarf.sh', 'segment.io', 'google-analytics', 'googletagmanager', 'fonts.googleapis', 'cdn.redoc.ly']) {
    assert.ok(!body.includes(host), host);
  }
  assert.ok(body.includes('API docs by Redocly'), 'the attribution link stays');
});

test('loadDocsBundle: null for a missing file; the URL carries the hash of the content', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-docs-'));
  try {
    const { loadDocsBundle } = await import('../src/modules/docs/bundle.js');
    assert.equal(loadDocsBundle(join(dir, 'missing.js')), null);
    writeFileSync(join(dir, 'redoc.js'), 'window.Redoc = {}');
    const hash = createHash('sha256').update('window.Redoc = {}').digest('hex').slice(0, 16);
    assert.equal(loadDocsBundle(join(dir, 'redoc.js'))!.url, `/docs/assets/redoc.${hash}.js`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
