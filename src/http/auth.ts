/**
 * The key pipeline of API.md §1, in exactly its order, first failure wins:
 * missing → invalid → expired → rate limit → origin → restaurant → plan → scope (→ schema validation, by Fastify).
 * It runs in onRequest, before the body is even parsed, so an unauthenticated caller learns nothing else.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedKey } from './context.js';
import { errors } from './errors.js';
import { hashKey, KEY_LENGTH, parseKey } from '../modules/keys/format.js';
import type { KeyCache } from '../modules/keys/cache.js';
import type { UsageRecorder } from '../modules/keys/usage-recorder.js';
import type { RateLimiter, RateLimitResult } from './rate-limit/types.js';
import type { Scope } from '../modules/keys/scopes.js';
import { markGuard } from './route-auth.js';
import { routeConfig, type RouteConfig } from './route-context.js';
import { allowCors } from './cors.js';

export interface KeyAuthDeps {
  keyCache: KeyCache;
  limiter: RateLimiter;
  usage: UsageRecorder;
  now: () => number;
  /** The routes answer browsers (CORS, cors.ts): an Origin the key allows is echoed once the key is known. */
  cors?: boolean;
}

function presentedKey(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  const xKey = req.headers['x-api-key'];
  let bearer: string | undefined;
  if (typeof auth === 'string') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (m) bearer = m[1];
    else if (/^Bearer\b/i.test(auth)) throw errors.apiKeyInvalid();
  }
  if (Array.isArray(xKey)) throw errors.apiKeyInvalid('Send the API key once.');
  const x = typeof xKey === 'string' ? xKey.trim() : undefined;
  if (bearer !== undefined && x !== undefined && x !== '' && bearer !== x) {
    throw errors.apiKeyInvalid('The Authorization and x-api-key headers carry different keys.');
  }
  const key = bearer ?? x;
  if (!key) throw errors.apiKeyMissing();
  return key;
}

export function setRateLimitHeaders(reply: FastifyReply, r: RateLimitResult, windowSeconds = 60): void {
  reply.header('x-ratelimit-limit', String(r.limit));
  reply.header('x-ratelimit-remaining', String(r.remaining));
  reply.header('x-ratelimit-reset', String(r.allowed ? r.resetSeconds : r.retryAfterSeconds));
  reply.header('ratelimit-policy', `"default";q=${r.limit};w=${windowSeconds}`);
  reply.header('ratelimit', `"default";r=${r.remaining};t=${r.allowed ? r.resetSeconds : r.retryAfterSeconds}`);
}

/** Normalises an Origin header for comparison with the allow-list (scheme and host are case-insensitive). */
export function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

export function keyAllowsOrigin(key: AuthenticatedKey, origin: string): boolean {
  return key.allowedOrigins.length === 0 || key.allowedOrigins.includes(normalizeOrigin(origin));
}

const HTTP_DATE = (ms: number) => new Date(ms).toUTCString();

/**
 * Steps 2–3 for a presented key: structure and checksum (no I/O), then the record by SHA-256 hash — from the cache,
 * loaded on a miss — then status and expiry. The record is found by exact equality of the full hash (a Map lookup, or
 * `key_hash = $1`), which is all the comparison there is to make: the hash of a 190-bit secret gives nothing away.
 */
export async function verifyKey(presented: string, cache: KeyCache, now: number): Promise<AuthenticatedKey> {
  const found = findKey(presented, cache);
  return checkKey(found instanceof Promise ? await found : found, now);
}

/**
 * The record by hash — from the cache without a wait, else the load's promise — for a presented key of the right
 * structure and checksum. The cache is asked first: an entry exists only for the hash of a string that passed
 * `parseKey` when it was loaded, so a hit proves the structure and the checksum, and the hot path skips both (a
 * regular expression and a CRC-32). A miss is checked before anything touches the database.
 */
function findKey(presented: string, cache: KeyCache): AuthenticatedKey | null | Promise<AuthenticatedKey | null> {
  if (presented.length !== KEY_LENGTH) throw errors.apiKeyInvalid(); // nothing longer is hashed
  const hash = hashKey(presented);
  const cached = cache.peek(hash);
  if (cached !== undefined) return cached;
  if (!parseKey(presented)) throw errors.apiKeyInvalid();
  return cache.get(hash);
}

/** Steps 2–3 on the record found: unknown, revoked, past its rotation grace → invalid; then expiry. */
function checkKey(key: AuthenticatedKey | null, now: number): AuthenticatedKey {
  if (!key) throw errors.apiKeyInvalid();
  if (key.status === 'revoked') throw errors.apiKeyInvalid();
  if (key.status === 'rotating' && key.graceEndsAt !== null && now >= key.graceEndsAt) throw errors.apiKeyInvalid();
  // 3: expiry
  if (key.expiresAt !== null && now >= key.expiresAt) throw errors.apiKeyExpired(new Date(key.expiresAt).toISOString());
  return key;
}

/**
 * The key's stricter budget for creating reservations (`bookingRateLimitPerMinute`, none when null): routes that
 * declare `bookingBudget`, and the MCP booking tool, draw on it. Throws 429 rate_limit_exceeded when it is spent.
 */
