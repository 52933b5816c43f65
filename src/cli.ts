/** The `maitre` command line (API.md §9). Errors go to stderr with a non-zero exit; --json prints one object. */
import { loadConfig } from './config.js';
import { EmbeddedDatabaseError } from './db/embedded/owner-lock.js';
import { migrate } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import type { Db } from './db/types.js';
import { ApiError } from './http/errors.js';
import { print, UsageError } from './cli/args.js';
import { customerCommand } from './cli/customers.js';
import { keyCommand } from './cli/keys.js';
import { reportCommand } from './cli/reports.js';
import { ConfigFileError, restaurantCommand } from './cli/restaurants.js';
import { userCommand } from './cli/users.js';

const HELP = `maitre — restaurant reservations

  maitre serve                                   start the server (what npm start runs)
  maitre migrate                                 apply database migrations
  maitre restaurant create --config FILE         import a restaurant configuration file
  maitre restaurant create --slug S --name N [--demo]
  maitre restaurant export SLUG                  print the configuration file
  maitre key create --restaurant S --name N --scopes a,b|all [--origins o1,o2] [--rate-limit N]
                    [--booking-rate-limit N] [--expires-at ISO] [--env live|test] [--json]
  maitre key list --restaurant S [--json]
  maitre key rotate ID [--grace 24h] [--json]
  maitre key revoke ID
  maitre key delete ID
  maitre user create --email E --restaurant S [--role owner|manager|staff]   (password on stdin)
  maitre customer export ID                      print everything stored about a customer (JSON)
  maitre customer erase ID --yes [--json]        erase a customer's personal data (GDPR)
  maitre db import-pglite DIR [--json]           move a Maitre 0.1 (PGlite) data directory into the database
  maitre report --restaurant S --from D --to D [--report NAME] [--json|--csv]
                                                 reports over local dates D..D (docs/reports.md); --csv needs --report

Environment: DATABASE_URL (else the embedded PostgreSQL in MAITRE_DATA_DIR, default ./data), REDIS_URL, PORT, HOST, LOG_LEVEL.
`;

/**
 * Runs a command on the database: DATABASE_URL's, or the embedded one (the running server's PostgreSQL, or one
 * started for the command's duration when no server runs).
 */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const opened = await openDatabase(loadConfig(), {
    role: 'cli',
    log: (level, message) => {
      if (level !== 'debug') process.stderr.write(`maitre: ${message}\n`);
    },
  });
  try {
    await migrate(opened.db);
    return await fn(opened.db);
  } finally {
    await opened.close();
  }
}

async function dbCommand(sub: string | undefined, rest: string[]): Promise<void> {
  if (sub !== 'import-pglite') throw new UsageError('usage: maitre db import-pglite DIR [--json]');
  const json = rest.includes('--json');
  const dir = rest.find((a) => !a.startsWith('--'));
  if (!dir) throw new UsageError('usage: maitre db import-pglite DIR [--json]');
  const { importPglite } = await import('./cli/import-pglite.js');
  const result = await importPglite(loadConfig(), dir, (m) => process.stderr.write(`maitre: ${m}\n`));
  const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
  print(json, result, `imported ${rows} rows from ${result.source} (${Object.keys(result.tables).length} tables, schema version ${result.migrationsBefore})`);
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve': {
      // Loaded only here: the server's modules (Fastify, the documents, metrics…) would slow every other command.
      const { serve } = await import('./server.js');
      return serve(loadConfig());
    }
    case 'migrate':
      return withDb(async (db) => {
        const applied = await migrate(db);
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      });
    case 'restaurant':
      return withDb((db) => restaurantCommand(db, sub, rest));
    case 'key':
      return withDb((db) => keyCommand(db, sub, rest));
    case 'user':
      return withDb((db) => userCommand(db, sub, rest));
    case 'customer':
      return withDb((db) => customerCommand(db, sub, rest));
    case 'db':
      return dbCommand(sub, rest);
    case 'report':
      return withDb((db) => reportCommand(db, argv.slice(1)));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    default:
      throw new UsageError(`unknown command "${command}"; see maitre --help`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`maitre: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ApiError) {
    process.stderr.write(`maitre: ${err.message} (${err.code})\n`);
  } else if (err instanceof EmbeddedDatabaseError || err instanceof ConfigFileError || (err as Error)?.message?.startsWith('invalid configuration')) {
    process.stderr.write(`maitre: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`maitre: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
