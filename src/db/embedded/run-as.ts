/**
 * PostgreSQL refuses to run as root. When Maitre runs as root (containers, CI), the embedded server runs as the
 * unprivileged system user `postgres`, created (`useradd --system`) when the machine has none. That user must be able
 * to reach the server's programs and the data directory: when the programs sit somewhere it cannot read (a checkout
 * under /root, say), a copy is made in a shared cache directory; a data directory it cannot reach is refused with a
 * message saying what to do.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { postgresBinaries, type PostgresBinaries } from './binaries.js';
import { EmbeddedDatabaseError } from './errors.js';

export const POSTGRES_USER = 'postgres';

export interface RunAs {
  uid: number;
  gid: number;
  user: string;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookup(user: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, user } : undefined;
  } catch {
    return undefined;
  }
}

/** The account the server runs as: undefined (this process's own) unless we are root. */
export function serverAccount(log: (msg: string) => void): RunAs | undefined {
  if (!isRoot()) return undefined;
  const existing = lookup(POSTGRES_USER);
  if (existing) return existing;
  log(`running as root: creating the system user "${POSTGRES_USER}" for the embedded PostgreSQL (it refuses to run as root)`);
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER], { stdio: 'ignore' });
  } catch (err) {
    throw new EmbeddedDatabaseError(
      `running as root, and the system user "${POSTGRES_USER}" (PostgreSQL refuses root) could not be created: ${(err as Error).message}. ` +
        'Create it, run Maitre as a regular user, or set DATABASE_URL.',
    );
  }
  const made = lookup(POSTGRES_USER);
  if (!made) throw new EmbeddedDatabaseError(`the system user "${POSTGRES_USER}" was created but cannot be looked up`);
  return made;
}

function canRun(binaries: PostgresBinaries, account: RunAs): boolean {
  const r = spawnSync(binaries.postgres, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return r.status === 0;
}

/** The server's programs, runnable by `account` (copied to a cache directory it can read when the originals are not). */
export function binariesFor(account: RunAs | undefined): PostgresBinaries {
  const original = postgresBinaries();
  if (!account || canRun(original, account)) return original;
  const version = parse(dirname(original.root)).base; // the platform package's folder name
  const cache = join(tmpdir(), `maitre-postgres-${version}-${hashOf(original.root)}`);
  const copy = { root: cache, postgres: join(cache, 'bin', parse(original.postgres).base), initdb: join(cache, 'bin', parse(original.initdb).base) };
  if (!existsSync(copy.postgres) || !canRun(copy, account)) {
    const partial = `${cache}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(original.root, partial, { recursive: true, verbatimSymlinks: true });
    rmSync(cache, { recursive: true, force: true });
    renameSync(partial, cache);
    if (!canRun(copy, account)) {
      throw new EmbeddedDatabaseError(`the embedded PostgreSQL cannot run as the user "${account.user}" (PostgreSQL refuses root), even from ${cache}`);
    }
  }
  return copy;
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 10);

/** Refuses clearly when `account` cannot enter `dir` (it and every parent need the execute bit for it). */
export function checkReachable(dir: string, account: RunAs | undefined): void {
  if (!account) return;
  const r = spawnSync('test', ['-x', resolve(dir)], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  if (r.status !== 0) {
    throw new EmbeddedDatabaseError(
      `running as root, the embedded PostgreSQL runs as the user "${account.user}", who cannot reach ${resolve(dir)}. ` +
        'Put MAITRE_DATA_DIR where that user can reach it (e.g. /var/lib/maitre), run Maitre as a regular user, or set DATABASE_URL.',
    );
  }
}
