/**
 * A fresh, migrated database per call, on the PostgreSQL server of this test run (TEST_DATABASE_URL: set by
 * scripts/test.ts to the embedded server it started, or to the server you name): one migrated template database (per
 * run under npm test, else per process), copied per call with CREATE DATABASE … TEMPLATE, dropped when closed.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/db/migrate.js';
import { PostgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/types.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgTemplate: Promise<string> | undefined;
// Names carry the run id of scripts/test.ts so its clean-up touches only this run's databases.
const runId = (process.env.MAITRE_TEST_RUN_ID ?? randomBytes(3).toString('hex')).replace(/\W/g, '');
const tag = `${runId}_${process.pid}`;
let counter = 0;

function urlFor(database: string, server = TEST_DATABASE_URL): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>, server = TEST_DATABASE_URL): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates and migrates a template database on `server` (scripts/test.ts makes one for the whole run with this). */
export async function makeTemplate(name: string, server = TEST_DATABASE_URL): Promise<string> {
  await admin((c) => c.query(`CREATE DATABASE ${name}`), server);
  const db = new PostgresDb(urlFor(name, server), { max: 1 });
  await migrate(db);
  await db.close();
  return name;
}

/** A file run on its own: its template, dropped when the process has nothing left to do (npm test drops the run's). */
function ownTemplate(): Promise<string> {
  const name = `mt_${tag}_tpl`;
  process.once('beforeExit', () => {
    void admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
  });
  return makeTemplate(name);
}

export interface TestDb extends Db {
  /** The connection URL: lets a test start a second app or a CLI on the same database. */
  url: string;
}

export async function createTestDb(): Promise<TestDb> {
  // npm test migrates one template for the whole run (MAITRE_TEST_TEMPLATE); a file run on its own makes its own.
  pgTemplate ??= process.env.MAITRE_TEST_TEMPLATE ? Promise.resolve(process.env.MAITRE_TEST_TEMPLATE) : ownTemplate();
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
