import type { Config } from '../config.js';
import type { LogLevel } from './embedded/cluster.js';
import { openEmbedded, type EmbeddedDatabase } from './embedded/open-embedded.js';
import type { OwnerRole } from './embedded/owner-lock.js';
import { PostgresDb } from './postgres.js';
import type { Db } from './types.js';

export interface OpenedDatabase {
  db: Db;
  /** Set in embedded mode: the PostgreSQL server this process runs, or connects to. */
  embedded?: EmbeddedDatabase;
  /** Closes the pool, then stops the embedded server if this process runs it. */
  close(): Promise<void>;
}

export interface OpenOptions {
  role: OwnerRole;
  log: (level: LogLevel, message: string) => void;
  onPoolError?: (err: Error) => void;
}

/**
 * Opens the database the configuration names: the PostgreSQL server at DATABASE_URL, or else the embedded PostgreSQL
 * in MAITRE_DATA_DIR (started here, or the running server's). Either way the application talks to it through the same
 * pool, prepared statements and LISTEN/NOTIFY.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, o: OpenOptions): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const db = new PostgresDb(config.databaseUrl, { onError: o.onPoolError });
    return { db, close: () => db.close() };
  }
  const embedded = await openEmbedded(config.dataDir, { role: o.role, log: o.log });
  const db = new PostgresDb(embedded.url, { onError: o.onPoolError });
  return {
    db,
    embedded,
    close: async () => {
      try {
        await db.close();
      } finally {
        await embedded.close();
      }
    },
  };
}
