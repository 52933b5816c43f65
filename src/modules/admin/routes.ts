/**
 * The admin API under /admin/api (API.md §10): session login, and per-restaurant management for the dashboard and
 * scripts. Every route passes the guard (CSRF, JSON, session, membership and role); none uses the /v1 key pipeline.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditRoutes } from './audit-routes.js';
import { configAdminRoutes } from './config-routes.js';
import { registerAdminGuard } from './guard.js';
import { keyRoutes } from './key-routes.js';
import { reservationAdminRoutes } from './reservation-routes.js';
import { restaurantAdminRoutes } from './restaurant-routes.js';
import { sessionRoutes } from './session-routes.js';
import { reportRoutes } from '../reports/routes.js';
import { webhookAdminRoutes } from '../webhooks/admin-routes.js';

export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  registerAdminGuard(app, app.services.adminAuth);
  await app.register(sessionRoutes);
  await app.register(
    async (restaurant) => {
      await restaurant.register(restaurantAdminRoutes);
      await restaurant.register(configAdminRoutes);
      await restaurant.register(reservationAdminRoutes);
      await restaurant.register(keyRoutes);
      await restaurant.register(auditRoutes);
      await restaurant.register(webhookAdminRoutes);
      await restaurant.register(reportRoutes);
    },
    { prefix: '/restaurants/:restaurant' },
  );
};
