/** Special events in the admin API (API.md §10): owners and managers manage them; every role can read them. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../http/openapi.js';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, EVERY_ROLE, MANAGERS } from '../admin/guard.js';
import { ADMIN_TAGS, noContentSchema, restaurantParamsSchema } from '../admin/schemas.js';
import { createEventBodySchema, eventListSchema, eventParamsSchema, eventSchema, eventsQuerySchema, updateEventBodySchema } from './schemas.js';

const read = { auth: 'session' as const, roles: EVERY_ROLE };
const manage = { auth: 'session' as const, roles: MANAGERS };

export const eventAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const events = app.services.events;

  app.get(
    '/events',
    {
      config: read,
      schema: {
        tags: ADMIN_TAGS, summary: 'List special events', description: 'With seats taken and left; `from` defaults to today.',
        params: restaurantParamsSchema, querystring: eventsQuerySchema, response: { 200: eventListSchema },
      },
    },
    async (req) => events.list(restaurantIdOf(req), req.query),
  );

  app.post(
    '/events',
    {
      config: manage,
      schema: {
        tags: ADMIN_TAGS, summary: 'Create a special event',
        description: 'A special evening with a capacity in covers; `closesRegularService` removes the overlapping regular slots that day.',
        params: restaurantParamsSchema, body: createEventBodySchema, response: { 201: eventSchema, ...errorResponses('conflict') },
      },
    },
    async (req, reply) => reply.code(201).send(await events.create(restaurantIdOf(req), req.body, actorOf(req))),
  );

  app.get(
    '/events/:id',
    { config: read, schema: { tags: ADMIN_TAGS, summary: 'One special event', params: eventParamsSchema, response: { 200: eventSchema } } },
    async (req) => events.get(restaurantIdOf(req), req.params.id),
  );

  app.patch(
    '/events/:id',
    {
      config: manage,
      schema: {
        tags: ADMIN_TAGS, summary: 'Change a special event',
        description: 'Its date cannot change while it has bookings, nor its capacity drop below the seats sold (409 conflict).',
        params: eventParamsSchema, body: updateEventBodySchema, response: { 200: eventSchema, ...errorResponses('conflict') },
      },
    },
    async (req) => events.update(restaurantIdOf(req), req.params.id, req.body, actorOf(req)),
  );

  app.delete(
    '/events/:id',
    {
      config: manage,
      schema: {
        tags: ADMIN_TAGS, summary: 'Delete a special event', description: 'Only an event without bookings (409 conflict otherwise).',
        params: eventParamsSchema, response: { 204: noContentSchema, ...errorResponses('conflict') },
      },
    },
    async (req, reply) => {
      await events.delete(restaurantIdOf(req), req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
};
