/** The one read availability and booking make about existing reservations. */
import { prepared } from '../../db/prepared.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { Queryable } from '../../db/types.js';
import { addHold, type Holds } from './assignment.js';
import type { DayState } from './evaluate.js';
import { iso } from './time.js';

/** Holds never exceed a day plus the buffer, so a reservation starting 2 days before the span cannot reach it. */
const LOOKBACK_MS = 2 * 86_400_000;

/**
 * Active reservations that count for a service date: those of the date itself (pacing) and any whose hold overlaps
 * [spanStart, spanEnd) (tables; an overnight service of the day before can reach into this one), with their tables.
 * Waitlist holds (status `held`) are active: they keep their table and count for pacing like the booking they may
 * become. Event bookings take event seats, not tables, and do not count towards the regular services' pacing.
 */
export async function loadDayState(q: Queryable, restaurantId: string, date: string, span: [number, number] | null): Promise<DayState> {
  return (await readDay(q, PLAIN_DAY_SQL, restaurantId, date, span)).state;
}

/**
 * loadDayState, plus the restaurant's `updated_at` (the booking model's version, see floor-cache.ts) read by the same
 * statement, so on the same snapshot: null when the restaurant does not exist.
 */
export function loadVersionedDayState(
  q: Queryable, restaurantId: string, date: string, span: [number, number] | null,
): Promise<{ version: string | null; state: DayState }> {
  return readDay(q, VERSIONED_DAY_SQL, restaurantId, date, span);
}

/**
 * loadVersionedDayState, plus the date's waitlist offers overdue at `nowMs` (locked): what a booking reads under its
 * date lock before it decides (the offers are expired first, see CapacityHooks.beforePlace).
 */
export async function loadLockedDayState(
  q: Queryable, restaurantId: string, date: string, span: [number, number] | null, nowMs: number, ride?: RideAlong,
): Promise<{ version: string | null; due: string[]; state: DayState; ride: unknown }> {
  let sql = LOCKED_DAY_SQL;
  if (ride) {
    sql = lockedWithRide.get(ride.name) ?? prepared(ride.name, lockedDaySql(ride));
    lockedWithRide.set(ride.name, sql);
  }
  const r = await readDay(q, sql, restaurantId, date, span, [new Date(nowMs), ...(ride?.params ?? [])]);
  return { version: r.version, due: r.due ?? [], state: r.state, ride: r.ride };
}

/** loadVersionedDayState, plus the day stamp (loadDayStamp) on the same snapshot: what day-cache.ts keeps. */
export function loadStampedDayState(
  q: Queryable, restaurantId: string, date: string, span: [number, number] | null,
): Promise<{ version: string | null; days: string; state: DayState }> {
  return readDay(q, STAMPED_DAY_SQL, restaurantId, date, span) as Promise<{ version: string | null; days: string; state: DayState }>;
}

/** What loadDayStamp reads: the restaurant's version (null when it does not exist) and the day's change total. */
export interface DayStamp {
  version: string | null;
  days: string;
}

/**
 * The restaurant's version and the total weight of the logged changes (day_changes, written by triggers) of every
 * service date whose reservations can enter `date`'s read: three days either side (a hold lasts at most a day plus the
 * buffer, an overnight slot keeps its service's date). The total only grows, so equal stamps on two snapshots mean the
 * same reservations for that date. Two index lookups; version null when the restaurant does not exist.
 *
 * The stamps asked for during one turn of the event loop on the same `q` are read by one statement (TurnBatch), sent
 * after every one of those calls was made: each still sees every change committed before it was called, and a warm
 * GET /availability under load shares its round trip to PostgreSQL with the other requests of its turn.
 */
export function loadDayStamp(q: Queryable, restaurantId: string, date: string): Promise<DayStamp> {
  let batch = stampBatches.get(q);
  if (!batch) {
    const made = new TurnBatch<StampCall>((calls) => void readStamps(q, calls));
    stampBatches.set(q, made);
    batch = made;
  }
  return new Promise((resolve, reject) => batch.push({ restaurantId, date, resolve, reject }));
}

