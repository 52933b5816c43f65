/** Prometheus metrics, one registry per app instance (tests build many). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface DbPoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The route label: the route's template (`/v1/restaurants/:restaurant`), never a raw URL (unbounded, and it may carry ids). */
export function routeLabel(template: string | undefined): string {
  return template ?? '(unknown)';
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'maitre_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'maitre_http_request_duration_seconds', help: 'HTTP request latency by route and status', labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'maitre_rate_limit_rejections_total', help: 'Requests refused with 429, by route (key, login and guest limits)',
    labelNames: ['method', 'route'] as const, registers: [this.registry],
  });
  readonly limiterFallback = new Counter({
    name: 'maitre_rate_limit_fallback_total', help: 'Rate-limit decisions taken locally because Redis was unreachable', registers: [this.registry],
  });
  readonly availabilityDayReads = new Counter({
    name: 'maitre_availability_day_reads_total',
    help: "Availability's reads of a day: hit (unchanged since this instance read it: only its stamp was read) or miss (its reservations were read)",
    labelNames: ['result'] as const, registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'maitre_webhook_attempts_total',
    help: 'Webhook delivery attempts by what became of the delivery: succeeded, failed (retry scheduled), dead, gone (410, endpoint disabled), lost (lease taken over), interrupted (shutdown)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  readonly webhookAttemptDuration = new Histogram({
    name: 'maitre_webhook_attempt_duration_seconds', help: 'Duration of webhook delivery attempts',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15], registers: [this.registry],
  });
  private readonly probes: Record<string, () => number> = {};
  private webhookQueueProbe?: () => Promise<number>;
  private dbPoolProbe?: () => DbPoolStats;

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'maitre_' });
    const probes = this.probes;
    const gauge = (name: string, help: string, probe: string) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(probes[probe]?.() ?? 0); } });
    gauge('maitre_rate_limit_degraded', '1 while the shared (Redis) limiter is unreachable', 'limiterDegraded');
    gauge('maitre_key_cache_entries', 'API keys cached in this instance', 'keyCacheEntries');
    gauge('maitre_usage_pending', 'Usage rows waiting for the next batch write', 'usagePending');
    const self = this;
    new Gauge({
      name: 'maitre_webhook_queue_depth', help: 'Webhook deliveries waiting or in flight (all instances)', registers: [this.registry],
      async collect() {
        this.set(self.webhookQueueProbe ? await self.webhookQueueProbe().catch(() => 0) : 0);
      },
    });
    new Gauge({
      name: 'maitre_db_pool_connections',
      help: 'Database connections by state: total (open), idle, waiting (queries queued for a connection), max (pool size).',
      labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        const stats = self.dbPoolProbe?.() ?? { total: 0, idle: 0, waiting: 0, max: 0 };
        for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
      },
    });
  }

  /** Registers what the database pool gauges read at scrape time. */
  observeDbPool(probe: () => DbPoolStats): void {
    this.dbPoolProbe = probe;
  }

  /** Registers the (database) query the webhook queue-depth gauge reads at scrape time. */
  observeWebhookQueue(probe: () => Promise<number>): void {
    this.webhookQueueProbe = probe;
  }

  /** Registers the functions the gauges read at scrape time. */
  observe(probes: Record<string, () => number>): void {
    Object.assign(this.probes, probes);
  }
}
