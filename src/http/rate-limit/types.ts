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
  /** Resolves once a shared backend is connected (or it gave up waiting); local limiters are always ready. */
  ready?(): Promise<boolean>;
  close?(): Promise<void>;
}

export const MINUTE = 60_000;
