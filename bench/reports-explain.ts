/**
 * EXPLAIN ANALYZE of every report query over the year `--only reports` seeds (bench/reports.ts), on a database of its
 * own on the given PostgreSQL server (created and dropped): where a report's time goes.
 *
 *   node --import tsx bench/reports-explain.ts --pg postgres://postgres@127.0.0.1:5432/test [--report status-mix]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { localToday, Planner } from './plan.js';
import { seedReportYear } from './reports.js';
import { createDatabase, loadBenchConfig, seedDatabase } from './seed.js';
import * as queries from '../src/modules/reports/queries.js';
import type { Queryable } from '../src/db/types.js';

const { values } = parseArgs({ options: { pg: { type: 'string' }, report: { type: 'string' } } });
if (!values.pg) throw new Error('--pg URL is required');
const config = loadBenchConfig();
const today = localToday(config.timezone);
const db = await createDatabase(values.pg);
try {
  await seedDatabase(db.env, config, new Planner(config), today, 0);
  const seed = await seedReportYear(db.env, config, today);
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  try {
    const id = (await client.query<{ id: string }>('SELECT id FROM restaurants WHERE slug = $1', [config.slug])).rows[0].id;
    const range = { restaurantId: id, from: seed.from, to: seed.to, timezone: config.timezone };
    // Each query runs through EXPLAIN (ANALYZE): the plan's text replaces its rows.
    const explaining: Queryable = {
      async query<T>(sql: string, params?: readonly unknown[]) {
        const res = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params as unknown[]);
        plans.push(res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
        return { rows: [] as T[], rowCount: 0 };
      },
    } as Queryable;
    const plans: string[] = [];
    const run: Record<string, () => Promise<unknown>> = {
      daily: () => queries.dailyRows(explaining, range),
      'status-mix': () => queries.statusMixRows(explaining, range, 120), // bench/restaurant.json's cut-off
      occupancy: () => queries.occupancyRows(explaining, range),
      'lead-time': () => queries.leadTimeRows(explaining, range),
      'party-size': () => queries.partySizeRows(explaining, range),
      sources: () => queries.sourceRows(explaining, range),
      waitlist: () => queries.waitlistRows(explaining, range),
      guests: () => queries.guestRows(explaining, range),
    };
    for (const [name, fn] of Object.entries(run)) {
      if (values.report && values.report !== name) continue;
      plans.length = 0;
      await fn(); // warm
      plans.length = 0;
      await fn();
      process.stdout.write(`\n=== ${name}\n${plans.join('\n')}\n`);
    }
  } finally {
    await client.end();
  }
} finally {
  await db.drop();
}