export async function drawBookingBudget(limiter: RateLimiter, key: AuthenticatedKey, reply?: FastifyReply): Promise<void> {
  if (key.bookingRateLimitPerMinute === null) return;
  const b = await limiter.consume(`key:${key.id}:booking`, key.bookingRateLimitPerMinute);
  if (!b.allowed) {
    if (reply) setRateLimitHeaders(reply, b);
    throw errors.rateLimited(b.retryAfterSeconds, b.limit);
  }
}

/**
 * The whole pipeline for one request. Synchronous (no promise, no microtask) on the hot path — a cached key and a
 * limiter that decides locally (consumeSync) — and a promise only where it has to wait: a key to load, a shared
 * limiter, the booking budget.
 */
export function authenticateKey(req: FastifyRequest, reply: FastifyReply, deps: KeyAuthDeps, config: RouteConfig = routeConfig(req)): void | Promise<void> {
  // 1: presence; 2–3: verification
  const found = findKey(presentedKey(req), deps.keyCache);
  if (found instanceof Promise) return found.then((key) => admitKey(req, reply, deps, config, checkKey(key, deps.now())));
  return admitKey(req, reply, deps, config, checkKey(found, deps.now()));
}

function admitKey(req: FastifyRequest, reply: FastifyReply, deps: KeyAuthDeps, config: RouteConfig, key: AuthenticatedKey): void | Promise<void> {
  req.apiKey = key;
  if (deps.cors) {
    // As soon as the key is known, so that its later refusals (429, 403) are readable by the page too.
    const origin = req.headers.origin;
    if (typeof origin === 'string' && keyAllowsOrigin(key, origin)) allowCors(reply, origin);
  }
  if (key.status === 'rotating') {
    reply.header('deprecation', 'true');
    if (key.graceEndsAt !== null) reply.header('sunset', HTTP_DATE(key.graceEndsAt));
  }
  // 4: rate limit (and the stricter booking budget on routes that create reservations)
  const bucket = `key:${key.id}`;
  const rl = deps.limiter.consumeSync ? deps.limiter.consumeSync(bucket, key.rateLimitPerMinute) : deps.limiter.consume(bucket, key.rateLimitPerMinute);
  if (rl instanceof Promise) return rl.then((r) => limited(req, reply, deps, config, key, r));
  return limited(req, reply, deps, config, key, rl);
}

function limited(req: FastifyRequest, reply: FastifyReply, deps: KeyAuthDeps, config: RouteConfig, key: AuthenticatedKey, rl: RateLimitResult): void | Promise<void> {
  setRateLimitHeaders(reply, rl);
  if (!rl.allowed) throw errors.rateLimited(rl.retryAfterSeconds, rl.limit);
  if (config.bookingBudget) return drawBookingBudget(deps.limiter, key, reply).then(() => admitted(req, config, key));
  admitted(req, config, key);
}

/** Steps 5–8, none of which waits. */
function admitted(req: FastifyRequest, config: RouteConfig, key: AuthenticatedKey): void {
  // 5: browser origin against a non-empty allow-list
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== '' && !keyAllowsOrigin(key, origin)) throw errors.originNotAllowed(origin);
  // 6: the {restaurant} in the path must be the key's own (whether or not the other one exists)
  const param = (req.params as Record<string, string> | undefined)?.restaurant;
  if (param !== undefined && param !== key.restaurant.id && param !== key.restaurant.slug) throw errors.restaurantScopeMismatch();
  // 7: plan
  if (key.restaurant.plan === 'starter') throw errors.planUpgradeRequired(key.restaurant.plan);
  // 8: scopes
  const scope = config.scope;
  if (scope !== undefined) {
    const required: Scope[] = Array.isArray(scope) ? scope : [scope];
    const missing = required.find((s) => !key.scopes.includes(s));
    if (missing) throw errors.scopeMissing(missing, required, key.scopes);
  }
  req.restaurant = key.restaurant;
  req.restaurantId = key.restaurant.id;
}

/**
 * Installs the pipeline on every route of `app` but those with `auth: 'none'`, plus usage accounting. Every route
 * added to `app` must declare its scope (checked when it is added: src/http/route-auth.ts).
 */
export function registerKeyAuth(app: FastifyInstance, deps: KeyAuthDeps): void {
  markGuard(app, 'key');
  // Callback hooks, not async ones: the synchronous hot path of authenticateKey costs no promise.
  app.addHook('onRequest', (req, reply, done) => {
    const config = routeConfig(req);
    if (config.url === undefined || req.method === 'OPTIONS') return done(); // a 404, or a preflight (cors.ts)
    if ((config.auth ?? 'key') !== 'key') return done();
    let pending: void | Promise<void>;
    try {
      if (config.scope === undefined) throw new Error(`route ${config.url} declares no scope`); // fail closed
      pending = authenticateKey(req, reply, deps, config);
    } catch (err) {
      return done(err as Error);
    }
    if (pending) pending.then(() => done(), done);
    else done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const key = req.apiKey;
    if (!key) return done();
    deps.usage.record({
      keyId: key.id,
      at: deps.now(),
      method: req.method,
      route: routeConfig(req).url ?? req.url,
      status: reply.statusCode,
      origin: typeof req.headers.origin === 'string' ? req.headers.origin.slice(0, 200) : null,
      durationMs: reply.elapsedTime,
    });
    done();
  });
}
