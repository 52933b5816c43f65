/**
 * The reports' SQL. Every figure is computed by PostgreSQL; dates are the reservations' local service dates (an
 * overnight slot after midnight keeps the date its service started on) and hours are local wall-clock hours of the
 * restaurant's zone, bucketed on real instants so a DST day has 23 or 25 of them.
 *
 * "Kept" bookings: confirmed, seated, completed and no-show — on the book and not cancelled. `held` rows (a table
 * held for a waitlist offer) are never bookings and never counted.
 */
import type { Queryable } from '../../db/types.js';
import type { Sections } from './schemas.js';

export interface ReportRange {
  restaurantId: string;
  from: string;
  to: string;
  timezone: string;
}

const KEPT = `('confirmed', 'seated', 'completed', 'no_show')`;
const SEATED = `('seated', 'completed')`;
/** Share of a count in its column's total, 4 decimals (0 when the total is 0). */
const share = (col: string) => `coalesce(round(${col}::numeric / nullif(sum(${col}) OVER (), 0), 4), 0)::float8`;

/**
 * The reports drawn from the range's bookings by plain counting — daily, status mix, lead time, party size, sources —
 * as one statement: the range's bookings are read once and grouped in one pass by GROUPING SETS, each set a hash table
 * of its own: (date, service) for daily (~730 groups a year); (status class, lead-time bucket, party size, source) for
 * the four distributions (~600), rolled up per column afterwards. Asked for fewer reports, the statement keeps only
 * their columns and sets (one report: one set, a plain GROUP BY). Guests (guestRows) are a statement of their own: a
 * guest set in this one (~20,000 groups a year) cost more, materialized for the rolled-up parts, than the separate
 * statement's own scan of the range (docs/benchmarks.md).
 *
 * "Kept" bookings: confirmed, seated, completed and no-show. The status mix counts every booking that is not `held`
 * (cancelled ones too); the other reports count kept bookings only (a row's `kept` is 1 or 0, summed).
 *
 * - Status mix: a cancellation is late when it happened at or after (start − cut-off): its time is the history's
 *   status change to cancelled (the row's last update when history is missing). Only a cancelled booking looks up its
 *   history, in the partial index of cancellations (0008: an index-only probe of one entry).
 * - Lead time: local calendar days from the day the booking was made to its service date, bucketed 0 (or less: made
 *   on the day), 1, 2–3, 4–7, 8–14, 15–30, 31+ — without a time-zone conversion per booking: the local midnights of the
 *   range's dates (and the 30 before) are computed once, as an array, and a booking's bucket is where its created_at
 *   falls among the midnights 0, 1, 3, 7, 14 and 30 days before its date (one conversion per booking cost ~20 % more).
 */
export const BOOK_REPORTS = ['daily', 'statusMix', 'leadTime', 'partySize', 'sources'] as const;
export type BookReport = (typeof BOOK_REPORTS)[number];
export type BookRows = { [K in BookReport]: Sections[K]['rows'] };

/** One output row of the statement: its report (section), its place there (ord) and generic fields. */
interface BookRow {
  section: number;
  a: string | null;
  b: string | null;
  bookings: number;
  covers: number;
  n: number | null;
  m: number | null;
  share: number;
}

const SECTION_NO: { [K in BookReport]: number } = { daily: 1, statusMix: 2, leadTime: 3, partySize: 4, sources: 5 };

const TO_ROW: { [K in BookReport]: (r: BookRow) => BookRows[K][number] } = {
  daily: (r) => ({ date: r.a!, service: r.b!, bookings: r.bookings, covers: r.covers, seatedCovers: r.n! }),
  statusMix: (r) => ({ status: r.a as BookRows['statusMix'][number]['status'], bookings: r.bookings, covers: r.covers, share: r.share }),
  leadTime: (r) => ({
    bucket: r.a as BookRows['leadTime'][number]['bucket'], minDays: r.n!, maxDays: r.m, bookings: r.bookings, covers: r.covers, share: r.share,
  }),
  partySize: (r) => ({ partySize: r.n!, bookings: r.bookings, covers: r.covers, share: r.share }),
  sources: (r) => ({ source: r.a!, bookings: r.bookings, covers: r.covers, share: r.share }),
};

