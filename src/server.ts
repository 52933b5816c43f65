/**
 * `maitre serve`: open the database, migrate, seed the demo on an empty database, listen, and drain gracefully
 * on SIGTERM/SIGINT (in-flight requests finish, usage batches are flushed, the database is closed).
 */
import pino from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open.js';
import { loggerOptions } from './logger.js';
import { seedDemoIfEmpty, printDemoBanner } from './demo.js';

export async function serve(config: Config): Promise<void> {
  const logger = pino(loggerOptions(config.logLevel));
  const db = await openDb(config, (err) => logger.error({ err }, 'database pool error'));
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const app = await buildApp({ config, db, logger });
  const demo = config.demo ? await seedDemoIfEmpty(app.services) : null;
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url: baseUrl, database: db.kind, redis: Boolean(config.redisUrl) }, 'maitre is listening');
  if (demo) printDemoBanner(demo, baseUrl);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await app.close();
      await db.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
