/** Route schemas of the reservation endpoints (validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { areaKeySchema, dateSchema, restaurantParamsSchema, timeSchema } from '../availability/schemas.js';
import { phoneSchema } from '../../lib/phone.js';
import { LANGUAGES } from '../notifications/settings.js';
import { STATUSES } from './lifecycle.js';

const partySize = z.number().int().min(1).max(1000);
const notes = z.string().trim().max(2000).nullable();

export const customerInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)).nullable().optional(),
  phone: phoneSchema.nullable().optional(),
});

/** The guest of a booking: the customer fields, and the marketing consent a booking form may ask for. */
export const bookingCustomerInputSchema = customerInputSchema.extend({
  marketingConsent: z
    .boolean()
    .optional()
    .describe(
      'The guest agrees to receive the restaurant\'s news and offers (e.g. a ticked box on the booking form). `true` records ' +
        'the consent on the customer, with the time of the booking and its `source` as the consent\'s source (a customer who ' +
        'already consents keeps the original time and source). `false` or absent changes nothing: an unticked box is not a ' +
        'withdrawal, so an existing consent stays — withdraw it with PATCH /customers/{id}.',
    ),
});

/** A guest's language for the emails Maitre sends them (the languages the templates exist in). */
export const guestLanguageSchema = z.enum(LANGUAGES);

export const createReservationBodySchema = z.strictObject({
  date: dateSchema,
  time: timeSchema,
  partySize,
  customer: bookingCustomerInputSchema,
  area: areaKeySchema.nullable().optional(),
  eventId: z
    .string()
    .regex(/^exp_[a-z0-9]{1,40}$/, { error: 'must be an event id (exp_…, see GET /events)' })
    .nullable()
    .optional()
    .describe('Book seats of this special event (GET /events) instead of a table; `date` must be its date, `time` within it.'),
  notes: notes.optional(),
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: 'must be 1–32 lower-case letters, digits, "_" or "-"' }).optional(),
  language: guestLanguageSchema
    .nullable()
    .optional()
    .describe("The guest's language for the booking's emails (confirmation, change, cancellation, reminder); default: the restaurant's."),
});

export const updateReservationBodySchema = z
  .strictObject({
    date: dateSchema.optional(),
    time: timeSchema.optional(),
    partySize: partySize.optional(),
    notes: notes.optional(),
    status: z.enum(STATUSES).optional(),
  })
  .superRefine((b, ctx) => {
    if (Object.values(b).every((v) => v === undefined)) ctx.addIssue({ code: 'custom', message: 'nothing to change' });
    if (b.status !== undefined && (b.date !== undefined || b.time !== undefined || b.partySize !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'a status change cannot be combined with date, time or partySize' });
    }
  });

export const cancelReservationBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).nullish();

const statusList = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    const list = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
    const bad = list.find((s) => !(STATUSES as readonly string[]).includes(s));
    if (bad !== undefined || list.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must be one or more of ${STATUSES.join(', ')}, comma-separated` });
      return z.NEVER;
    }
    return list as (typeof STATUSES)[number][];
  });

export const listReservationsQuerySchema = z
  .object({
    date: dateSchema.optional(),
    from: dateSchema.optional(),
    to: dateSchema.optional(),
    status: statusList.optional(),
    customerId: z.string().min(1).max(64).optional(),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Search, any case: part of the customer\'s name or email, 3+ digits of the phone, or part of the reference (dash optional).'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(500).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.date !== undefined && (q.from !== undefined || q.to !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'use either date or from/to' });
    }
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const reservationParamsSchema = restaurantParamsSchema.extend({ id: z.string().min(1).max(100).describe('The reservation id (res_…).') });
/** Reads take the id or the reference; the parameter keeps the name `id` (one path, `/reservations/{id}`, for every method). */
export const reservationLookupParamsSchema = restaurantParamsSchema.extend({
  id: z.string().min(1).max(100).describe('The reservation id (res_…) or its reference (K7M-4QX9; any case, dash optional).'),
});

export const reservationSchema = z.object({
  id: z.string(),
  reference: z.string().describe('Short confirmation code, e.g. K7M-4QX9 (no 0/O/1/I).'),
  status: z.enum(STATUSES),
  date: z.string().describe('Service date, local (an overnight service keeps the date it started on).'),
  time: z.string().describe('Local wall time HH:mm.'),
  service: z.string(),
  startsAt: z.string(),
  endsAt: z.string().describe('startsAt + the turn time of the party size (the tables stay held for the buffer after it).'),
  partySize: z.number().int(),
  tables: z.array(z.string()).describe('Keys of the held tables (several for a combination).'),
  area: z.string().nullable(),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  notes: z.string().nullable(),
  source: z.string(),
  cancellationReason: z.string().nullable(),
  eventId: z.string().optional().describe('Present on event bookings only: they take seats of this event and hold no table.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const reservationListSchema = z.object({ data: z.array(reservationSchema), nextCursor: z.string().nullable() });

export const historyListSchema = z.object({
  data: z.array(
    z.object({
      id: z.number().int(),
      action: z.enum(['created', 'updated', 'status_changed']),
      fromStatus: z.enum(STATUSES).nullable(),
      toStatus: z.enum(STATUSES).nullable(),
      changes: z.looseObject({}).describe('What changed: { field: { from, to } }; for a cancellation { reason }.'),
      actor: z.object({ type: z.enum(['user', 'key', 'cli', 'system', 'guest']), id: z.string().nullable() }),
      at: z.string(),
    }),
  ),
  nextCursor: z.null(),
});
