/**
 * A throwaway PostgreSQL server in a temporary directory, on the embedded binaries: the test runner's database
 * server (one per `npm test`) and the benchmark's. Durability settings are off (nothing here outlives the run);
 * the directory is removed on stop.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type LogLevel } from './cluster.js';
import { binariesFor, serverAccount } from './run-as.js';

export interface ScratchServer {
  cluster: Cluster;
  /** postgres:// URL of a database on it (the superuser's). */
  url(database: string): string;
  stop(): Promise<void>;
}

export async function startScratchServer(o: { settings?: Record<string, string>; log?: (level: LogLevel, message: string) => void } = {}): Promise<ScratchServer> {
  const log = o.log ?? ((level, message) => level === 'error' && process.stderr.write(`postgres: ${message}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'maitre-pg-'));
  chmodSync(dir, 0o755); // the server's account (root runs it as `postgres`) must be able to enter it
  const account = serverAccount((m) => log('info', m));
  const cluster = new Cluster({
    pgdata: join(dir, 'pg'),
    password: randomBytes(18).toString('base64url'),
    binaries: binariesFor(account),
    account,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300', log_checkpoints: 'off', ...o.settings },
    log,
  });
  try {
    await cluster.initialize();
    await cluster.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    cluster,
    url: (database) => cluster.url(database),
    stop: async () => {
      try {
        await cluster.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
