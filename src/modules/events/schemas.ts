/** Route schemas of the events endpoints (public list, admin management). */
import { z } from 'zod';
import { dateSchema, restaurantParamsSchema, timeSchema } from '../availability/schemas.js';

export const eventsQuerySchema = z.object({ from: dateSchema.optional(), to: dateSchema.optional() });

export const eventSchema = z.object({
  id: z.string().describe('exp_…: pass it as `eventId` to POST /reservations.'),
  key: z.string(),
  name: z.string(),
  date: z.string(),
  start: z.string().describe('Local HH:mm.'),
  end: z.string().describe('Local HH:mm.'),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  capacity: z.number().int().describe('Seats (covers) the event sells in all.'),
  seatsTaken: z.number().int(),
  seatsLeft: z.number().int(),
  soldOut: z.boolean(),
  closesRegularService: z.boolean().describe('The regular services’ slots overlapping the event are not offered that day.'),
});

export const eventListSchema = z.object({ data: z.array(eventSchema), nextCursor: z.null() });

const KEY = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/;

export const createEventBodySchema = z.strictObject({
  key: z.string().regex(KEY, { error: 'must be 1–64 letters, digits, "-", "_" or ".", starting and ending with a letter or digit' }),
  name: z.string().trim().min(1).max(200),
  date: dateSchema,
  start: timeSchema,
  end: timeSchema,
  capacity: z.number().int().min(1).max(10_000),
  closesRegularService: z.boolean().default(false),
});

export const updateEventBodySchema = z
  .strictObject({
    key: createEventBodySchema.shape.key.optional(),
    name: createEventBodySchema.shape.name.optional(),
    date: dateSchema.optional(),
    start: timeSchema.optional(),
    end: timeSchema.optional(),
    capacity: createEventBodySchema.shape.capacity.optional(),
    closesRegularService: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'nothing to change' });

export const eventParamsSchema = restaurantParamsSchema.extend({ id: z.string().min(1).max(100).describe('Event id (exp_…)') });
