/** Request and response schemas of the admin API (keys reuse src/modules/keys/schemas.ts). */
import { z } from 'zod';
import { createdKeySchema, keyViewSchema } from '../keys/schemas.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { ROLES } from './users.js';

export const ADMIN_TAGS = ['Admin'];

export const loginBodySchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const membershipSchema = z.object({
  restaurantId: z.string(),
  slug: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
});

export const sessionViewSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  memberships: z.array(membershipSchema),
});

export const noContentSchema = z.null().describe('No content');

export const restaurantParamsSchema = z.object({
  restaurant: z.string().min(1).max(200).describe('Restaurant id or slug'),
});

export const keyParamsSchema = restaurantParamsSchema.extend({
  id: z.string().min(1).max(100).describe('API key id (key_…)'),
});

export const keyListSchema = z.object({ data: z.array(keyViewSchema) });

export const rotatedKeySchema = createdKeySchema.extend({ previous: keyViewSchema });

export const keyUsageSchema = z.object({
  keyId: z.string(),
  daily: z.array(
    z.object({
      date: z.string(),
      s2xx: z.number().int(),
      s3xx: z.number().int(),
      s4xx: z.number().int(),
      s5xx: z.number().int(),
    }),
  ),
  recent: z.array(
    z.object({
      at: z.string(),
      method: z.string(),
      route: z.string(),
      status: z.number().int(),
      origin: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
});

const CURSOR_PREFIX = 'audit:';

export function encodeAuditCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

const auditCursorSchema = z
  .string()
  .max(100)
  .transform((v, ctx) => {
    const text = Buffer.from(v, 'base64url').toString();
    const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
    if (Number.isSafeInteger(id) && id > 0) return id;
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this list returned' });
    return z.NEVER;
  });

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: auditCursorSchema.optional(),
});

export const auditPageSchema = z.object({
  data: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      ip: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
});
