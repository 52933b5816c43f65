/** GET /v1/restaurants/{restaurant}[/areas|/tables|/combinations|/services] — the restaurant's configuration (config:read). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  areaListSchema, combinationListSchema, profileSchema, restaurantParamsSchema, serviceListSchema, tableListSchema,
} from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';
import { JSON_CONTENT_TYPE, serializerFor } from '../../http/serializer.js';
import type { RestaurantProfile } from './rows.js';

const tags = ['Restaurant'];
const config = { scope: 'config:read' as const };

/** The serializer Fastify compiles for the profile's 200 schema: the kept answers are the very bytes it would write. */
const serializeProfile = serializerFor(profileSchema);

/**
 * Each cached profile's answer, serialized once. The profile cache replaces the object whenever the restaurant
 * changes (src/modules/restaurants/profile-cache.ts), so an answer keyed by it is dropped with it and never outlives
 * a change. Nothing in a profile depends on the clock.
 */
const answers = new WeakMap<RestaurantProfile, string>();

export function profileJson(profile: RestaurantProfile): string {
  let json = answers.get(profile);
  if (json === undefined) answers.set(profile, (json = serializeProfile(profile)));
  return json;
}

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
    // Synchronous on a hit of the in-process cache (invalidated on every change): the kept bytes are sent as they are.
    (req, reply) => {
      const id = restaurantIdOf(req);
      const cached = restaurants.cachedProfile(id);
      if (cached) return void reply.header('content-type', JSON_CONTENT_TYPE).send(profileJson(cached) as never);
      restaurants.profile(id).then(
        (profile) => reply.header('content-type', JSON_CONTENT_TYPE).send(profileJson(profile) as never),
        (err: Error) => reply.send(err as never),
      );
    },
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
