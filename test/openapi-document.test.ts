/** The OpenAPI documents: valid OpenAPI 3.1 (independent validator), committed, complete, and with honest examples. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createTestApp, type TestApp } from './helpers/app.js';
import { openapiPath } from './helpers/contract.js';
import { ERROR_CODES, ERROR_STATUS } from '../src/http/errors.js';
import { ERROR_DOCS } from '../src/http/openapi-errors.js';
import { EXAMPLES } from '../src/http/openapi-examples.js';
import { ADMIN_TYPES_FILE, adminTypesSource } from '../scripts/openapi.js';

type Json = Record<string, any>;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

let t: TestApp;
let served: { public: string; admin: string };
let docs: { public: Json; admin: Json };
before(async () => {
  t = await createTestApp();
  const pub = await t.app.inject({ method: 'GET', url: '/v1/openapi.json' });
  const adm = await t.app.inject({ method: 'GET', url: '/admin/api/openapi.json' });
  assert.equal(pub.statusCode, 200);
  assert.equal(adm.statusCode, 200);
  assert.match(String(pub.headers['content-type']), /^application\/json/);
  served = { public: pub.body, admin: adm.body };
  docs = { public: pub.json(), admin: adm.json() };
});
after(async () => t.close());

function operations(doc: Json): { path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Json)[m]).map((method) => ({ path, method, op: (item as Json)[method] })),
  );
}
const deref = (doc: Json, v: Json): Json =>
  typeof v?.$ref === 'string' ? v.$ref.slice(2).split('/').reduce((o: Json, p: string) => o[p.replace(/~1/g, '/')], doc) : v;

test('an independent OpenAPI 3.1 validator accepts both documents', async () => {
  for (const kind of ['public', 'admin'] as const) {
    const validator = new Validator();
    const result = await validator.validate(docs[kind]);
    assert.equal(result.valid, true, `${kind}: ${JSON.stringify(result.errors, null, 2)}`);
    assert.equal(validator.version, '3.1');
  }
});

test('the served /v1/openapi.json is the committed openapi.json', () => {
  const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
  assert.ok(committed === served.public, 'openapi.json differs from what the server serves: run `npm run openapi` and commit openapi.json');
});

test('the dashboard types are generated from the served /admin/api/openapi.json', async () => {
  const committed = readFileSync(new URL(`../${ADMIN_TYPES_FILE}`, import.meta.url), 'utf8');
  assert.ok(
    committed === (await adminTypesSource(served.admin)),
    `${ADMIN_TYPES_FILE} differs from the types of the admin document the server serves: run \`npm run openapi\` and commit it`,
  );
});

test('both security schemes; every key operation names its scopes (extension and description; security lists the schemes)', () => {
  const schemes = docs.public.components.securitySchemes;
  assert.deepEqual(schemes.bearerAuth, { ...schemes.bearerAuth, type: 'http', scheme: 'bearer' });
  assert.deepEqual(schemes.apiKeyHeader, { ...schemes.apiKeyHeader, type: 'apiKey', in: 'header', name: 'x-api-key' });
  const byUrl = new Map(t.app.openapiRoutes.map((r) => [`${([] as string[]).concat(r.method)[0]} ${openapiPath(r.url)}`, r]));
  const ids = new Set<string>();
  for (const { path, method, op } of operations(docs.public)) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(op.operationId && !ids.has(op.operationId), `${where}: unique operationId`);
    ids.add(op.operationId);
    assert.ok(op.summary && op.tags?.length, `${where}: summary and tags`);
    const config = (byUrl.get(where)?.config ?? {}) as Json;
    if (config.auth === 'none') {
      assert.deepEqual(op.security, [], `${where}: no security`);
      continue;
    }
    const scopes = config.scope === undefined ? [] : [].concat(config.scope);
    assert.deepEqual(op['x-required-scopes'], scopes, where);
    assert.deepEqual(op.security, [{ bearerAuth: [] }, { apiKeyHeader: [] }], where); // scopes are not OAuth scopes
    assert.match(op.description, /\*\*Required scopes:\*\*/, where);
    for (const s of scopes) assert.ok(op.description.includes(`\`${s}\``), `${where}: ${s} in the description`);
    for (const status of ['401', '403', '429', '500', '503']) {
      const r = deref(docs.public, op.responses[status]);
      assert.ok(r, `${where}: ${status}`);
      assert.ok(r.content['application/json'].schema.properties.error, `${where}: ${status} is the envelope`);
      assert.ok(r.headers['X-Request-Id'], `${where}: ${status} has X-Request-Id`);
    }
    assert.deepEqual(deref(docs.public, op.responses['401']).content['application/json'].schema.properties.error.properties.code.enum, [
      'api_key_missing', 'api_key_invalid', 'api_key_expired',
    ]);
    assert.ok(deref(docs.public, op.responses['429']).headers['Retry-After'], `${where}: Retry-After on 429`);
    const ok = Object.keys(op.responses).find((s) => s.startsWith('2'));
    assert.ok(ok, `${where}: a success response`);
    for (const h of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'RateLimit', 'RateLimit-Policy']) {
      assert.ok(op.responses[ok].headers[h], `${where}: ${h} on ${ok}`);
    }
  }
});

