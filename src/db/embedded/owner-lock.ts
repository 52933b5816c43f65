/**
 * Which process owns an embedded data directory, i.e. starts and stops its PostgreSQL server: an exclusive lock file
 * `maitre.lock` holding "<pid> <role>". A live owner that is a server makes a second server refuse (and lets CLI
 * commands connect to its PostgreSQL instead); a live owner that is a CLI command is waited for briefly; a dead owner
 * (crash, SIGKILL) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alive } from './cluster.js';
import { EmbeddedDatabaseError } from './errors.js';

export type OwnerRole = 'serve' | 'cli';

export { EmbeddedDatabaseError };

export class DataDirLockedError extends EmbeddedDatabaseError {
  override name = 'DataDirLockedError';
  constructor(dir: string, readonly pid: number, readonly role: OwnerRole) {
    super(
      `the data directory ${resolve(dir)} is in use by another Maitre ${role === 'serve' ? 'server' : 'command'} (pid ${pid}). ` +
        'Stop that process first; CLI commands work beside a running server.',
    );
  }
}

export interface Owner {
  pid: number;
  role: OwnerRole;
}

const lockFile = (dir: string) => join(dir, 'maitre.lock');

/** The live owner of the directory, if any. */
export function currentOwner(dir: string): Owner | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile(dir), 'utf8').trim();
  } catch {
    return undefined;
  }
  const [pidText, role] = text.split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  return { pid, role: role === 'cli' ? 'cli' : 'serve' };
}

/** Directories locked by this process (a lock file with our own pid but not in here is stale: pid reuse). */
const held = new Set<string>();

/** Takes the lock, or returns the live owner that holds it. */
export function tryAcquireOwnerLock(dir: string, role: OwnerRole): { release: () => void } | { owner: Owner } {
  const file = lockFile(dir);
  const key = resolve(dir);
  if (held.has(key)) return { owner: { pid: process.pid, role } };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid} ${role}`);
      closeSync(fd);
      held.add(key);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(key);
        process.off('exit', release);
        try {
          if (readFileSync(file, 'utf8').startsWith(`${process.pid} `)) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = currentOwner(dir);
      if (owner && owner.pid !== process.pid) return { owner };
      try {
        unlinkSync(file); // stale lock of a dead process
      } catch {
        /* someone else took it over; the next attempt decides */
      }
    }
  }
  throw new EmbeddedDatabaseError(`could not lock the data directory ${resolve(dir)}`);
}
