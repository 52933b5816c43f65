/**
 * `npm run bench -- --only reports`: the reports over a year of a busy restaurant.
 *
 * seedReportYear writes, in bulk SQL before the server starts, the 365 local dates before today with ~150 bookings a
 * day (lunch and dinner, every 15 minutes), and the same kind of book on the 60 dates before them (so that regulars
 * seen before the timed range are `returning` guests): a mix of statuses (completed, no-show, cancelled in time and late, with
 * their history rows), sources, party sizes, lead times (created_at) and guests (a pool of regulars who come back
 * often, a long tail of one-time guests, a few bookings without a guest record), and ~8 waitlist entries a day. The
 * draws are seeded (setseed), so every run writes the same year. Past bookings hold no reservation_tables rows: the
 * reports never read them, and the scenarios' own bookings (days 1–60 and later) are unaffected.
 *
 * timeReports then asks the running server for each report route (and /reports, all sections) over those 365 days,
 * warm, one request at a time, and gives p50/p99 against the 200 ms target.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/open.js';
import { REFERENCE_ALPHABET } from '../src/modules/reservations/reference.js';
import { cpuWindow, otherPercent } from './cpu.js';
import { addDays, type BenchConfig } from './plan.js';
import { OWNER } from './seed.js';

export const REPORT_TARGET_MS = 200;
const PER_DAY = 150;
const DAYS = 365;
/** Dates seeded before the timed range: the history that makes guests `returning`. */
const DAYS_BEFORE = 60;
const GUEST_POOL = 30_000;

export interface ReportSeed {
  /** Every seeded booking, those of the DAYS_BEFORE dates before `from` included. */
  reservations: number;
  /** Of which before `from`. */
  beforeRange: number;
  waitlist: number;
  history: number;
  from: string;
  to: string;
  seconds: number;
}

export interface ReportTiming {
  route: string;
  calls: number;
  p50: number;
  p99: number;
  max: number;
  /** Share of the machine used by unrelated processes while the route was timed, percent (bench/cpu.ts). */
  otherCpuPercent: number;
}

/** Party sizes and their weights (cumulative thresholds of one uniform draw). */
const PARTY = `CASE WHEN r_party < 0.05 THEN 1 WHEN r_party < 0.50 THEN 2 WHEN r_party < 0.62 THEN 3 WHEN r_party < 0.84 THEN 4
                    WHEN r_party < 0.89 THEN 5 WHEN r_party < 0.96 THEN 6 WHEN r_party < 0.98 THEN 7 ELSE 8 END`;
const SOURCE = `CASE WHEN r_source < 0.45 THEN 'widget' WHEN r_source < 0.70 THEN 'phone' WHEN r_source < 0.80 THEN 'api'
                     WHEN r_source < 0.85 THEN 'agent' WHEN r_source < 0.95 THEN 'walk_in' ELSE 'waitlist' END`;
/** Days booked ahead (walk-ins: 0). */
const LEAD = `CASE WHEN source = 'walk_in' THEN 0 WHEN r_lead < 0.12 THEN 0 WHEN r_lead < 0.25 THEN 1 WHEN r_lead < 0.45 THEN 2 + floor(r_lead * 10)::int % 2
                   WHEN r_lead < 0.65 THEN 4 + floor(r_lead * 100)::int % 4 WHEN r_lead < 0.80 THEN 8 + floor(r_lead * 100)::int % 7
                   WHEN r_lead < 0.93 THEN 15 + floor(r_lead * 1000)::int % 16 ELSE 31 + floor(r_lead * 1000)::int % 30 END`;

