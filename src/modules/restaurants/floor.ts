/**
 * loadFloor: everything the availability and reservation code needs about one restaurant, in one call, typed.
 * toConfig: the same data back in configuration-file form (export).
 */
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { canonicalPacing, canonicalSpecialService, compact } from './config-normalize.js';
import type { RestaurantConfig } from './config-schema.js';
import { canonicalSettings } from '../notifications/settings.js';
import {
  AREA_SQL, CLOSURE_SQL, COMBINATION_SQL, EVENT_SQL, RESTAURANT_COLUMNS, SERVICE_SQL, SPECIAL_HOURS_SQL, TABLE_SQL,
  areaFromRow, closureFromRow, combinationFromRow, eventFromRow, profileFromRow, serviceFromRow, specialHoursFromRow, tableFromRow,
  type Area, type Closure, type Combination, type Policy, type RestaurantEvent, type RestaurantProfile, type Service,
  type SpecialHoursDay, type Table,
} from './rows.js';

export interface Floor {
  restaurantId: string;
  slug: string;
  /** IANA zone in which every date and `HH:mm` below is local wall time. */
  timezone: string;
  policy: Policy;
  /** Floor-plan order. */
  areas: Area[];
  /** Floor-plan order; each carries its area's id and key. */
  tables: Table[];
  /** The declared combinations only (tables are never combined implicitly). */
  combinations: Combination[];
  /** Regular weekly services, in configuration order. */
  services: Service[];
  /** Sorted by date. */
  closures: Closure[];
  /** Sorted by date; on such a date these services replace the regular ones. */
  specialHours: SpecialHoursDay[];
  /** Sorted by date, start, key. */
  events: RestaurantEvent[];
}

/** Reads one restaurant's profile by id or slug; throws not_found. */
export async function loadProfile(q: Queryable, idOrSlug: string): Promise<RestaurantProfile> {
  const { rows } = await q.query(`SELECT ${RESTAURANT_COLUMNS} FROM restaurants WHERE id = $1 OR slug = $1`, [idOrSlug]);
  if (!rows[0]) throw errors.restaurantNotFound(idOrSlug);
  return profileFromRow(rows[0]);
}

/**
 * Loads the whole floor of a restaurant (id or slug). Pass a transaction handle to read a consistent snapshot
 * inside a booking transaction. Throws not_found for an unknown restaurant.
 */
export async function loadFloor(q: Queryable, idOrSlug: string): Promise<Floor> {
  return floorOf(q, await loadProfile(q, idOrSlug));
}

export async function floorOf(q: Queryable, profile: RestaurantProfile): Promise<Floor> {
  const id = [profile.id];
  // Sequential on purpose: a transaction handle runs one query at a time anyway.
  const areas = (await q.query(AREA_SQL, id)).rows.map(areaFromRow);
  const tables = (await q.query(TABLE_SQL, id)).rows.map(tableFromRow);
  const combinations = (await q.query(COMBINATION_SQL, id)).rows.map(combinationFromRow);
  const services = (await q.query(SERVICE_SQL, id)).rows.map(serviceFromRow);
  const closures = (await q.query(CLOSURE_SQL, id)).rows.map(closureFromRow);
  const specialHours = (await q.query(SPECIAL_HOURS_SQL, id)).rows.map(specialHoursFromRow);
  const events = (await q.query(EVENT_SQL, id)).rows.map(eventFromRow);
  return {
    restaurantId: profile.id, slug: profile.slug, timezone: profile.timezone, policy: profile.policy,
    areas, tables, combinations, services, closures, specialHours, events,
  };
}

/** The configuration file of a restaurant, in canonical form (see config-normalize). */
export function toConfig(profile: RestaurantProfile, floor: Floor): RestaurantConfig {
  // compact() drops the null fields: what is left is the file's optional strings.
  const contact = compact(profile.contact) as RestaurantConfig['contact'];
  const location = compact(profile.location) as RestaurantConfig['location'];
  const p = profile.policy;
  return {
    slug: profile.slug,
    name: profile.name,
    timezone: profile.timezone,
    plan: profile.plan,
    ...(contact ? { contact } : {}),
    ...(location ? { location } : {}),
    policy: {
      minPartySize: p.minPartySize, maxPartySize: p.maxPartySize, slotIntervalMinutes: p.slotIntervalMinutes,
      bookingWindowDays: p.bookingWindowDays, minNoticeMinutes: p.minNoticeMinutes, bufferMinutes: p.bufferMinutes,
      cancellationCutoffMinutes: p.cancellationCutoffMinutes,
      turnTimes: p.turnTimes.map((t) => ({ maxPartySize: t.maxPartySize, minutes: t.minutes })),
    },
    areas: floor.areas.map((a) => ({ key: a.key, name: a.name })),
    tables: floor.tables.map((t) => ({ key: t.key, area: t.area, minCovers: t.minCovers, maxCovers: t.maxCovers })),
    combinations: floor.combinations.map((c) => ({ tables: [...c.tables], minCovers: c.minCovers, maxCovers: c.maxCovers })),
    services: floor.services.map((s) => {
      const pacing = canonicalPacing(s.pacing);
      return { key: s.key, name: s.name, days: [...s.days], start: s.start, lastSeating: s.lastSeating, end: s.end, ...(pacing ? { pacing } : {}) };
    }),
    closures: floor.closures.map((c) => ({ date: c.date, ...(c.reason ? { reason: c.reason } : {}) })),
    events: floor.events.map((e) => ({
      key: e.key, name: e.name, date: e.date, start: e.start, end: e.end, capacity: e.capacity, closesRegularService: e.closesRegularService,
    })),
    specialHours: floor.specialHours.map((d) => ({ date: d.date, services: d.services.map(canonicalSpecialService) })),
    notifications: canonicalSettings(profile.notifications),
  };
}
