/**
 * The shared limiter: one atomic Lua script per request on a sorted set of admission times, so all instances draw
 * on one budget. When Redis cannot answer (down, timeout), the instance falls back to its own in-memory limiter,
 * logs it once per outage, counts it in a metric, and keeps serving; it returns to Redis when Redis answers again.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryRateLimiter } from './memory.js';
import { admitted, MINUTE, refused, type RateLimiter, type RateLimitResult } from './types.js';

// KEYS[1] bucket · ARGV now(ms), window(ms), limit, unique member
// returns { allowed(0|1), count after, oldest-that-must-expire score, newest score }
const SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return { 1, count + 1, 0, now }
end
local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
return { 0, count, tonumber(freeing[2]), tonumber(newest[2]) }
`;

export interface RedisLimiterOptions {
  now?: () => number;
  log?: Pick<Logger, 'warn' | 'info'>;
  onFallback?: () => void;
  /** Fail over to local limiting when Redis has not answered within this many ms. */
  timeoutMs?: number;
  prefix?: string;
}

export class RedisRateLimiter implements RateLimiter {
  readonly redis: Redis;
  readonly local: MemoryRateLimiter;
  private degraded = false;
  private seq = 0;
  private readonly salt = randomBytes(6).toString('hex');
  private readonly now: () => number;

  constructor(url: string, private readonly options: RedisLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.local = new MemoryRateLimiter(this.now);
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs ?? 250,
      lazyConnect: false,
      // The scripts of requests arriving in the same turn of the event loop go out in one write (and one read of the
      // replies) instead of one socket write each: under load most of the limiter's cost was those writes.
      enableAutoPipelining: true,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.redis.on('error', () => {}); // reported through degraded() below; ioredis reconnects by itself
    this.redis.defineCommand('maitreSlidingWindow', { numberOfKeys: 1, lua: SCRIPT });
  }

  async consume(bucket: string, limit: number, windowMs = MINUTE): Promise<RateLimitResult> {
    const now = this.now();
    let reply: [number, number, number, number];
    try {
      reply = await (this.redis as any).maitreSlidingWindow(
        `${this.options.prefix ?? 'maitre:rl:'}${bucket}`,
        now,
        windowMs,
        limit,
        `${now}-${this.salt}-${this.seq++}`,
      );
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.options.log?.warn({ err: { message: (err as Error).message } }, 'redis unreachable: rate limiting falls back to this instance');
      }
      this.options.onFallback?.();
      return this.local.consumeSync(bucket, limit, windowMs);
    }
    if (this.degraded) {
      this.degraded = false;
      this.options.log?.info('redis reachable again: shared rate limiting resumed');
    }
    const [allowed, count, freeing, newest] = reply.map(Number);
    return allowed === 1 ? admitted(limit, count, windowMs) : refused(limit, freeing, newest, now, windowMs);
  }

  /** Waits (bounded) for the first connection, so an instance starting beside a healthy Redis shares limits at once. */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }

  get isDegraded(): boolean {
    return this.degraded;
  }

  async close(): Promise<void> {
    await this.local.close();
    this.redis.disconnect();
  }
}
