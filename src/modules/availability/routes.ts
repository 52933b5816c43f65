/** GET /availability and GET /hours (availability:read). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { availabilityQuerySchema, availabilitySchema, hoursQuerySchema, hoursSchema, restaurantParamsSchema } from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

const tags = ['Availability'];
const config = { scope: 'availability:read' as const };

export const availabilityRoutes: FastifyPluginAsyncZod = async (app) => {
  const availability = app.services.availability;

  app.get(
    '/availability',
    {
      config,
      schema: {
        operationId: 'getAvailability',
        summary: 'Slots of a date for a party size',
        description:
          'Every slot of the services running on the date, each `available` or with the `reason` a booking there would be refused ' +
          '(the same decision POST /reservations makes). `area` restricts the tables considered.',
        tags, params: restaurantParamsSchema, querystring: availabilityQuerySchema, response: { 200: availabilitySchema },
      },
    },
    async (req) => availability.forDate(restaurantIdOf(req), req.query),
  );

  app.get(
    '/hours',
    {
      config,
      schema: {
        operationId: 'getHours',
        summary: 'Opening hours per date',
        description: 'The services of each date from `from` (default today) to `to` (default from + 6 days, at most 92 days), with closures and special hours applied.',
        tags, params: restaurantParamsSchema, querystring: hoursQuerySchema, response: { 200: hoursSchema },
      },
    },
    async (req) => availability.hours(restaurantIdOf(req), req.query),
  );
};
