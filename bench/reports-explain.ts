/**
 * EXPLAIN ANALYZE of every report query over the year `--only reports` seeds (bench/reports.ts), on a database of its
 * own on the given PostgreSQL server (created and dropped): where a report's time goes. `book` is the one statement of
 * /reports for daily, status mix, lead time, party size and sources; `daily` … `sources` are each report's own
 * statement (its route's). The session has the report transactions' settings (REPORT_GUCS).
 *
 *   node --import tsx bench/reports-explain.ts --pg postgres://postgres@127.0.0.1:5432/test [--report status-mix]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { localToday, Planner } from './plan.js';
import { seedReportYear } from './reports.js';
import { createDatabase, loadBenchConfig, seedDatabase } from './seed.js';
import * as queries from '../src/modules/reports/queries.js';
import { REPORT_GUCS } from '../src/modules/reports/service.js';
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
    for (const [name, value] of Object.entries(REPORT_GUCS)) await client.query(`SET ${name} = '${value}'`);
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
    const cutoff = 120; // bench/restaurant.json's cut-off
    const run: Record<string, () => Promise<unknown>> = {
      book: () => queries.bookRows(explaining, range, cutoff, queries.BOOK_REPORTS),
      daily: () => queries.bookRows(explaining, range, cutoff, ['daily']),
      'status-mix': () => queries.bookRows(explaining, range, cutoff, ['statusMix']),
      'lead-time': () => queries.bookRows(explaining, range, cutoff, ['leadTime']),
      'party-size': () => queries.bookRows(explaining, range, cutoff, ['partySize']),
      sources: () => queries.bookRows(explaining, range, cutoff, ['sources']),
      occupancy: () => queries.occupancyRows(explaining, range),
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
