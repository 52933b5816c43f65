/**
 * Micro-benchmark of API key verification with a warm cache, in-process, through the server's own code:
 * verifyKey() of src/http/auth.ts (structure + CRC32 checksum → SHA-256 → KeyCache → status and expiry), and the
 * whole authenticateKey() (header parsing, verification, in-memory rate limiter, rate-limit headers, scope check).
 *
 *   node --import tsx bench/key-verify.ts [--iterations N]     prints one JSON object
 */
import { parseArgs } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateKey, verifyKey } from '../src/http/auth.js';
import type { AuthenticatedKey } from '../src/http/context.js';
import { MemoryRateLimiter } from '../src/http/rate-limit/memory.js';
import { KeyCache } from '../src/modules/keys/cache.js';
import { generateKey } from '../src/modules/keys/format.js';
import type { UsageRecorder } from '../src/modules/keys/usage-recorder.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '1000000' } } });
const N = Number(values.iterations);
const KEYS = 16;

const issued = Array.from({ length: KEYS }, () => generateKey('live'));
const records = new Map<string, AuthenticatedKey>(
  issued.map((k, i) => [
    k.hash,
    {
      id: `key_${k.publicId}`, hash: k.hash, publicId: k.publicId, prefix: k.prefix, name: `bench ${i}`, environment: 'live',
      scopes: ['config:read', 'availability:read', 'reservations:write'], allowedOrigins: [], rateLimitPerMinute: 1_000_000_000,
      bookingRateLimitPerMinute: null, expiresAt: Date.now() + 86_400_000, status: 'active', graceEndsAt: null,
      restaurant: { id: 'rst_bench', slug: 'bench-bistro', name: 'Bench Bistro', timezone: 'Europe/Paris', plan: 'business' },
    },
  ]),
);
const cache = new KeyCache(async (h) => records.get(h) ?? null, 3_600_000);
for (const k of issued) await cache.get(k.hash); // warm
const presented = issued.map((k) => k.key);

/** Median µs per call of 3 measured rounds of `n` calls, after one warm-up round. */
async function time(n: number, body: (i: number) => Promise<unknown>): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 4; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await body(i);
    if (r > 0) rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  rounds.sort((a, b) => a - b);
  return Math.round(rounds[1] * 1000) / 1000;
}

const now = Date.now();
const usPerVerification = await time(N, (i) => verifyKey(presented[i & (KEYS - 1)], cache, now));

const limiter = new MemoryRateLimiter();
const deps = { keyCache: cache, limiter, usage: {} as UsageRecorder, now: Date.now };
const reply = { header: () => reply } as unknown as FastifyReply;
const requests = presented.map(
  (k) => ({ headers: { authorization: `Bearer ${k}` }, routeOptions: { config: { scope: 'config:read' } }, params: { restaurant: 'bench-bistro' } }) as unknown as FastifyRequest,
);
// Fewer calls: the limiter's per-key log of the last minute grows with every admitted request.
const usPerAuthenticateKey = await time(Math.max(1, Math.round(N / 10)), async (i) => authenticateKey(requests[i & (KEYS - 1)], reply, deps));
await limiter.close();

process.stdout.write(`${JSON.stringify({ iterations: N, usPerVerification, usPerAuthenticateKey })}\n`);
