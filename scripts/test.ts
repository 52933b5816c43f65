#!/usr/bin/env -S node --import tsx
// `npm test`: the whole suite once, on PostgreSQL: the server at TEST_DATABASE_URL when it is set, else one embedded
// PostgreSQL started for the run (a temporary directory, removed at the end). Each test gets its own database, copied
// from a migrated template. Extra arguments are test files (default: every test/**/*.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

const args = process.argv.slice(2);
const all = args.length ? args : find('test').sort();
const under = (dir: string) => (f: string) => f.split(/[\\/]/).includes(dir);
const scale = all.filter(under('scale'));
const main = all.filter((f) => !scale.includes(f) && !(process.env.MAITRE_SKIP_BROWSER && under('browser')(f)));

/**
 * The main pass runs most files several to a process: a test process costs ~3 s of CPU before its first test (tsx,
 * loading the server's modules, their first compilation), more than most files' own tests take. Measured on 12 small
 * files: 54 s of CPU in 12 processes, 13 s in one. Each file stays a suite of its own (its top-level before/after hooks
 * run around its own tests only: test/helpers/group-entry.ts), and the files of a group run one after the other.
 * These keep a process to themselves, the longest first: the long ones (so the two slots end together) and the
 * browser suites.
 */
const OWN_PROCESS = [
  'fuzz-routes', 'browser/docs-page', 'browser/dashboard-ops', 'embedded-postgres', 'browser/widget', 'browser/dashboard-reports',
  'browser/dashboard-keys', 'browser/dashboard-emails', 'sdk-pack', 'build-stamp',
];
/** Files a group holds (MAITRE_TEST_GROUP_SIZE; 1: a process for every file). */
const GROUP_SIZE = Math.max(1, Number(process.env.MAITRE_TEST_GROUP_SIZE) || 8);
const ownRank = (f: string) => OWN_PROCESS.findIndex((name) => f.replaceAll('\\', '/').endsWith(`/${name}.test.ts`));

/** The main pass's processes: the OWN_PROCESS files in that order, then the others GROUP_SIZE at a time. */
function entries(files: string[]): string[][] {
  const own = files.filter((f) => ownRank(f) !== -1).sort((a, b) => ownRank(a) - ownRank(b));
  const rest = files.filter((f) => ownRank(f) === -1);
  const groups: string[][] = [];
  for (let i = 0; i < rest.length; i += GROUP_SIZE) groups.push(rest.slice(i, i + GROUP_SIZE));
  return [...own.map((f) => [f]), ...groups];
}

/** An entry module: its test files as suites (test/helpers/group-entry.ts). */
const GROUP_HELPER = new URL('../test/helpers/group-entry.ts', import.meta.url).href;
function groupEntry(files: string[]): string {
  const list = files.map((f) => ({ name: relative(process.cwd(), resolve(f)).replaceAll('\\', '/'), url: pathToFileURL(resolve(f)).href }));
  return `import { suites } from ${JSON.stringify(GROUP_HELPER)};\nsuites(${JSON.stringify(list)});\n`;
}

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
/** The run's temporary directories (entry files, cache): removed at the end, on a signal, on a failed start. */
const tempDirs: string[] = [];
const removeTempDirs = () => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopServer().then(() => {
    removeTempDirs();
    process.exit(130);
  }));
}

/** Test processes run at once in the main pass (MAITRE_TEST_CONCURRENCY). */
const MAIN_CONCURRENCY = Number(process.env.MAITRE_TEST_CONCURRENCY) || 2;
// The main pass's entry files, in a directory of the run: named in the order they should start (Node 20's runner
// starts its files in the order of their names, not of its arguments), each importing its test files as suites.
const entryDir = mkdtempSync(join(tmpdir(), 'maitre-test-entries-'));
tempDirs.push(entryDir);
const mainEntries = entries(main).map((files, i) => {
  const label = files.length === 1 ? basename(files[0], '.test.ts') : `group-of-${files.length}`;
  const path = join(entryDir, `${String(i).padStart(3, '0')}-${label}.test.mjs`);
  writeFileSync(path, groupEntry(files));
  return path;
});
const passes = [
  { name: `PostgreSQL (${server ? 'embedded, for this run' : 'TEST_DATABASE_URL'})`, files: mainEntries, concurrency: MAIN_CONCURRENCY, extra: [] as string[], count: main.length },
];
// A scale test that fails can leave a handle open (a load generator, a socket): force the file to exit, and bound it.
if (runScale && scale.length) {
  passes.push({ name: 'scale-out (own PostgreSQL, Redis, nginx)', files: scale, concurrency: 1, extra: ['--test-force-exit', '--test-timeout=300000'], count: scale.length });
}

const runId = `${process.pid}${Date.now().toString(36)}`;
// One migrated template for the whole run: every test database is a copy of it (test/helpers/db.ts).
const template = await makeTemplate(`mt_${runId}_tpl`, databaseUrl).catch(async (err: unknown) => {
  console.error(`# could not migrate the test template on ${databaseUrl}: ${(err as Error).stack ?? err}`);
  await stopServer();
  removeTempDirs();
  process.exit(1);
});
// One cache directory for the run (MAITRE_CACHE_DIR): the API reference is rendered once, not once per test process.
const cacheDir = mkdtempSync(join(tmpdir(), 'maitre-test-cache-'));
tempDirs.push(cacheDir);
let failed = false;
for (const { name, files, concurrency, extra, count } of passes) {
  if (!files.length) continue;
  console.log(`\n# ===== test pass on ${name} (${count} files in ${files.length} process${files.length === 1 ? '' : 'es'}) =====`);
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

removeTempDirs();
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
