/** GET /events (availability:read): upcoming special events with their capacity and seats left. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { restaurantParamsSchema } from '../availability/schemas.js';
import { eventListSchema, eventsQuerySchema } from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  const events = app.services.events;

  app.get(
    '/events',
    {
      config: { scope: 'availability:read' },
      schema: {
        operationId: 'listEvents',
        summary: 'Special events with seats left',
        description:
          'Events (e.g. a wine dinner) from `from` (default today) to `to` (default a year later; at most 366 days), by date and start. ' +
          'Book seats with POST /reservations and `eventId`: the party takes seats of the event instead of a table.',
        tags: ['Availability'], params: restaurantParamsSchema, querystring: eventsQuerySchema, response: { 200: eventListSchema },
      },
    },
    async (req) => events.list(restaurantIdOf(req), req.query),
  );
};