test('idempotent operations describe the key, the replay header and the idempotency errors', () => {
  const idempotent = operations(docs.public).filter(({ op }) => op['x-idempotent']);
  assert.ok(idempotent.some(({ path, method }) => method === 'post' && path === '/v1/restaurants/{restaurant}/reservations'), 'booking is idempotent');
  for (const { path, op } of idempotent) {
    const param = op.parameters.find((p: Json) => p.in === 'header' && p.name === 'Idempotency-Key');
    assert.ok(param && param.required === false && param.schema.maxLength === 255, path);
    const conflict = deref(docs.public, op.responses['409']);
    const codes = conflict.content['application/json'].schema.properties.error.properties.code.enum;
    assert.ok(codes.includes('idempotency_conflict') && codes.includes('idempotency_in_progress'), path);
    assert.ok(conflict.headers['Retry-After'] && conflict.headers['Idempotent-Replayed'], path);
    const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
    assert.ok(op.responses[ok].headers['Idempotent-Replayed'], path);
  }
});

test('every error code of the contract is documented, and every envelope code exists with its status', () => {
  for (const code of ERROR_CODES) assert.ok(ERROR_DOCS[code]?.when, `add ${code} to ERROR_DOCS in src/http/openapi-errors.ts`);
  for (const kind of ['public', 'admin'] as const) {
    for (const { path, method, op } of operations(docs[kind])) {
      for (const [status, raw] of Object.entries(op.responses as Json)) {
        const codes: string[] = deref(docs[kind], raw).content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];
        for (const c of codes) assert.equal(String(ERROR_STATUS[c as keyof typeof ERROR_STATUS]), status, `${method} ${path}: ${c} under ${status}`);
      }
    }
  }
});

test('every example validates against its schema, and every worked example has its operation', () => {
  for (const kind of ['public', 'admin'] as const) {
    const doc = docs[kind];
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(doc, 'doc');
    const check = (media: Json, where: string, at: string) => {
      const values = [...(media.example !== undefined ? [media.example] : []), ...Object.values((media.examples ?? {}) as Json).map((e: Json) => e.value)];
      if (!values.length) return 0;
      const validate = ajv.compile({ $ref: `doc${at}/schema` });
      for (const v of values) assert.ok(validate(v), `${where}: ${ajv.errorsText(validate.errors)}`);
      return values.length;
    };
    let count = 0;
    for (const { path, method, op } of operations(doc)) {
      const ptr = `#/paths/${path.replace(/\//g, '~1')}/${method}`;
      const body = op.requestBody?.content?.['application/json'];
      if (body) count += check(body, `${method} ${path} body`, `${ptr}/requestBody/content/application~1json`);
      for (const [status, r] of Object.entries(op.responses as Json)) {
        const at = typeof r.$ref === 'string' ? r.$ref : `${ptr}/responses/${status}`;
        const media = deref(doc, r).content?.['application/json'];
        if (media) count += check(media, `${method} ${path} ${status}`, `${at}/content/application~1json`);
      }
    }
    if (kind === 'public') assert.ok(count > 20, `examples checked: ${count}`);
  }
  for (const key of Object.keys(EXAMPLES)) {
    const [method, url] = key.split(' ');
    assert.ok(docs.public.paths[openapiPath(url)]?.[method.toLowerCase()], `EXAMPLES["${key}"] has no operation: update src/http/openapi-examples.ts`);
  }
});

test('the admin document: session cookie security, its own errors, the public guide is not mixed in', () => {
  assert.deepEqual(Object.keys(docs.admin.components.securitySchemes), ['sessionCookie']);
  assert.ok(!JSON.stringify(docs.public).includes('/admin/api/'), 'no admin path in the public document');
  const keys = docs.admin.paths['/admin/api/restaurants/{restaurant}/keys'];
  assert.deepEqual(keys.post.security, [{ sessionCookie: [] }]);
  assert.deepEqual(keys.post['x-required-roles'], ['owner', 'manager']);
  assert.match(keys.post.description, /Roles: `owner`, `manager`\./);
  const unauthorized = deref(docs.admin, keys.post.responses['401']);
  assert.deepEqual(unauthorized.content['application/json'].schema.properties.error.properties.code.enum, ['unauthenticated']);
  const forbidden = deref(docs.admin, keys.post.responses['403']);
  assert.deepEqual(forbidden.content['application/json'].schema.properties.error.properties.code.enum, ['forbidden', 'csrf_failed']);
  assert.deepEqual(docs.admin.paths['/admin/api/login'].post.security, []);
});
