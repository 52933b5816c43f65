#!/usr/bin/env node
// `npm test`: the whole suite on embedded PGlite, then again on PostgreSQL when TEST_DATABASE_URL is set.
// Extra arguments are test files (default: every test/**/*.test.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'helpers' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const args = process.argv.slice(2);
const all = args.length ? args : find('test').sort();
const under = (dir) => (f) => f.split(/[\\/]/).includes(dir);
const browser = all.filter(under('browser'));
const scale = all.filter(under('scale'));
const unit = all.filter((f) => !browser.includes(f) && !scale.includes(f));

// Data code runs on both engines. The browser suites test pages, not storage: once, on the embedded engine. The
// scale-out suites start their own PostgreSQL, Redis, instances and nginx: once, in the PostgreSQL setup (CI).
const skipBrowser = Boolean(process.env.MAITRE_SKIP_BROWSER);
const runScale = !process.env.MAITRE_SKIP_SCALE && (Boolean(process.env.TEST_DATABASE_URL) || Boolean(process.env.MAITRE_TEST_SCALE) || args.length > 0);
const passes = [{ name: 'pglite', engine: 'pglite', files: [...unit, ...(skipBrowser ? [] : browser)] }];
if (process.env.TEST_DATABASE_URL) passes.push({ name: 'postgres', engine: 'postgres', files: unit });
// A scale test that fails can leave a handle open (a load generator, a socket): force the file to exit, and bound it.
if (runScale && scale.length) {
  passes.push({ name: 'scale-out (own PostgreSQL, Redis, nginx)', engine: 'postgres', files: scale, concurrency: 1, extra: ['--test-force-exit', '--test-timeout=300000'] });
}

const runId = `${process.pid}${Date.now().toString(36)}`;
let failed = false;
for (const { name, engine, files, concurrency = 2, extra = [] } of passes) {
  if (!files.length) continue;
  console.log(`\n# ===== test pass on ${name} (${files.length} files) =====`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...extra, ...files], {
    stdio: 'inherit',
    env: { ...process.env, MAITRE_TEST_ENGINE: engine, MAITRE_TEST_RUN_ID: runId },
  });
  if (r.status !== 0) failed = true;
}
if (process.env.TEST_DATABASE_URL) {
  // Drop the template and any test databases of this run that a crashed test left behind.
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
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
