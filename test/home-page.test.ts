/** GET / links what a new user looks for; the icon at /favicon.svg and /favicon.ico; meta descriptions on the pages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTestApp } from './helpers/app.js';
import { seedDemoIfEmpty } from '../src/demo.js';

const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);

test('GET /: a page linking the dashboard, the demo, the docs, the OpenAPI document and health, every link answering', async () => {
  const t = await createTestApp({ config: { demo: true } });
  try {
    await seedDemoIfEmpty(t.app.services);
    const page = await t.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.deepEqual(hrefs(page.body), ['/dashboard/', '/demo', '/docs', '/v1/openapi.json', '/healthz']);
    assert.match(page.body, /<title>Maitre<\/title>/);
    assert.match(page.body, /<meta name="description" content="[^"]{40,}">/);
    assert.match(page.body, /<link rel="icon" type="image\/svg\+xml" href="\/favicon.svg">/);
    for (const href of hrefs(page.body)) {
      const res = await t.app.inject({ method: 'GET', url: href, headers: { accept: 'text/html' } });
      assert.ok([200, 503].includes(res.statusCode), `${href}: ${res.statusCode}`); // 503: the dashboard is not built
    }
    // The CSP allows the page's one inline stylesheet by its hash, and nothing else inline.
    const csp = String(page.headers['content-security-policy']);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1];
    assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`), csp);
    assert.doesNotMatch(csp, /unsafe-inline|script-src/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(page.body, /<script/);
    const head = await t.app.inject({ method: 'HEAD', url: '/' });
    assert.equal(head.statusCode, 200);
  } finally {
    await t.close();
  }
});

test('GET / without the demo does not link it', async () => {
  const t = await createTestApp();
  try {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    assert.deepEqual(hrefs(page.body), ['/dashboard/', '/docs', '/v1/openapi.json', '/healthz']);
  } finally {
    await t.close();
  }
});

test("the icon at /favicon.svg and /favicon.ico is the dashboard's, an SVG cached for a day", async () => {
  const t = await createTestApp();
  try {
    const dashboardIcon = readFileSync(new URL('../web/public/favicon.svg', import.meta.url), 'utf8');
    for (const url of ['/favicon.svg', '/favicon.ico']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-type'], 'image/svg+xml', url);
      assert.equal(res.headers['cache-control'], 'public, max-age=86400');
      assert.equal(res.body, dashboardIcon, `${url} is web/public/favicon.svg`);
    }
  } finally {
    await t.close();
  }
});

test('/demo and the dashboard have a meta description and the icon', async () => {
  const t = await createTestApp({ config: { demo: true } });
  try {
    await seedDemoIfEmpty(t.app.services);
    for (const lang of ['en', 'fr']) {
      const demo = await t.app.inject({ method: 'GET', url: `/demo?lang=${lang}` });
      assert.match(demo.body, /<meta name="description" content="[^"]{40,}">/, lang);
      assert.match(demo.body, /<link rel="icon" type="image\/svg\+xml" href="\/favicon.svg">/, lang);
    }
  } finally {
    await t.close();
  }
  const dashboard = readFileSync(new URL('../web/index.html', import.meta.url), 'utf8');
  assert.match(dashboard, /<meta name="description" content="[^"]{40,}" \/>/);
  assert.match(dashboard, /<link rel="icon" type="image\/svg\+xml" href="\/favicon.svg" \/>/);
});
