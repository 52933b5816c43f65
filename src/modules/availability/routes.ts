/** GET /availability and GET /hours (availability:read), declared once for both APIs (the admin API mounts them too). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mountRead, restaurantRead } from '../../http/restaurant-read.js';
import { availabilityQuerySchema, availabilitySchema, hoursQuerySchema, hoursSchema, restaurantParamsSchema } from './schemas.js';

export const availabilityRead = restaurantRead({
  url: '/availability',
  summary: 'Slots of a date for a party size',
  querystring: availabilityQuerySchema,
  response: availabilitySchema,
  read: (services, restaurantId, query) => services.availability.forDateSerialized(restaurantId, query),
});

export const hoursRead = restaurantRead({
  url: '/hours',
  summary: 'Opening hours per date',
  querystring: hoursQuerySchema,
  response: hoursSchema,
  read: (services, restaurantId, query) => services.availability.hours(restaurantId, query),
});

const tags = ['Availability'];
const config = { scope: 'availability:read' as const };

export const availabilityRoutes: FastifyPluginAsyncZod = async (app) => {
  mountRead(app, availabilityRead, {
    config, tags, params: restaurantParamsSchema, operationId: 'getAvailability',
    description:
      'Every slot of the services running on the date, each `available` or with the `reason` a booking there would be refused ' +
      '(the same decision POST /reservations makes). `area` restricts the tables considered.',
  });
  mountRead(app, hoursRead, {
    config, tags, params: restaurantParamsSchema, operationId: 'getHours',
    description: 'The services of each date from `from` (default today) to `to` (default from + 6 days, at most 92 days), with closures and special hours applied.',
  });
};
