/**
 * Reports over a range of local service dates: each one a section of rows computed in SQL (queries.ts) in the
 * restaurant's time zone. The restaurant's profile gives the zone and the policy's cancellation cut-off.
 */
import type { Queryable } from '../../db/types.js';
import { loadProfile } from '../restaurants/floor.js';
import {
  dailyRows, guestRows, leadTimeRows, occupancyRows, partySizeRows, sourceRows, statusMixRows, waitlistRows, type ReportRange,
} from './queries.js';
import { REPORT_NAMES, type ReportHeader, type ReportName, type Sections } from './schemas.js';

export interface ReportContext {
  header: ReportHeader;
  range: ReportRange;
  cutoffMinutes: number;
}

/** Resolves the restaurant (id or slug; 404 not_found) and the range into what every report needs. */
export async function reportContext(q: Queryable, restaurant: string, from: string, to: string): Promise<ReportContext> {
  const profile = await loadProfile(q, restaurant);
  return {
    header: { restaurant: profile.slug, timezone: profile.timezone, from, to },
    range: { restaurantId: profile.id, from, to, timezone: profile.timezone },
    cutoffMinutes: profile.policy.cancellationCutoffMinutes,
  };
}

const BUILDERS: { [K in ReportName]: (q: Queryable, c: ReportContext) => Promise<Sections[K]> } = {
  daily: async (q, c) => ({ rows: await dailyRows(q, c.range) }),
  statusMix: async (q, c) => ({ cancellationCutoffMinutes: c.cutoffMinutes, rows: await statusMixRows(q, c.range, c.cutoffMinutes) }),
  occupancy: (q, c) => occupancyRows(q, c.range),
  leadTime: async (q, c) => ({ rows: await leadTimeRows(q, c.range) }),
  partySize: async (q, c) => ({ rows: await partySizeRows(q, c.range) }),
  sources: async (q, c) => ({ rows: await sourceRows(q, c.range) }),
  waitlist: (q, c) => waitlistRows(q, c.range),
  guests: async (q, c) => ({ rows: await guestRows(q, c.range) }),
};

export function buildSection<K extends ReportName>(q: Queryable, name: K, c: ReportContext): Promise<Sections[K]> {
  return BUILDERS[name](q, c);
}

/** Every report of the range, its queries side by side on the pool's connections. */
export async function buildAll(q: Queryable, c: ReportContext): Promise<ReportHeader & Sections> {
  const sections = await Promise.all(REPORT_NAMES.map((name) => buildSection(q, name, c)));
  return { ...c.header, ...(Object.fromEntries(REPORT_NAMES.map((name, i) => [name, sections[i]])) as unknown as Sections) };
}

/** The CSV columns of each report: its row fields, in order. */
export const CSV_COLUMNS: { [K in ReportName]: readonly (keyof Sections[K]['rows'][number] & string)[] } = {
  daily: ['date', 'service', 'bookings', 'covers', 'seatedCovers'],
  statusMix: ['status', 'bookings', 'covers', 'share'],
  occupancy: ['weekday', 'hour', 'hours', 'seatedCoverHours', 'capacityCoverHours', 'occupancy'],
  leadTime: ['bucket', 'minDays', 'maxDays', 'bookings', 'covers', 'share'],
  partySize: ['partySize', 'bookings', 'covers', 'share'],
  sources: ['source', 'bookings', 'covers', 'share'],
  waitlist: ['status', 'entries', 'covers', 'share'],
  guests: ['kind', 'guests', 'bookings', 'covers'],
};

/** The URL path segment of each report (kebab-case). */
export const REPORT_PATHS: { [K in ReportName]: string } = {
  daily: 'daily',
  statusMix: 'status-mix',
  occupancy: 'occupancy',
  leadTime: 'lead-time',
  partySize: 'party-size',
  sources: 'sources',
  waitlist: 'waitlist',
  guests: 'guests',
};
