/**
 * Reports over a range of local service dates: each one a section of rows computed in SQL (queries.ts) in the
 * restaurant's time zone. The restaurant's profile gives the zone and the policy's cancellation cut-off.
 */
import type { Db, Queryable } from '../../db/types.js';
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

/**
 * One report, its query in a read-only transaction of its own with JIT compilation off (SET LOCAL: the connection goes
 * back to the pool as it was). A report reads tens of thousands of rows once; PostgreSQL's cost estimates for them
 * (generate_series per booking, a history probe per cancelled booking) cross the JIT thresholds, and compiling the
 * plan cost more than running it (docs/benchmarks.md).
 */
export function buildSection<K extends ReportName>(db: Db, name: K, c: ReportContext): Promise<Sections[K]> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION READ ONLY; SET LOCAL jit = off');
    return BUILDERS[name](tx, c);
  });
}

/** Every report of the range, each in its own transaction, side by side on the pool's connections. */
export async function buildAll(db: Db, c: ReportContext): Promise<ReportHeader & Sections> {
  const sections = await Promise.all(REPORT_NAMES.map((name) => buildSection(db, name, c)));
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
