/**
 * The `maitre` command line (API.md §9) as a function: runs one command and answers its exit code. Errors go to
 * stderr with a non-zero code (2 for a usage error); --json prints one object. src/cli.ts runs it on the process's
 * streams; tests run it on buffers (test/helpers/cli.ts).
 */
import { loadConfig } from '../config.js';
import { EmbeddedDatabaseError } from '../db/embedded/owner-lock.js';
import { migrate } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { ApiError } from '../http/errors.js';
import { print, UsageError } from './args.js';
import { customerCommand } from './customers.js';
import type { CliContext, CliIo } from './io.js';
import { keyCommand } from './keys.js';
import { reportCommand } from './reports.js';
import { ConfigFileError, restaurantCommand } from './restaurants.js';
import { userCommand } from './users.js';

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
async function withDb<T>(io: CliIo, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const opened = await openDatabase(config, {
    role: 'cli',
    log: (level, message) => {
      if (level !== 'debug') io.err(`maitre: ${message}\n`);
    },
  });
  try {
    await migrate(opened.db);
    return await fn({ db: opened.db, io, config, actor: { type: 'cli', id: io.env.USER ?? null } });
  } finally {
    await opened.close();
  }
}

async function dbCommand(io: CliIo, sub: string | undefined, rest: string[]): Promise<void> {
  if (sub !== 'import-pglite') throw new UsageError('usage: maitre db import-pglite DIR [--json]');
  const json = rest.includes('--json');
  const dir = rest.find((a) => !a.startsWith('--'));
  if (!dir) throw new UsageError('usage: maitre db import-pglite DIR [--json]');
  const { importPglite } = await import('./import-pglite.js');
  const result = await importPglite(loadConfig(io.env), dir, (m) => io.err(`maitre: ${m}\n`));
  const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
  print(io, json, result, `imported ${rows} rows from ${result.source} (${Object.keys(result.tables).length} tables, schema version ${result.migrationsBefore})`);
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve': {
      // Loaded only here: the server's modules (Fastify, the documents, metrics…) would slow every other command.
      const { serve } = await import('../server.js');
      return serve(loadConfig(io.env));
    }
    case 'migrate':
      return withDb(io, async ({ db }) => {
        const applied = await migrate(db);
        io.out(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      });
    case 'restaurant':
      return withDb(io, (ctx) => restaurantCommand(ctx, sub, rest));
    case 'key':
      return withDb(io, (ctx) => keyCommand(ctx, sub, rest));
    case 'user':
      return withDb(io, (ctx) => userCommand(ctx, sub, rest));
    case 'customer':
      return withDb(io, (ctx) => customerCommand(ctx, sub, rest));
    case 'db':
      return dbCommand(io, sub, rest);
    case 'report':
      return withDb(io, (ctx) => reportCommand(ctx, argv.slice(1)));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return;
    default:
      throw new UsageError(`unknown command "${command}"; see maitre --help`);
  }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await main(argv, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`maitre: ${err.message}\n`);
      return 2;
    }
    // node:util parseArgs refusing the command line (an unknown option, a missing value): a usage error, not a crash.
    if (typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS_')) {
      io.err(`maitre: ${(err as Error).message.split('. ')[0]}; see maitre --help\n`);
      return 2;
    }
    if (err instanceof ApiError) {
      io.err(`maitre: ${err.message} (${err.code})\n`);
    } else if (err instanceof EmbeddedDatabaseError || err instanceof ConfigFileError || (err as Error)?.message?.startsWith('invalid configuration')) {
      io.err(`maitre: ${(err as Error).message}\n`);
    } else {
      io.err(`maitre: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    return 1;
  }
}
