/**
 * SQL statements per request, by scenario: what bounds a database-backed route on a machine where every round trip
 * costs. Builds the real app (src/app.ts) on a scratch embedded PostgreSQL behind a counting wrapper, seeds bench/restaurant.json
 * and one busy day, warms the caches, then counts the statements (a transaction counts BEGIN and COMMIT too) of each
 * scenario's request, averaged over several requests.
 *
 *   node --import tsx bench/statements.ts [--trace]     prints one JSON object (--trace: the statements of one request)
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { startScratchServer } from '../src/db/embedded/scratch.js';
import { PostgresDb } from '../src/db/postgres.js';
import type { Db, QueryResult, TransactionOptions, Tx } from '../src/db/types.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { addDays, localToday, Planner } from './plan.js';
import { bookingBody, loadBenchConfig, SCOPES } from './seed.js';

/** Counts every statement sent to the database. */
class CountingDb implements Db {
  statements = 0;
  /** The statements since the last reset, abridged. */
  log: string[] = [];
  readonly kind: Db['kind'];
  constructor(private readonly inner: Db) {
    this.kind = inner.kind;
  }
  private note(sql: string) {
    this.statements++;
    this.log.push(sql.replace(/\s+/g, ' ').trim().slice(0, 90));
  }
  private count<T>(q: (sql: string, params?: readonly unknown[]) => Promise<QueryResult<T>>, sql: string, params?: readonly unknown[]) {
    this.note(sql);
    return q(sql, params);
  }
  query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return this.count((s, p) => this.inner.query<T>(s, p), sql, params);
  }
  async exec(sql: string): Promise<void> {
    this.note(sql);
    await this.inner.exec(sql);
  }
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const begin = options?.genericPlans ? 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan' : 'BEGIN';
    this.note(options?.lock === undefined ? begin : `${begin}; SELECT pg_advisory_xact_lock(…) (one round trip)`);
    return this.inner
      .transaction((tx) =>
        fn({
          query: <R>(sql: string, params?: readonly unknown[]) => this.count((s, p) => tx.query<R>(s, p), sql, params),
          exec: async (sql: string) => {
            this.note(sql);
            await tx.exec(sql);
          },
          queryThenCommit: <R>(sql: string, params?: readonly unknown[]) => {
            this.note(`${sql.replace(/\s+/g, ' ').trim().slice(0, 70)} + COMMIT (one round trip)`);
            return tx.queryThenCommit<R>(sql, params);
          },
        }), options,
      )
      .finally(() => this.note('COMMIT / ROLLBACK'));
  }
  listen(channel: string, onMessage: (payload: string) => void, onReset?: () => void) {
    return this.inner.listen(channel, onMessage, onReset);
  }
  close() {
    return this.inner.close();
  }
}

const { values } = parseArgs({ options: { trace: { type: 'boolean', default: false } } });
const bench = loadBenchConfig();
const parsed = parseRestaurantConfig(bench);
if (!parsed.ok) throw new Error(`bench/restaurant.json is invalid: ${JSON.stringify(parsed.issues)}`);
const scratch = await startScratchServer();
const inner = new PostgresDb(scratch.url('postgres'));
await migrate(inner);
const db = new CountingDb(inner);
const config = { ...loadConfig({ LOG_LEVEL: 'silent', MAITRE_DEMO: '0' }), usageFlushMs: 3_600_000 };
const app = await buildApp({ config, db, logger: pino({ level: 'silent' }) });
await app.ready();
const actor = { type: 'cli' as const, id: 'bench' };
await app.services.restaurants.create(parsed.config, actor);
const { key } = await app.services.keys.create(
  (await app.services.restaurants.resolve(bench.slug))!.id,
  { name: 'bench', scopes: SCOPES as never, rateLimitPerMinute: 1000 },
  actor,
);
const headers = { authorization: `Bearer ${key}` };

const planner = new Planner(bench);
const today = localToday(bench.timezone);
const busyDay = planner.fill(today, 5, 5, 85, 1);
const later = planner.fill(today, 6, 40, 20, 3);
const slug = bench.slug;
let n = 0;
const book = async (b: { date: string; time: string; partySize: number }) => {
  const res = await app.inject({ method: 'POST', url: `/v1/restaurants/${slug}/reservations`, headers: { ...headers, 'content-type': 'application/json' }, payload: bookingBody(b, n++) });
  if (res.statusCode !== 201) throw new Error(`booking failed: ${res.statusCode} ${res.body}`);
};
for (const b of busyDay) await book(b);

const REPEAT = 10;
const traces: Record<string, string[]> = {};
async function perRequest(label: string, send: (i: number) => Promise<void>): Promise<[string, number]> {
  await send(-1); // warm the caches
  db.log = [];
  await send(REPEAT);
  traces[label] = db.log;
  db.log = [];
  const before = db.statements;
  for (let i = 0; i < REPEAT; i++) await send(i);
  return [label, (db.statements - before) / REPEAT];
}
const get = (url: string) => async () => {
  const res = await app.inject({ method: 'GET', url, headers });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
};
const counts = Object.fromEntries([
  await perRequest('GET /v1/me', get('/v1/me')),
  await perRequest('GET /v1/restaurants/{r}', get(`/v1/restaurants/${slug}`)),
  await perRequest('GET /availability', get(`/v1/restaurants/${slug}/availability?date=${addDays(today, 5)}&partySize=2`)),
  await perRequest('POST /reservations', (i) => book(later[i + 1])),
]);
await app.close();
await inner.close();
await scratch.stop();
process.stdout.write(`${JSON.stringify({ busyDayReservations: busyDay.length, statementsPerRequest: counts, ...(values.trace ? { traces } : {}) }, null, values.trace ? 2 : 0)}\n`);
