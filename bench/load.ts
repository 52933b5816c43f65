/**
 * The load generator: autocannon's programmatic API, closed loop (each connection sends its next request when the
 * previous answer arrived), in this process. Latencies are recorded per response with sub-millisecond precision
 * (autocannon's own histogram rounds to whole milliseconds).
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Called per request instead of the fixed fields (dynamic bodies): costs the load generator more. */
  setupRequest?: (req: autocannon.Request) => autocannon.Request;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  duration?: number;
  amount?: number;
  /** Each connection cycles through these, starting at the first. */
  requests: LoadRequest[];
  /** Per-request timeout, seconds. */
  timeout?: number;
}

export interface LoadResult {
  /** Responses of any status per second of the run. */
  rps: number;
  /** 2xx responses per second. */
  okRps: number;
  seconds: number;
  total: number;
  ok: number;
  /** Status code → count. */
  statuses: Record<string, number>;
  rateLimited: number;
  /** Non-2xx other than 429, plus socket errors and timeouts. */
  errors: number;
  socketErrors: number;
  timeouts: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** What one autocannon run saw, before summarising (runs can be combined). */
export interface RawLoad {
  seconds: number;
  statuses: Record<string, number>;
  /** Response times, ms. */
  latencies: Float64Array;
  socketErrors: number;
  timeouts: number;
}

/** Sums runs (e.g. the interleaved slices of one scenario) into one result. */
export function summarise(runs: RawLoad[]): LoadResult {
  const statuses: Record<string, number> = {};
  let seconds = 0;
  let socketErrors = 0;
  let timeouts = 0;
  let n = 0;
  for (const r of runs) {
    seconds += r.seconds;
    socketErrors += r.socketErrors;
    timeouts += r.timeouts;
    n += r.latencies.length;
    for (const [code, count] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
  }
  const sorted = new Float64Array(n);
  let at = 0;
  for (const r of runs) {
    sorted.set(r.latencies, at);
    at += r.latencies.length;
  }
  sorted.sort();
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  let ok = 0;
  for (const [code, count] of Object.entries(statuses)) if (code.startsWith('2')) ok += count;
  const rateLimited = statuses['429'] ?? 0;
  return {
    rps: round(total / seconds, 0),
    okRps: round(ok / seconds, 0),
    seconds: round(seconds),
    total,
    ok,
    statuses,
    rateLimited,
    errors: total - ok - rateLimited + socketErrors + timeouts,
    socketErrors,
    timeouts,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
  };
}

export function runLoadRaw(o: LoadOptions): Promise<RawLoad> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const statuses: Record<string, number> = {};
  // When the load begins: autocannon's own start time is taken before it builds every connection's requests (32 ×
  // 700 prebuilt requests, one per key: ~0.3 s here, with the server idle), and only then starts the clock that stops
  // the run. Its 'start' event comes right after that set-up, so the run's seconds count only time under load.
  let loadStart: number | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration ?? 5 }),
        timeout: o.timeout ?? 10,
        requests: o.requests.map((r) => ({
          method: r.method ?? 'GET',
          path: r.path,
          headers: r.headers,
          body: r.body,
          ...(r.setupRequest ? { setupRequest: r.setupRequest } : {}),
        })),
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          seconds: (result.finish.getTime() - (loadStart ?? result.start.getTime())) / 1000,
          statuses,
          latencies: latencies.subarray(0, n),
          socketErrors: result.errors - result.timeouts,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('start', () => {
      loadStart = Date.now();
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (n === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[n++] = responseTime;
    });
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  return summarise([await runLoadRaw(o)]);
}
