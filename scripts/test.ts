#!/usr/bin/env -S node --import tsx
// `npm test`: the whole suite once, on PostgreSQL: the server at TEST_DATABASE_URL when it is set, else one embedded
// PostgreSQL started for the run (a temporary directory, removed at the end). Each test gets its own database, copied
// from a migrated template. Extra arguments are test files (default: every test/**/*.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startScratchServer, type ScratchServer } from '../src/db/embedded/scratch.js';
import { makeTemplate } from '../test/helpers/db.js';

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'helpers' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * The files that take longest (tens of seconds to two minutes each, from the durations a full run prints) go first:
 * started last, one of them would run alone at the end while the other worker slot sits idle.
 */
const LONGEST_FIRST = [
  'fuzz-routes', 'browser/docs-page', 'cli', 'embedded-postgres', 'browser/dashboard-reports', 'browser/dashboard-ops',
  'sdk-pack', 'browser/dashboard-emails', 'browser/dashboard-keys', 'reports-cli', 'customers-gdpr', 'build-stamp',
  'notifications-faults', 'browser/widget', 'heap',
];
const rank = (f: string) => {
  const i = LONGEST_FIRST.findIndex((name) => f.replaceAll('\\', '/').endsWith(`/${name}.test.ts`));
  return i === -1 ? LONGEST_FIRST.length : i;
};

const args = process.argv.slice(2);
const all = args.length ? args : find('test').sort().sort((a, b) => rank(a) - rank(b));
const under = (dir: string) => (f: string) => f.split(/[\\/]/).includes(dir);
const scale = all.filter(under('scale'));
const main = all.filter((f) => !scale.includes(f) && !(process.env.MAITRE_SKIP_BROWSER && under('browser')(f)));

// The scale-out suites start their own PostgreSQL, Redis, instances and nginx: in CI, or when asked, or named.
const runScale = !process.env.MAITRE_SKIP_SCALE && (Boolean(process.env.CI) || Boolean(process.env.MAITRE_TEST_SCALE) || args.length > 0);

let server: ScratchServer | undefined;
let databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) {
  const started = Date.now();
  server = await startScratchServer();
  databaseUrl = server.url('postgres');
  console.log(`# embedded PostgreSQL for this run on port ${server.cluster.port} (started in ${Date.now() - started} ms)`);
}
const stopServer = async () => {
  await server?.stop().catch((err) => console.error(`# could not stop the test PostgreSQL: ${err}`));
  server = undefined;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopServer().then(() => process.exit(130)));
}

/** Test files run at once in the main pass (MAITRE_TEST_CONCURRENCY). */
const MAIN_CONCURRENCY = Number(process.env.MAITRE_TEST_CONCURRENCY) || 2;
const passes = [
  { name: `PostgreSQL (${server ? 'embedded, for this run' : 'TEST_DATABASE_URL'})`, files: main, concurrency: MAIN_CONCURRENCY, extra: [] as string[] },
];
// A scale test that fails can leave a handle open (a load generator, a socket): force the file to exit, and bound it.
if (runScale && scale.length) {
  passes.push({ name: 'scale-out (own PostgreSQL, Redis, nginx)', files: scale, concurrency: 1, extra: ['--test-force-exit', '--test-timeout=300000'] });
}

const runId = `${process.pid}${Date.now().toString(36)}`;
// One migrated template for the whole run: every test database is a copy of it (test/helpers/db.ts).
const template = await makeTemplate(`mt_${runId}_tpl`, databaseUrl).catch(async (err: unknown) => {
  console.error(`# could not migrate the test template on ${databaseUrl}: ${(err as Error).stack ?? err}`);
  await stopServer();
  process.exit(1);
});
// One cache directory for the run (MAITRE_CACHE_DIR): the API reference is rendered once, not once per test process.
const cacheDir = mkdtempSync(join(tmpdir(), 'maitre-test-cache-'));
let failed = false;
for (const { name, files, concurrency, extra } of passes) {
  if (!files.length) continue;
  console.log(`\n# ===== test pass on ${name} (${files.length} files) =====`);
  // Asynchronously: this process keeps reading the embedded server's log pipe while the tests run.
  // A larger young generation (the test files inherit the runner's flags): tests allocate fast and keep little, and
  // fewer scavenges cut the fuzzer's CPU by about a tenth (14.9 vs 16.5 s for 15,000 requests).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...extra, ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: databaseUrl, MAITRE_TEST_RUN_ID: runId, MAITRE_TEST_TEMPLATE: template, MAITRE_CACHE_DIR: cacheDir },
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  if (code !== 0) failed = true;
}

rmSync(cacheDir, { recursive: true, force: true });
if (server) {
  await stopServer();
} else {
  // Drop the template and any test databases of this run that a crashed test left behind.
  const c = new pg.Client({ connectionString: databaseUrl });
  try {
    await c.connect();
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`mt\\_${runId}\\_%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  } catch {
    /* best effort */
  } finally {
    await c.end().catch(() => {});
  }
}
process.exit(failed ? 1 : 0);