export async function seedReportYear(env: NodeJS.ProcessEnv, bench: BenchConfig, today: string): Promise<ReportSeed> {
  const t0 = Date.now();
  const opened = await openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.MAITRE_DATA_DIR ?? '' }, { role: 'cli', log: () => {} });
  const db = opened.db;
  const from = addDays(today, -DAYS);
  const to = addDays(today, -1);
  try {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM restaurants WHERE slug = $1', [bench.slug]);
    const restaurantId = rows[0].id;
    const turn = (p: string) =>
      `CASE ${bench.policy.turnTimes.map((t) => `WHEN ${p} <= ${t.maxPartySize} THEN ${t.minutes}`).join(' ')} ELSE ${bench.policy.turnTimes.at(-1)!.minutes} END`;
    const counts = await db.transaction(async (tx) => {
      await tx.query('SELECT setseed(0.2026)');
      await tx.query(
        `INSERT INTO customers (id, restaurant_id, name, email, phone)
         SELECT 'cus_rpt' || n, $1, 'Regular ' || n, 'regular' || n || '@bench.maitre.test', '+3361' || lpad(n::text, 7, '0')
           FROM generate_series(1, $2::int) AS n`,
        [restaurantId, GUEST_POOL],
      );
      // One row per booking: its draws, then its shape. A guest index skewed towards the pool's start: regulars come
      // back often, the tail once; 4 % without a guest record.
      const inserted = await tx.query(
        `WITH draws AS (
           SELECT ($2::date + d) AS date, row_number() OVER () AS n, random() AS r_service, random() AS r_time, random() AS r_party,
                  random() AS r_status, random() AS r_source, random() AS r_lead, random() AS r_guest, random() AS r_late, random() AS r_hour
             FROM generate_series(0, $3::int - 1) AS d, generate_series(1, $4::int) AS k
         ), shaped AS (
           SELECT *, CASE WHEN r_service < 0.4 THEN 'lunch' ELSE 'dinner' END AS service, ${PARTY} AS party, ${SOURCE} AS source
             FROM draws
         ), timed AS (
           SELECT *, CASE WHEN service = 'lunch' THEN time '11:30' + floor(r_time * 13) * interval '15 minutes'
                          ELSE time '18:00' + floor(r_time * 17) * interval '15 minutes' END AS at_time, ${LEAD} AS lead
             FROM shaped
         ), placed AS (
           SELECT *, (date + at_time) AT TIME ZONE $5 AS starts_at,
                  CASE WHEN r_status < 0.80 THEN 'completed' WHEN r_status < 0.84 THEN 'no_show' ELSE 'cancelled' END AS status,
                  CASE WHEN r_guest < 0.04 OR (source = 'walk_in' AND r_guest < 0.3) THEN NULL
                       ELSE 'cus_rpt' || (1 + floor(power(r_guest, 2.5) * $6::int))::int END AS customer_id,
                  (1000000 + n) * 2654435761 % 34359738368 AS ref
             FROM timed
         ), coded AS (
           SELECT *, (SELECT string_agg(substr($7::text, (ref / (32::bigint ^ i)::bigint % 32)::int + 1, 1), '' ORDER BY i)
                        FROM generate_series(0, 6) AS i) AS code
             FROM placed
         )
         INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at,
                                   party_size, customer_id, area_key, source, created_at, updated_at)
         SELECT 'res_rpt' || n, $1, substr(code, 1, 3) || '-' || substr(code, 4),
                status, date, to_char(at_time, 'HH24:MI'), service, starts_at, starts_at + (${turn('party')}) * interval '1 minute',
                starts_at + ((${turn('party')}) + $8::int) * interval '1 minute', party, customer_id,
                CASE WHEN r_service < 0.7 THEN 'main' ELSE 'terrace' END, source,
                CASE WHEN lead = 0 THEN starts_at - (5 + floor(r_hour * 300)) * interval '1 minute'
                     ELSE starts_at - lead * interval '1 day' - floor(r_hour * 600) * interval '1 minute' END,
                starts_at
           FROM coded`,
        [restaurantId, addDays(from, -DAYS_BEFORE), DAYS + DAYS_BEFORE, PER_DAY, bench.timezone, GUEST_POOL, REFERENCE_ALPHABET, bench.policy.bufferMinutes],
      );
      // History: created, and the cancellation — late for a third of them (inside the 120 min cut-off), else days before.
      const created = await tx.query(
        `INSERT INTO reservation_history (reservation_id, restaurant_id, action, to_status, actor_type, actor_id, at)
         SELECT id, restaurant_id, 'created', 'confirmed', 'cli', 'bench', created_at FROM reservations
          WHERE restaurant_id = $1 AND id LIKE 'res_rpt%'`,
        [restaurantId],
      );
      const cancelled = await tx.query(
        `WITH c AS (
           SELECT id, restaurant_id, starts_at, created_at, random() AS r FROM reservations
            WHERE restaurant_id = $1 AND id LIKE 'res_rpt%' AND status = 'cancelled'
         ), timed AS (
           SELECT id, restaurant_id, greatest(created_at, CASE WHEN r < 0.33 THEN starts_at - floor(r * 300) * interval '1 minute'
                                                              ELSE starts_at - (1 + floor(r * 5)) * interval '1 day' END) AS at
             FROM c
         ), h AS (
           INSERT INTO reservation_history (reservation_id, restaurant_id, action, from_status, to_status, actor_type, actor_id, at)
           SELECT id, restaurant_id, 'status_changed', 'confirmed', 'cancelled', 'cli', 'bench', at FROM timed
           RETURNING reservation_id, at
         )
         UPDATE reservations r SET updated_at = h.at FROM h WHERE r.id = h.reservation_id`,
        [restaurantId],
      );
      const waitlist = await tx.query(
        `INSERT INTO waitlist_entries (id, restaurant_id, customer_id, date, preferred_time, party_size, source, status, created_at, updated_at)
         SELECT 'wl_rpt' || n, $1, 'cus_rpt' || (1 + floor(random() * $2::int))::int, d, '20:00', 2 + floor(random() * 3)::int, 'widget',
                (ARRAY['booked', 'booked', 'expired', 'expired', 'expired', 'cancelled', 'cancelled', 'booked'])[1 + floor(random() * 8)::int],
                d - interval '2 days', d
           FROM (SELECT ($3::date + g / 8) AS d, g AS n FROM generate_series(0, $4::int * 8 - 1) AS g) AS w`,
        [restaurantId, GUEST_POOL, from, DAYS],
      );
      const before = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1 AND id LIKE 'res_rpt%' AND date < $2::date`,
        [restaurantId, from],
      );
      return {
        reservations: inserted.rowCount ?? 0,
        beforeRange: before.rows[0].n,
        history: (created.rowCount ?? 0) + (cancelled.rowCount ?? 0),
        waitlist: waitlist.rowCount ?? 0,
      };
    });
    // A year of real bookings has long been vacuumed by autovacuum: statistics, and the visibility map that lets the
    // reports' index-only scans skip the table (a bulk insert leaves it empty). VACUUM cannot run in a transaction.
    for (const table of ['reservations', 'reservation_history', 'waitlist_entries']) await db.exec(`VACUUM ANALYZE ${table}`);
    return { ...counts, from, to, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  } finally {
    await opened.close();
  }
}

const ROUTES = ['daily', 'status-mix', 'occupancy', 'lead-time', 'party-size', 'sources', 'waitlist', 'guests', ''];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Each report route over the seeded year, warm (3 calls first), then `calls` times one after the other. */
export async function timeReports(
  server: { url: string; pid: number }, slug: string, seed: ReportSeed, calls = 30, log: (msg: string) => void = () => {},
): Promise<ReportTiming[]> {
  const baseUrl = server.url;
  const login = await fetch(`${baseUrl}/admin/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const out: ReportTiming[] = [];
  for (const route of ROUTES) {
    const url = `${baseUrl}/admin/api/restaurants/${slug}/reports${route ? `/${route}` : ''}?from=${seed.from}&to=${seed.to}`;
    const once = async () => {
      const t = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 3; i++) await once();
    const times: number[] = [];
    const end = cpuWindow(server.pid);
    for (let i = 0; i < calls; i++) times.push(await once());
    const other = otherPercent([end()]);
    times.sort((a, b) => a - b);
    const row = {
      route: `GET …/reports${route ? `/${route}` : ' (all)'}`, calls, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)!,
      otherCpuPercent: other,
    };
    log(`${row.route}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms (other CPU ${other} %)`);
    out.push(row);
  }
  return out;
}

/** The timings as table rows (text and Markdown share them). */
export function reportTimingRows(timings: ReportTiming[]): string[][] {
  return [
    ['report route (365 days)', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'other CPU', 'target'],
    ...timings.map((t) => [
      t.route, String(t.calls), t.p50.toFixed(1), t.p99.toFixed(1), t.max.toFixed(1), `${Math.round(t.otherCpuPercent)} %`, `p99 < ${REPORT_TARGET_MS} ms`,
    ]),
  ];
}
