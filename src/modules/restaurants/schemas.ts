/** Response schemas of the restaurant routes: the output allow-list and the OpenAPI description. */
import { z } from 'zod';
import { WEEKDAYS } from './clock.js';
import { PLANS } from './config-schema.js';

export const restaurantParamsSchema = z.object({
  restaurant: z.string().describe('The restaurant id (`rst_…`) or slug'),
});

const hhmm = z.string().describe('Local wall time, HH:mm');

export const policyViewSchema = z.object({
  minPartySize: z.number().int(),
  maxPartySize: z.number().int(),
  slotIntervalMinutes: z.number().int(),
  bookingWindowDays: z.number().int(),
  minNoticeMinutes: z.number().int(),
  bufferMinutes: z.number().int(),
  cancellationCutoffMinutes: z.number().int(),
  turnTimes: z
    .array(z.object({ maxPartySize: z.number().int(), minutes: z.number().int() }))
    .describe('How long a party holds its table: the first entry whose maxPartySize is at least the party size'),
});

export const profileSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timezone: z.string().describe('IANA time zone of every local date and time'),
  plan: z.enum(PLANS),
  contact: z.object({ phone: z.string().nullable(), email: z.string().nullable(), website: z.string().nullable() }),
  location: z.object({
    address: z.string().nullable(),
    city: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable().describe('ISO 3166-1 alpha-2 (e.g. FR): phone numbers in national form are read in this country.'),
  }),
  policy: policyViewSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const areaSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });

export const tableSchema = z.object({
  id: z.string(),
  key: z.string(),
  areaId: z.string(),
  area: z.string().describe('The area key'),
  minCovers: z.number().int(),
  maxCovers: z.number().int(),
});

export const combinationSchema = z.object({
  id: z.string(),
  tables: z.array(z.string()).describe('Keys of the joined tables'),
  tableIds: z.array(z.string()),
  minCovers: z.number().int(),
  maxCovers: z.number().int(),
});

export const pacingSchema = z
  .object({ maxCoversPerSlot: z.number().int().nullable(), maxBookingsPerSlot: z.number().int().nullable() })
  .describe('Limits per slot start; null = no limit');

export const serviceSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  days: z.array(z.enum(WEEKDAYS)),
  start: hhmm,
  lastSeating: hhmm.describe('Latest bookable time (HH:mm)'),
  end: hhmm.describe('Closing time (HH:mm); earlier than start means the next day'),
  pacing: pacingSchema,
});

/** A complete (unpaginated) collection: these lists are small and bounded by the configuration limits. */
const list = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.null().describe('Always null: the whole collection is returned') });

export const areaListSchema = list(areaSchema);
export const tableListSchema = list(tableSchema);
export const combinationListSchema = list(combinationSchema);
export const serviceListSchema = list(serviceSchema);
