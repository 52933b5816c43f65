/** GET /v1/me — the calling key, as the server sees it. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AuthenticatedKey } from '../../http/context.js';
import { JSON_CONTENT_TYPE, serializerFor } from '../../http/serializer.js';
import { meSchema } from './schemas.js';

/** The answer for a key at `now`. */
export function meView(k: AuthenticatedKey, now: number): z.input<typeof meSchema> {
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
}

/** The serializer Fastify compiles for the route's 200 schema: the kept answers are the very bytes it would write. */
const serializeMe = serializerFor(meSchema);

/**
 * Each key record's answer, serialized once. The key cache replaces a record (a new object) whenever the key or its
 * restaurant changes, so an answer keyed by the record object is dropped with it and can never outlive a change;
 * the only part that depends on the clock (a rotating key past its grace reads `revoked`) bounds its validity.
 */
const answers = new WeakMap<AuthenticatedKey, { json: string; validUntil: number }>();

export function meJson(k: AuthenticatedKey, now: number): string {
  const kept = answers.get(k);
  if (kept && now < kept.validUntil) return kept.json;
  const json = serializeMe(meView(k, now));
  const validUntil = k.status === 'rotating' && k.graceEndsAt !== null && k.graceEndsAt > now ? k.graceEndsAt : Infinity;
  answers.set(k, { json, validUntil });
  return json;
}

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
    // Synchronous: the kept bytes are sent as they are (a string with its content type is not serialized again).
    (req, reply) => {
      reply.header('content-type', JSON_CONTENT_TYPE).send(meJson(req.apiKey!, app.services.now()) as never);
    },
  );
};