interface StampCall {
  restaurantId: string;
  date: string;
  resolve: (stamp: DayStamp) => void;
  reject: (err: unknown) => void;
}
const stampBatches = new WeakMap<Queryable, TurnBatch<StampCall>>();

async function readStamp(q: Queryable, call: StampCall): Promise<void> {
  try {
    const { rows } = await q.query<DayStamp>(STAMP_SQL, [call.restaurantId, call.date]);
    call.resolve({ version: rows[0]?.version ?? null, days: rows[0]?.days ?? '' });
  } catch (err) {
    call.reject(err);
  }
}

/** One turn's stamps: one statement for the distinct (restaurant, date) pairs; if it fails, each call on its own. */
async function readStamps(q: Queryable, calls: StampCall[]): Promise<void> {
  if (calls.length === 1) return readStamp(q, calls[0]!);
  const index = new Map<string, number>();
  const restaurants: string[] = [];
  const dates: string[] = [];
  const at = calls.map((c) => {
    const key = `${c.restaurantId}|${c.date}`;
    let i = index.get(key);
    if (i === undefined) {
      i = restaurants.push(c.restaurantId) - 1;
      dates.push(c.date);
      index.set(key, i);
    }
    return i;
  });
  let rows: DayStamp[];
  try {
    ({ rows } = await q.query<DayStamp>(STAMPS_SQL, [restaurants, dates]));
  } catch {
    // One call's bad input (or a failure): every call gets its own statement, and its own answer or error.
    await Promise.all(calls.map((c) => readStamp(q, c)));
    return;
  }
  calls.forEach((c, n) => {
    const row = rows[at[n]!];
    c.resolve({ version: row?.version ?? null, days: row?.days ?? '' });
  });
}

/** The day's rows of restaurant $1 for `date`, its holds looked back from `lookback` and over [`from`, `to`) (SQL expressions). */
const daySql = (date: string, lookback: string, from: string, to: string) =>
  // The hold's bounds as epoch milliseconds (float8 arrives as a number): no timestamp parsing per row. The holds are a
  // lateral subquery (OFFSET 0 keeps it one): each reservation's holds found by the primary key, in a generic plan too,
  // whose estimates would otherwise hash-join a sequential scan of every hold (bookings run generic plans:
  // ReservationService.create).
  `SELECT r.id, to_char(r.date, 'YYYY-MM-DD') AS date, r.service_key, r.time, r.party_size, r.event_id IS NOT NULL AS is_event, rt.table_id,
          (extract(epoch FROM lower(rt.during)) * 1000)::float8 AS hold_start, (extract(epoch FROM upper(rt.during)) * 1000)::float8 AS hold_end
     FROM reservations r
     LEFT JOIN LATERAL (SELECT rt.table_id, rt.during FROM reservation_tables rt WHERE rt.reservation_id = r.id AND rt.active OFFSET 0) rt ON true
    WHERE r.restaurant_id = $1 AND r.active
      AND (r.date = ${date} OR (r.starts_at >= ${lookback} AND r.starts_at < ${to} AND r.hold_ends_at > ${from}))`;
const DAY_SQL = daySql('$2', '$3', '$4', '$5');

/** The day's change total (loadDayStamp) of restaurant `r` around date `d`, as SQL expressions. */
const daysStamp = (r: string, d: string) => `(SELECT coalesce(sum(weight), 0)::text
     FROM day_changes WHERE restaurant_id = ${r} AND date BETWEEN ${d} - 3 AND ${d} + 3)`;
const DAYS_STAMP = daysStamp('$1', '$2::date');

/** The version row always comes back (when the restaurant exists), with the day's rows or with one row of nulls. */
const VERSIONED_DAY_SQL = prepared('maitre_day_versioned', `SELECT v.version, d.* FROM (SELECT updated_at::text AS version FROM restaurants WHERE id = $1) AS v
  LEFT JOIN LATERAL (${DAY_SQL}) AS d ON true`);
