/**
 * `maitre db import-pglite DIR`: moves a database written by PGlite (Maitre 0.1's embedded engine) into the embedded
 * PostgreSQL. PGlite reads its own files (it is a development dependency: `npm install` of a checkout has it); the
 * target gets the migrations the old database had, then every row of every table in one transaction (triggers and
 * foreign-key checks deferred to the data as it was, sequences carried over), then the newer migrations.
 * When DIR is the data directory itself (the usual ./data), its PGlite files are first moved to DIR/pglite-backup.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { loadMigrations, migrate } from '../db/migrate.js';
import { isPgliteDataDir } from '../db/embedded/open-embedded.js';
import { openDatabase } from '../db/open.js';
import type { Tx } from '../db/types.js';
import { UsageError } from './args.js';

const BATCH = 1_000;

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

async function openPglite(dir: string): Promise<PgliteLike> {
  let mod: typeof import('@electric-sql/pglite');
  let contrib: typeof import('@electric-sql/pglite/contrib/btree_gist');
  try {
    mod = await import('@electric-sql/pglite');
    contrib = await import('@electric-sql/pglite/contrib/btree_gist');
  } catch {
    throw new UsageError('reading a PGlite directory needs the @electric-sql/pglite package: run `npm install` in the checkout (it is a development dependency)');
  }
  return mod.PGlite.create(`file://${dir}`, { extensions: { btree_gist: contrib.btree_gist } });
}

export interface ImportResult {
  source: string;
  backup?: string;
  migrationsBefore: number;
  tables: Record<string, number>;
}

export async function importPglite(config: Config, sourceArg: string, log: (message: string) => void): Promise<ImportResult> {
  let source = resolve(sourceArg);
  if (!isPgliteDataDir(source)) {
    const moved = join(source, 'pglite-backup');
    throw new UsageError(
      `${source} is not a PGlite data directory (no PG_VERSION and base/ in it)` +
        (isPgliteDataDir(moved) ? `; an earlier import moved its files to ${moved}: pass that directory` : ''),
    );
  }
  let backup: string | undefined;
  if (!config.databaseUrl && source === resolve(config.dataDir)) {
    backup = join(source, 'pglite-backup');
    if (existsSync(backup)) throw new UsageError(`${backup} exists already: move it away first`);
    mkdirSync(backup);
    for (const name of readdirSync(source)) if (name !== 'pglite-backup' && name !== 'maitre.lock') renameSync(join(source, name), join(backup, name));
    log(`moved the PGlite files to ${backup}`);
    source = backup;
  }

  const old = await openPglite(source);
  const opened = await openDatabase(config, { role: 'cli', log: (level, m) => level !== 'debug' && log(m) });
  try {
    const applied = (await old.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => Number(r.version));
    const version = applied.length ? Math.max(...applied) : 0;
    await migrate(opened.db, loadMigrations().filter((m) => m.version <= version));
    const tables = await opened.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM restaurants');
      if (rows[0].n > 0) throw new UsageError('the target database already has restaurants: import into an empty one');
      // Rows go in as they were: no triggers (the day-change log is copied as it is), foreign keys not checked per row.
      await tx.query(`SET LOCAL session_replication_role = replica`);
      return copyTables(old, tx);
    });
    await migrate(opened.db); // what came after the old release
    return { source, backup, migrationsBefore: version, tables };
  } finally {
    await old.close();
    await opened.close();
  }
}

async function copyTables(old: PgliteLike, tx: Tx): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { rows: tables } = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' ORDER BY c.relname`,
  );
  for (const { name } of tables) {
    // Generated columns are computed again by the target; every other column is copied.
    const { rows: cols } = await tx.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`,
      [`public.${quote(name)}`],
    );
    const list = cols.map((c) => quote(c.name)).join(', ');
    let copied = 0;
    for (let offset = 0; ; offset += BATCH) {
      const { rows } = await old.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM public.${quote(name)} t ORDER BY ctid LIMIT ${BATCH} OFFSET ${offset}`);
      if (!rows.length) break;
      await tx.query(
        `INSERT INTO public.${quote(name)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::public.${quote(name)}, $1::json)`,
        [`[${rows.map((x) => x.r).join(',')}]`],
      );
      copied += rows.length;
    }
    counts[name] = copied;
  }
  const { rows: sequences } = await old.query<{ name: string; last: string | null }>(
    `SELECT sequencename AS name, last_value::text AS last FROM pg_sequences WHERE schemaname = 'public'`,
  );
  for (const s of sequences) {
    if (s.last !== null) await tx.query(`SELECT setval($1::regclass, $2::bigint, true)`, [`public.${quote(s.name)}`, s.last]);
  }
  return counts;
}

function quote(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}
