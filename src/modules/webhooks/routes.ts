/**
 * /v1/restaurants/{restaurant}/webhooks (API.md §6): manage endpoints (`webhooks:write`) and send a signed test event
 * (`webhooks:test`). The delivery log, redelivery and replay are in the admin API (admin-routes.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/service.js';
import { errorResponses } from '../../http/openapi.js';
import {
  createdEndpointSchema, createEndpointBodySchema, endpointListQuerySchema, endpointListSchema, endpointParamsSchema,
  endpointViewSchema, noContentSchema, testBodySchema, testResultSchema, WEBHOOK_TAGS, webhookRestaurantParamsSchema,
} from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

const write = { scope: 'webhooks:write' as const };
const tags = WEBHOOK_TAGS;

const actorOf = (req: FastifyRequest): Actor => ({ type: 'key', id: req.apiKey?.id ?? null, ip: req.ip });

export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const webhooks = app.services.webhooks;

  app.get(
    '/webhooks',
    {
      config: write,
      schema: {
        summary: 'List webhook endpoints',
        description: 'Newest first; `?limit=` 1..100 and `?cursor=`. Secrets are never listed.',
        tags, params: webhookRestaurantParamsSchema, querystring: endpointListQuerySchema, response: { 200: endpointListSchema },
      },
    },
    async (req) => webhooks.list(restaurantIdOf(req), req.query.limit, req.query.cursor ?? null),
  );

  app.post(
    '/webhooks',
    {
      config: write,
      schema: {
        summary: 'Create a webhook endpoint',
        description:
          'The URL must be https and must not resolve to a loopback, private, link-local or metadata address (422 ' +
          '`validation_failed` on `body.url` otherwise). The signing `secret` (`whsec_…`) is in this response only.',
        tags, params: webhookRestaurantParamsSchema, body: createEndpointBodySchema,
        response: { 201: createdEndpointSchema, ...errorResponses('conflict') },
      },
    },
    async (req, reply) => {
      const created = await webhooks.create(restaurantIdOf(req), req.body, actorOf(req));
      return reply.code(201).send({ ...created.view, secret: created.secret });
    },
  );

  app.post(
    '/webhooks/test',
    {
      config: { scope: 'webhooks:test' },
      schema: {
        summary: 'Send a test event',
        description:
          'Dispatches a signed `webhook.test` event through the normal delivery path (retries, delivery log) to `endpointId`, ' +
          'or to every enabled endpoint. 202: queued; it leaves within milliseconds.',
        tags, params: webhookRestaurantParamsSchema, body: testBodySchema,
        response: { 202: testResultSchema, ...errorResponses('webhook_endpoint_not_found', 'conflict') },
      },
    },
    async (req, reply) => reply.code(202).send(await webhooks.sendTest(restaurantIdOf(req), req.body, actorOf(req))),
  );

  app.get(
    '/webhooks/:id',
    {
      config: write,
      schema: {
        summary: 'One webhook endpoint', tags, params: endpointParamsSchema,
        response: { 200: endpointViewSchema, ...errorResponses('webhook_endpoint_not_found') },
      },
    },
    async (req) => webhooks.get(restaurantIdOf(req), req.params.id),
  );

  app.delete(
    '/webhooks/:id',
    {
      config: write,
      schema: {
        summary: 'Delete a webhook endpoint',
        description: 'Stops deliveries at once and removes the endpoint with its delivery log.',
        tags, params: endpointParamsSchema, response: { 204: noContentSchema, ...errorResponses('webhook_endpoint_not_found') },
      },
    },
    async (req, reply) => {
      await webhooks.delete(restaurantIdOf(req), req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
};
