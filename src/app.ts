/**
 * buildApp(config, deps): the whole HTTP application, the one thing the server and the tests build.
 * The caller owns the database handle; the app owns its caches, limiter and background flushers.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import pino from 'pino';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Db } from './db/types.js';
import { lazyChildLoggerFactory, loggerOptions } from './logger.js';
import { registerErrorHandling, frameworkErrors, BODY_LIMIT } from './http/errors-handler.js';
import { registerJsonParser } from './http/json-parser.js';
import { genReqId } from './http/request-id.js';
import { serializerCompiler } from './http/serializer.js';
import { registerCors } from './http/cors.js';
import { registerCommonHeaders } from './http/security-headers.js';
import { registerCompression } from './http/compression.js';
import { registerKeyAuth } from './http/auth.js';
import { registerRouteAuthCheck } from './http/route-auth.js';
import { Metrics, routeLabel } from './http/metrics.js';
import { routeConfig } from './http/route-context.js';
import { MemoryRateLimiter } from './http/rate-limit/memory.js';
import { RedisRateLimiter } from './http/rate-limit/redis.js';
import type { RateLimiter } from './http/rate-limit/types.js';
import { listenForChanges, type Change } from './cache/changes.js';
import { KeyCache } from './modules/keys/cache.js';
import { KeyService, loadKeyByHash } from './modules/keys/service.js';
import { UsageRecorder } from './modules/keys/usage-recorder.js';
import { systemRoutes } from './modules/system/routes.js';
import { meRoutes } from './modules/keys/routes.js';
import { restaurantRoutes } from './modules/restaurants/routes.js';
import { adminRoutes } from './modules/admin/routes.js';
import { RestaurantService } from './modules/restaurants/service.js';
import { AdminAuth } from './modules/admin/auth.js';
import { WebhookService } from './modules/webhooks/service.js';
import { WebhookDispatcher } from './modules/webhooks/dispatcher.js';
import { webhookRoutes } from './modules/webhooks/routes.js';
import { notificationAdminRoutes } from './modules/notifications/routes.js';
import { NotificationService } from './modules/notifications/service.js';
import { NotificationWorker } from './modules/notifications/worker.js';
import { messageDefaults } from './modules/notifications/links.js';
import { idempotencySweeper } from './http/idempotency.js';
import { availabilityRoutes } from './modules/availability/routes.js';
import { dayChangesCompactor } from './modules/availability/day-cache.js';
import { reservationRoutes } from './modules/reservations/routes.js';
import { createBookingServices } from './modules/reservations/setup.js';
import { customerRoutes } from './modules/customers/routes.js';
import { waitlistRoutes } from './modules/waitlist/routes.js';
import { waitlistSweeper } from './modules/waitlist/sweeper.js';
import { usageRetention } from './modules/keys/usage-retention.js';
import { eventRoutes } from './modules/events/routes.js';
import { guestRoutes } from './modules/guest/routes.js';
import { guestAdminRoutes } from './modules/guest/admin-routes.js';
import { registerOpenApi } from './http/openapi.js';
import { docsRoutes } from './modules/docs/routes.js';
import { widgetRoutes } from './modules/widget/routes.js';
import { dashboardRoutes } from './modules/dashboard/routes.js';
import type { Services } from './services.js';
import { mcpRoutes } from './modules/mcp/routes.js';
import { llmsRoutes } from './modules/llms/routes.js';
import { homeRoutes } from './modules/home/routes.js';

export interface AppOptions {
  config: Config;
  db: Db;
  /** Clock in ms (tests move time). */
  now?: () => number;
  /** A pino logger or options; defaults from config.logLevel. */
  logger?: pino.Logger;
  /** Replace the limiter (tests). */
  limiter?: RateLimiter;
}

