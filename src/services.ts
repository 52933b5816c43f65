/**
 * The services of one app instance: what buildApp (src/app.ts, the composition root) creates and hands to every
 * route as `app.services`. Modules that need some of them take a Pick of this interface, never the app itself.
 */
import type { Change } from './cache/changes.js';
import type { Config } from './config.js';
import type { Db } from './db/types.js';
import type { Metrics } from './http/metrics.js';
import type { RateLimiter } from './http/rate-limit/types.js';
import type { AdminAuth } from './modules/admin/auth.js';
import type { AvailabilityService } from './modules/availability/service.js';
import type { CustomerService } from './modules/customers/service.js';
import type { EventService } from './modules/events/service.js';
import type { GuestService } from './modules/guest/service.js';
import type { KeyCache } from './modules/keys/cache.js';
import type { KeyService } from './modules/keys/service.js';
import type { UsageRecorder } from './modules/keys/usage-recorder.js';
import type { ReservationService } from './modules/reservations/service.js';
import type { RestaurantService } from './modules/restaurants/service.js';
import type { WaitlistService } from './modules/waitlist/service.js';
import type { NotificationService } from './modules/notifications/service.js';
import type { NotificationWorker } from './modules/notifications/worker.js';
import type { WebhookDispatcher } from './modules/webhooks/dispatcher.js';
import type { WebhookService } from './modules/webhooks/service.js';

export interface Services {
  config: Config;
  db: Db;
  now: () => number;
  keyCache: KeyCache;
  limiter: RateLimiter;
  usage: UsageRecorder;
  metrics: Metrics;
  keys: KeyService;
  restaurants: RestaurantService;
  adminAuth: AdminAuth;
  webhooks: WebhookService;
  /** Sends outbox deliveries (started with the app, stopped on close). */
  webhookDispatcher: WebhookDispatcher;
  /** Guest emails: the admin API's reads, resend and preview. */
  notifications: NotificationService;
  /** Sends queued guest emails (started with the app, stopped on close). */
  notificationWorker: NotificationWorker;
  availability: AvailabilityService;
  reservations: ReservationService;
  customers: CustomerService;
  waitlist: WaitlistService;
  events: EventService;
  /** Guest self-service (reference + contact, no key). */
  guest: GuestService;
  /** Applies a change (or a payload of the change channel) to this instance's caches at once (others hear the NOTIFY). */
  invalidateLocal: (change: Change | string) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}
