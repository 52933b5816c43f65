/** Route schemas of GET /availability and GET /hours (validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { HHMM, isCalendarDate, isSupportedDate, SUPPORTED_DATES_MESSAGE } from '../restaurants/clock.js';

export const restaurantParamsSchema = z.object({ restaurant: z.string().min(1).max(200) });

/** A calendar date YYYY-MM-DD within SUPPORTED_DATES: every date input of the API is this schema. */
export const dateSchema = z
  .string()
  .refine(isCalendarDate, { error: 'must be a calendar date YYYY-MM-DD', abort: true })
  .refine(isSupportedDate, { error: SUPPORTED_DATES_MESSAGE })
  .meta({ format: 'date' });
export const timeSchema = z.string().regex(HHMM, { error: 'must be a time HH:mm (00:00–23:59)' });
export const areaKeySchema = z.string().min(1).max(64);

export const REASONS = ['outside_opening_hours', 'party_size_out_of_range', 'slot_limit_reached', 'no_tables_available'] as const;

export const availabilityQuerySchema = z.object({
  date: dateSchema,
  partySize: z.coerce.number().int().min(1).max(1000),
  area: areaKeySchema.optional(),
});

export const availabilitySchema = z.object({
  date: z.string(),
  partySize: z.number().int(),
  area: z.string().nullable(),
  timezone: z.string(),
  closed: z.boolean().describe('No service runs that day (closure, or none on that weekday).'),
  slots: z.array(
    z.object({
      time: z.string().describe('Local wall time HH:mm; after midnight for an overnight service, which keeps its date.'),
      available: z.boolean(),
      reason: z.enum(REASONS).optional(),
      detail: z
        .string()
        .optional()
        .describe('past | min_notice | booking_window | policy | covers | bookings | no_unit_fits | all_busy'),
      service: z.string().describe('Key of the service the slot belongs to.'),
      startsAt: z.string().describe('The instant, ISO 8601 UTC.'),
    }),
  ),
});

export const hoursQuerySchema = z.object({ from: dateSchema.optional(), to: dateSchema.optional() });

export const hoursSchema = z.object({
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      closed: z.boolean(),
      closureReason: z.string().nullable(),
      specialHours: z.boolean().describe('Special hours replaced the regular services that day.'),
      services: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          start: z.string(),
          lastSeating: z.string(),
          end: z.string(),
          endsNextDay: z.boolean(),
        }),
      ),
      events: z.array(z.object({ key: z.string(), name: z.string(), start: z.string(), end: z.string(), closesRegularService: z.boolean() })),
    }),
  ),
});
