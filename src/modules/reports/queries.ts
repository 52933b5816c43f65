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

export async function dailyRows(q: Queryable, r: ReportRange): Promise<Sections['daily']['rows']> {
  const { rows } = await q.query<Sections['daily']['rows'][number]>(
    `SELECT to_char(r.date, 'YYYY-MM-DD') AS date, r.service_key AS service, count(*)::int AS bookings,
            sum(r.party_size)::int AS covers,
            coalesce(sum(r.party_size) FILTER (WHERE r.status IN ${SEATED}), 0)::int AS "seatedCovers"
       FROM reservations r
       LEFT JOIN services s ON s.restaurant_id = r.restaurant_id AND s.key = r.service_key
      WHERE r.restaurant_id = $1 AND r.date BETWEEN $2::date AND $3::date AND r.status IN ${KEPT}
      GROUP BY r.date, r.service_key, s.position
      ORDER BY r.date, s.position NULLS LAST, r.service_key`,
    [r.restaurantId, r.from, r.to],
  );
  return rows;
}

/**
 * A cancellation is late when it happened at or after (start − cut-off): its time is the history's status change to
 * cancelled (the row's last update when history is missing).
 */
export async function statusMixRows(q: Queryable, r: ReportRange, cutoffMinutes: number): Promise<Sections['statusMix']['rows']> {
  const { rows } = await q.query<Sections['statusMix']['rows'][number]>(
    `WITH by_status AS (
       -- Each booking is classified once and grouped; only a cancelled one looks up its history, in the partial index
       -- of cancellations (0008: an index-only probe of one entry).
       SELECT CASE WHEN r.status <> 'cancelled' THEN r.status
                   WHEN coalesce((SELECT max(h.at) FROM reservation_history h WHERE h.reservation_id = r.id AND h.to_status = 'cancelled'),
                                 r.updated_at) >= r.starts_at - make_interval(mins => $4::int) THEN 'late_cancelled'
                   ELSE 'cancelled' END AS status,
              count(*)::int AS bookings, sum(r.party_size)::int AS covers
         FROM reservations r
        WHERE r.restaurant_id = $1 AND r.date BETWEEN $2::date AND $3::date AND r.status <> 'held'
        GROUP BY 1
     ), counted AS (
       -- The six statuses pick their counts (not the booking rows joined to the list of statuses).
       SELECT k.status, k.ord, coalesce(b.bookings, 0) AS bookings, coalesce(b.covers, 0) AS covers
         FROM (VALUES ('confirmed', 1), ('seated', 2), ('completed', 3), ('no_show', 4), ('cancelled', 5), ('late_cancelled', 6))
              AS k(status, ord)
         LEFT JOIN by_status b ON b.status = k.status
     )
     SELECT status, bookings, covers, ${share('bookings')} AS share FROM counted ORDER BY ord`,
    [r.restaurantId, r.from, r.to, cutoffMinutes],
  );
  return rows;
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

/**
 * Lead time: local calendar days from the day a kept booking was made (its created_at, local) to its service date.
 * Without a time-zone conversion per booking: for each date of the range the local midnights 0, 1, 3, 7, 14 and 30
 * days before it are computed once (366 rows), and a booking's bucket is where its created_at falls among its date's
 * midnights (made on local day D − k or later ⟺ created_at ≥ local midnight starting D − k).
 */
export async function leadTimeRows(q: Queryable, r: ReportRange): Promise<Sections['leadTime']['rows']> {
  const { rows } = await q.query<Sections['leadTime']['rows'][number]>(
    `WITH days AS MATERIALIZED (
       -- Materialized: computed once per date, not once per joined booking.
       SELECT d AS date, (d::timestamp AT TIME ZONE $4) AS m0, ((d - 1)::timestamp AT TIME ZONE $4) AS m1,
              ((d - 3)::timestamp AT TIME ZONE $4) AS m3, ((d - 7)::timestamp AT TIME ZONE $4) AS m7,
              ((d - 14)::timestamp AT TIME ZONE $4) AS m14, ((d - 30)::timestamp AT TIME ZONE $4) AS m30
         FROM (SELECT $2::date + i AS d FROM generate_series(0, $3::date - $2::date) AS i) AS dates
     ), by_bucket AS (
       SELECT CASE WHEN r.created_at >= d.m0 THEN 1 WHEN r.created_at >= d.m1 THEN 2 WHEN r.created_at >= d.m3 THEN 3
                   WHEN r.created_at >= d.m7 THEN 4 WHEN r.created_at >= d.m14 THEN 5 WHEN r.created_at >= d.m30 THEN 6 ELSE 7 END AS ord,
              count(*)::int AS bookings, sum(r.party_size)::int AS covers
         FROM reservations r JOIN days d ON d.date = r.date
        WHERE r.restaurant_id = $1 AND r.date BETWEEN $2::date AND $3::date AND r.status IN ${KEPT}
        GROUP BY 1
     ), counted AS (
       SELECT k.bucket, k.min_days, k.max_days, k.ord, coalesce(b.bookings, 0) AS bookings, coalesce(b.covers, 0) AS covers
         FROM (VALUES ('same_day', 0, 0, 1), ('1_day', 1, 1, 2), ('2_3_days', 2, 3, 3), ('4_7_days', 4, 7, 4),
                      ('8_14_days', 8, 14, 5), ('15_30_days', 15, 30, 6), ('31_plus_days', 31, NULL, 7))
              AS k(bucket, min_days, max_days, ord)
         LEFT JOIN by_bucket b ON b.ord = k.ord
     )
     SELECT bucket, min_days AS "minDays", max_days AS "maxDays", bookings, covers, ${share('bookings')} AS share
       FROM counted ORDER BY ord`,
    [r.restaurantId, r.from, r.to, r.timezone],
  );
  return rows;
}

export async function partySizeRows(q: Queryable, r: ReportRange): Promise<Sections['partySize']['rows']> {
  const { rows } = await q.query<Sections['partySize']['rows'][number]>(
    `WITH counted AS (
       SELECT party_size, count(*)::int AS bookings, sum(party_size)::int AS covers
         FROM reservations
        WHERE restaurant_id = $1 AND date BETWEEN $2::date AND $3::date AND status IN ${KEPT}
        GROUP BY party_size
     )
     SELECT party_size AS "partySize", bookings, covers, ${share('bookings')} AS share FROM counted ORDER BY party_size`,
    [r.restaurantId, r.from, r.to],
  );
  return rows;
}

export async function sourceRows(q: Queryable, r: ReportRange): Promise<Sections['sources']['rows']> {
  const { rows } = await q.query<Sections['sources']['rows'][number]>(
    `WITH counted AS (
       SELECT source, count(*)::int AS bookings, sum(party_size)::int AS covers
         FROM reservations
        WHERE restaurant_id = $1 AND date BETWEEN $2::date AND $3::date AND status IN ${KEPT}
        GROUP BY source
     )
     SELECT source, bookings, covers, ${share('bookings')} AS share FROM counted ORDER BY bookings DESC, source`,
    [r.restaurantId, r.from, r.to],
  );
  return rows;
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
