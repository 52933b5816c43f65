/**
 * GET /docs and /docs/admin: the reference is Redoc's own server-side render, in the page's HTML (sidebar and
 * overview) and in parts fetched per tag; the page's only script is a small deferred one, and Redoc's bundle (served
 * here, cached under its hash) is loaded only when the reader asks for what it alone does. Nothing comes from another
 * host, no telemetry, Maitre's name. These checks hold the page's speed without timing it: the blocking script weight,
 * the size of the first HTML, the reference's content in it (the Lighthouse run itself: `npm run lighthouse`).
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

/** The resources the page loads by itself: scripts, stylesheets, icons, preloads, images (not the links to follow). */
const resources = (html: string) =>
  [...html.matchAll(/<(?:script|img|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
const operations = (doc: { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> }) =>
  Object.values(doc.paths).flatMap((item) => Object.values(item).filter((op) => typeof op === 'object' && op.operationId));

for (const [url, spec, title, heading] of [
  ['/docs', '/v1/openapi.json', 'Maitre API reference', 'Maitre API'],
  ['/docs/admin', '/admin/api/openapi.json', 'Maitre admin API reference', 'Maitre admin API'],
] as const) {
  test(`${url}: the reference is in the HTML, with one deferred script of a few kB, under a strict CSP`, async () => {
    const page = await t.app.inject({ method: 'GET', url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, new RegExp(`<title>${title}</title>`));
    assert.match(page.body, /<meta name="description" content="[^"]{30,}">/);
    assert.match(page.body, /data-render="server"/, 'pre-rendered');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);

    // What blocks the main thread at load: the scripts the HTML names. Only init.js, deferred, small; no Redoc bundle.
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    assert.deepEqual(scripts, [' src="/docs/init.js" defer'], 'one deferred script, no inline one');
    const init = await t.app.inject({ method: 'GET', url: '/docs/init.js' });
    assert.ok(init.rawPayload.length < 12_000, `init.js is ${init.rawPayload.length} bytes`);
    assert.ok(page.rawPayload.length < 200_000, `the first HTML is ${page.rawPayload.length} bytes`);
    const elements = page.body.match(/<[a-z][a-z0-9]*\b/g)!.length;
    assert.ok(elements < 3_000, `${elements} elements in the first HTML`);

    // The reference's content: Redoc's heading, its sidebar with every operation of the document, the overview.
    const doc = (await t.app.inject({ method: 'GET', url: spec })).json();
    assert.match(page.body, new RegExp(`<h1[^>]*>${heading}`));
    for (const op of operations(doc)) {
      assert.match(page.body, new RegExp(`data-item-id="tag/[^"]+/operation/${op.operationId}"`), `${op.operationId} in the sidebar`);
    }
    assert.match(page.body, /class="[^"]*menu-content/);

    // Every resource is this server's and answers 200.
    const urls = resources(page.body);
    for (const u of urls) assert.match(u, /^\//, `${u} is served by this server`);
    for (const u of urls) assert.equal((await t.app.inject({ method: 'GET', url: u })).statusCode, 200, `${url} → ${u}`);
    const bundleUrl = /data-bundle="([^"]+)"/.exec(page.body)?.[1];
    assert.match(bundleUrl ?? '', /^\/docs\/assets\/redoc\.[0-9a-f]{16}\.js$/);
  });

  test(`${url}: every operation is in the part of its tag, fetched from this server, cached under the render's hash`, async () => {
    const page = await t.app.inject({ method: 'GET', url, headers: { host: 'docs.example:8443' } });
    const doc = (await t.app.inject({ method: 'GET', url: spec })).json();
    const parts = [...page.body.matchAll(/<div class="mtr-part" data-part="([^"]+)" data-ids="([^"]+)">/g)];
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    const seen = new Map<string, number>();
    for (const [, partUrl, ids] of parts) {
      assert.match(partUrl!, new RegExp(`^/docs/parts/${url === '/docs' ? 'public' : 'admin'}/[0-9a-f]{16}/[0-9]+\\.html$`));
      const res = await t.app.inject({ method: 'GET', url: partUrl!, headers: { host: 'docs.example:8443' } });
      assert.equal(res.statusCode, 200, partUrl);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(res.headers['content-type']), /^text\/html/);
      for (const id of ids!.split(' ')) {
        assert.match(res.body, new RegExp(`data-section-id="${id}"`), `${id} in ${partUrl}`);
        const op = /\/operation\/(.+)$/.exec(id)?.[1];
        if (op) seen.set(op, (seen.get(op) ?? 0) + 1);
      }
      assert.ok(!res.body.includes('__MAITRE_ORIGIN__'));
      assert.ok(!/<script/i.test(res.body), 'no script in a part');
    }
    // Redoc shows an operation under each of its tags: in that many parts.
    assert.deepEqual([...seen.keys()].sort(), operations(doc).map((op) => op.operationId!).sort());
    for (const op of operations(doc)) assert.equal(seen.get(op.operationId!), op.tags!.length, op.operationId);

    // The curl examples target the origin the page was reached at, with $MAITRE_KEY until a key is pasted.
    const first = await t.app.inject({ method: 'GET', url: parts[0]![1]!, headers: { host: 'docs.example:8443' } });
    assert.match(first.body, /curl/);
    assert.match(first.body, /http:\/\/docs\.example:8443\/(v1|admin\/api)\//);
    if (url === '/docs') assert.match(first.body, /\$MAITRE_KEY/);

    // Another hash, a part that does not exist, a path outside: 404 not_found.
    const [, good] = parts[0]!;
    for (const bad of [
      good!.replace(/\/[0-9a-f]{16}\//, '/0000000000000000/'),
      good!.replace(/[0-9]+\.html$/, '999.html'),
      good!.replace(/[0-9]+\.html$/, '01.html'),
      good!.replace(/[0-9]+\.html$/, '..%2F..%2Fpackage.json'),
      '/docs/parts/other/0000000000000000/0.html',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: bad });
      assert.equal(res.statusCode, 404, bad);
      assert.equal(res.json().error.code, 'not_found', bad);
    }
  });
}

test('the curl examples and the page never carry a Host header that is not a plain host name', async () => {
  for (const host of ['evil.example"><script>alert(1)</script>', 'a b', 'x.example/path']) {
    const page = await t.app.inject({ method: 'GET', url: '/docs', headers: { host } });
    assert.equal(page.statusCode, 200, host);
    assert.ok(!page.body.includes('<script>alert'), host);
    const part = /data-part="([^"]+)"/.exec(page.body)![1]!;
    const res = await t.app.inject({ method: 'GET', url: part, headers: { host } });
    assert.ok(!res.body.includes('evil.example') && !res.body.includes('x.example/path'), host);
    assert.match(res.body, /http:\/\/127\.0\.0\.1\/v1\//);
  }
});

