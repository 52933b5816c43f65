/**
 * Both OpenAPI documents pass Redocly's `recommended` ruleset (the linter behind `redocly lint`, run in-process and
 * offline) with zero errors and zero warnings. Spectral's `spectral:oas` agreed when this was written: no OAuth-style
 * scopes in security requirements (they are `x-required-scopes` / `x-required-roles`), one path per resource, servers,
 * a contact, a 4xx on every operation, no unused component.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConfig, lintFromString, type Config } from '@redocly/openapi-core';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let config: Config;
const docs: Record<string, string> = {};

before(async () => {
  t = await createTestApp();
  for (const url of ['/v1/openapi.json', '/admin/api/openapi.json']) docs[url] = (await t.app.inject({ method: 'GET', url })).body;
  config = await createConfig({ extends: ['recommended'] });
});
after(async () => t.close());

async function problems(source: string, name: string): Promise<string[]> {
  const found = await lintFromString({ source, absoluteRef: `/tmp/${name}.json`, config });
  return found.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`);
}

for (const url of ['/v1/openapi.json', '/admin/api/openapi.json']) {
  test(`Redocly recommended: ${url} has no error and no warning`, async () => {
    assert.deepEqual(await problems(docs[url], url.replace(/\W+/g, '-')), []);
  });
}

test('the linter does find problems: a document without servers, with two names for one path and an unused component', async () => {
  const doc = JSON.parse(docs['/v1/openapi.json']);
  delete doc.servers;
  const [path, item] = Object.entries<Record<string, unknown>>(doc.paths).find(([p]) => p.endsWith('/reservations/{id}'))!;
  doc.paths[path.replace('{id}', '{reservationId}')] = item;
  doc.components.schemas.Unused = { type: 'string' };
  const found = (await problems(JSON.stringify(doc), 'broken')).join('\n');
  for (const rule of ['no-empty-servers', 'no-identical-paths', 'no-unused-components']) assert.match(found, new RegExp(rule), found);
});
