/**
 * What a booking costs PostgreSQL, per statement: the bench's booking scenario (bench/seed.ts, the plan of
 * bench/run.ts, new guests) against a PostgreSQL server that has `pg_stat_statements` preloaded, measured by the
 * server's own counters instead of throughput, so the numbers survive a busy machine.
 *
 *   node --import tsx bench/booking-db.ts --pg URL [--n 2000] [--warm 300] [--connections 32] [--redis URL] [--idempotent] [--keep]
 *
 * Builds nothing: runs dist/main.js as it is (`npm run build` first). Creates a database of its own on that server
 * (dropped at the end unless --keep), seeds it, starts the server, makes `--warm` bookings, resets the statistics, then
 * makes `--n` bookings with `--connections` in flight and prints, as JSON: per statement (normalised text) calls, rows,
 * mean/total execution and planning time, shared blocks hit/read/dirtied, WAL bytes, all per booking; the CPU time
 * (/proc) of that database's backends and of the whole PostgreSQL server per booking; the wait events seen by sampling
 * pg_stat_activity every 10 ms; client-side latency percentiles. `--idempotent`: every booking sends an Idempotency-Key of its
 * own (API.md §4), so each runs in a transaction of its own with its record instead of in a batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { processJiffies } from './cpu.js';
import { localToday, Planner } from './plan.js';
import { startMaitre } from './processes.js';
import { bookingBody, createDatabase, KeyPool, keysFor, loadBenchConfig, seedDatabase } from './seed.js';

const { values } = parseArgs({
  options: {
    pg: { type: 'string' },
    redis: { type: 'string' },
    n: { type: 'string', default: '2000' },
    warm: { type: 'string', default: '300' },
    connections: { type: 'string', default: '32' },
    idempotent: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
if (!values.pg) throw new Error('--pg URL: a PostgreSQL server with pg_stat_statements in shared_preload_libraries');
const N = Number(values.n);
const WARM = Number(values.warm);
const CONNECTIONS = Number(values.connections);
const log = (msg: string) => process.stderr.write(`[booking-db] ${msg}\n`);

const config = loadBenchConfig();
const planner = new Planner(config);
const today = localToday(config.timezone);
const db = await createDatabase(values.pg);
const url = String(db.env.DATABASE_URL);
const dbName = new URL(url).pathname.slice(1);
const env: NodeJS.ProcessEnv = { ...process.env, ...db.env, REDIS_URL: values.redis ?? '', MAITRE_DEMO: '0', LOG_LEVEL: 'warn' };

/** Every process of the PostgreSQL server (the postmaster's children), and which of them serve our database. */
function postgresProcesses(postmaster: number, skip: Set<number>): { all: Map<number, number>; ours: Map<number, number> } {
  const all = new Map<number, number>();
  const ours = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processJiffies(entry);
    if (!p || p.comm !== 'postgres' || skip.has(Number(entry))) continue;
    if (Number(entry) !== postmaster && parentOf(entry) !== postmaster) continue; // another server's
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    all.set(Number(entry), p.jiffies);
    if (cmd.includes(` ${dbName} `)) ours.set(Number(entry), p.jiffies);
  }
  return { all, ours };
}
function parentOf(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}
const sumDelta = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((s, [pid, j]) => s + Math.max(0, j - (a.get(pid) ?? 0)), 0);