const PUBLIC_PREFIX = '/v1/';

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino(loggerOptions(config.logLevel));
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    childLoggerFactory: lazyChildLoggerFactory as never, // a request's child logger is made only when it writes
    genReqId,
    requestIdHeader: false,
    frameworkErrors,
    bodyLimit: BODY_LIMIT,
    // An idle connection is closed after 72 s: longer than a balancer keeps its idle upstream connections (nginx's
    // keepalive_timeout, 4 s in deploy/nginx.conf; 60 s by default), so the instance never closes one nginx may be
    // sending on (src/http/drain.ts). Fastify's default, stated because deploy.md relies on it.
    keepAliveTimeout: 72_000,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonParser(app);
  registerRouteAuthCheck(app); // before any route: one that declares no auth (or the wrong one) stops the start
  await registerOpenApi(app); // before any route: the OpenAPI documents collect routes as they are added
  await registerCompression(app); // before any route too: API routes are marked uncompressed as they are added

  const metrics = new Metrics();
  const keyCache = new KeyCache((hash) => loadKeyByHash(db, hash), config.keyCacheTtlMs, now);
  const restaurants = new RestaurantService(db, (change) => keyCache.invalidate(change)); // drops its own profiles itself
  /** Applies a change to every cache of this instance: each one heard on the change channel, and changes made here. */
  const invalidateLocal = (change: Change | string) => {
    keyCache.invalidate(change);
    restaurants.invalidateCached(change);
  };
  // One listener for all of them; a lost listening connection clears everything.
  const unsubscribe = await listenForChanges(db, invalidateLocal);
  const limiter: RateLimiter =
    options.limiter ??
    (config.redisUrl
      ? new RedisRateLimiter(config.redisUrl, {
          now,
          log: logger,
          onFallback: () => metrics.limiterFallback.inc(),
        })
      : new MemoryRateLimiter(now));
  if (!(await limiter.ready?.()) && limiter.ready) logger.warn('redis not reachable at start-up: rate limiting is local until it is');
  const usage = new UsageRecorder(db, logger, config.usageFlushMs);
  usage.start();

  // Per app: MAITRE_PUBLIC_URL and MAITRE_SMTP_FROM in guest emails, and whether its worker sends them (it has a mailer).
  const messages = messageDefaults(config, () => notificationWorker.sending);
  const notificationWorker = new NotificationWorker(db, logger as FastifyBaseLogger, now, {
    retryDelaysMs: config.notifyRetryDelaysMs, smtpUrl: config.smtpUrl, messages,
  });
  const booking = createBookingServices(db, now, messages);
  const services: Services = {
    config, db, now, keyCache, limiter, usage, metrics, invalidateLocal,
    keys: new KeyService(db, invalidateLocal, now),
    restaurants,
    adminAuth: new AdminAuth(db, limiter, now),
    webhooks: new WebhookService(db, { allowPrivate: config.webhookAllowPrivate }),
    webhookDispatcher: new WebhookDispatcher(db, logger as FastifyBaseLogger, {
      retryDelaysMs: config.webhookRetryDelaysMs, allowPrivate: config.webhookAllowPrivate,
    }, metrics),
    ...booking,
    notifications: new NotificationService(db, booking.availability, messages, now),
    notificationWorker,
  };
  app.decorate('services', services);
  services.availability.days.onRead = (result) => metrics.availabilityDayReads.inc({ result });
  services.reservations.onBatch = (outcome, size, err) => {
    metrics.bookingBatches.observe({ outcome }, size);
    // Not an error for anyone (each booking is then made alone), but a batch should not fail: say why it did.
    if (outcome === 'fell_back') logger.warn({ err, bookings: size }, 'a batch of bookings was rolled back; each is made alone');
  };

  registerCommonHeaders(app); // x-request-id, nosniff
  app.addHook('onResponse', (req, reply, done) => {
    const route = routeLabel(routeConfig(req).url);
    metrics.requests.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) metrics.rateLimited.inc({ method: req.method, route });
    // Below info (production runs at warn or info; the bench at warn) the line's object is not even built.
    if ((req.log as pino.Logger).isLevelEnabled('info')) {
      req.log.info({ method: req.method, url: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    done();
  });
  metrics.observeDbPool(() => {
    const pool = (db as { pool?: { totalCount: number; idleCount: number; waitingCount: number; options: { max?: number } } }).pool;
    return pool
      ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }
      : { total: 1, idle: 1, waiting: 0, max: 1 };
  });
  metrics.observe({
    keyCacheEntries: () => keyCache.size,
    usagePending: () => usage.pending,
    limiterDegraded: () => (limiter instanceof RedisRateLimiter && limiter.isDegraded ? 1 : 0),
  });

  registerCors(app, (url) => url.startsWith(PUBLIC_PREFIX));

  await app.register(systemRoutes);
  await app.register(idempotencySweeper());
  await app.register(waitlistSweeper());
  await app.register(dayChangesCompactor());
  await app.register(usageRetention());
  await app.register(
    async (v1) => {
      registerKeyAuth(v1, { keyCache, limiter, usage, now, cors: true }); // /v1 is the public path of registerCors
      await v1.register(meRoutes);
      await v1.register(restaurantRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(webhookRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(availabilityRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(reservationRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(eventRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(customerRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(waitlistRoutes, { prefix: '/restaurants/:restaurant' });
      await v1.register(guestRoutes, { prefix: '/restaurants/:restaurant' }); // auth: none, limited per IP and reference
    },
    { prefix: '/v1' },
  );
  await app.register(mcpRoutes); // POST /mcp: the MCP server for AI agents, behind the same key pipeline as /v1
  // The session cookie is only read and written by the admin API: its parser (an onRequest hook making a Map per
  // request) and its onSend hook run there, not on every API request.
  await app.register(
    async (admin) => {
      await admin.register(cookie);
      await admin.register(adminRoutes);
      await admin.register(guestAdminRoutes); // customers and events, behind the same admin guard
      await admin.register(notificationAdminRoutes); // guest emails, behind the same admin guard
    },
    { prefix: '/admin/api' },
  );
  await app.register(docsRoutes, { cacheDir: config.cacheDir }); // GET /v1/openapi.json, /admin/api/openapi.json, /docs
  await app.register(llmsRoutes); // GET /llms.txt, /llms-full.txt, /docs/{guide}.md: generated on first demand from docs/ and the OpenAPI document
  await app.register(widgetRoutes); // GET /widget.js, /demo (+ /demo/api proxy with an in-memory key when MAITRE_DEMO is on)
  await app.register(dashboardRoutes, { prefix: '/dashboard' }); // the admin dashboard (dist/dashboard)
  await app.register(homeRoutes); // GET / (links to the rest), /favicon.svg, /favicon.ico

  // Started when the app is ready (listen or ready()), so its options can still be tuned in between (tests).
  app.addHook('onReady', async () => services.webhookDispatcher.start());
  app.addHook('onReady', async () => services.notificationWorker.start());

  app.addHook('onClose', async () => {
    await services.webhookDispatcher.stop();
    await services.notificationWorker.stop();
    services.reservations.messageWaker.close(); // no wake-up after the pool closes
    services.reservations.webhookWaker.close();
    await unsubscribe();
    await usage.stop();
    await limiter.close?.();
  });
  return app;
}
