/**
 * The restaurant as the dashboard reads it, every role: the profile with the caller's role, the floor plan and
 * services, and the public API's own routes for opening hours, availability and the waitlist, mounted here behind the
 * session guard (src/http/restaurant-read.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mountRead } from '../../http/restaurant-read.js';
import { availabilityRead, hoursRead } from '../availability/routes.js';
import { waitlistRead } from '../waitlist/routes.js';
import { restaurantIdOf } from '../../http/context.js';
import { EVERY_ROLE } from './guard.js';
import { ADMIN_TAGS, adminRestaurantSchema, floorSchema, restaurantParamsSchema } from './schemas.js';

const config = { auth: 'session' as const, roles: EVERY_ROLE };

export const restaurantAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { restaurants } = app.services;

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

  const mount = { config, params: restaurantParamsSchema, tags: ADMIN_TAGS };
  mountRead(app, hoursRead, {
    ...mount,
    description: 'As GET /v1/…/hours: `from` (default today) to `to` (default from + 6 days, at most 92 days), closures and special hours applied.',
  });
  mountRead(app, availabilityRead, {
    ...mount,
    description: 'As GET /v1/…/availability: every slot, `available` or with the reason a booking there would be refused.',
  });
  mountRead(app, waitlistRead, {
    ...mount, summary: 'Waitlist entries',
    description: 'As GET /v1/…/waitlist: by date, then arrival order; filters `date`, `status`. Offers past their expiry are shown `expired`.',
  });
};
