/**
 * Webhooks in the admin API (API.md §10), owners and managers only: endpoints (create, change, enable/disable,
 * roll the secret, delete), the delivery log with every attempt, redelivery of one delivery, replay of everything
 * since a time, and a test event. Register inside the admin API's `/restaurants/:restaurant` scope, behind its guard
 * (src/modules/admin/routes.ts): `await restaurant.register(webhookAdminRoutes);`
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, MANAGERS } from '../admin/guard.js';
import { ADMIN_TAGS } from '../admin/schemas.js';
import { errorResponses } from '../../http/openapi.js';
import {
  adminCreateEndpointBodySchema, adminTestBodySchema, createdEndpointSchema, deliveryDetailSchema, deliveryListQuerySchema,
  deliveryPageSchema, deliveryParamsSchema, deliveryViewSchema, endpointListQuerySchema, endpointListSchema,
  endpointParamsSchema, endpointViewSchema, noContentSchema, replayBodySchema, replayResultSchema, testResultSchema,
  updateEndpointBodySchema, WEBHOOK_TAGS, webhookRestaurantParamsSchema,
} from './schemas.js';

const config = { auth: 'session' as const, roles: MANAGERS };
const tags = [...ADMIN_TAGS, ...WEBHOOK_TAGS];

export const webhookAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const webhooks = app.services.webhooks;

  app.get(
    '/webhooks',
    {
      config,
      schema: {
        tags, summary: 'List webhook endpoints', description: 'Newest first, with their health (disabled reason, failing since).',
        params: webhookRestaurantParamsSchema, querystring: endpointListQuerySchema,
        response: { 200: endpointListSchema, ...errorResponses('validation_failed') },
      },
    },
    async (req) => webhooks.list(restaurantIdOf(req), req.query.limit, req.query.cursor ?? null),
  );

  app.post(
    '/webhooks',
    {
      config,
      schema: {
        tags, summary: 'Create a webhook endpoint', description: 'The signing `secret` is in this response only.',
        params: webhookRestaurantParamsSchema, body: adminCreateEndpointBodySchema,
        response: { 201: createdEndpointSchema, ...errorResponses('validation_failed', 'conflict') },
      },
    },
    async (req, reply) => {
      const created = await webhooks.create(restaurantIdOf(req), req.body, actorOf(req));
      return reply.code(201).send({ ...created.view, secret: created.secret });
    },
  );

  app.get(
    '/webhooks/:id',
    {
      config,
      schema: {
        tags, summary: 'One webhook endpoint', params: endpointParamsSchema,
        response: { 200: endpointViewSchema, ...errorResponses('webhook_endpoint_not_found') },
      },
    },
    async (req) => webhooks.get(restaurantIdOf(req), req.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      config,
      schema: {
        tags, summary: 'Change, enable or disable a webhook endpoint',
        description: '`enabled: true` re-enables an endpoint (clearing its disabled reason); `false` disables it and ends what it still had to deliver.',
        params: endpointParamsSchema, body: updateEndpointBodySchema,
        response: { 200: endpointViewSchema, ...errorResponses('webhook_endpoint_not_found', 'validation_failed') },
      },
    },
    async (req) => webhooks.update(restaurantIdOf(req), req.params.id, req.body, actorOf(req)),
  );

  app.delete(
    '/webhooks/:id',
    {
      config,
      schema: {
        tags, summary: 'Delete a webhook endpoint', description: 'Removes it with its delivery log.',
        params: endpointParamsSchema, response: { 204: noContentSchema, ...errorResponses('webhook_endpoint_not_found') },
      },
    },
    async (req, reply) => {
      await webhooks.delete(restaurantIdOf(req), req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/roll-secret',
    {
      config,
      schema: {
        tags, summary: 'Roll the signing secret',
        description: 'A new secret, shown in this response only. The previous one keeps signing (a second `v1,` entry) for 24 hours.',
        params: endpointParamsSchema, response: { 201: createdEndpointSchema, ...errorResponses('webhook_endpoint_not_found') },
      },
    },
    async (req, reply) => {
      const rolled = await webhooks.rollSecret(restaurantIdOf(req), req.params.id, actorOf(req));
      return reply.code(201).send({ ...rolled.view, secret: rolled.secret });
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      config,
      schema: {
        tags, summary: 'Send a test event to this endpoint',
        params: endpointParamsSchema, body: adminTestBodySchema,
        response: { 202: testResultSchema, ...errorResponses('webhook_endpoint_not_found', 'conflict', 'validation_failed') },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await webhooks.sendTest(restaurantIdOf(req), { endpointId: req.params.id, type: req.body.type }, actorOf(req))),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config,
      schema: {
        tags, summary: 'Delivery log',
        description: 'Deliveries newest event first, each with every attempt (time, status code, duration, error, response excerpt); `?status=`, `?limit=`, `?cursor=`.',
        params: endpointParamsSchema, querystring: deliveryListQuerySchema,
        response: { 200: deliveryPageSchema, ...errorResponses('webhook_endpoint_not_found', 'validation_failed') },
      },
    },
    async (req) =>
      webhooks.deliveries(restaurantIdOf(req), req.params.id, {
        limit: req.query.limit, beforeSeq: req.query.cursor ?? null, status: req.query.status ?? null,
      }),
  );

  app.get(
    '/webhooks/:id/deliveries/:deliveryId',
    {
      config,
      schema: {
        tags, summary: 'One delivery', description: 'With its attempts and the exact payload that is signed and sent.',
        params: deliveryParamsSchema, response: { 200: deliveryDetailSchema, ...errorResponses('webhook_endpoint_not_found', 'not_found') },
      },
    },
    async (req) => webhooks.delivery(restaurantIdOf(req), req.params.id, req.params.deliveryId),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config,
      schema: {
        tags, summary: 'Redeliver one delivery',
        description: 'Sends it again with a fresh retry schedule, whatever its state (409 while it is in flight or the endpoint is disabled).',
        params: deliveryParamsSchema,
        response: { 202: deliveryViewSchema, ...errorResponses('webhook_endpoint_not_found', 'not_found', 'conflict') },
      },
    },
    async (req, reply) => {
      const d = await webhooks.redeliver(restaurantIdOf(req), req.params.id, req.params.deliveryId, actorOf(req));
      const { payload: _payload, ...view } = d;
      return reply.code(202).send(view);
    },
  );

  app.post(
    '/webhooks/:id/replay',
    {
      config,
      schema: {
        tags, summary: 'Replay everything since a time',
        description: 'Schedules again every kept event since `since` that the endpoint subscribes to, in event order.',
        params: endpointParamsSchema, body: replayBodySchema,
        response: { 202: replayResultSchema, ...errorResponses('webhook_endpoint_not_found', 'conflict', 'validation_failed') },
      },
    },
    async (req, reply) => {
      const scheduled = await webhooks.replay(restaurantIdOf(req), req.params.id, req.body.since, actorOf(req));
      return reply.code(202).send({ since: new Date(req.body.since).toISOString(), scheduled });
    },
  );
};
