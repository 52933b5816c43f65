/**
 * Reports over a range of local service dates: each one a section of rows computed in SQL (queries.ts) in the
 * restaurant's time zone. The restaurant's profile gives the zone and the policy's cancellation cut-off.
 */
import type { Db, Queryable } from '../../db/types.js';
import { loadProfile } from '../restaurants/floor.js';
import { BOOK_REPORTS, bookRows, guestRows, occupancyRows, waitlistRows, type BookReport, type ReportRange } from './queries.js';
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

const book = <K extends BookReport>(name: K) => async (q: Queryable, c: ReportContext) => (await bookRows(q, c.range, c.cutoffMinutes, [name]))[name];

const BUILDERS: { [K in ReportName]: (q: Queryable, c: ReportContext) => Promise<Sections[K]> } = {
  daily: async (q, c) => ({ rows: await book('daily')(q, c) }),
  statusMix: async (q, c) => ({ cancellationCutoffMinutes: c.cutoffMinutes, rows: await book('statusMix')(q, c) }),
  occupancy: (q, c) => occupancyRows(q, c.range),
  leadTime: async (q, c) => ({ rows: await book('leadTime')(q, c) }),
  partySize: async (q, c) => ({ rows: await book('partySize')(q, c) }),
  sources: async (q, c) => ({ rows: await book('sources')(q, c) }),
  waitlist: (q, c) => waitlistRows(q, c.range),
  guests: async (q, c) => ({ rows: await guestRows(q, c.range) }),
};

/**
 * What every report transaction sets first (SET LOCAL: the connection goes back to the pool as it was):
 *
 * - read-only;
 * - JIT compilation off: a report reads tens of thousands of rows once; PostgreSQL's cost estimates for them cross the
 *   JIT thresholds, and compiling the plan cost more than running it (docs/benchmarks.md);
 * - work_mem 32 MB: the bookings' statement (bookRows) groups by its GROUPING SETS in one hashed pass only when the
 *   planner expects their hash tables to fit; it cannot tell how few groups the status × lead time × party size ×
 *   source set has (a few hundred; it guesses one per booking), and with the default 4 MB it sorts the range's
 *   bookings for that set instead, spilling to disk. The hash tables really take well under 1 MB;
 * - random_page_cost 1.1 (the usual value for data in memory or on SSD, instead of 4): the rows a report reads are in
 *   shared buffers, and with the default the planner read every heap row of the table for occupancy rather than the
 *   index-only scan of the seated spans' index (0008) that it was made for — which costs ~25 % less CPU on the bench's
 *   year, and far less with years of history or other restaurants in the table.
 */
export const REPORT_GUCS: Readonly<Record<string, string>> = { jit: 'off', work_mem: '32MB', random_page_cost: '1.1' };
const REPORT_SETTINGS = `READ ONLY; ${Object.entries(REPORT_GUCS).map(([k, v]) => `SET LOCAL ${k} = '${v}'`).join('; ')}`;

/** One report, its query in a read-only transaction of its own (REPORT_SETTINGS). */
export function buildSection<K extends ReportName>(db: Db, name: K, c: ReportContext): Promise<Sections[K]> {
  return db.transaction(async (tx) => {
    await tx.exec(`SET TRANSACTION ${REPORT_SETTINGS}`);
    return BUILDERS[name](tx, c);
  });
}

/** A snapshot identifier as pg_export_snapshot() writes it (hexadecimal parts joined by '-'). */
const SNAPSHOT_ID = /^[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+$/;

/**
 * How many /reports answers are built at once per database handle; the others wait their turn. Each holds three pool
 * connections, the others taken while the first is held (they must join its snapshot): with no cap, as many requests
 * as the pool has connections could each hold one and all wait for more. Two at a time hold at most 6 of the pool's 10
 * and already keep both cores busy.
 */
const ALL_AT_ONCE = 2;
const turns = new WeakMap<Db, { running: number; waiting: (() => void)[] }>();

async function inTurn<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  let t = turns.get(db);
  if (!t) turns.set(db, (t = { running: 0, waiting: [] }));
  const slot = t;
  if (slot.running >= ALL_AT_ONCE) await new Promise<void>((resolve) => slot.waiting.push(resolve));
  else slot.running++;
  try {
    return await fn();
  } finally {
    const next = slot.waiting.shift();
    if (next) next(); // the slot passes on as it is
    else slot.running--;
  }
}

/** Runs fn in a read-only transaction that sees the given exported snapshot (REPORT_SETTINGS). */
function inSnapshot<T>(db: Db, snapshot: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, ${REPORT_SETTINGS}; SET TRANSACTION SNAPSHOT '${snapshot}'`);
    return fn(tx);
  });
}

/**
 * Every report of the range, as of one moment, in three statements side by side on three pool connections: the
 * bookings' counts (bookRows: daily, status mix, lead time, party size, sources) in a REPEATABLE READ transaction that
 * exports its snapshot; occupancy; guests then the waitlist — those two in transactions that import the snapshot (SET
 * TRANSACTION SNAPSHOT). All read the same committed state (a booking written meanwhile is in every section or in
 * none), and the answer takes about the longest statement, not their sum.
 */
export function buildAll(db: Db, c: ReportContext): Promise<ReportHeader & Sections> {
  return inTurn(db, () =>
    db.transaction(async (tx) => {
      await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, ${REPORT_SETTINGS}`);
      const { rows } = await tx.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      const snapshot = rows[0].id;
      if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`unexpected snapshot identifier ${JSON.stringify(snapshot)}`);
      const occupancy = inSnapshot(db, snapshot, (tx2) => occupancyRows(tx2, c.range));
      const guestsAndWaitlist = inSnapshot(db, snapshot, async (tx3) => ({ guests: await guestRows(tx3, c.range), waitlist: await waitlistRows(tx3, c.range) }));
      const books = bookRows(tx, c.range, c.cutoffMinutes, BOOK_REPORTS);
      // All settle before the exporting transaction ends (its snapshot must outlive the imports).
      const [b, o, g] = await Promise.allSettled([books, occupancy, guestsAndWaitlist]);
      for (const p of [b, o, g]) if (p.status === 'rejected') throw p.reason;
      const r = (b as PromiseFulfilledResult<Awaited<typeof books>>).value;
      const rest = (g as PromiseFulfilledResult<Awaited<typeof guestsAndWaitlist>>).value;
      return {
        ...c.header,
        daily: { rows: r.daily },
        statusMix: { cancellationCutoffMinutes: c.cutoffMinutes, rows: r.statusMix },
        occupancy: (o as PromiseFulfilledResult<Awaited<typeof occupancy>>).value,
        leadTime: { rows: r.leadTime },
        partySize: { rows: r.partySize },
        sources: { rows: r.sources },
        waitlist: rest.waitlist,
        guests: { rows: rest.guests },
      };
    }),
  );
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