/** The columns every part of the statement's UNION ALL yields, in order. */
const row = (section: number, ord: string, a: string, b: string, bookings: string, covers: string, n: string, m: string, shareOf: string) =>
  `SELECT ${section} AS section, (${ord})::int AS ord, (${a})::text AS a, (${b})::text AS b, (${bookings})::int AS bookings,
          (${covers})::int AS covers, (${n})::int AS n, (${m})::int AS m, (${shareOf})::float8 AS share`;

/** Each report's part: its rows out of `grouped` (part 1: the daily set, 2: the distributions' set). */
const PARTS: { [K in BookReport]: string } = {
  daily: `${row(1, 'row_number() OVER (ORDER BY g.date, s.position NULLS LAST, g.service_key)', "to_char(g.date, 'YYYY-MM-DD')", 'g.service_key',
    'g.bookings', 'g.covers', 'g.seated_covers', 'NULL', 'NULL')}
       FROM grouped g LEFT JOIN services s ON s.restaurant_id = $1 AND s.key = g.service_key
      WHERE g.part = 1 AND g.bookings > 0`,
  // The six classes, each with its counts (not the bookings joined to the list of classes).
  statusMix: `${row(2, 'k.ord', 'k.status', 'NULL', 'coalesce(c.bookings, 0)', 'coalesce(c.covers, 0)', 'NULL', 'NULL', share('coalesce(c.bookings, 0)'))}
       FROM (VALUES ('confirmed', 1), ('seated', 2), ('completed', 3), ('no_show', 4), ('cancelled', 5), ('late_cancelled', 6)) AS k(status, ord)
       LEFT JOIN (SELECT mix, sum(all_bookings) AS bookings, sum(all_covers) AS covers FROM grouped WHERE part = 2 GROUP BY mix) c
              ON c.mix = k.status`,
  leadTime: `${row(3, 'k.ord', 'k.bucket', 'NULL', 'coalesce(c.bookings, 0)', 'coalesce(c.covers, 0)', 'k.min_days', 'k.max_days', share('coalesce(c.bookings, 0)'))}
       FROM (VALUES ('same_day', 0, 0, 1), ('1_day', 1, 1, 2), ('2_3_days', 2, 3, 3), ('4_7_days', 4, 7, 4),
                    ('8_14_days', 8, 14, 5), ('15_30_days', 15, 30, 6), ('31_plus_days', 31, NULL, 7)) AS k(bucket, min_days, max_days, ord)
       LEFT JOIN (SELECT lead, sum(bookings) AS bookings, sum(covers) AS covers FROM grouped WHERE part = 2 AND lead IS NOT NULL GROUP BY lead) c
              ON c.lead = k.ord`,
  partySize: `${row(4, 'row_number() OVER (ORDER BY c.party_size)', 'NULL', 'NULL', 'c.bookings', 'c.covers', 'c.party_size', 'NULL', share('c.bookings'))}
       FROM (SELECT party_size, sum(bookings) AS bookings, sum(covers) AS covers FROM grouped WHERE part = 2
              GROUP BY party_size HAVING sum(bookings) > 0) c`,
  sources: `${row(5, 'row_number() OVER (ORDER BY c.bookings DESC, c.source)', 'c.source', 'NULL', 'c.bookings', 'c.covers', 'NULL', 'NULL', share('c.bookings'))}
       FROM (SELECT source, sum(bookings) AS bookings, sum(covers) AS covers FROM grouped WHERE part = 2
              GROUP BY source HAVING sum(bookings) > 0) c`,
};

/**
 * The statement for the reports asked for, and its parameters: $1 restaurant, $2 from, $3 to, then the time zone (lead
 * time) and the cut-off minutes (status mix) when those reports are asked for.
 */
