/**
 * Sliding-window-log rate limiting: a request is admitted when fewer than `limit` requests were admitted in the
 * `windowMs` before it. Exact at every edge (1 and 1000 a minute), never more than `limit` in any rolling window,
 * and an exact Retry-After.
 */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /** Seconds until the full budget is available again. */
  resetSeconds: number;
  /** Seconds until a request will be admitted again (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(bucket: string, limit: number, windowMs?: number): Promise<RateLimitResult>;
  /** consume, decided without waiting (a limiter whose state is in this process): the key pipeline's hot path. */
  consumeSync?(bucket: string, limit: number, windowMs?: number): RateLimitResult;
  /** Resolves once a shared backend is connected (or it gave up waiting); local limiters are always ready. */
  ready?(): Promise<boolean>;
  close?(): Promise<void>;
}

export const MINUTE = 60_000;

/** The answer for a refused request: `freeing` is the admission whose expiry makes room, `newest` the latest one. */
export function refused(limit: number, freeing: number, newest: number, now: number, windowMs: number): RateLimitResult {
  return {
    allowed: false,
    limit,
    remaining: 0,
    resetSeconds: Math.max(1, Math.ceil((newest + windowMs - now) / 1000)),
    retryAfterSeconds: Math.max(1, Math.ceil((freeing + windowMs - now) / 1000)),
  };
}

export function admitted(limit: number, countAfter: number, windowMs: number): RateLimitResult {
  return { allowed: true, limit, remaining: Math.max(0, limit - countAfter), resetSeconds: Math.ceil(windowMs / 1000), retryAfterSeconds: 0 };
}
