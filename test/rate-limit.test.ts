import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryRateLimiter } from '../src/http/rate-limit/memory.js';
import { MAX_SCRIPT_BATCH, RedisRateLimiter } from '../src/http/rate-limit/redis.js';
import { createTestApp, TestClock } from './helpers/app.js';
import { bearer, tenantWithKey } from './helpers/keys.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

test('sliding window: never more than N in any rolling minute, exact Retry-After', async () => {
  const clock = new TestClock(1_000_000);
  const l = new MemoryRateLimiter(clock.now);
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal(l.consumeSync('b', 3).allowed, true);
      clock.advance(10_000); // admitted at 0 s, 10 s, 20 s
    }
    const refused = l.consumeSync('b', 3); // at 30 s
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 30); // the 0 s admission leaves the window at 60 s
    assert.equal(refused.resetSeconds, 50); // the 20 s one leaves at 80 s
    clock.advance(29_999);
    assert.equal(l.consumeSync('b', 3).allowed, false);
    clock.advance(1);
    const ok = l.consumeSync('b', 3);
    assert.equal(ok.allowed, true);
    assert.equal(ok.remaining, 0);
    // Refused requests do not consume budget.
    clock.advance(10_000);
    assert.equal(l.consumeSync('b', 3).allowed, true);
    // Buckets are independent; lowering a limit takes effect at once.
    assert.equal(l.consumeSync('other', 1).allowed, true);
    assert.equal(l.consumeSync('b', 1).allowed, false);
  } finally {
    await l.close();
  }
});

test('Redis limiter: one budget shared by two limiters (two instances), exact at N', async () => {
  const prefix = `maitre:test:${randomBytes(4).toString('hex')}:`;
  const a = new RedisRateLimiter(REDIS_URL, { prefix });
  const b = new RedisRateLimiter(REDIS_URL, { prefix });
  try {
    assert.equal(await a.ready(), true);
    assert.equal(await b.ready(), true);
    let admitted = 0;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).consume('k', 20)));
    for (const r of results) if (r.allowed) admitted++;
    assert.equal(admitted, 20);
    const refused = results.find((r) => !r.allowed)!;
    assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
    assert.equal(a.isDegraded, false);
  } finally {
    await a.close();
    await b.close();
  }
});

test('Redis limiter: one turn of requests is one script call, decided exactly as the same calls one by one', async () => {
  const prefix = `maitre:test:${randomBytes(4).toString('hex')}:`;
  const clock = new TestClock(5_000_000);
  const calls: number[] = []; // buckets named by each script call
  const shared = new RedisRateLimiter(REDIS_URL, { prefix, now: clock.now, onScriptCall: (buckets) => calls.push(buckets) });
  const reference = new MemoryRateLimiter(clock.now);
  try {
    assert.equal(await shared.ready(), true);
    // Three buckets interleaved, one of them asked under two limits (a key whose limit was lowered mid-turn).
    const asks = Array.from({ length: 40 }, (_, i) => ({ bucket: ['a', 'b', 'c'][i % 3]!, limit: i % 3 === 2 ? (i < 20 ? 9 : 4) : 7 }));
    const round = async () => {
      const got = await Promise.all(asks.map((x) => shared.consume(x.bucket, x.limit)));
      const want = asks.map((x) => reference.consumeSync(x.bucket, x.limit));
      assert.deepEqual(got, want);
      return got;
    };
    const first = await round();
    assert.deepEqual(calls, [3], 'forty requests of one turn: one call naming three buckets');
    assert.equal(first.filter((r) => r.allowed).length, 7 + 7 + 6); // c: six asks under 9, then none under 4
    clock.advance(30_000);
    await round(); // all refused, with Retry-After from the first round's admissions
    clock.advance(30_000);
    const third = await round(); // the first round's admissions have left the window: the budget is back
    assert.equal(third.filter((r) => r.allowed).length, 20);
    assert.deepEqual(calls, [3, 3, 3]);
    // Sequential awaits are separate turns and stay exact.
    clock.advance(60_000);
    for (let i = 0; i < 8; i++) assert.deepEqual(await shared.consume('d', 7), reference.consumeSync('d', 7));
    assert.equal(calls.length, 11);
    assert.ok((await shared.redis.pttl(`${prefix}a`)) > 59_000, 'the bucket expires with its window');
  } finally {
    await shared.close();
    await reference.close();
  }
});