export function bookStatement(wanted: readonly BookReport[], r: ReportRange, cutoffMinutes: number): { text: string; values: unknown[] } {
  const want = new Set(wanted);
  const has = (k: BookReport) => want.has(k);
  const columns = ['r.party_size'];
  const sets: { columns: string[]; part: number }[] = [];
  if (has('daily')) {
    columns.push('r.date', 'r.service_key', `CASE WHEN r.status IN ${SEATED} THEN r.party_size ELSE 0 END AS seated_covers`);
    sets.push({ columns: ['date', 'service_key'], part: 1 });
  }
  const spread: string[] = [];
  if (has('statusMix')) {
    columns.push(`CASE WHEN r.status <> 'cancelled' THEN r.status
                       WHEN coalesce((SELECT max(h.at) FROM reservation_history h WHERE h.reservation_id = r.id AND h.to_status = 'cancelled'),
                                     r.updated_at) >= r.starts_at - make_interval(mins => $CUTOFF::int) THEN 'late_cancelled'
                       ELSE 'cancelled' END AS mix`);
    spread.push('mix');
  }
  if (has('leadTime')) {
    // Where created_at falls among the local midnights 0, 1, 3, 7, 14 and 30 days before the booking's date (array
    // `midnights`, one element per date from `from` − 30 to `to`: element date − from + 31 is the midnight starting
    // that date): made on local day D − k or later ⟺ created_at ≥ the local midnight starting D − k.
    columns.push(`CASE WHEN r.status IN ${KEPT} THEN
                    CASE WHEN r.created_at >= m.at[r.date - $2::date + 31] THEN 1 WHEN r.created_at >= m.at[r.date - $2::date + 30] THEN 2
                         WHEN r.created_at >= m.at[r.date - $2::date + 28] THEN 3 WHEN r.created_at >= m.at[r.date - $2::date + 24] THEN 4
                         WHEN r.created_at >= m.at[r.date - $2::date + 17] THEN 5 WHEN r.created_at >= m.at[r.date - $2::date + 1] THEN 6
                         ELSE 7 END END AS lead`);
    spread.push('lead');
  }
  if (has('partySize')) spread.push('party_size');
  if (has('sources')) {
    columns.push('r.source');
    spread.push('source');
  }
  if (spread.length) sets.push({ columns: spread, part: 2 });
  if (!sets.length) throw new TypeError('bookStatement: no report asked for');
  const part = sets.length === 1 ? String(sets[0].part)
    : `CASE ${sets.slice(0, -1).map((s) => `WHEN GROUPING(${s.columns[0]}) = 0 THEN ${s.part}`).join(' ')} ELSE ${sets.at(-1)!.part} END`;
  const grouped = [...new Set(sets.flatMap((s) => s.columns))].join(', ');
  // The local midnights of the lead time: computed once (~400 conversions), not once per booking.
  const midnights = has('leadTime')
    ? `midnights AS MATERIALIZED (
         SELECT array_agg((($2::date - 30 + i)::timestamp AT TIME ZONE $TZ::text) ORDER BY i) AS at
           FROM generate_series(0, $3::date - $2::date + 30) AS i
       ), `
    : '';
  const text = `WITH ${midnights}booked AS (
       SELECT ${columns.join(',\n              ')},
              CASE WHEN r.status IN ${KEPT} THEN 1 ELSE 0 END AS kept,
              CASE WHEN r.status IN ${KEPT} THEN r.party_size ELSE 0 END AS kept_covers
         FROM reservations r${has('leadTime') ? ' CROSS JOIN midnights m' : ''}
        WHERE r.restaurant_id = $1 AND r.date BETWEEN $2::date AND $3::date AND r.status ${has('statusMix') ? `<> 'held'` : `IN ${KEPT}`}
     ), grouped AS (
       SELECT ${part} AS part, ${grouped},
              sum(kept) AS bookings, sum(kept_covers) AS covers${has('daily') ? ', sum(seated_covers) AS seated_covers' : ''}${
                has('statusMix') ? ', count(*) AS all_bookings, sum(party_size) AS all_covers' : ''}
         FROM booked
        GROUP BY GROUPING SETS (${sets.map((s) => `(${s.columns.join(', ')})`).join(', ')})
     )
     ${BOOK_REPORTS.filter(has).map((k) => `(${PARTS[k]})`).join('\n     UNION ALL\n     ')}
     ORDER BY section, ord`;
  const values: unknown[] = [r.restaurantId, r.from, r.to];
  const numbered = text.replace(/\$(TZ|CUTOFF)\b/g, (_, name: string) => {
    values.push(name === 'TZ' ? r.timezone : cutoffMinutes);
    return `$${values.length}`;
  });
  return { text: numbered, values };
}