const STAMPED_DAY_SQL = prepared('maitre_day_stamped', `SELECT v.version, v.days, d.* FROM (SELECT updated_at::text AS version, ${DAYS_STAMP} AS days FROM restaurants WHERE id = $1) AS v
  LEFT JOIN LATERAL (${DAY_SQL}) AS d ON true`);
const PLAIN_DAY_SQL = prepared('maitre_day', DAY_SQL);
/**
 * A booking's read under its date lock (src/modules/reservations/booking.ts): the versioned day, plus the ids of the
 * date's waitlist offers overdue at $6 (locked FOR UPDATE, as the waitlist's dueOffers reads them); `ride`'s CTEs and
 * value come first in the same statement.
 */
function lockedDaySql(ride: { ctes: string; select: string } | undefined): string {
  return `${ride ? `WITH ${ride.ctes} ` : ''}SELECT ${ride ? `${ride.select} AS ride, ` : ''}v.version, v.due, d.* FROM (SELECT updated_at::text AS version,
       ARRAY(SELECT w.id FROM waitlist_entries w WHERE w.restaurant_id = $1 AND w.date = $2 AND w.status = 'offered' AND w.offer_expires_at <= $6
              FOR UPDATE) AS due
     FROM restaurants WHERE id = $1) AS v
  LEFT JOIN LATERAL (${DAY_SQL}) AS d ON true`;
}
const LOCKED_DAY_SQL = prepared('maitre_day_locked', lockedDaySql(undefined));
const lockedWithRide = new Map<string, string>();

/**
 * loadLockedDayState for several dates of one restaurant in one statement (a batch of bookings under their dates'
 * locks: ReservationService.bookBatch): the version once, and per date, in the order given, its overdue waitlist offers
 * (locked) and its day. Each date's offers and day are subqueries kept apart (OFFSET 0), run once per date with its
 * values as parameters, as the one-date read runs: flattened, a generic plan built on young statistics read every
 * active reservation of the restaurant and filtered them per date (35 ms against 0.1 ms).
 */
export async function loadLockedDayStates(
  q: Queryable, restaurantId: string, reads: readonly { date: string; span: [number, number] | null }[], nowMs: number,
): Promise<{ version: string | null; days: { due: string[]; state: DayState }[] }> {
  const spans = reads.map((r) => r.span ?? [0, 0]);
  const { rows } = await q.query<DayRow & { version: string; day: number; due: string[] }>(LOCKED_DAYS_SQL, [
    restaurantId, new Date(nowMs), reads.map((r) => r.date), spans.map(([from]) => iso(from - LOOKBACK_MS)), spans.map(([from]) => iso(from)),
    spans.map(([, to]) => iso(to)),
  ]);
  const days = reads.map((r, i) => {
    const mine = rows.filter((row) => row.day === i + 1);
    return { due: mine[0]?.due ?? [], state: stateOf(mine, r.date) };
  });
  return { version: rows[0]?.version ?? null, days };
}
const LOCKED_DAYS_SQL = prepared('maitre_days_locked', `SELECT v.version, k.i::int AS day, k.due, d.* FROM (SELECT updated_at::text AS version FROM restaurants WHERE id = $1) AS v
  CROSS JOIN LATERAL (
    SELECT k.i, k.date, k.lookback, k.from_at, k.to_at,
           ARRAY(SELECT w.id FROM waitlist_entries w WHERE w.restaurant_id = $1 AND w.date = k.date AND w.status = 'offered' AND w.offer_expires_at <= $2
                  FOR UPDATE) AS due
      FROM unnest($3::date[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[]) WITH ORDINALITY AS k(date, lookback, from_at, to_at, i)
    OFFSET 0) AS k
  LEFT JOIN LATERAL (${daySql('k.date', 'k.lookback', 'k.from_at', 'k.to_at')} OFFSET 0) AS d ON true
  ORDER BY k.i`);

