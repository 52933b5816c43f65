/** Prometheus metrics, one registry per app instance (tests build many). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

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

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What prom-client's registry renders (the shape its own metrics' get() returns). */
interface Rendered {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: { metricName?: string; value: number; labels: Record<string, string | number> }[];
}

/** One (method, route, status) series of the request counter and the latency histogram. */
interface RequestCell {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  buckets: Float64Array;
}

/**
 * The request counter and latency histogram, kept per (method, route, status) in plain cells found by two Map lookups
 * on the route's own template string and the status code: a response costs no label object, no label hashing and no
 * label validation (prom-client's inc/observe do all three, on every call). prom-client renders them at scrape time
 * as `maitre_http_requests_total` (counter) and `maitre_http_request_duration_seconds` (histogram), exactly as its
 * own Counter and Histogram would.
 */
export class RequestMetrics {
  private readonly cells = new Map<string, Map<string, Map<number, RequestCell>>>();

  constructor(registry: Registry) {
    const self = this;
    registry.registerMetric({
      name: 'maitre_http_requests_total', help: 'HTTP requests by route and status', type: 'counter', aggregator: 'sum',
      get: async () => self.counter(),
    } as unknown as Metric);
    registry.registerMetric({
      name: 'maitre_http_request_duration_seconds', help: 'HTTP request latency by route and status', type: 'histogram', aggregator: 'sum',
      get: async () => self.histogram(),
    } as unknown as Metric);
  }

  /** One response: its method, route template (routeLabel), status and duration in seconds. */
  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.cells.get(route);
    if (!byMethod) this.cells.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let cell = byStatus.get(status);
    if (!cell) {
      cell = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length + 1) };
      byStatus.set(status, cell);
    }
    cell.count++;
    cell.sum += seconds;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    cell.buckets[i]++;
  }

  private *all(): Iterable<RequestCell> {
    for (const byMethod of this.cells.values()) for (const byStatus of byMethod.values()) yield* byStatus.values();
  }

  private counter(): Rendered {
    const values = [...this.all()].map((c) => ({ value: c.count, labels: c.labels }));
    return { name: 'maitre_http_requests_total', help: 'HTTP requests by route and status', type: 'counter', aggregator: 'sum', values };
  }

  private histogram(): Rendered {
    const name = 'maitre_http_request_duration_seconds';
    const values: Rendered['values'] = [];
    for (const c of this.all()) {
      let acc = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        acc += c.buckets[i];
        values.push({ metricName: `${name}_bucket`, value: acc, labels: { ...c.labels, le } });
      });
      values.push(
        { metricName: `${name}_bucket`, value: c.count, labels: { ...c.labels, le: '+Inf' } },
        { metricName: `${name}_sum`, value: c.sum, labels: c.labels },
        { metricName: `${name}_count`, value: c.count, labels: c.labels },
      );
    }
    return { name, help: 'HTTP request latency by route and status', type: 'histogram', aggregator: 'sum', values };
  }
}

export class Metrics {
  readonly registry = new Registry();
  /** maitre_http_requests_total and maitre_http_request_duration_seconds (RequestMetrics). */
  readonly requests = new RequestMetrics(this.registry);
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
  readonly bookingBatches = new Histogram({
    name: 'maitre_booking_batch_size',
    help: "New bookings of one restaurant's lane of dates taken in one transaction, by size: decided together, or fell_back (rolled back, each booking then made alone)",
    labelNames: ['outcome'] as const, buckets: [2, 4, 8, 16, 32, 64], registers: [this.registry],
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