test('Redis limiter: a turn of more than MAX_SCRIPT_BATCH requests is split into calls, still decided as one by one', async () => {
  const prefix = `maitre:test:${randomBytes(4).toString('hex')}:`;
  const clock = new TestClock(7_000_000);
  const calls: number[] = [];
  const shared = new RedisRateLimiter(REDIS_URL, { prefix, now: clock.now, onScriptCall: (buckets) => calls.push(buckets) });
  const reference = new MemoryRateLimiter(clock.now);
  try {
    assert.equal(await shared.ready(), true);
    // 700 requests in one turn on two buckets: bucket a's budget (300) runs out in the second call, b's (500) in the third.
    const asks = Array.from({ length: 700 }, (_, i) => ({ bucket: i % 2 === 0 ? 'a' : 'b', limit: i % 2 === 0 ? 300 : 500 }));
    const got = await Promise.all(asks.map((x) => shared.consume(x.bucket, x.limit)));
    const want = asks.map((x) => reference.consumeSync(x.bucket, x.limit));
    assert.deepEqual(got, want);
    assert.equal(calls.length, Math.ceil(700 / MAX_SCRIPT_BATCH), 'one script call per MAX_SCRIPT_BATCH requests');
    assert.equal(got.filter((r) => r.allowed).length, 300 + 350);
    // The admissions of every call are kept: the next turn sees all of them.
    assert.equal(await shared.redis.zcard(`${prefix}a`), 300);
    assert.equal(await shared.redis.zcard(`${prefix}b`), 350);
    assert.deepEqual(await shared.consume('b', 351), reference.consumeSync('b', 351));
    assert.equal((await shared.consume('b', 351)).allowed, false);
  } finally {
    await shared.close();
    await reference.close();
  }
});

test('Redis unreachable mid-batch: every request of the turn is decided locally', async () => {
  const fallbacks: number[] = [];
  const l = new RedisRateLimiter('redis://127.0.0.1:1', { onFallback: () => fallbacks.push(1), timeoutMs: 100 });
  try {
    const results = await Promise.all(Array.from({ length: 6 }, () => l.consume('x', 4)));
    assert.deepEqual(results.map((r) => r.allowed), [true, true, true, true, false, false]);
    assert.equal(fallbacks.length, 6);
    assert.equal(l.isDegraded, true);
  } finally {
    await l.close();
  }
});

test('two app instances on one Redis share a key limit; 429 after exactly N across both', async () => {
  const prefix = `maitre:test:${randomBytes(4).toString('hex')}:`;
  const clock = new TestClock();
  const first = await createTestApp({ clock, limiter: new RedisRateLimiter(REDIS_URL, { prefix, now: clock.now }) });
  const second = await createTestApp({ db: first.db, clock, limiter: new RedisRateLimiter(REDIS_URL, { prefix, now: clock.now }) });
  try {
    const { key } = await tenantWithKey(first.app, { key: { rateLimitPerMinute: 10 } });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const app = i % 2 ? second.app : first.app;
      statuses.push((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), ...Array(4).fill(429)]);
  } finally {
    await second.close();
    await first.close();
  }
});

test('Redis unreachable: the API keeps serving on local limits, logs it and counts it', async () => {
  const clock = new TestClock();
  const t = await createTestApp({ clock, config: { redisUrl: 'redis://127.0.0.1:1' } });
  try {
    const { key } = await tenantWithKey(t.app, { key: { rateLimitPerMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429], 'local limiting still enforces the key limit');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /maitre_rate_limit_fallback_total 4/);
    assert.match(metrics, /maitre_rate_limit_degraded 1/);
    assert.ok(t.logs.some((l) => l.includes('redis unreachable')), 'the fallback is logged');
  } finally {
    await t.close();
  }
});
