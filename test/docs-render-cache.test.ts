/**
 * The rendered API reference kept on disk (src/modules/docs/render-cache.ts): a second process — or a restarted server —
 * with the same document, options and renderer reads the render instead of making it again; anything that changes the
 * render is a different entry; a torn or unreadable entry, or a cache that cannot be written, only costs a render.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { prerender } from '../src/modules/docs/prerender.js';
import { RenderCache } from '../src/modules/docs/render-cache.js';
import { createTestApp } from './helpers/app.js';

/** A renderer module that counts its renders in a file and returns markup splitReference accepts. */
function countingRenderer(dir: string, name = 'renderer.mjs', variant = ''): { file: string; renders: () => number } {
  const counter = join(dir, `${name}.count`);
  writeFileSync(counter, '0');
  const file = join(dir, name);
  writeFileSync(
    file,
    `import { readFileSync, writeFileSync } from 'node:fs';
export async function renderReference(document) {
  writeFileSync(${JSON.stringify(counter)}, String(Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1));
  const section = (id) => '<div data-section-id="' + id + '"><p>' + id + '</p></div>';
  return { css: '<style>${variant}</style>', html: '<div class="api-content"><div class="api-info"><h1>' + document.info.title + '</h1></div>' +
    section('tag/A') + section('tag/A/operation/one') + '</div>' };
}
`,
  );
  return { file, renders: () => Number(readFileSync(counter, 'utf8')) };
}

const doc = (title: string) => JSON.stringify({ openapi: '3.1.0', info: { title, version: '1' }, paths: {} });

test('a render is made once per document, options and renderer, then read from the cache directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-render-cache-'));
  try {
    const r = countingRenderer(dir);
    const cache = new RenderCache(join(dir, 'cache', 'docs'));
    const first = await prerender(doc('Maitre API'), r.file, cache);
    assert.equal(r.renders(), 1);
    const again = await prerender(doc('Maitre API'), r.file, new RenderCache(join(dir, 'cache', 'docs'))); // as a new process would
    assert.equal(r.renders(), 1, 'read, not rendered');
    assert.deepEqual(again, first);
    assert.ok(first.head.includes('<h1>Maitre API</h1>'));

    const entries = readdirSync(join(dir, 'cache', 'docs'));
    assert.equal(entries.length, 1);
    assert.match(entries[0]!, /^[0-9a-f]{64}\.json$/);
    assert.equal(statSync(join(dir, 'cache', 'docs', entries[0]!)).mode & 0o777, 0o600, 'the server user only');
    assert.equal(statSync(join(dir, 'cache', 'docs')).mode & 0o777, 0o700);

    // A changed document, or another renderer (a Redoc upgrade): rendered again, a new entry.
    await prerender(doc('Maitre API v2'), r.file, cache);
    assert.equal(r.renders(), 2);
    const other = countingRenderer(dir, 'renderer-2.mjs', 'v2');
    const byOther = await prerender(doc('Maitre API'), other.file, cache);
    assert.equal(other.renders(), 1);
    assert.equal(byOther.css, '<style>v2</style>');
    assert.equal(readdirSync(join(dir, 'cache', 'docs')).length, 3);

    // A torn entry is rendered again and rewritten.
    writeFileSync(join(dir, 'cache', 'docs', entries[0]!), '{"css":"<sty');
    assert.deepEqual(await prerender(doc('Maitre API'), r.file, cache), first);
    assert.equal(r.renders(), 3);
    assert.deepEqual(await prerender(doc('Maitre API'), r.file, cache), first);
    assert.equal(r.renders(), 3, 'the rewritten entry is read');
    assert.ok(!readdirSync(join(dir, 'cache', 'docs')).some((f) => f.endsWith('.tmp')), 'no temporary file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache that cannot be written, or no cache, still renders; markup the page cannot use is not kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-render-cache-'));
  try {
    const r = countingRenderer(dir);
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const blocked = new RenderCache(join(dir, 'not-a-dir', 'docs'));
    assert.ok((await prerender(doc('A'), r.file, blocked)).head.includes('<h1>A</h1>'));
    assert.ok((await prerender(doc('A'), r.file)).head.includes('<h1>A</h1>'));
    assert.equal(r.renders(), 2);

    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, `export async function renderReference() { return { css: '', html: '<div>no api-content</div>' }; }\n`);
    const cache = new RenderCache(join(dir, 'cache'));
    await assert.rejects(prerender(doc('A'), broken, cache), /api-content/);
    assert.deepEqual(readdirSync(dir).includes('cache') ? readdirSync(join(dir, 'cache')) : [], []);

    // A renderer that cannot be read is not cached under some other identity: the render itself fails.
    await assert.rejects(prerender(doc('A'), join(dir, 'missing.mjs'), cache));
  } finally {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the server keeps its renders in its cache directory: an app built later serves /docs from it at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-render-cache-'));
  const serverRendered = (body: string) => body.includes('data-render="server"');
  try {
    const first = await createTestApp({ config: { cacheDir: dir } });
    try {
      let body = '';
      for (let i = 0; i < 60 && !serverRendered(body); i++) {
        if (i) await new Promise((r) => setTimeout(r, 1000));
        body = (await first.app.inject({ method: 'GET', url: '/docs' })).body;
      }
      assert.ok(serverRendered(body), 'rendered by the first app');
    } finally {
      await first.close();
    }
    const kept = readdirSync(join(dir, 'docs'));
    assert.equal(kept.length, 1, 'one render kept: the public reference');
    const written = statSync(join(dir, 'docs', kept[0]!)).mtimeMs;

    const second = await createTestApp({ config: { cacheDir: dir } });
    try {
      const res = await second.app.inject({ method: 'GET', url: '/docs' });
      assert.ok(serverRendered(res.body), 'the first reader of the second app gets the kept render');
    } finally {
      await second.close();
    }
    assert.deepEqual(readdirSync(join(dir, 'docs')), kept);
    assert.equal(statSync(join(dir, 'docs', kept[0]!)).mtimeMs, written, 'read, not written again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('MAITRE_CACHE_DIR: cache/ in the data directory in embedded mode, none with DATABASE_URL unless it is set', () => {
  assert.equal(loadConfig({}).cacheDir, join('data', 'cache'));
  assert.equal(loadConfig({ MAITRE_DATA_DIR: '/srv/maitre' }).cacheDir, '/srv/maitre/cache');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/maitre' }).cacheDir, undefined);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/maitre', MAITRE_CACHE_DIR: '/var/cache/maitre' }).cacheDir, '/var/cache/maitre');
  assert.equal(loadConfig({ MAITRE_CACHE_DIR: '' }).cacheDir, join('data', 'cache'), 'empty means unset');
});
