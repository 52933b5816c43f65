/**
 * `maitre serve`: open the database (starting the embedded PostgreSQL when DATABASE_URL is unset), migrate, seed the
 * demo on an empty database, listen, and drain gracefully on SIGTERM/SIGINT: in-flight requests finish, usage batches
 * are flushed, the pool is closed, and only then is the embedded PostgreSQL stopped (fast shutdown). If the embedded
 * PostgreSQL dies, Maitre logs why and exits non-zero rather than serve on a dead database.
 */
import pino from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { migrate } from './db/migrate.js';
import { compactDayChanges } from './modules/availability/queries.js';
import { openDatabase } from './db/open.js';
import { loggerOptions } from './logger.js';
import { seedDemoIfEmpty, printDemoBanner } from './demo.js';
import { applyHeapPolicy } from './heap.js';
import { drainHttp, IDLE_GRACE_MS } from './http/drain.js';

export async function serve(config: Config): Promise<void> {
  // First, before the heap grows: a full collection once the old space holds 30 % more than the last one left (heap.ts).
  const heapPolicy = applyHeapPolicy();
  const logger = pino(loggerOptions(config.logLevel));
  const pgLog = logger.child({ component: 'postgres' });
  const opened = await openDatabase(config, {
    role: 'serve',
    log: (level, message) => pgLog[level](message),
    onPoolError: (err) => logger.error({ err }, 'database pool error'),
  });
  const { db, embedded } = opened;
  let stopping = false;
  embedded?.cluster?.onUnexpectedExit((why) => {
    if (stopping) return;
    logger.fatal({ why }, 'the embedded PostgreSQL server stopped unexpectedly: exiting (a process manager restarts both)');
    process.exit(1);
  });

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let port = config.port;
  let demo: Awaited<ReturnType<typeof seedDemoIfEmpty>> = null;
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    // What piled up in availability's change log while no server ran (an import, a long stop): compacted before the
    // first request sums it (src/modules/availability/day-cache.ts).
    await compactDayChanges(db, Date.now()).catch((err) => logger.warn({ err }, 'day change log compaction failed (retried every minute)'));
    app = await buildApp({ config, db, logger });
    demo = config.demo ? await seedDemoIfEmpty(app.services) : null;
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    if (typeof address === 'object' && address) port = address.port;
  } catch (err) {
    // Never leave the embedded PostgreSQL running behind a server that failed to start.
    stopping = true;
    await app?.close().catch(() => {});
    await opened.close().catch(() => {});
    throw err;
  }
  const baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url: baseUrl, heap: heapPolicy, database: embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)', redis: Boolean(config.redisUrl) }, 'maitre is listening');
  if (demo) printDemoBanner(demo, baseUrl);
  if (!config.smtpUrl) {
    // Guest emails are rendered and kept (dashboard: a booking's messages) but not sent until SMTP is configured.
    process.stdout.write(
      '  Guest emails      not sent (kept as "not_sent"): set MAITRE_SMTP_URL=smtp://user:pass@host:587 (and MAITRE_SMTP_FROM) to send them — see docs/notifications.md\n',
    );
  }

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 45_000);
    force.unref();
    try {
      // Behind a balancer (MAITRE_TRUST_PROXY=1, as docs/deploy.md requires there), its idle connections are left to
      // it for the grace; served directly, nobody closes idle connections sooner, so they are closed at once.
      const drained = await drainHttp(app!.server, config.trustProxy ? IDLE_GRACE_MS : 0);
      if (drained.openAtGrace > 0 && config.trustProxy) {
        // A client kept connections idle past the grace and may have been sending on one as it closed: a balancer in
        // front should close its idle upstream connections sooner (nginx keepalive_timeout < 5 s: docs/deploy.md).
        logger.warn(drained, 'connections still open at the drain grace: their idle ones were closed');
      } else logger.info(drained, 'requests drained');
      await app!.close();
      await opened.close();
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
