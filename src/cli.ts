/** The `maitre` command line (API.md §9). Errors go to stderr with a non-zero exit; --json prints one object. */
import { loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open.js';
import type { Db } from './db/types.js';
import { ApiError } from './http/errors.js';
import { UsageError } from './cli/args.js';
import { customerCommand } from './cli/customers.js';
import { keyCommand } from './cli/keys.js';
import { ConfigFileError, restaurantCommand } from './cli/restaurants.js';
import { userCommand } from './cli/users.js';
import { serve } from './server.js';

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

Environment: DATABASE_URL (else embedded data in MAITRE_DATA_DIR, default ./data), REDIS_URL, PORT, HOST, LOG_LEVEL.
`;

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig());
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(loadConfig());
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
  } else if (err instanceof DataDirLockedError || err instanceof ConfigFileError || (err as Error)?.message?.startsWith('invalid configuration')) {
    process.stderr.write(`maitre: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`maitre: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
