/**
 * A fresh, migrated database per call, on the engine this test pass runs on:
 * - PGlite (default): one migrated template dump per machine (see pgliteTemplateDump), loaded per call (≈ 0.35 s);
 * - PostgreSQL (MAITRE_TEST_ENGINE=postgres, TEST_DATABASE_URL): one migrated template database per process, copied
 *   per call with CREATE DATABASE … TEMPLATE, dropped when closed.
 */
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../src/db/migrate.js';
import { PgliteDb } from '../../src/db/pglite.js';
import { PostgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/types.js';

const require = createRequire(import.meta.url);

export const ENGINE: 'pglite' | 'postgres' = process.env.MAITRE_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgliteTemplate: Promise<Blob> | undefined;
let pgTemplate: Promise<string> | undefined;
// Names carry the run id of scripts/test.mjs so its clean-up touches only this run's databases.
const runId = (process.env.MAITRE_TEST_RUN_ID ?? randomBytes(3).toString('hex')).replace(/\W/g, '');
const tag = `${runId}_${process.pid}`;
let counter = 0;

function urlFor(database: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function makePgTemplate(): Promise<string> {
  const name = `mt_${tag}_tpl`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const db = new PostgresDb(urlFor(name), { max: 1 });
  await migrate(db);
  await db.close();
  return name;
}

export interface TestDb extends Db {
  /** The connection URL (PostgreSQL pass only): lets a test start a second app or a CLI on the same database. */
  url?: string;
}

/**
 * The migrated PGlite template as a dump, shared by every test process of the machine through a file in the temporary
 * directory, named by the migrations' and PGlite's fingerprint (a new migration or PGlite version makes a new file).
 * Loading it skips PGlite's initdb and the migrations in each test process.
 */
async function pgliteTemplateDump(): Promise<Blob> {
  const pglitePackage = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const hash = createHash('sha256').update(JSON.parse(readFileSync(pglitePackage, 'utf8')).version);
  const dir = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
  for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(join(dir, name)));
  const file = join(tmpdir(), `maitre-test-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const t = await PgliteDb.open();
  await migrate(t);
  const dump = await t.dump();
  await t.close();
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file); // atomic: a concurrent process reads the whole file or none
  return dump;
}

export async function createTestDb(): Promise<TestDb> {
  if (ENGINE === 'pglite') {
    pgliteTemplate ??= pgliteTemplateDump();
    return PgliteDb.fromDump(await pgliteTemplate);
  }
  pgTemplate ??= makePgTemplate();
  const template = await pgTemplate;
  const name = `mt_${tag}_${counter++}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const db = new PostgresDb(urlFor(name)) as PostgresDb & TestDb;
  const close = db.close.bind(db);
  Object.assign(db, {
    url: urlFor(name),
    close: async () => {
      await close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
    },
  });
  return db;
}
