/**
 * The shape of the restaurant configuration file (API.md §8): its zod schema, defaults and types. Read a file with
 * parseRestaurantConfig() (config-schema.ts), which adds the cross-reference checks (config-checks.ts) and the
 * canonical form (config-normalize.ts); those two build on the types here and nothing here imports them.
 */
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { phoneCountry } from '../../lib/phone.js';
import { notificationSettingsSchema } from '../notifications/settings.js';
import { HHMM, WEEKDAYS, isCalendarDate, isSupportedDate, SUPPORTED_DATES_MESSAGE } from './clock.js';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const KEY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/;

/** A value as it appears in a message: JSON, shortened. */
export function show(value: unknown): string {
  const s = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const text = (max: number) => z.string().trim().min(1).max(max);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const key = z.string().regex(KEY_PATTERN, {
  error: (iss) => `${show(iss.input)} is not a valid key (1–64 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
});
const time = z.string().regex(HHMM, { error: (iss) => `${show(iss.input)} is not a time in HH:mm (00:00–23:59)` });
const date = z
  .string()
  .refine(isCalendarDate, { error: (iss) => `${show(iss.input)} is not a valid date (YYYY-MM-DD)`, abort: true })
  .refine(isSupportedDate, { error: (iss) => `${show(iss.input)} ${SUPPORTED_DATES_MESSAGE}` });
/** ISO 3166-1 alpha-2, any case, stored upper-case: national phone numbers of guests are read in this country. */
const country = z
  .string()
  .trim()
  .toUpperCase()
  .refine((v) => phoneCountry(v) !== null, { error: (iss) => `${show(iss.input)} is not an ISO 3166-1 alpha-2 country code (e.g. FR, GB, US)` })
  .describe("ISO 3166-1 alpha-2 code (e.g. FR): guests' phone numbers in national form are read in this country.");
const timezone = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), { error: (iss) => `${show(iss.input)} is not an IANA time zone (e.g. Europe/Paris)` })
  .transform((v) => new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone);

export const PLANS = ['starter', 'business', 'pro'] as const;
export type Plan = (typeof PLANS)[number];

/** Turn time of a party size when the file gives none: 90 min up to 2, 120 up to 4, 150 up to 6, then 180. */
const STANDARD_TURNS: [number, number][] = [[2, 90], [4, 120], [6, 150]];
export function defaultTurnTimes(maxPartySize: number): { maxPartySize: number; minutes: number }[] {
  const list = STANDARD_TURNS.filter(([size]) => size < maxPartySize).map(([size, minutes]) => ({ maxPartySize: size, minutes }));
  const last = STANDARD_TURNS.find(([size]) => size >= maxPartySize);
  return [...list, { maxPartySize, minutes: last ? last[1] : 180 }];
}

const turnTimeSchema = z.strictObject({ maxPartySize: int(1, 1000), minutes: int(5, 1440) });

export const policySchema = z
  .strictObject({
    minPartySize: int(1, 1000).default(1),
    maxPartySize: int(1, 1000).default(8),
    slotIntervalMinutes: int(5, 240).default(15),
    bookingWindowDays: int(1, 730).default(60),
    minNoticeMinutes: int(0, 43_200).default(60),
    bufferMinutes: int(0, 240).default(0),
    cancellationCutoffMinutes: int(0, 43_200).default(120),
    turnTimes: z.array(turnTimeSchema).min(1).max(50).optional(),
  })
  .transform(({ turnTimes, ...p }) => ({ ...p, turnTimes: turnTimes ?? defaultTurnTimes(p.maxPartySize) }));
export type Policy = z.output<typeof policySchema>;

const pacingSchema = z.strictObject({
  maxCoversPerSlot: int(1, 10_000).optional(),
  maxBookingsPerSlot: int(1, 10_000).optional(),
});

const hours = { start: time, lastSeating: time, end: time };

const serviceSchema = z.strictObject({
  key,
  name: text(100),
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
  ...hours,
  pacing: pacingSchema.optional(),
});

const specialServiceSchema = z.strictObject({ key, name: text(100).optional(), ...hours, pacing: pacingSchema.optional() });

const combinationSchema = z.strictObject({
  tables: z.array(key).min(2, { error: (iss) => `a combination joins at least 2 tables, got ${(iss.input as unknown[]).length}` }).max(20),
  minCovers: int(1, 1000),
  maxCovers: int(1, 1000),
});

export const restaurantConfigSchema = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, {
    error: (iss) => `${show(iss.input)} is not a valid slug (lower-case letters, digits and inner "-", 1–64 characters)`,
  }),
  name: text(200),
  timezone,
  plan: z.enum(PLANS).default('business'),
  contact: z
    .strictObject({ phone: text(40).optional(), email: z.email().max(200).optional(), website: z.url({ protocol: /^https?$/ }).max(300).optional() })
    .optional(),
  location: z
    .strictObject({ address: text(300).optional(), city: text(100).optional(), postalCode: text(20).optional(), country: country.optional() })
    .optional(),
  policy: policySchema.prefault({}),
  areas: z.array(z.strictObject({ key, name: text(100) })).max(100).default([]),
  tables: z.array(z.strictObject({ key, area: key, minCovers: int(1, 1000), maxCovers: int(1, 1000) })).max(1000).default([]),
  combinations: z.array(combinationSchema).max(1000).default([]),
  services: z.array(serviceSchema).max(50).default([]),
  closures: z.array(z.strictObject({ date, reason: text(200).optional() })).max(5000).default([]),
  events: z
    .array(z.strictObject({ key, name: text(200), date, start: time, end: time, capacity: int(1, 10_000), closesRegularService: z.boolean().default(false) }))
    .max(5000)
    .default([]),
  specialHours: z.array(z.strictObject({ date, services: z.array(specialServiceSchema).min(1).max(20) })).max(5000).default([]),
  /** Guest emails (docs/notifications.md): every field optional, defaults all on. */
  notifications: notificationSettingsSchema.prefault({}),
});

/** A validated configuration in canonical form (defaults filled, dates sorted): what export returns. */
export type RestaurantConfig = z.output<typeof restaurantConfigSchema>;
/** What a configuration file may contain (defaults not yet applied). */
export type RestaurantConfigInput = z.input<typeof restaurantConfigSchema>;
export type Pacing = z.output<typeof pacingSchema>;
export type ConfigSpecialService = RestaurantConfig['specialHours'][number]['services'][number];