const admin = new pg.Client({ connectionString: url });
let server: Awaited<ReturnType<typeof startMaitre>> | undefined;
try {
  log(`seeding ${dbName}`);
  await seedDatabase(env, config, planner, today, 5000);
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  // This server's processes are the postmaster's children (the machine may run other PostgreSQL servers).
  const dataDir = (await admin.query<{ d: string }>('SELECT current_setting(\'data_directory\') AS d')).rows[0].d;
  const postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  // Postmaster of the server: only its own children are PostgreSQL's processes of this server (not another cluster's).
  server = await startMaitre(env);
  const pool = new KeyPool(server.url, config.slug);
  await pool.login();
  const keys = await pool.take(keysFor(N + WARM) + 1);
  const plan = planner.fill(today, 61, config.policy.bookingWindowDays - 5, 100, 2);
  if (plan.length < N + WARM) throw new Error(`the plan has ${plan.length} bookings, fewer than ${N + WARM}`);
  let next = 0;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const run = async (count: number, record: boolean) => {
    const end = next + count;
    const worker = async () => {
      while (next < end) {
        const n = next++;
        const t0 = performance.now();
        const res = await fetch(`${server!.url}/v1/restaurants/${config.slug}/reservations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json', authorization: `Bearer ${keys[n % keys.length]}`,
            ...(values.idempotent ? { 'idempotency-key': `booking-db-${dbName}-${n}` } : {}),
          },
          body: bookingBody(plan[n], 1_000_000 + n),
        });
        await res.arrayBuffer();
        if (record) {
          latencies.push(performance.now() - t0);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  };
  log(`warming up: ${WARM} bookings`);
  await run(WARM, false);
  await new Promise((r) => setTimeout(r, 2500)); // the usage batch of the warm-up
  await admin.query('SELECT pg_stat_statements_reset()');
  const waits = new Map<string, number>();
  let samples = 0;
  let sampling = true;
  // The measuring connections' own backends are not the bookings' (left out of the CPU sums).
  const skip = new Set<number>([(await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid]);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  skip.add((await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await c.query<{ w: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w FROM pg_stat_activity
          WHERE datname = $1 AND state <> 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`, [dbName]);
      samples++;
      for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 10));
    }
    await c.end();
  })();
  const before = postgresProcesses(postmaster, skip);
  const node0 = processJiffies(server.pid)!.jiffies;
  const t0 = performance.now();
  log(`measuring: ${N} bookings, ${CONNECTIONS} in flight`);
  await run(N, true);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2500)); // the usage batch belongs to these requests
  const after = postgresProcesses(postmaster, skip);
  const node1 = processJiffies(server.pid)!.jiffies;
  sampling = false;
  await sampler;
  const ok = statuses.get(201) ?? 0;
  const { rows } = await admin.query(
    `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, rows, total_exec_time, mean_exec_time, total_plan_time, plans,
            shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, wal_bytes, wal_records
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = $1 AND query NOT LIKE '%pg_stat_activity%' ORDER BY total_exec_time DESC`, [dbName]);
  const totalExec = rows.reduce((s, r) => s + r.total_exec_time, 0);
  const totalPlan = rows.reduce((s, r) => s + r.total_plan_time, 0);
  const per = (v: number) => Math.round((v / ok) * 1000) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10;
  const out = {
    connections: CONNECTIONS, idempotent: values.idempotent,
    bookings: ok, statuses: Object.fromEntries(statuses), seconds: Math.round(seconds * 10) / 10, bookingsPerSecond: Math.round(ok / seconds),
    latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
    cpuMsPerBooking: {
      thisDatabaseBackends: per(sumDelta(before.ours, after.ours) * 10), allPostgres: per(sumDelta(before.all, after.all) * 10),
      maitre: per((node1 - node0) * 10),
    },
    statementsPerBooking: per(rows.reduce((s, r) => s + Number(r.calls), 0)),
    execMsPerBooking: per(totalExec), planMsPerBooking: per(totalPlan),
    waits: Object.fromEntries([...waits].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / samples) * 100) / 100])),
    statements: rows.slice(0, 25).map((r) => ({
      calls: Number(r.calls), perBooking: per(Number(r.calls)), rows: Number(r.rows), meanMs: Math.round(r.mean_exec_time * 1000) / 1000,
      share: `${((r.total_exec_time / totalExec) * 100).toFixed(1)} %`, planMsPerCall: r.plans > 0 ? Math.round((r.total_plan_time / Number(r.plans)) * 1000) / 1000 : 0,
      plans: Number(r.plans), hitPerCall: Math.round(Number(r.shared_blks_hit) / Number(r.calls)), read: Number(r.shared_blks_read),
      dirtiedPerCall: Math.round((Number(r.shared_blks_dirtied) / Number(r.calls)) * 10) / 10, walBytesPerCall: Math.round(Number(r.wal_bytes) / Number(r.calls)),
      query: String(r.query).slice(0, 300),
    })),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await server?.stop();
  await admin.end().catch(() => {});
  if (values.keep) log(`kept ${dbName}`);
  else await db.drop();
}
