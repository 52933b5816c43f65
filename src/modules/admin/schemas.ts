/** Request and response schemas of the admin API (keys reuse src/modules/keys/schemas.ts). */
import { z } from 'zod';
import { createdKeySchema, keyViewSchema } from '../keys/schemas.js';
import { dateSchema, timeSchema } from '../availability/schemas.js';
import { createReservationBodySchema } from '../reservations/schemas.js';
import { restaurantConfigSchema } from '../restaurants/config-schema.js';
import { areaSchema, combinationSchema, policyViewSchema, profileSchema, serviceSchema, tableSchema } from '../restaurants/schemas.js';
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

/** GET /restaurants/{restaurant}: the public profile and the caller's role there. */
export const adminRestaurantSchema = profileSchema.extend({
  role: z.enum(ROLES).describe('The signed-in user\'s role in this restaurant'),
});

/** GET …/floor: the public views of the floor plan and services, whole (they are small and bounded). */
export const floorSchema = z.object({
  areas: z.array(areaSchema),
  tables: z.array(tableSchema),
  combinations: z.array(combinationSchema),
  services: z.array(serviceSchema),
});

/**
 * The configuration file (API.md §8) in canonical form, as exported: every default filled in. The importer's schema
 * with its two normalising transforms (time zone, policy) replaced by their output types, so it can be described.
 */
export const configFileSchema = restaurantConfigSchema
  .extend({ timezone: z.string().describe('IANA time zone'), policy: policyViewSchema })
  .describe('The restaurant configuration file (API.md §8), canonical form');

/**
 * PUT …/config: a configuration file. Validated by the configuration importer itself (its messages and dotted paths,
 * cross-references included), not by this schema, which only requires a JSON object.
 */
export const configBodySchema = z
  .record(z.string(), z.unknown())
  .describe(
    'The restaurant configuration file (API.md §8; the shape GET …/config answers). Omitted sections take their defaults ' +
      '(an omitted list is empty). `slug` must be this restaurant\'s; `plan` may be omitted and otherwise must be its current plan.',
  );

/**
 * POST …/reservations in the admin API: the public booking body, plus `walkIn`. A walk-in is seated now, at the slot
 * under way: it has no `date`, `time` or `eventId`; every other booking needs `date` and `time`.
 */
export const adminCreateReservationBodySchema = createReservationBodySchema
  .extend({
    date: dateSchema.optional().describe('Service date (required unless walkIn)'),
    time: timeSchema.optional().describe('Local wall time HH:mm (required unless walkIn)'),
    walkIn: z
      .boolean()
      .optional()
      .describe('Seat the party now: booked at the slot under way (no date/time) and set `seated` at once; source `walk_in`.'),
  })
  .superRefine((b, ctx) => {
    if (b.walkIn) {
      if (b.date !== undefined) ctx.addIssue({ code: 'custom', path: ['date'], message: 'a walk-in is seated now: leave date out' });
      if (b.time !== undefined) ctx.addIssue({ code: 'custom', path: ['time'], message: 'a walk-in is seated now: leave time out' });
      if (b.eventId != null) ctx.addIssue({ code: 'custom', path: ['eventId'], message: 'a walk-in sits at a table, not at an event' });
      return;
    }
    if (b.date === undefined) ctx.addIssue({ code: 'custom', path: ['date'], message: 'is required (unless walkIn is true)' });
    if (b.time === undefined) ctx.addIssue({ code: 'custom', path: ['time'], message: 'is required (unless walkIn is true)' });
  });
