/**
 * The guest side of the admin API — customers (profiles, GDPR export and erasure) and special events — under
 * /admin/api/restaurants/{restaurant}. Registered as its own plugin at /admin/api with the admin guard installed on
 * it (CSRF, JSON, session, membership and role: src/modules/admin/guard.ts), exactly as the admin routes have it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { registerAdminGuard } from '../admin/guard.js';
import { customerAdminRoutes } from '../customers/admin-routes.js';
import { eventAdminRoutes } from '../events/admin-routes.js';

export const guestAdminRoutes: FastifyPluginAsync = async (app) => {
  registerAdminGuard(app, app.services.adminAuth);
  await app.register(
    async (restaurant) => {
      await restaurant.register(customerAdminRoutes);
      await restaurant.register(eventAdminRoutes);
    },
    { prefix: '/restaurants/:restaurant' },
  );
};
