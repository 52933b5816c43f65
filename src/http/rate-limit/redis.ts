/**
 * The shared limiter: all instances draw on one budget kept in Redis, a sorted set of admission times per bucket.
 * The requests that arrive in the same turn of the event loop are decided together by ONE atomic Lua script call (one
 * round trip, one script run; a turn of more than MAX_SCRIPT_BATCH requests, several calls sent back to back) that takes
 * them in arrival order, exactly as the same calls made one by one would be.
 * When Redis cannot answer (down, timeout), the instance falls back to its own in-memory limiter, logs it once per
 * outage, counts it in a metric, and keeps serving; it returns to Redis when Redis answers again.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryRateLimiter } from './memory.js';
import { admitted, MINUTE, refused, type RateLimiter, type RateLimitResult } from './types.js';
import { TurnBatch } from '../../lib/turn-batch.js';

// KEYS: the batch's distinct buckets · ARGV[1] now (ms), ARGV[2] member prefix, ARGV[3] the requests in arrival
// order, packed as "bucket index (into KEYS),window (ms),limit;" each: one argument for the whole batch, so the client
// encodes three arguments a call instead of three a request (its CPU a request, 13 requests a call: 12 → 10 µs).
// Returns, per request: allowed (0|1), count after, the score of the admission that must expire before another is
// admitted (refusals), the newest score (refusals).
// Per bucket, the window is trimmed and counted once (again only if a later request of the batch names another
// window); each admission is a ZADD and a count+1, as the next sequential call would have counted; a refusal's two
// scores are read once per (count, limit), since refusals change nothing. Each admitting bucket's TTL is set once, to
// the window of its last admission, which is what sequential calls would have left.
const SCRIPT = `
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local out = {}
local state = {}
local i = -1
for ks, ws, ls in string.gmatch(ARGV[3], '(%d+),(%d+),(%d+);') do
  i = i + 1
  local k = tonumber(ks)
  local window = tonumber(ws)
  local limit = tonumber(ls)
  local key = KEYS[k]
  local s = state[k]
  if s == nil or s.window ~= window then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    s = { window = window, count = redis.call('ZCARD', key), expire = s and s.expire, refusal = {} }
    state[k] = s
  end
  if s.count < limit then
    redis.call('ZADD', key, now, prefix .. i)
    s.count = s.count + 1
    s.expire = window
    s.refusal = {}
    out[#out + 1] = 1
    out[#out + 1] = s.count
    out[#out + 1] = 0
    out[#out + 1] = now
  else
    local r = s.refusal[limit]
    if r == nil then
      local freeing = redis.call('ZRANGE', key, s.count - limit, s.count - limit, 'WITHSCORES')
      local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
      r = { tonumber(freeing[2]), tonumber(newest[2]) }
      s.refusal[limit] = r
    end
    out[#out + 1] = 0
    out[#out + 1] = s.count
    out[#out + 1] = r[1]
    out[#out + 1] = r[2]
  end
end
for k, s in pairs(state) do
  if s.expire then redis.call('PEXPIRE', KEYS[k], s.expire) end
end
return out
`;

/**
 * The most requests one script call decides. A turn with more (a flood of connections read in one poll) is split into
 * calls of at most this many, sent back to back on the one connection, so Redis runs them in arrival order — the same
 * decisions as one call — while no single script holds Redis for long and the call's arguments stay far below what a
 * JavaScript call can spread (~120,000).
 */
export const MAX_SCRIPT_BATCH = 256;

interface Pending {
  bucket: string;
  limit: number;
  windowMs: number;
  resolve: (r: RateLimitResult) => void;
}

export interface RedisLimiterOptions {
  now?: () => number;
  log?: Pick<Logger, 'warn' | 'info'>;
  onFallback?: () => void;
  /** Called with the number of buckets each script call names (one call per event-loop turn with requests). */
  onScriptCall?: (buckets: number) => void;
  /** Fail over to local limiting when Redis has not answered within this many ms. */
  timeoutMs?: number;
  /** At most this many requests per script call (default MAX_SCRIPT_BATCH); a larger turn is split, in order. */
  maxBatch?: number;
  prefix?: string;
}

export class RedisRateLimiter implements RateLimiter {
  readonly redis: Redis;
  readonly local: MemoryRateLimiter;
  private degraded = false;
  private seq = 0;
  /** The requests of one event-loop turn, decided by one script call. */
  private readonly batch = new TurnBatch<Pending>((batch) => this.decide(batch));
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
      // No auto-pipelining: the requests of one event-loop turn are already one script call (TurnBatch below), so a
      // pipeline would wrap a single command (a Pipeline object and its promise per turn: ~15 % of the server's CPU per
      // GET /v1/me on PostgreSQL + Redis, 51–52 µs a response without against 61–67 µs with).
      enableAutoPipelining: false,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.redis.on('error', () => {}); // reported through degraded() below; ioredis reconnects by itself
    this.redis.defineCommand('maitreSlidingWindow', { lua: SCRIPT }); // numberOfKeys given per call
  }

  consume(bucket: string, limit: number, windowMs = MINUTE): Promise<RateLimitResult> {
    return new Promise((resolve) => this.batch.push({ bucket, limit, windowMs, resolve }));
  }

  /** Decides the requests of one event-loop turn: one script call per MAX_SCRIPT_BATCH of them, in arrival order. */
  private decide(batch: Pending[]): void {
    const max = this.options.maxBatch ?? MAX_SCRIPT_BATCH;
    const now = this.now();
    if (batch.length <= max) return void this.decideChunk(batch, now); // nearly every turn: no copy
    for (let start = 0; start < batch.length; start += max) void this.decideChunk(batch.slice(start, start + max), now);
  }

  /** One script call (sent synchronously, so the calls of a turn reach Redis in order). */
  private async decideChunk(batch: Pending[], now: number): Promise<void> {
    const prefix = this.options.prefix ?? 'maitre:rl:';
    const keys: string[] = [];
    const index = new Map<string, number>();
    let requests = '';
    for (const p of batch) {
      let k = index.get(p.bucket);
      if (k === undefined) {
        k = keys.push(prefix + p.bucket);
        index.set(p.bucket, k);
      }
      requests += `${k},${Math.trunc(p.windowMs)},${Math.trunc(p.limit)};`;
    }
    this.options.onScriptCall?.(keys.length);
    let reply: (number | string)[];
    try {
      reply = await (this.redis as any).maitreSlidingWindow(keys.length, ...keys, now, `${now}-${this.salt}-${this.seq++}-`, requests);
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.options.log?.warn({ err: { message: (err as Error).message } }, 'redis unreachable: rate limiting falls back to this instance');
      }
      for (const p of batch) {
        this.options.onFallback?.();
        p.resolve(this.local.consumeSync(p.bucket, p.limit, p.windowMs));
      }
      return;
    }
    if (this.degraded) {
      this.degraded = false;
      this.options.log?.info('redis reachable again: shared rate limiting resumed');
    }
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const count = Number(reply[i * 4 + 1]);
      p.resolve(
        Number(reply[i * 4]) === 1
          ? admitted(p.limit, count, p.windowMs)
          : refused(p.limit, Number(reply[i * 4 + 2]), Number(reply[i * 4 + 3]), now, p.windowMs),
      );
    }
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
