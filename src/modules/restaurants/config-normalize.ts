/**
 * The canonical form of a configuration: fixed key order, no empty optional objects, weekdays in week order,
 * combination tables in floor-plan order, closures / events / special hours sorted by date. Import normalises to it
 * and export produces it, so parse(export(x)) deep-equals the normalised import.
 */
import { WEEKDAYS } from './clock.js';
import { canonicalSettings } from '../notifications/settings.js';
import type { ConfigSpecialService, Pacing, RestaurantConfig } from './config-shape.js';

/** Drops undefined and null fields; undefined when nothing is left. */
export function compact<T extends object>(obj: T | null | undefined): T | undefined {
  if (!obj) return undefined;
  const out = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null)) as T;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Pacing with only its set limits, or undefined. */
export function canonicalPacing(p: { maxCoversPerSlot?: number | null; maxBookingsPerSlot?: number | null } | undefined): Pacing | undefined {
  return compact({ maxCoversPerSlot: p?.maxCoversPerSlot ?? undefined, maxBookingsPerSlot: p?.maxBookingsPerSlot ?? undefined });
}

const byDate = (a: { date: string }, b: { date: string }) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function canonicalSpecialService(s: { key: string; name?: string | null; start: string; lastSeating: string; end: string; pacing?: Parameters<typeof canonicalPacing>[0] }): ConfigSpecialService {
  const pacing = canonicalPacing(s.pacing);
  return { key: s.key, ...(s.name ? { name: s.name } : {}), start: s.start, lastSeating: s.lastSeating, end: s.end, ...(pacing ? { pacing } : {}) };
}

export function normalizeConfig(c: RestaurantConfig): RestaurantConfig {
  const tableIndex = new Map(c.tables.map((t, i) => [t.key, i]));
  const contact = compact({ phone: c.contact?.phone, email: c.contact?.email, website: c.contact?.website });
  const l = c.location;
  const location = compact({ address: l?.address, city: l?.city, postalCode: l?.postalCode, country: l?.country });
  return {
    slug: c.slug,
    name: c.name,
    timezone: c.timezone,
    plan: c.plan,
    ...(contact ? { contact } : {}),
    ...(location ? { location } : {}),
    policy: {
      minPartySize: c.policy.minPartySize,
      maxPartySize: c.policy.maxPartySize,
      slotIntervalMinutes: c.policy.slotIntervalMinutes,
      bookingWindowDays: c.policy.bookingWindowDays,
      minNoticeMinutes: c.policy.minNoticeMinutes,
      bufferMinutes: c.policy.bufferMinutes,
      cancellationCutoffMinutes: c.policy.cancellationCutoffMinutes,
      turnTimes: c.policy.turnTimes.map((t) => ({ maxPartySize: t.maxPartySize, minutes: t.minutes })),
    },
    areas: c.areas.map((a) => ({ key: a.key, name: a.name })),
    tables: c.tables.map((t) => ({ key: t.key, area: t.area, minCovers: t.minCovers, maxCovers: t.maxCovers })),
    combinations: c.combinations.map((cb) => ({
      tables: [...cb.tables].sort((a, b) => tableIndex.get(a)! - tableIndex.get(b)!),
      minCovers: cb.minCovers,
      maxCovers: cb.maxCovers,
    })),
    services: c.services.map((s) => {
      const pacing = canonicalPacing(s.pacing);
      return {
        key: s.key,
        name: s.name,
        days: WEEKDAYS.filter((d) => s.days.includes(d)),
        start: s.start,
        lastSeating: s.lastSeating,
        end: s.end,
        ...(pacing ? { pacing } : {}),
      };
    }),
    closures: [...c.closures].sort(byDate).map((cl) => ({ date: cl.date, ...(cl.reason ? { reason: cl.reason } : {}) })),
    events: [...c.events]
      .sort((a, b) => byDate(a, b) || cmp(a.start, b.start) || cmp(a.key, b.key))
      .map((e) => ({
        key: e.key, name: e.name, date: e.date, start: e.start, end: e.end, capacity: e.capacity, closesRegularService: e.closesRegularService,
      })),
    specialHours: [...c.specialHours].sort(byDate).map((d) => ({ date: d.date, services: d.services.map(canonicalSpecialService) })),
    notifications: canonicalSettings(c.notifications),
  };
}