test('/docs/reference/{kind}.json: the document with a curl example on every operation, for the browser render', async () => {
  for (const kind of ['public', 'admin'] as const) {
    const res = await t.app.inject({ method: 'GET', url: `/docs/reference/${kind}.json`, headers: { host: 'localhost:3000' } });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    for (const op of operations(doc) as Array<{ 'x-codeSamples'?: Array<{ lang: string; source: string }>; security?: unknown[] }>) {
      const [sample] = op['x-codeSamples']!;
      assert.equal(sample!.lang, 'Shell');
      assert.match(sample!.source, /^curl( -X [A-Z]+)? "http:\/\/localhost:3000\//);
      const open = Array.isArray(op.security) && op.security.length === 0;
      assert.equal(sample!.source.includes('Authorization: Bearer $MAITRE_KEY'), !open);
    }
  }
  const book = (await t.app.inject({ method: 'GET', url: '/docs/reference/public.json' })).json().paths['/v1/restaurants/{restaurant}/reservations'].post;
  const source: string = book['x-codeSamples'][0].source;
  assert.match(source, /-H "Idempotency-Key: \$\(uuidgen\)"/);
  assert.match(source, /-H 'Content-Type: application\/json' -d '\{.*"partySize"/);
  for (const bad of ['/docs/reference/other.json', '/docs/reference/public', '/docs/reference/..%2Fpublic.json']) {
    assert.equal((await t.app.inject({ method: 'GET', url: bad })).statusCode, 404, bad);
  }
});

test('the bundle is Redoc, cached immutably under its hash; the initializer starts it; nothing else is served', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/docs' });
  const bundleUrl = /data-bundle="([^"]+)"/.exec(page.body)![1]!;
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
  assert.equal((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200);
});

