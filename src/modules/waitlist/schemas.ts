/** Route schemas of the waitlist endpoints (validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { areaKeySchema, dateSchema, restaurantParamsSchema, timeSchema } from '../availability/schemas.js';
import { bookingCustomerInputSchema, guestLanguageSchema } from '../reservations/schemas.js';
import { WAITLIST_STATUSES } from './queries.js';

export const createWaitlistBodySchema = z.strictObject({
  date: dateSchema.describe('Service date (local).'),
  time: timeSchema.nullable().optional().describe('Preferred time (local HH:mm): alone, only that time is offered; with a window, the closest first.'),
  window: z
    .strictObject({ from: timeSchema, to: timeSchema })
    .nullable()
    .optional()
    .describe('Acceptable times, inclusive (local; `to` before `from` runs past midnight). Neither time nor window: any time that day.'),
  partySize: z.number().int().min(1).max(1000),
  customer: bookingCustomerInputSchema.describe('The guest; `marketingConsent` as on a booking (the entry\'s `source` is the consent\'s source).'),
  area: areaKeySchema.nullable().optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, { error: 'must be 1–32 lower-case letters, digits, "_" or "-"' }).optional(),
  language: guestLanguageSchema
    .nullable()
    .optional()
    .describe("The guest's language for the offer's email and, once booked, the booking's; default: their latest booking's, else the restaurant's."),
});

export const listWaitlistQuerySchema = z.object({
  date: dateSchema.optional(),
  status: z.enum(WAITLIST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(500).optional(),
});

export const waitlistParamsSchema = restaurantParamsSchema.extend({ id: z.string().min(1).max(100).describe('Waitlist entry id (wl_…)') });

export const waitlistEntrySchema = z.object({
  id: z.string(),
  status: z.enum(WAITLIST_STATUSES),
  date: z.string(),
  time: z.string().nullable().describe('Preferred time, if any.'),
  window: z.object({ from: z.string(), to: z.string() }).nullable(),
  partySize: z.number().int(),
  area: z.string().nullable(),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  notes: z.string().nullable(),
  source: z.string(),
  language: guestLanguageSchema.nullable().describe('The language the guest asked for, if any (their emails follow it).'),
  offer: z
    .object({
      time: z.string(),
      startsAt: z.string(),
      tables: z.array(z.string()),
      offeredAt: z.string(),
      expiresAt: z.string().describe('Accept (POST …/accept) before this instant, or the table goes to the next entry.'),
    })
    .nullable()
    .describe('While `offered`: the table held for the party.'),
  reservationId: z.string().nullable().describe('Once `booked`: the reservation.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const waitlistListSchema = z.object({ data: z.array(waitlistEntrySchema), nextCursor: z.string().nullable() });
