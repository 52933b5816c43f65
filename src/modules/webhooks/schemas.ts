/**
 * Request and response schemas of the webhook routes (/v1 and admin): validation, types and the OpenAPI document.
 * The response schemas are the allow-list: the secret appears only in the create and roll responses.
 */
import { z } from 'zod';
import { utcInstantSchema } from '../../lib/instant.js';
import { ALL_EVENTS, EVENT_TYPES } from './outbox.js';
import { parseDeliveryCursor, parseEndpointCursor } from './queries.js';

export const WEBHOOK_TAGS = ['Webhooks'];

export const eventTypeSchema = z.enum(EVENT_TYPES);

export const webhookRestaurantParamsSchema = z.object({
  restaurant: z.string().min(1).max(200).describe('The restaurant id (`rst_…`) or slug'),
});

export const endpointParamsSchema = webhookRestaurantParamsSchema.extend({
  id: z.string().min(1).max(100).describe('Webhook endpoint id (`whe_…`)'),
});

export const deliveryParamsSchema = endpointParamsSchema.extend({
  deliveryId: z.string().min(1).max(100).describe('Delivery id (`whd_…`)'),
});

const subscriptionSchema = z
  .array(z.enum([...EVENT_TYPES, ALL_EVENTS]))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .transform((list): typeof list => (list.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(list)]))
  .describe('Event types to receive; `["*"]` for every type, including types added later');

const urlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .describe('https URL that receives the events; must not resolve to a loopback, private, link-local or metadata address');

export const createEndpointBodySchema = z.object({
  url: urlSchema,
  events: subscriptionSchema,
  description: z.string().trim().max(500).nullable().optional(),
});

export const adminCreateEndpointBodySchema = createEndpointBodySchema.extend({
  enabled: z.boolean().optional().describe('Default true'),
});

export const updateEndpointBodySchema = z
  .object({
    url: urlSchema,
    events: subscriptionSchema,
    description: z.string().trim().max(500).nullable(),
    enabled: z.boolean().describe('false disables (what it still had to deliver becomes dead); true re-enables'),
  })
  .partial();

export const endpointViewSchema = z.object({
  id: z.string(),
  restaurantId: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why the endpoint is disabled (e.g. "410 Gone from receiver")'),
  disabledAt: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable().describe('While a rolled secret overlaps: when the previous secret stops signing'),
  failingSince: z.string().nullable().describe('Start of the current run of failed attempts; null after a success'),
  lastSuccessAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createdEndpointSchema = endpointViewSchema.extend({
  secret: z.string().describe('The signing secret (`whsec_…`), shown in this response only'),
});

export const endpointListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const c = parseEndpointCursor(v);
      if (c) return c;
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this list returned' });
      return z.NEVER;
    })
    .optional(),
});

export const endpointListSchema = z.object({ data: z.array(endpointViewSchema), nextCursor: z.string().nullable() });

export const testBodySchema = z
  .object({
    endpointId: z.string().min(1).max(100).optional().describe('Only this endpoint (default: every enabled endpoint)'),
    type: eventTypeSchema.optional().describe('The event type the test stands for (in `data.simulatedType`); the event itself is always `webhook.test`'),
  })
  .nullish()
  .transform((v) => v ?? {});

export const adminTestBodySchema = z
  .object({ type: eventTypeSchema.optional() })
  .nullish()
  .transform((v) => v ?? {});

export const testResultSchema = z.object({
  eventId: z.string(),
  type: z.literal('webhook.test'),
  deliveries: z.array(z.object({ id: z.string(), endpointId: z.string() })),
});

const deliveryStatusSchema = z.enum(['pending', 'delivering', 'succeeded', 'failed', 'dead']);

export const attemptViewSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable().describe('The first KiB of the answer'),
});

export const deliveryViewSchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  eventCreatedAt: z.string(),
  status: deliveryStatusSchema,
  attempts: z.number().int().describe('Attempts since the delivery was (re)scheduled'),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  attemptLog: z.array(attemptViewSchema).describe('Every attempt, newest first (the 50 most recent)'),
});

export const deliveryDetailSchema = deliveryViewSchema.extend({
  payload: z.string().describe('The exact request body that is signed and sent'),
});

export const deliveryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const seq = parseDeliveryCursor(v);
      if (seq !== null) return seq;
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this list returned' });
      return z.NEVER;
    })
    .optional(),
  status: deliveryStatusSchema.optional(),
});

export const deliveryPageSchema = z.object({ data: z.array(deliveryViewSchema), nextCursor: z.string().nullable() });

export const replayBodySchema = z.object({
  since: utcInstantSchema.describe('Every event created at or after this instant (ISO 8601)'),
});

export const replayResultSchema = z.object({
  since: z.string(),
  scheduled: z.number().int().describe('Deliveries scheduled again or created'),
});

export const noContentSchema = z.null().describe('No content');
