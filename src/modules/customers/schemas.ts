/** Route schemas of the customer endpoints (public and admin; validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { restaurantParamsSchema } from '../availability/schemas.js';
import { historyListSchema, reservationSchema } from '../reservations/schemas.js';
import { waitlistEntrySchema } from '../waitlist/schemas.js';
import { phoneSchema } from '../../lib/phone.js';
import { normalizeEmail } from './identity.js';

const email = z.string().trim().toLowerCase().pipe(z.email().max(254));
const tags = z
  .array(z.string().trim().min(1).max(50))
  .max(50)
  .transform((list) => [...new Set(list)])
  .describe('Free labels (e.g. "vip", "vegetarian"); duplicates dropped, order kept.');
const consentSource = z.string().trim().min(1).max(50).describe('Where consent was given or withdrawn, e.g. "website", "in_person".');

const fields = {
  name: z.string().trim().min(1).max(200),
  email: email.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  tags: tags.optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  marketingConsent: z.boolean().optional().describe('Consent to marketing messages; a change records its time and source.'),
  marketingConsentSource: consentSource.optional(),
};

export const createCustomerBodySchema = z.strictObject(fields);

export const updateCustomerBodySchema = z
  .strictObject({ ...fields, name: fields.name.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'nothing to change' });

export const listCustomersQuerySchema = z.object({
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name (any case), of the email, or of the phone number (3+ digits).'),
  email: z.string().trim().max(254).transform(normalizeEmail).optional().describe('Exact email (any case).'),
  phone: phoneSchema.optional().describe('Exact phone, as in a booking: with its country code or national in the restaurant\'s country.'),
  tag: z.string().trim().min(1).max(50).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(500).optional(),
});

export const customerParamsSchema = restaurantParamsSchema.extend({ id: z.string().min(1).max(100).describe('Customer id (cus_…)') });

export const customerSchema = z.object({
  id: z.string(),
  name: z.string().nullable().describe('Null only for an erased customer (in webhook events).'),
  email: z.string().nullable(),
  phone: z.string().nullable().describe('E.164, e.g. +33612345678.'),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  marketingConsent: z.object({ granted: z.boolean(), at: z.string().nullable(), source: z.string().nullable() }),
  erasedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const statsSchema = z
  .object({
    reservations: z.number().int().describe('Every reservation, whatever its status.'),
    visits: z.number().int().describe('Reservations that were seated (seated or completed).'),
    covers: z.number().int().describe('Guests of those visits.'),
    cancellations: z.number().int(),
    noShows: z.number().int(),
    upcoming: z.number().int().describe('Confirmed and not yet started.'),
    firstVisitAt: z.string().nullable(),
    lastVisitAt: z.string().nullable(),
  })
  .describe('Visit statistics from the customer’s reservations.');

export const customerProfileSchema = customerSchema.extend({
  stats: statsSchema,
  history: z
    .array(
      z.object({
        id: z.string(), reference: z.string(), status: z.string(), date: z.string(), time: z.string(), service: z.string(),
        startsAt: z.string(), partySize: z.number().int(), eventId: z.string().nullable(),
      }),
    )
    .describe('The 20 most recent reservations, newest first; all of them: GET /reservations?customerId=.'),
});

export const customerListSchema = z.object({ data: z.array(customerSchema), nextCursor: z.string().nullable() });

export const customerExportSchema = z.object({
  exportedAt: z.string(),
  restaurant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  customer: customerSchema,
  stats: statsSchema,
  reservations: z.array(reservationSchema.extend({ history: historyListSchema.shape.data })),
  waitlist: z.array(waitlistEntrySchema),
});

export const eraseResultSchema = z.object({
  id: z.string(),
  erasedAt: z.string(),
  reservations: z.number().int().describe('Reservations kept, anonymous, for the restaurant’s statistics.'),
  waitlistEntriesCancelled: z.number().int(),
  snapshotsRedacted: z.number().int().describe('Stored webhook events and idempotency records the personal data was removed from.'),
});
