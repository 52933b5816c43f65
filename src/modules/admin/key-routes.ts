/** API key management for a restaurant (API.md §10): owners and managers only. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createdKeySchema, createKeyBodySchema, keyViewSchema, rotateKeyBodySchema, updateKeyBodySchema } from '../keys/schemas.js';
import { errorResponses } from '../../http/openapi.js';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, MANAGERS } from './guard.js';
import {
  ADMIN_TAGS, keyListSchema, keyParamsSchema, keyUsageSchema, noContentSchema, restaurantParamsSchema, rotatedKeySchema,
} from './schemas.js';

const config = { auth: 'session' as const, roles: MANAGERS };
/** The server's own /demo key (`system: true`) is refused by every change below: the /demo page depends on it. */
const SYSTEM_KEY_NOTE = 'A system key (`system: true`, the server’s own key for the /demo page) is refused with 409 `conflict`.';

export const keyRoutes: FastifyPluginAsyncZod = async (app) => {
  const keys = app.services.keys;

  app.get(
    '/keys',
    { config, schema: { tags: ADMIN_TAGS, summary: 'List API keys', params: restaurantParamsSchema, response: { 200: keyListSchema } } },
    async (req) => ({ data: await keys.list(restaurantIdOf(req)) }),
  );

  app.post(
    '/keys',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Create an API key',
        description: 'The plaintext `key` is in this response only; it is stored as a SHA-256 hash and never shown again.',
        params: restaurantParamsSchema,
        body: createKeyBodySchema,
        response: { 201: createdKeySchema },
      },
    },
    async (req, reply) => {
      const created = await keys.create(restaurantIdOf(req), req.body, actorOf(req));
      return reply.code(201).send({ ...created.view, key: created.key });
    },
  );

  app.get(
    '/keys/:id',
    { config, schema: { tags: ADMIN_TAGS, summary: 'One API key', params: keyParamsSchema, response: { 200: keyViewSchema, ...errorResponses('key_not_found') } } },
    async (req) => keys.get(restaurantIdOf(req), req.params.id),
  );

  app.patch(
    '/keys/:id',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Change an API key',
        description: `Name, scopes, allowed origins, rate limits, expiry. Applies from the very next request on every instance. ${SYSTEM_KEY_NOTE}`,
        params: keyParamsSchema,
        body: updateKeyBodySchema,
        response: { 200: keyViewSchema, ...errorResponses('key_not_found', 'conflict') },
      },
    },
    async (req) => keys.update(restaurantIdOf(req), req.params.id, req.body, actorOf(req)),
  );

  app.post(
    '/keys/:id/rotate',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Rotate an API key',
        description:
          'Creates a new active key with the same settings (its plaintext `key` shown once) and puts the old one in `rotating`: ' +
          `valid, with Deprecation/Sunset headers, until revoked or until \`graceSeconds\` have passed. ${SYSTEM_KEY_NOTE}`,
        params: keyParamsSchema,
        body: rotateKeyBodySchema,
        response: { 201: rotatedKeySchema, ...errorResponses('key_not_found', 'conflict') },
      },
    },
    async (req, reply) => {
      const rotated = await keys.rotate(restaurantIdOf(req), req.params.id, req.body.graceSeconds, actorOf(req));
      return reply.code(201).send({ ...rotated.view, key: rotated.key, previous: rotated.previous });
    },
  );

  app.post(
    '/keys/:id/revoke',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Revoke an API key',
        description: `Takes effect at once. ${SYSTEM_KEY_NOTE}`,
        params: keyParamsSchema,
        response: { 200: keyViewSchema, ...errorResponses('key_not_found', 'conflict') },
      },
    },
    async (req) => keys.revoke(restaurantIdOf(req), req.params.id, actorOf(req)),
  );

  app.delete(
    '/keys/:id',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Delete an API key',
        description: `Removes the key and its usage log permanently. ${SYSTEM_KEY_NOTE}`,
        params: keyParamsSchema,
        response: { 204: noContentSchema, ...errorResponses('key_not_found', 'conflict') },
      },
    },
    async (req, reply) => {
      await keys.delete(restaurantIdOf(req), req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/keys/:id/usage',
    {
      config,
      schema: {
        tags: ADMIN_TAGS,
        summary: 'API key usage',
        description: 'Requests per UTC day by status class over the last 30 days, and the 50 most recent requests.',
        params: keyParamsSchema,
        response: { 200: keyUsageSchema, ...errorResponses('key_not_found') },
      },
    },
    async (req) => keys.usage(restaurantIdOf(req), req.params.id),
  );
};
