/** GET /v1/restaurants/{restaurant}[/areas|/tables|/combinations|/services] — the restaurant's configuration (config:read). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  areaListSchema, combinationListSchema, profileSchema, restaurantParamsSchema, serviceListSchema, tableListSchema,
} from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

const tags = ['Restaurant'];
const config = { scope: 'config:read' as const };

export const restaurantRoutes: FastifyPluginAsyncZod = async (app) => {
  const restaurants = app.services.restaurants;

  app.get(
    '',
    {
      config,
      schema: {
        summary: 'Restaurant profile',
        description: 'Name, slug, time zone, plan, contact, location and booking policy.',
        tags, params: restaurantParamsSchema, response: { 200: profileSchema },
      },
    },
    async (req) => restaurants.profile(restaurantIdOf(req)), // in-process cache, invalidated on every change
  );

  app.get(
    '/areas',
    {
      config,
      schema: { summary: 'List areas', description: 'The rooms and zones of the floor plan, in floor-plan order.', tags, params: restaurantParamsSchema, response: { 200: areaListSchema } },
    },
    async (req) => ({ data: await restaurants.listAreas(restaurantIdOf(req)), nextCursor: null }),
  );

  app.get(
    '/tables',
    {
      config,
      schema: { summary: 'List tables', description: 'Tables with their area and cover range, in floor-plan order.', tags, params: restaurantParamsSchema, response: { 200: tableListSchema } },
    },
    async (req) => ({ data: await restaurants.listTables(restaurantIdOf(req)), nextCursor: null }),
  );

  app.get(
    '/combinations',
    {
      config,
      schema: {
        summary: 'List table combinations',
        description: 'The declared combinations of tables that can be joined for larger parties, with their cover range.',
        tags, params: restaurantParamsSchema, response: { 200: combinationListSchema },
      },
    },
    async (req) => ({ data: await restaurants.listCombinations(restaurantIdOf(req)), nextCursor: null }),
  );

  app.get(
    '/services',
    {
      config,
      schema: {
        summary: 'List services',
        description: 'The regular weekly services (e.g. lunch, dinner): days, start, last seating, end and pacing. Closures and special hours per date: GET /hours.',
        tags, params: restaurantParamsSchema, response: { 200: serviceListSchema },
      },
    },
    async (req) => ({ data: await restaurants.listServices(restaurantIdOf(req)), nextCursor: null }),
  );
};