test('no telemetry: the page, its parts and the bundle load nothing from another host', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/docs' });
  const bundleUrl = /data-bundle="([^"]+)"/.exec(page.body)![1]!;
  const bundle = (await t.app.inject({ method: 'GET', url: bundleUrl })).body;
  const part = (await t.app.inject({ method: 'GET', url: /data-part="([^"]+)"/.exec(page.body)![1]! })).body;
  for (const body of [page.body, part, bundle]) {
    for (const host of ['scarf.sh', 'segment.io', 'google-analytics', 'googletagmanager', 'fonts.googleapis', 'cdn.redoc.ly']) {
      assert.ok(!body.includes(host), host);
    }
  }
  for (const body of [page.body, part]) {
    for (const u of resources(body)) assert.match(u, /^\/(?!\/)/, u); // absolute URLs only in links to follow
  }
  assert.ok(bundle.includes('API docs by Redocly'), 'the attribution link stays');
  assert.ok(page.body.includes('API docs by Redocly'));
});

test('splitReference: Redoc markup cut at its api-content; anything else is refused (the page then renders in the browser)', async () => {
  const { splitReference } = await import('../src/modules/docs/prerender.js');
  const section = (id: string, text: string) => `<div id="${id}" data-section-id="${id}"><div><p>${text}</p></div></div>`;
  const html =
    '<div class="redoc-wrap"><div class="menu-content">menu</div><div class="x api-content">' +
    '<div class="api-info"><h1>API</h1></div>' +
    section('section/Authentication', 'auth') +
    section('tag/A', 'a') + section('tag/A/operation/one', '1') + section('tag/A/operation/two', '2') +
    section('tag/B', 'b') + section('tag/B/operation/three', '3') +
    '</div><div class="api-right-panel"></div></div>';
  const split = splitReference({ css: '<style></style>', html });
  assert.deepEqual(split.parts.map((p) => p.ids), [['tag/A', 'tag/A/operation/one', 'tag/A/operation/two'], ['tag/B', 'tag/B/operation/three']]);
  assert.ok(split.head.endsWith(section('section/Authentication', 'auth')));
  assert.equal(split.tail, '</div><div class="api-right-panel"></div></div>');
  assert.equal(split.head + split.parts.map((p) => p.html).join('') + split.tail, html, 'nothing lost, nothing added');
  assert.match(split.hash, /^[0-9a-f]{16}$/);
  assert.throws(() => splitReference({ css: '', html: '<div class="menu-content"></div>' }), /api-content/);
  assert.throws(() => splitReference({ css: '', html: '<div class="api-content"><div>open' }), /not closed/);
  assert.throws(() => splitReference({ css: '', html: `<div class="api-content">${section('section/X', 'x')}</div>` }), /no tag/);
});

test('accessibleMarkup: Redoc\'s <h5> sub-headings become <h3>; scrolling code blocks are focusable', async () => {
  const { accessibleMarkup } = await import('../src/modules/docs/prerender.js');
  assert.equal(
    accessibleMarkup('<h2>Op</h2><h5 class="a">Authorizations:</h5><pre class="c">x</pre><pre tabindex="-1">y</pre><h50>'),
    '<h2>Op</h2><h3 class="a">Authorizations:</h3><pre tabindex="0" class="c">x</pre><pre tabindex="-1">y</pre><h50>',
  );
});

test('docsHtml without a pre-render: Redoc renders in the browser from the reference document', async () => {
  const { docsHtml } = await import('../src/modules/docs/page.js');
  const html = docsHtml('public', { bundleUrl: '/docs/assets/redoc.0123456789abcdef.js', referenceUrl: '/docs/reference/public.json', prerendered: null });
  assert.match(html, /data-render="browser"/);
  assert.match(html, /data-bundle="\/docs\/assets\/redoc\.0123456789abcdef\.js"/);
  assert.match(html, /<link rel="preload" href="\/docs\/reference\/public\.json" as="fetch" crossorigin>/);
  assert.match(html, /id="mtr-key-input"/);
  assert.ok(!docsHtml('admin', { bundleUrl: '/b.js', referenceUrl: '/r.json', prerendered: null }).includes('mtr-key-input'), 'no key box on the admin page');
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
