/**
 * The restaurant as the dashboard reads it, every role: the profile with the caller's role, the floor plan and
 * services, opening hours, availability and the waitlist — the public API's views, through the same services.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { availabilityQuerySchema, availabilitySchema, hoursQuerySchema, hoursSchema } from '../availability/schemas.js';
import { listWaitlistQuerySchema, waitlistListSchema } from '../waitlist/schemas.js';
import { restaurantIdOf } from '../../http/context.js';
import { EVERY_ROLE } from './guard.js';
import { ADMIN_TAGS, adminRestaurantSchema, floorSchema, restaurantParamsSchema } from './schemas.js';

const config = { auth: 'session' as const, roles: EVERY_ROLE };

export const restaurantAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { restaurants, availability, waitlist } = app.services;

  app.get(
    '',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'The restaurant',
        description: 'The public profile (name, slug, time zone, plan, contact, location, booking policy) and `role`, the caller\'s role here.',
        params: restaurantParamsSchema, response: { 200: adminRestaurantSchema },
      },
    },
    async (req) => ({ ...(await restaurants.getProfile(restaurantIdOf(req))), role: req.adminMembership!.role }),
  );

  app.get(
    '/floor',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'Floor plan and services',
        description: 'Areas, tables, table combinations and regular services in floor-plan order (the views of GET /v1/…/areas, /tables, /combinations, /services).',
        params: restaurantParamsSchema, response: { 200: floorSchema },
      },
    },
    async (req) => {
      const id = restaurantIdOf(req);
      const [areas, tables, combinations, services] = await Promise.all([
        restaurants.listAreas(id), restaurants.listTables(id), restaurants.listCombinations(id), restaurants.listServices(id),
      ]);
      return { areas, tables, combinations, services };
    },
  );

  app.get(
    '/hours',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'Opening hours per date',
        description: 'As GET /v1/…/hours: `from` (default today) to `to` (default from + 6 days, at most 92 days), closures and special hours applied.',
        params: restaurantParamsSchema, querystring: hoursQuerySchema, response: { 200: hoursSchema },
      },
    },
    async (req) => availability.hours(restaurantIdOf(req), req.query),
  );

  app.get(
    '/availability',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'Slots of a date for a party size',
        description: 'As GET /v1/…/availability: every slot, `available` or with the reason a booking there would be refused.',
        params: restaurantParamsSchema, querystring: availabilityQuerySchema, response: { 200: availabilitySchema },
      },
    },
    async (req) => availability.forDate(restaurantIdOf(req), req.query),
  );

  app.get(
    '/waitlist',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'Waitlist entries',
        description: 'As GET /v1/…/waitlist: by date, then arrival order; filters `date`, `status`. Offers past their expiry are shown `expired`.',
        params: restaurantParamsSchema, querystring: listWaitlistQuerySchema, response: { 200: waitlistListSchema },
      },
    },
    async (req) => waitlist.list(restaurantIdOf(req), req.query),
  );
};
