/**
 * The restaurant configuration file (API.md §8) in the admin API: every role exports it; owners and managers replace
 * it. A replacement is validated by the configuration importer (its precise issues, under `body.`), then applied in
 * one transaction with its audit row by RestaurantService.replaceConfig. Caches: the booking model cache is checked
 * against restaurants.updated_at on every use (src/modules/availability/floor-cache.ts), which the replacement bumps,
 * so availability and booking follow at once on every instance; a change to what key records cache (name, time zone)
 * sends the `maitre_cache` NOTIFY in the same transaction.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors, type ValidationIssue } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { parseRestaurantConfig, show } from '../restaurants/config-schema.js';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, EVERY_ROLE, MANAGERS } from './guard.js';
import { ADMIN_TAGS, configBodySchema, configFileSchema, restaurantParamsSchema } from './schemas.js';

export const configAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const restaurants = app.services.restaurants;

  app.get(
    '/config',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'Export the configuration file',
        description: 'The restaurant configuration file (API.md §8) in canonical form — what `maitre restaurant export` prints.',
        params: restaurantParamsSchema, response: { 200: configFileSchema },
      },
    },
    async (req) => restaurants.exportConfig(restaurantIdOf(req)),
  );

  app.put(
    '/config',
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: ADMIN_TAGS, summary: 'Replace the configuration file',
        description:
          'Applies a whole configuration file (API.md §8) in one transaction and answers the new export. Areas, tables, services and ' +
          'events are matched by key (an unchanged key keeps its id, so reservations keep their tables). Invalid: 422 ' +
          '`validation_failed` with every issue the importer finds (`details.issues[].path` like `body.combinations.0.tables.1`), and ' +
          'nothing changes. `slug` must be this restaurant\'s; the plan is not editable here (omit it, or send the current one). ' +
          'Removing a table, area or event that reservations still refer to: 409 `conflict`. Availability and booking follow at once, ' +
          'on every instance.',
        params: restaurantParamsSchema, body: configBodySchema,
        response: { 200: configFileSchema, ...errorResponses('conflict') },
      },
    },
    async (req) => {
      const restaurantId = restaurantIdOf(req);
      const current = await restaurants.getProfile(restaurantId);
      const body = req.body;
      const parsed = parseRestaurantConfig(body.plan === undefined ? { ...body, plan: current.plan } : body);
      const issues: ValidationIssue[] = parsed.ok ? [] : parsed.issues.map((i) => ({ path: i.path ? `body.${i.path}` : 'body', message: i.message }));
      const has = (path: string) => issues.some((i) => i.path === path);
      if (typeof body.slug === 'string' && body.slug !== current.slug && !has('body.slug')) {
        issues.push({ path: 'body.slug', message: `must be this restaurant's slug ${show(current.slug)} (it cannot be changed here), got ${show(body.slug)}` });
      }
      if (body.plan !== undefined && body.plan !== current.plan && !has('body.plan')) {
        issues.push({ path: 'body.plan', message: `the plan is not editable here: omit it or send the current plan ${show(current.plan)}, got ${show(body.plan)}` });
      }
      if (issues.length > 0 || !parsed.ok) throw errors.validation(issues);
      await restaurants.replaceConfig(restaurantId, parsed.config, actorOf(req), { keepPlan: true });
      return restaurants.exportConfig(restaurantId);
    },
  );
};