/** The reports asked for, from one statement (bookStatement). */
export async function bookRows<K extends BookReport>(
  q: Queryable, r: ReportRange, cutoffMinutes: number, wanted: readonly K[],
): Promise<Pick<BookRows, K>> {
  const statement = bookStatement(wanted, r, cutoffMinutes);
  const { rows } = await q.query<BookRow>(statement.text, statement.values);
  const out = {} as { [R in BookReport]?: unknown[] };
  for (const k of wanted) out[k] = [];
  const bySection = new Map<number, BookReport>(wanted.map((k) => [SECTION_NO[k], k]));
  for (const x of rows) {
    const k = bySection.get(x.section)!;
    out[k]!.push(TO_ROW[k](x));
  }
  return out as Pick<BookRows, K>;
}

/**
 * Occupancy by local weekday × hour. The range is [local midnight of `from`, local midnight after `to`) as instants;
 * it is cut into one-hour buckets from its start (so a DST day has 23 or 25), each labelled with its local weekday
 * and hour. A seated or completed booking adds guests × the part of [starts_at, ends_at) inside each bucket; the
 * capacity of a bucket is the floor plan's seats × 1 hour.
 *
 * Without cutting each booking into hour pieces: a booking is two events, +guests at its start and −guests at its end
 * (clamped to the range), at x seconds from the range's start. An event of weight w adds w × (the seconds from x to
 * the end of its own bucket) to that bucket, and w × 3600 to every later bucket. So each bucket's seated cover-seconds
 * are the partial terms of the events in it plus a running sum of the steps of the events in earlier buckets: one
 * hashed aggregation of the events by bucket, then a window over the range's buckets. Exact: seconds are numeric
 * (microseconds), divided by 3600 once per cell.
 */
export async function occupancyRows(q: Queryable, r: ReportRange): Promise<{ seats: number; rows: Sections['occupancy']['rows'] }> {
  const { rows } = await q.query<Sections['occupancy']['rows'][number] & { seats: number }>(
    `WITH bounds AS (
       SELECT ($2::date::timestamp AT TIME ZONE $4) AS lo, (($3::date + 1)::timestamp AT TIME ZONE $4) AS hi
     ), seated AS NOT MATERIALIZED (
       -- The bookings are found through the partial index of seated ones by end (0008): those ending after the range's
       -- start, whatever the length of the history before it. Read twice (starts, ends), each an index-only scan.
       SELECT r.starts_at, r.ends_at, r.party_size FROM reservations r
        WHERE r.restaurant_id = $1 AND r.status IN ${SEATED} AND r.ends_at > ($2::date::timestamp AT TIME ZONE $4)
          AND r.starts_at < (($3::date + 1)::timestamp AT TIME ZONE $4)
     ), events AS (
       -- Bookings share slots and turn times: starts are grouped by instant, ends too (hashed steps on the timestamps),
       -- before any arithmetic; then clamped to the range and counted in whole microseconds from its start (bigint).
       SELECT (date_part('epoch', greatest(least(x, bounds.hi), bounds.lo) - bounds.lo) * 1000000)::bigint AS us, w
         FROM (SELECT starts_at AS x, sum(party_size) AS w FROM seated GROUP BY starts_at
               UNION ALL
               SELECT ends_at, -sum(party_size) FROM seated GROUP BY ends_at) AS e, bounds
     ), per_bucket AS (
       SELECT us / 3600000000 AS k, sum(w * ((us / 3600000000 + 1) * 3600000000 - us)) AS partial, sum(w) * 3600000000 AS step
         FROM events GROUP BY 1
     ), buckets AS (
       SELECT b, k - 1 AS k FROM bounds, generate_series(lo, hi - interval '1 hour', interval '1 hour') WITH ORDINALITY AS g(b, k)
     ), filled AS (
       SELECT bk.b, coalesce(p.partial, 0)
                    + coalesce(sum(p.step) OVER (ORDER BY bk.k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cover_us
         FROM buckets bk LEFT JOIN per_bucket p ON p.k = bk.k
     ), capacity AS (
       SELECT coalesce(sum(max_covers), 0)::int AS seats FROM tables WHERE restaurant_id = $1
     )
     SELECT extract(isodow FROM f.b AT TIME ZONE $4)::int AS weekday, extract(hour FROM f.b AT TIME ZONE $4)::int AS hour,
            count(*)::int AS hours, round(sum(f.cover_us) / 3600000000, 2)::float8 AS "seatedCoverHours",
            (count(*) * c.seats)::int AS "capacityCoverHours",
            round(sum(f.cover_us) / 3600000000 / nullif(count(*) * c.seats, 0), 4)::float8 AS occupancy,
            c.seats
       FROM filled f CROSS JOIN capacity c
      GROUP BY 1, 2, c.seats
      ORDER BY 1, 2`,
    [r.restaurantId, r.from, r.to, r.timezone],
  );
  const seats = rows[0]?.seats ?? 0;
  return { seats, rows: rows.map(({ seats: _seats, ...row }) => row) };
}

