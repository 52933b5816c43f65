import { z } from 'zod';
import { utcInstantSchema } from '../../lib/instant.js';
import { SCOPES } from './scopes.js';
import { DEMO_WIDGET_KEY_NAME, isSystemKeyName } from './system-keys.js';

export const scopeSchema = z.enum(SCOPES);

/** An origin as a browser sends it: scheme://host[:port], nothing else. Normalised to lower case, no trailing slash. */
export const originSchema = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    const text = v.trim().replace(/\/+$/, '');
    try {
      const u = new URL(text);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin.toLowerCase() === text.toLowerCase()) return u.origin.toLowerCase();
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an origin (expected e.g. https://example.com or http://localhost:8080)` });
    return z.NEVER;
  });

export const keyStatusSchema = z.enum(['active', 'rotating', 'revoked', 'expired']);

export const keyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  environment: z.enum(['live', 'test']),
  scopes: z.array(scopeSchema),
  allowedOrigins: z.array(z.string()),
  rateLimitPerMinute: z.number().int(),
  bookingRateLimitPerMinute: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
  status: keyStatusSchema,
  graceEndsAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  rotatedFromId: z.string().nullable(),
  restaurantId: z.string(),
  system: z
    .boolean()
    .describe(
      'The server’s own key (the /demo page’s widget key, held in server memory): it cannot be changed, rotated, ' +
        'revoked or deleted through this API (409 conflict).',
    ),
});

export const meSchema = keyViewSchema
  .pick({
    id: true, name: true, prefix: true, environment: true, scopes: true, allowedOrigins: true, rateLimitPerMinute: true,
    bookingRateLimitPerMinute: true, expiresAt: true, status: true, graceEndsAt: true,
  })
  .extend({ restaurant: z.object({ id: z.string(), slug: z.string(), name: z.string() }) });

const limit = z.number().int().min(1).max(1000);

export const createKeyBodySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((name) => !isSystemKeyName(name), `"${DEMO_WIDGET_KEY_NAME}" is reserved for the server’s own /demo key; choose another name.`),
  scopes: z.array(scopeSchema).min(1).transform((s) => [...new Set(s)]),
  allowedOrigins: z.array(originSchema).max(50).optional(),
  rateLimitPerMinute: limit.optional(),
  bookingRateLimitPerMinute: limit.nullable().optional(),
  expiresAt: utcInstantSchema.nullable().optional(),
  environment: z.enum(['live', 'test']).optional(),
});

export const updateKeyBodySchema = createKeyBodySchema.omit({ environment: true }).partial();

export const rotateKeyBodySchema = z
  .object({ graceSeconds: z.number().int().min(0).max(30 * 86_400).optional() })
  // Fastify hands a validator `null` for a request without a body: a bodyless rotate means "no grace period".
  .nullish()
  .transform((v) => v ?? {});

export const createdKeySchema = keyViewSchema.extend({ key: z.string() });
