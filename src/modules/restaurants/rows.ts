/**
 * The one place where restaurant rows (snake_case) become the module's camelCase records, and the records'
 * types. Everything that reads these tables goes through the column lists and mappers here. Dates are read with
 * to_char: a YYYY-MM-DD string whatever DATE parser the connection has.
 */
import type { Row } from '../../db/types.js';
import type { Weekday } from './clock.js';
import { settingsFromJson, type NotificationSettings } from '../notifications/settings.js';
import { policySchema, type Plan, type Policy } from './config-schema.js';

export type { Policy, Plan } from './config-schema.js';

/** Pacing limits of a service; null = no limit. */
export interface PacingLimits {
  maxCoversPerSlot: number | null;
  maxBookingsPerSlot: number | null;
}

export interface Contact {
  phone: string | null;
  email: string | null;
  website: string | null;
}

export interface Location {
  address: string | null;
  city: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface RestaurantProfile {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  plan: Plan;
  contact: Contact;
  location: Location;
  policy: Policy;
  /** Guest-email settings (docs/notifications.md); not part of the public profile. */
  notifications: NotificationSettings;
  createdAt: string;
  updatedAt: string;
}

export interface Area {
  id: string;
  key: string;
  name: string;
}

export interface Table {
  id: string;
  key: string;
  areaId: string;
  /** The area's key. */
  area: string;
  minCovers: number;
  maxCovers: number;
}

export interface Combination {
  id: string;
  /** Member table ids and keys, in floor-plan order. */
  tableIds: string[];
  tables: string[];
  minCovers: number;
  maxCovers: number;
}

export interface Service {
  id: string;
  key: string;
  name: string;
  days: Weekday[];
  /** `HH:mm` local; an end (or last seating) earlier than start is on the next day (see clock.serviceSpan). */
  start: string;
  lastSeating: string;
  end: string;
  pacing: PacingLimits;
}

export interface Closure {
  date: string;
  reason: string | null;
}

/** One service of a special-hours day (no id: it lives inside the day's JSON). */
export interface SpecialService {
  key: string;
  name: string | null;
  start: string;
  lastSeating: string;
  end: string;
  pacing: PacingLimits;
}

/** A special-hours day replaces the regular services of its date with its own list. */
export interface SpecialHoursDay {
  date: string;
  services: SpecialService[];
}

export interface RestaurantEvent {
  id: string;
  key: string;
  name: string;
  date: string;
  start: string;
  end: string;
  capacity: number;
  closesRegularService: boolean;
}

/** Reads a stored policy, filling defaults (rows written by older code or fixtures may be partial). */
export function policyFromJson(json: unknown): Policy {
  const parsed = policySchema.safeParse(json ?? {});
  if (!parsed.success) throw new Error(`stored restaurant policy is invalid: ${parsed.error.message}`);
  return parsed.data;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const pacing = (covers: unknown, bookings: unknown): PacingLimits => ({
  maxCoversPerSlot: covers == null ? null : Number(covers),
  maxBookingsPerSlot: bookings == null ? null : Number(bookings),
});

export const RESTAURANT_COLUMNS = 'id, slug, name, timezone, plan, policy, contact, location, notifications, created_at, updated_at';

export function profileFromRow(r: Row): RestaurantProfile {
  const c = (r.contact ?? {}) as Row;
  const l = (r.location ?? {}) as Row;
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    timezone: r.timezone,
    plan: r.plan,
    contact: { phone: str(c.phone), email: str(c.email), website: str(c.website) },
    location: { address: str(l.address), city: str(l.city), postalCode: str(l.postalCode), country: str(l.country) },
    policy: policyFromJson(r.policy),
    notifications: settingsFromJson(r.notifications),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export const AREA_SQL = 'SELECT id, key, name FROM areas WHERE restaurant_id = $1 ORDER BY position, key';
export const areaFromRow = (r: Row): Area => ({ id: r.id, key: r.key, name: r.name });

export const TABLE_SQL = `SELECT t.id, t.key, t.area_id, a.key AS area_key, t.min_covers, t.max_covers
  FROM tables t JOIN areas a ON a.id = t.area_id WHERE t.restaurant_id = $1 ORDER BY t.position, t.key`;
export const tableFromRow = (r: Row): Table => ({
  id: r.id, key: r.key, areaId: r.area_id, area: r.area_key, minCovers: r.min_covers, maxCovers: r.max_covers,
});

/** One row per combination; member tables aggregated in floor-plan order. */
export const COMBINATION_SQL = `SELECT c.id, c.min_covers, c.max_covers,
    array_agg(t.id ORDER BY t.position, t.key) AS table_ids, array_agg(t.key ORDER BY t.position, t.key) AS table_keys
  FROM table_combinations c JOIN combination_tables ct ON ct.combination_id = c.id JOIN tables t ON t.id = ct.table_id
  WHERE c.restaurant_id = $1 GROUP BY c.id ORDER BY c.position, c.id`;
export const combinationFromRow = (r: Row): Combination => ({
  id: r.id, tableIds: r.table_ids, tables: r.table_keys, minCovers: r.min_covers, maxCovers: r.max_covers,
});

export const SERVICE_SQL = `SELECT id, key, name, days, start_time, last_seating, end_time, max_covers_per_slot, max_bookings_per_slot
  FROM services WHERE restaurant_id = $1 ORDER BY position, key`;
export const serviceFromRow = (r: Row): Service => ({
  id: r.id, key: r.key, name: r.name, days: r.days, start: r.start_time, lastSeating: r.last_seating, end: r.end_time,
  pacing: pacing(r.max_covers_per_slot, r.max_bookings_per_slot),
});

export const CLOSURE_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, reason FROM closures WHERE restaurant_id = $1 ORDER BY date`;
export const closureFromRow = (r: Row): Closure => ({ date: r.date, reason: r.reason ?? null });

export const SPECIAL_HOURS_SQL = `SELECT to_char(date, 'YYYY-MM-DD') AS date, services FROM special_hours WHERE restaurant_id = $1 ORDER BY date`;
export const specialHoursFromRow = (r: Row): SpecialHoursDay => ({
  date: r.date,
  services: (r.services as Row[]).map((s) => ({
    key: s.key, name: str(s.name), start: s.start, lastSeating: s.lastSeating, end: s.end,
    pacing: pacing(s.pacing?.maxCoversPerSlot, s.pacing?.maxBookingsPerSlot),
  })),
});

export const EVENT_SQL = `SELECT id, key, name, to_char(date, 'YYYY-MM-DD') AS date, start_time, end_time, capacity, closes_regular_service
  FROM events WHERE restaurant_id = $1 ORDER BY date, start_time COLLATE "C", key COLLATE "C"`;
export const eventFromRow = (r: Row): RestaurantEvent => ({
  id: r.id, key: r.key, name: r.name, date: r.date, start: r.start_time, end: r.end_time, capacity: r.capacity,
  closesRegularService: r.closes_regular_service,
});
