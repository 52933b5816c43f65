/** The document generator on a tiny app: what route config and errorResponses() turn into. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { serializerCompiler as zodSerializer, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, openapiDocument, registerOpenApi } from '../src/http/openapi.js';
import { deriveOperationId } from '../src/http/openapi-transform.js';

type Json = Record<string, any>;

async function tinyApp() {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(zodSerializer);
  await registerOpenApi(app);
  const thing = z.object({ id: z.string() });
  app.get('/v1/things/:id', {
    config: { scope: 'reservations:read' },
    schema: { summary: 'A thing', tags: ['Things'], params: z.object({ id: z.string() }), response: { 200: thing, ...errorResponses('reservation_not_found') } },
  }, async (req) => ({ id: req.params.id }));
  app.post('/v1/restaurants/:restaurant/things', {
    config: { scope: ['reservations:write', 'customers:write'], idempotent: true, bookingBudget: true },
    schema: {
      summary: 'Make a thing',
      description: 'Makes one.',
      tags: ['Things'],
      params: z.object({ restaurant: z.string() }),
      body: z.object({ name: z.string() }),
      response: { 201: thing, ...errorResponses('no_tables_available', 'outside_opening_hours', 'slot_limit_reached') },
    },
  }, async (_req, reply) => reply.code(201).send({ id: 'x' }));
  app.get('/v1/open', { config: { auth: 'none' }, schema: { summary: 'Open', tags: ['Things'], response: { 200: thing } } }, async () => ({ id: 'o' }));
  app.get('/v1/me-too', { config: { scope: [] }, schema: { summary: 'Any key', tags: ['Things'], response: { 200: thing } } }, async () => ({ id: 'm' }));
  app.get('/hidden', { schema: { hide: true } }, async () => 'ok');
  app.post('/admin/api/restaurants/:restaurant/gadgets', {
    config: { auth: 'session', roles: ['owner'] },
    schema: { summary: 'Gadget', tags: ['Admin'], params: z.object({ restaurant: z.string() }), body: z.object({ n: z.number() }), response: { 201: thing } },
  }, async (_req, reply) => reply.code(201).send({ id: 'g' }));
  await app.ready();
  return app;
}

const codesOf = (doc: Json, response: Json): string[] => {
  const r: Json = typeof response.$ref === 'string' ? doc.components.responses[String(response.$ref).split('/').pop()!] : response;
  return r!.content['application/json'].schema.properties.error.properties.code.enum;
};

test('errorResponses groups codes by status; the transform merges them with the central codes of that status', async () => {
  const app = await tinyApp();
  try {
    const doc = openapiDocument(app, 'public');
    const post = doc.paths['/v1/restaurants/{restaurant}/things'].post;
    assert.deepEqual(Object.keys(post.responses), ['201', '400', '401', '403', '409', '413', '415', '422', '429', '500', '503']);
    assert.deepEqual(codesOf(doc, post.responses['409']), ['no_tables_available', 'slot_limit_reached', 'idempotency_conflict', 'idempotency_in_progress']);
    assert.deepEqual(codesOf(doc, post.responses['422']), ['validation_failed', 'outside_opening_hours']);
    assert.deepEqual(codesOf(doc, post.responses['403']), ['restaurant_scope_mismatch', 'scope_missing', 'origin_not_allowed', 'plan_upgrade_required']);
    const examples = Object.keys(post.responses['409'].content['application/json'].examples);
    assert.deepEqual(examples, ['no_tables_available', 'slot_limit_reached', 'idempotency_conflict', 'idempotency_in_progress']);
    assert.match(post.responses['409'].description, /`no_tables_available`: /);
    assert.deepEqual(post['x-required-scopes'], ['reservations:write', 'customers:write']);
    assert.equal(post['x-idempotent'], true);
    assert.equal(post['x-booking-budget'], true);
    assert.equal(post.operationId, 'postThings');
    assert.match(post.description, /^Makes one\.\n\n\*\*Authentication:\*\* API key .* \*\*Required scopes:\*\* `reservations:write`, `customers:write`\./);
    assert.match(post.description, /\*\*Booking budget:\*\*/);
    assert.match(post.description, /\*\*Idempotent:\*\*/);
    assert.ok(post.parameters.some((p: Json) => p.in === 'header' && p.name === 'Idempotency-Key'));
    assert.deepEqual(post.responses['201'].headers['Idempotent-Replayed'], { $ref: '#/components/headers/Idempotent-Replayed' });

    const get = doc.paths['/v1/things/{id}'].get;
    assert.deepEqual(codesOf(doc, get.responses['404']), ['reservation_not_found']);
    assert.deepEqual(codesOf(doc, get.responses['403']), ['scope_missing', 'origin_not_allowed', 'plan_upgrade_required'], 'no restaurant in the path');
    assert.equal(get.responses['401'].$ref, '#/components/responses/Unauthorized', 'shared responses are components');
    assert.ok(!get.parameters.some((p: Json) => p.name === 'Idempotency-Key'));

    const me = doc.paths['/v1/me-too'].get;
    assert.deepEqual(me['x-required-scopes'], []);
    assert.match(me.description, /any valid API key/);
    assert.ok(!me.responses['422'], 'no inputs: no 422');

    const open = doc.paths['/v1/open'].get;
    assert.deepEqual(open.security, []);
    assert.deepEqual(Object.keys(open.responses), ['200', '500', '503', '4XX'], 'no client error of its own: the 4XX envelope');
    assert.deepEqual(open.responses['4XX'].content['application/json'].schema, { $ref: '#/components/schemas/ErrorEnvelope' });
    assert.ok(!open.responses['200'].headers['X-RateLimit-Limit'], 'no key: no rate-limit headers');

    assert.ok(!doc.paths['/hidden'] && !doc.paths['/admin/api/restaurants/{restaurant}/gadgets']);
    const all: string[] = doc.components.schemas.ErrorEnvelope.properties.error.properties.code.enum;
    for (const c of ['invalid_json', 'api_key_missing', 'no_tables_available', 'not_found']) assert.ok(all.includes(c), c);
    assert.ok(!all.includes('csrf_failed'), 'admin codes stay in the admin document');

    const admin = openapiDocument(app, 'admin');
    assert.deepEqual(Object.keys(admin.paths), ['/admin/api/restaurants/{restaurant}/gadgets']);
    const gadget = admin.paths['/admin/api/restaurants/{restaurant}/gadgets'].post;
    assert.deepEqual(gadget.security, [{ sessionCookie: [] }]);
    assert.deepEqual(gadget['x-required-roles'], ['owner']);
    assert.equal(gadget.operationId, 'adminPostGadgets');
    assert.deepEqual(codesOf(admin, gadget.responses['403']), ['forbidden', 'csrf_failed']);
    assert.deepEqual(codesOf(admin, gadget.responses['404']), ['not_found']);
    assert.deepEqual(codesOf(admin, gadget.responses['401']), ['unauthenticated']);
  } finally {
    await app.close();
  }
});

test('operation ids are derived from method and path', () => {
  assert.equal(deriveOperationId('public', 'GET', '/v1/restaurants/:restaurant'), 'getRestaurant');
  assert.equal(deriveOperationId('public', 'POST', '/v1/restaurants/:restaurant/reservations/:id/cancel'), 'postReservationsByIdCancel');
  assert.equal(deriveOperationId('public', 'GET', '/v1/me'), 'getMe');
  assert.equal(deriveOperationId('admin', 'DELETE', '/admin/api/restaurants/:restaurant/keys/:id'), 'adminDeleteKeysById');
  assert.equal(deriveOperationId('public', 'GET', '/v1/restaurants/:restaurant/special-hours'), 'getSpecialHours');
});
