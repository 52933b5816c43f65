/** /llms.txt and /llms-full.txt list every public operation, every guide in docs/ and every MCP tool; guides are served. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './helpers/app.js';
import { openapiDocument } from '../src/http/openapi.js';
import { DOCS_DIR, operationsOf, readGuides } from '../src/modules/llms/generate.js';
import { TOOLS } from '../src/modules/mcp/tools.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.close());

const docFiles = () => readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md'));

test('llms.txt: the llms.txt shape, every guide, every MCP tool and every public operation, each linked', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/llms.txt' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/plain/);
  const text = res.body;
  assert.match(text, /^# Maitre\n\n> \S/, 'an H1, then a blockquote summary');
  const sections = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.equal(sections[0], 'Docs');
  assert.equal(sections.at(-1), 'Optional');
  assert.ok(docFiles().length >= 10, 'the guides are there (agents.md included)');
  assert.ok(docFiles().includes('agents.md'));
  for (const f of docFiles()) {
    const title = /^# (.+)$/m.exec(readFileSync(join(DOCS_DIR, f), 'utf8'))![1];
    assert.ok(text.includes(`- [${title}](/docs/${f}): `), `${f} is listed`);
  }
  for (const tool of TOOLS) assert.ok(text.includes(`- [${tool.name}](/docs/agents.md): `), `${tool.name} is listed`);
  const ops = operationsOf(openapiDocument(t.app, 'public'));
  assert.ok(ops.length > 30);
  for (const o of ops) {
    assert.ok(o.operationId, `${o.method} ${o.path} has an operationId`);
    assert.ok(text.includes(`- [${o.method} ${o.path}](/docs#/${encodeURIComponent(o.tag)}/${o.operationId}): `), `${o.method} ${o.path} is listed`);
  }
  assert.match(text, /- \[POST \/v1\/restaurants\/\{restaurant\}\/reservations\]\([^)]+\): Book a table \(scope `reservations:write`\)/);
  assert.match(text, /- \[POST \/v1\/restaurants\/\{restaurant\}\/guest\/lookup\]\([^)]+\): [^\n]+\(no key\)/);
  // Every line of a section is a Markdown link list item (or the one sentence under "MCP tools").
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('> ')) continue;
    assert.ok(line.startsWith('- [') || /^(This server|POST `\/mcp`)/.test(line), `unexpected line: ${line}`);
  }
  assert.ok(!text.includes('/admin/api/restaurants'), 'the admin API is not a public operation');
});

test('llms-full.txt: every guide in full, every tool\'s description and every operation with its details', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/llms-full.txt' });
  assert.equal(res.statusCode, 200);
  const text = res.body;
  for (const f of docFiles()) assert.ok(text.includes(readFileSync(join(DOCS_DIR, f), 'utf8').trim()), `${f} in full`);
  for (const tool of TOOLS) assert.ok(text.includes(tool.description), `${tool.name}'s description`);
  for (const o of operationsOf(openapiDocument(t.app, 'public'))) {
    assert.ok(text.includes(`### ${o.method} ${o.path}\n\n\`${o.operationId}\` — `), `${o.operationId} in full`);
  }
  assert.match(text, /### POST \/v1\/restaurants\/\{restaurant\}\/reservations[\s\S]*?- `customer` \(required\): object[\s\S]*?Responses: 201; [^\n]*409 \([^)]*no_tables_available/);
});

test('each guide is served as Markdown at the address the index gives', async () => {
  for (const f of docFiles()) {
    const res = await t.app.inject({ method: 'GET', url: `/docs/${f}` });
    assert.equal(res.statusCode, 200, f);
    assert.match(res.headers['content-type'] as string, /^text\/markdown/);
    assert.equal(res.body, readFileSync(join(DOCS_DIR, f), 'utf8'));
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/docs/nope.md' })).statusCode, 404);
});

test('readGuides: integrators\' guides first, then by name; titles and first sentences; comments skipped', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-docs-'));
  ctx.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'zeta.md'), '# Zeta\n\n<!-- generated -->\n\nFirst line\nsecond line (v1.2). And more.\n\nMore.\n');
  writeFileSync(join(dir, 'alpha.md'), '# Alpha guide\n\nA.\n');
  writeFileSync(join(dir, 'keys.md'), '# API keys\n\nKeys.\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a guide');
  const guides = readGuides(dir);
  assert.deepEqual(guides.map((g) => [g.name, g.title, g.summary, g.url]), [
    ['keys', 'API keys', 'Keys.', '/docs/keys.md'],
    ['alpha', 'Alpha guide', 'A.', '/docs/alpha.md'],
    ['zeta', 'Zeta', 'First line second line (v1.2).', '/docs/zeta.md'],
  ]);
  assert.deepEqual(readGuides(join(dir, 'missing')), []);
});