/**
 * Another module's statement that rides along with the booking's locked read, one round trip for both: CTEs, and one
 * expression whose value comes back as `ride`; its parameters are numbered from $7 (after the read's six). `name`
 * names the prepared statement, one per ride.
 */
export interface RideAlong {
  name: string;
  ctes: string;
  select: string;
  params: unknown[];
}
const STAMP_SQL = prepared('maitre_day_stamp', `SELECT (SELECT updated_at::text FROM restaurants WHERE id = $1) AS version, ${DAYS_STAMP} AS days`);
/** STAMP_SQL for many (restaurant, date) pairs, one row per pair in their order. */
const STAMPS_SQL = prepared('maitre_day_stamps', `SELECT (SELECT updated_at::text FROM restaurants WHERE id = k.r) AS version, ${daysStamp('k.r', 'k.d')} AS days
  FROM unnest($1::text[], $2::date[]) WITH ORDINALITY AS k(r, d, i) ORDER BY k.i`);

/** A row of a day's read (DAY_SQL): a reservation, once per table it holds; all null for a day without any. */
interface DayRow {
  id: string | null; date: string; service_key: string; time: string; party_size: number; is_event: boolean;
  table_id: string | null; hold_start: number | null; hold_end: number | null;
}

async function readDay(
  q: Queryable, sql: string, restaurantId: string, date: string, span: [number, number] | null, extra: unknown[] = [],
): Promise<{ version: string | null; days?: string; due?: string[]; ride?: unknown; state: DayState }> {
  const [from, to] = span ?? [0, 0];
  const { rows } = await q.query<DayRow & { version?: string; days?: string; due?: string[]; ride?: unknown }>(
    sql, [restaurantId, date, iso(from - LOOKBACK_MS), iso(from), iso(to), ...extra],
  );
  return { version: rows[0]?.version ?? null, days: rows[0]?.days, due: rows[0]?.due, ride: rows[0]?.ride, state: stateOf(rows, date) };
}

/** The day state of `date` from its read's rows: its bookings (pacing) and every table hold that reaches it. */
function stateOf(rows: readonly DayRow[], date: string): DayState {
  const bookings: DayState['bookings'] = [];
  const seen = new Set<string>();
  const holds: Holds = new Map();
  for (const r of rows) {
    if (r.id === null) continue; // the versioned read's row of a day without reservations
    if (r.date === date && !r.is_event && !seen.has(r.id)) {
      seen.add(r.id);
      bookings.push({ id: r.id, serviceKey: r.service_key, time: r.time, partySize: r.party_size });
    }
    if (r.table_id === null) continue;
    addHold(holds, r.table_id, { reservationId: r.id, startMs: Number(r.hold_start), endMs: Number(r.hold_end) });
  }
  return { bookings, holds };
}

/**
 * Replaces the logged changes of each date that has several by one row of their summed weight (one statement: a reader
 * sees the rows before or after, with the same totals; a change logged meanwhile is not touched), and drops the
 * changes of dates more than `keepDays` before `nowMs` (availability of such a date shows every slot past, whatever
 * its reservations). Returns the rows removed.
 */
export async function compactDayChanges(q: Queryable, nowMs: number, keepDays = 30): Promise<number> {
  const { rows } = await q.query<{ removed: number }>(
    `WITH due AS (
            SELECT restaurant_id, date FROM day_changes GROUP BY restaurant_id, date HAVING count(*) > 1 OR date < $1::date),
          gone AS (
            DELETE FROM day_changes c USING due WHERE c.restaurant_id = due.restaurant_id AND c.date = due.date
            RETURNING c.restaurant_id, c.date, c.weight),
          kept AS (
            INSERT INTO day_changes (restaurant_id, date, weight)
            SELECT restaurant_id, date, sum(weight) FROM gone WHERE date >= $1::date GROUP BY restaurant_id, date
            RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int - (SELECT count(*) FROM kept)::int AS removed`,
    [new Date(nowMs - keepDays * 86_400_000).toISOString().slice(0, 10)],
  );
  return rows[0].removed;
}
