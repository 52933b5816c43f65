/** GET /docs: the reference page and its assets come from this server only (no CDN), under a strict CSP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.close());

test('the page loads only same-origin scripts and styles, under a strict Content-Security-Policy', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/docs' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'/);
  const urls = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(urls.length >= 4);
  for (const u of urls) assert.match(u, /^\/docs\//, `${u} is served by this server`);
  assert.ok(!/https?:\/\//.test(page.body), 'no absolute URL in the page');
  assert.equal((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
});

test('the assets and the initializer are served; nothing else of the package is', async () => {
  for (const [url, type] of [
    ['/docs/assets/swagger-ui-bundle.js', /javascript/],
    ['/docs/assets/swagger-ui-standalone-preset.js', /javascript/],
    ['/docs/assets/swagger-ui.css', /text\/css/],
    ['/docs/assets/favicon-32x32.png', /image\/png/],
    ['/docs/init.js', /javascript/],
  ] as const) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.match(String(res.headers['content-type']), type, url);
  }
  const init = await t.app.inject({ method: 'GET', url: '/docs/init.js' });
  assert.match(init.body, /'\/v1\/openapi\.json'/);
  assert.match(init.body, /'\/admin\/api\/openapi\.json'/);
  assert.match(init.body, /validatorUrl: null/);
  for (const url of ['/docs/assets/index.html', '/docs/assets/package.json', '/docs/assets/../package.json', '/docs/assets/swagger-ui.js']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, 'not_found', url);
  }
});
