import type { Config } from '../config.js';
import { PgliteDb } from './pglite.js';
import { PostgresDb } from './postgres.js';
import type { Db } from './types.js';

/** Opens the database the configuration names: PostgreSQL with DATABASE_URL, else embedded PGlite in dataDir. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, onError?: (err: Error) => void): Promise<Db> {
  if (config.databaseUrl) return new PostgresDb(config.databaseUrl, { onError });
  return PgliteDb.open(config.dataDir);
}
