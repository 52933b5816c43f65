import { admitted, MINUTE, refused, type RateLimiter, type RateLimitResult } from './types.js';

/** Admission times of one bucket, oldest first (a deque over an array). */
class Log {
  times: number[] = [];
  head = 0;
  get count() {
    return this.times.length - this.head;
  }
  trim(before: number) {
    while (this.head < this.times.length && this.times[this.head] <= before) this.head++;
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

/** The in-process limiter: the default with one instance, and the fallback when Redis is unreachable. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly logs = new Map<string, Log>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), MINUTE);
    this.sweeper.unref();
  }

  consumeSync(bucket: string, limit: number, windowMs = MINUTE): RateLimitResult {
    const now = this.now();
    let log = this.logs.get(bucket);
    if (!log) this.logs.set(bucket, (log = new Log()));
    log.trim(now - windowMs);
    const count = log.count;
    if (count >= limit) return refused(limit, log.times[log.head + (count - limit)], log.times[log.times.length - 1], now, windowMs);
    log.times.push(now);
    return admitted(limit, count + 1, windowMs);
  }

  async consume(bucket: string, limit: number, windowMs = MINUTE): Promise<RateLimitResult> {
    return this.consumeSync(bucket, limit, windowMs);
  }

  /** Drops buckets with nothing left in a window (the longest window used is a minute... or an hour for logins). */
  sweep(maxWindowMs = 60 * MINUTE): void {
    const cutoff = this.now() - maxWindowMs;
    for (const [bucket, log] of this.logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= cutoff) this.logs.delete(bucket);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
