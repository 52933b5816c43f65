/**
 * The embedded database: a real PostgreSQL server that Maitre runs itself in MAITRE_DATA_DIR (default ./data):
 *
 *   data/pg/           the PostgreSQL cluster (initdb on first start; owned by the `postgres` user when run as root)
 *   data/pg-password   the generated superuser password, mode 0600
 *   data/maitre.lock   the process that owns the server ("<pid> serve|cli")
 *
 * The owner starts the server (awaited before anything else runs) and stops it last. A CLI command beside a running
 * server connects to that server's PostgreSQL (its port is in data/pg/postmaster.pid); with no server running it
 * starts PostgreSQL itself for the command's duration.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Cluster, loopbackUrl, readPostmaster, type LogLevel } from './cluster.js';
import { DataDirLockedError, EmbeddedDatabaseError, tryAcquireOwnerLock, type OwnerRole } from './owner-lock.js';
import { binariesFor, checkReachable, serverAccount } from './run-as.js';

export const DATABASE = 'maitre';

export interface EmbeddedDatabase {
  /** postgres:// URL of the `maitre` database. */
  url: string;
  /** The server this process runs (undefined when connected to another process's server). */
  cluster?: Cluster;
  /** Stops the server if this process runs it, and releases the data directory. */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  role: OwnerRole;
  log: (level: LogLevel, message: string) => void;
  /** Extra PostgreSQL settings (tests turn fsync off for speed; the server never does). */
  settings?: Record<string, string>;
}

export function layout(dataDir: string) {
  const dir = resolve(dataDir);
  return { dir, pgdata: join(dir, 'pg'), passwordFile: join(dir, 'pg-password') };
}

/** A data directory written by PGlite (Maitre 0.1): PostgreSQL's files directly in it, no pg/ cluster. */
export function isPgliteDataDir(dataDir: string): boolean {
  const { dir, pgdata } = layout(dataDir);
  return existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'base')) && !existsSync(pgdata);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openEmbedded(dataDir: string, o: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { dir, pgdata, passwordFile } = layout(dataDir);
  if (isPgliteDataDir(dir)) {
    throw new EmbeddedDatabaseError(
      `${dir} holds a database written by PGlite (Maitre 0.1's embedded engine). Maitre now runs a real PostgreSQL; ` +
        `convert it once with:\n  npx maitre db import-pglite ${dataDir}\n(the old files are kept in ${dataDir}/pglite-backup).`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = tryAcquireOwnerLock(dir, o.role);
    if ('release' in got) return startOwned(dir, pgdata, passwordFile, got.release, o);
    const { owner } = got;
    if (owner.role === 'serve' && o.role === 'serve') throw new DataDirLockedError(dir, owner.pid, owner.role);
    if (owner.role === 'serve') return attach(dir, pgdata, passwordFile, owner.pid);
    // A CLI command runs the server for a moment: wait for it to finish.
    if (Date.now() > deadline) throw new DataDirLockedError(dir, owner.pid, owner.role);
    await sleep(100);
  }
}

async function startOwned(dir: string, pgdata: string, passwordFile: string, release: () => void, o: EmbeddedOptions): Promise<EmbeddedDatabase> {
  try {
    const account = serverAccount((m) => o.log('info', m));
    checkReachable(dir, account);
    const binaries = binariesFor(account);
    const fresh = !existsSync(join(pgdata, 'PG_VERSION'));
    let password: string;
    if (fresh) {
      password = randomBytes(24).toString('base64url');
      writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    } else {
      password = readPassword(passwordFile);
    }
    // 32 MB of shared buffers hold a restaurant's whole book (PostgreSQL's default, 128 MB, is sized for a dedicated
    // machine); the operating system's page cache serves the rest.
    const settings = { shared_buffers: '32MB', ...o.settings };
    const cluster = new Cluster({ pgdata, password, binaries, account, settings, log: o.log });
    if (fresh) {
      o.log('info', `creating the embedded PostgreSQL database in ${pgdata}`);
      await cluster.initialize();
    }
    await cluster.start();
    try {
      if (fresh || !(await databaseExists(cluster))) await createDatabase(cluster);
    } catch (err) {
      await cluster.stop(); // never leave a server running behind an open that failed
      throw err;
    }
    return {
      url: cluster.url(DATABASE),
      cluster,
      close: async () => {
        try {
          await cluster.stop();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

async function attach(dir: string, pgdata: string, passwordFile: string, ownerPid: number): Promise<EmbeddedDatabase> {
  const password = readPassword(passwordFile);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = readPostmaster(pgdata);
    if (info?.status === 'ready' && info.port > 0) {
      return { url: loopbackUrl(info.port, password, DATABASE), close: async () => {} };
    }
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(`the Maitre server (pid ${ownerPid}) owns ${dir} but its PostgreSQL is not ready; try again`);
    }
    await sleep(100);
  }
}

function readPassword(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new EmbeddedDatabaseError(`${file} is missing: the embedded database's password is kept there (restore it from a backup)`);
  }
}

async function withClient<T>(cluster: Cluster, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: cluster.url('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function databaseExists(cluster: Cluster): Promise<boolean> {
  return withClient(cluster, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1);
}

function createDatabase(cluster: Cluster): Promise<void> {
  return withClient(cluster, async (c) => {
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
}

