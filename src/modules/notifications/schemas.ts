/** Route schemas of the guest-message admin routes (validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { restaurantParamsSchema } from '../admin/schemas.js';
import { MESSAGE_STATUSES } from './queries.js';
import { LANGUAGES, MESSAGE_KINDS } from './settings.js';

const kind = z.enum(MESSAGE_KINDS).describe('confirmation | change | cancellation | reminder | waitlist_offer');
const status = z
  .enum(MESSAGE_STATUSES)
  .describe(
    'pending (queued, maybe retrying) | sent | failed (final: lastError has the SMTP reply) | not_sent (no SMTP configured: rendered and kept) | ' +
      'skipped (a reminder whose booking was cancelled, marked no-show or moved first)',
  );

export const messageSchema = z
  .object({
    id: z.string().describe('msg_…'),
    kind,
    channel: z.literal('email'),
    status,
    to: z.string().describe("The guest's email address"),
    language: z.enum(LANGUAGES),
    subject: z.string(),
    reservationId: z.string().nullable(),
    customerId: z.string().nullable(),
    waitlistEntryId: z.string().nullable(),
    sendAfter: z.string().describe('ISO 8601 UTC: not sent before (a reminder: start − lead time)'),
    sentAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable().describe("The SMTP server's reply of the last failed attempt"),
    createdAt: z.string(),
  })
  .describe('A guest email');

export const messageDetailSchema = messageSchema
  .extend({
    text: z.string().nullable().describe('The plain-text part; null for a reminder never written (skipped before its time, or failed)'),
    html: z.string().nullable().describe('The HTML part; null for a reminder never written (skipped before its time, or failed)'),
    ics: z.string().nullable().describe('The attached iCalendar file (RFC 5545), if any'),
  })
  .describe('A guest email with its content. A reminder is written when it falls due: until then it reads as it would be written now');

export const messageListSchema = z.object({ data: z.array(messageSchema), nextCursor: z.string().nullable() });

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[a-z0-9]{1,40}$`), { error: `must be an id (${prefix}_…)` });

export const listMessagesQuerySchema = z.object({
  reservationId: id('res').optional(),
  customerId: id('cus').optional(),
  kind: kind.optional(),
  status: status.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});

/** Any id is looked up (404 when it is not one of the restaurant's), like the other admin routes. */
const anyId = (what: string) => z.string().min(1).max(100).describe(what);
export const messageParamsSchema = restaurantParamsSchema.extend({ id: anyId('Message id (msg_…)') });
export const reservationMessageParamsSchema = restaurantParamsSchema.extend({ id: anyId('Reservation id (res_…)') });

export const resendBodySchema = z.strictObject({
  kind: z.literal('confirmation').describe('What to send again (only the confirmation can be resent)'),
});

export const previewQuerySchema = z.object({
  kind: kind.default('confirmation'),
  language: z.enum(LANGUAGES).default('en'),
});

export const previewSchema = z.object({
  kind,
  language: z.enum(LANGUAGES),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  ics: z.string().nullable(),
});
