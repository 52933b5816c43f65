#!/usr/bin/env node
// `npm test`: the whole suite on embedded PGlite, then again on PostgreSQL when TEST_DATABASE_URL is set.
// Extra arguments are test files (default: every test/**/*.test.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'helpers' || name === 'browser' && process.env.MAITRE_SKIP_BROWSER ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = process.argv.slice(2).length ? process.argv.slice(2) : find('test').sort();
const passes = [{ engine: 'pglite' }];
if (process.env.TEST_DATABASE_URL) passes.push({ engine: 'postgres' });

const runId = `${process.pid}${Date.now().toString(36)}`;
let failed = false;
for (const { engine } of passes) {
  console.log(`\n# ===== test pass on ${engine} (${files.length} files) =====`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
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