/** Waitlist entries by the local date they wait for, by status; conversion = booked / all. */
export async function waitlistRows(q: Queryable, r: ReportRange): Promise<Sections['waitlist']> {
  const { rows } = await q.query<Sections['waitlist']['rows'][number] & { conversion: number | null }>(
    `WITH counted AS (
       SELECT k.status, k.ord, count(w.id)::int AS entries, coalesce(sum(w.party_size), 0)::int AS covers
         FROM (VALUES ('waiting', 1), ('offered', 2), ('booked', 3), ('expired', 4), ('cancelled', 5)) AS k(status, ord)
         LEFT JOIN waitlist_entries w ON w.status = k.status AND w.restaurant_id = $1 AND w.date BETWEEN $2::date AND $3::date
        GROUP BY k.status, k.ord
     )
     SELECT status, entries, covers, ${share('entries')} AS share,
            round((sum(entries) FILTER (WHERE status = 'booked') OVER ())::numeric / nullif(sum(entries) OVER (), 0), 4)::float8 AS conversion
       FROM counted ORDER BY ord`,
    [r.restaurantId, r.from, r.to],
  );
  return { conversionRate: rows[0]?.conversion ?? null, rows: rows.map(({ conversion: _c, ...row }) => row) };
}

/**
 * New and returning guests among the kept bookings of the range: returning when the guest was seated (a seated or
 * completed booking) on a date before `from`. The range's bookings are counted per guest first (one hashed step), then
 * each guest is classified once (an EXISTS the planner runs as a hashed set of the earlier seated guests or as a
 * look-up per guest in reservations_customer_idx, whichever is cheaper for the history's length).
 */
export async function guestRows(q: Queryable, r: ReportRange): Promise<Sections['guests']['rows']> {
  const { rows } = await q.query<Sections['guests']['rows'][number]>(
    `WITH per_guest AS (
       SELECT customer_id, count(*) AS bookings, sum(party_size) AS covers FROM reservations
        WHERE restaurant_id = $1 AND date BETWEEN $2::date AND $3::date AND status IN ${KEPT}
        GROUP BY customer_id
     ), classified AS (
       SELECT CASE WHEN g.customer_id IS NULL THEN 'unknown'
                   WHEN EXISTS (SELECT 1 FROM reservations p
                                 WHERE p.restaurant_id = $1 AND p.customer_id = g.customer_id AND p.date < $2::date AND p.status IN ${SEATED})
                     THEN 'returning'
                   ELSE 'new' END AS kind,
              g.bookings, g.covers
         FROM per_guest g
     ), by_kind AS (
       SELECT kind, count(*)::int AS guests, sum(bookings)::int AS bookings, sum(covers)::int AS covers FROM classified GROUP BY kind
     )
     SELECT g.kind, CASE WHEN g.kind = 'unknown' THEN NULL ELSE coalesce(b.guests, 0) END AS guests,
            coalesce(b.bookings, 0) AS bookings, coalesce(b.covers, 0) AS covers
       FROM (VALUES ('new', 1), ('returning', 2), ('unknown', 3)) AS g(kind, ord)
       LEFT JOIN by_kind b ON b.kind = g.kind
      ORDER BY g.ord`,
    [r.restaurantId, r.from, r.to],
  );
  return rows;
}
