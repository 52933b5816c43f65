/** GET /v1/me — the calling key, as the server sees it. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { meSchema } from './schemas.js';

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      config: { scope: [] },
      schema: {
        summary: 'The calling API key',
        description: 'Prefix, restaurant, scopes, origins, rate limit, expiry and status of the key that signs the request. Any valid key.',
        tags: ['Keys'],
        response: { 200: meSchema },
      },
    },
    async (req) => {
      const k = req.apiKey!;
      const now = app.services.now();
      const rotatingEnded = k.status === 'rotating' && k.graceEndsAt !== null && k.graceEndsAt <= now;
      return {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        environment: k.environment,
        restaurant: { id: k.restaurant.id, slug: k.restaurant.slug, name: k.restaurant.name },
        scopes: k.scopes,
        allowedOrigins: k.allowedOrigins,
        rateLimitPerMinute: k.rateLimitPerMinute,
        bookingRateLimitPerMinute: k.bookingRateLimitPerMinute,
        expiresAt: k.expiresAt === null ? null : new Date(k.expiresAt).toISOString(),
        status: rotatingEnded ? ('revoked' as const) : k.status,
        graceEndsAt: k.graceEndsAt === null ? null : new Date(k.graceEndsAt).toISOString(),
      };
    },
  );
};
