/**
 * Idempotency (API.md §4), for any POST that creates something:
 *
 *   return withIdempotency(req, reply, async (tx) => ({ status: 201, body: await service.create(tx, ...) }));
 *
 * - `Idempotency-Key`: 1..255 printable ASCII characters, else 422 validation_failed. Scope: restaurant + key.
 * - Fingerprint: SHA-256 of method, canonical path (the restaurant as its id, whether the URL said id or slug) and
 *   the canonical JSON (sorted keys) of the validated body.
 * - The record and the effect share ONE transaction: the record row is inserted first (state in_progress), the effect
 *   runs, the row is completed with the status and body, all committed together: never an effect without its record
 *   or a record without its effect.
 * - A concurrent duplicate's INSERT waits on the primary key until the first transaction ends: committed → it
 *   replays; rolled back (a 5xx) → it runs the effect itself. A wait longer than IDEMPOTENCY_WAIT_MS answers
 *   409 idempotency_in_progress with Retry-After.
 * - Same key, same fingerprint → the stored status and body with `Idempotent-Replayed: true`; different fingerprint
 *   → 409 idempotency_conflict. 2xx and 4xx outcomes of the effect are kept (a 4xx rolls the effect back to a
 *   savepoint and keeps the error); 5xx are not (the whole transaction rolls back). 429 and validation failures never
 *   reach the effect, so they are never kept. Records expire after 24 h.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../db/types.js';
import { inOrder } from '../db/pipelined.js';
import { ApiError, errors } from './errors.js';
import { periodicTask } from './periodic.js';

const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
export const IDEMPOTENCY_WAIT_MS = 10_000;
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export interface EffectResult<T> {
  status: number;
  body: T;
}

/** JSON with object keys sorted at every level (undefined members dropped, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The route's path with its parameters filled in, the restaurant as its id. */
function canonicalPath(req: FastifyRequest, restaurantId: string): string {
  const params = (req.params ?? {}) as Record<string, string>;
  const pattern = req.routeOptions.url ?? req.url.split('?')[0];
  return pattern.replace(/:(\w+)/g, (_, name: string) => (name === 'restaurant' ? restaurantId : encodeURIComponent(params[name] ?? '')));
}

export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`).digest('hex');
}

/** The Idempotency-Key of a request: undefined when absent; 422 when malformed. */
function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY_PATTERN.test(raw)) {
    throw errors.validation([
      { path: 'headers.idempotency-key', message: 'must be sent once, 1 to 255 printable ASCII characters' },
    ]);
  }
  return raw;
}

const envelope = (e: ApiError) => ({ error: { code: e.code, message: e.message, details: e.details } });
const keepable = (e: ApiError) => e.status >= 400 && e.status < 500 && e.status !== 429 && !e.code.startsWith('idempotency_');

/**
 * What a run under a key ended with: the effect's result (or, `replayed`, the stored one: a kept error is stored as its
 * envelope with its 4xx status), or a 4xx the effect raised this time.
 */
export type IdempotentOutcome = { kind: 'done'; status: number; body: unknown; replayed: boolean } | { kind: 'error'; error: ApiError };

export interface IdempotencyClaim {
  /** The scope of the key. */
  restaurantId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  waitMs: number;
  /**
   * Keep the effect's 4xx refusals under the key (default true, as API.md §4 says for Idempotency-Key). False: a
   * refusal rolls the record back with it, so the same call runs again next time (keys derived from the call itself,
   * e.g. the MCP tools', where a caller cannot pick a new key to try again once a table is free).
   */
  keepErrors?: boolean;
}

const CLEAR_EXPIRED_SQL = 'DELETE FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2 AND expires_at <= $3';
const CLAIM_SQL = `INSERT INTO idempotency_keys (restaurant_id, key, method, path, fingerprint, state, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $7) ON CONFLICT (restaurant_id, key) DO NOTHING RETURNING key`;
const COMPLETE_SQL = `UPDATE idempotency_keys SET state = 'done', status = $3, response = $4 WHERE restaurant_id = $1 AND key = $2`;

/**
 * Runs `effect` once per (restaurant, key) in one transaction with its record (see the module comment). The statements
 * that only set things up are pipelined (Db.transaction): BEGIN, the expired record cleared, the claim's wait bounded,
 * the claim and the effect's savepoint travel together; the savepoint released, the record completed and COMMIT too.
 * The effect's own statements come in between. Each statement still runs in order and answers for itself: the first
 * to fail is the error (inOrder).
 */
export async function runIdempotent(
  db: Db, now: number, c: IdempotencyClaim, effect: (tx: Queryable) => Promise<EffectResult<unknown>>,
): Promise<IdempotentOutcome> {
  const { restaurantId, key } = c;
  return db.transaction(async (tx): Promise<IdempotentOutcome> => {
    const [, , claim] = await inOrder([
      tx.query(CLEAR_EXPIRED_SQL, [restaurantId, key, new Date(now)]),
      tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(c.waitMs))}ms`]),
      tx.query(CLAIM_SQL, [restaurantId, key, c.method, c.path, c.fingerprint, new Date(now), new Date(now + IDEMPOTENCY_TTL_MS)])
        .catch((err: unknown) => {
          throw (err as { code?: string }).code === '55P03' ? errors.idempotencyInProgress(key) : err;
        }),
      // Sent before the claim's answer: unused when the key turns out to be claimed already.
      tx.exec('SET LOCAL lock_timeout TO DEFAULT; SAVEPOINT idempotent_effect'),
    ]);
    if (claim.rows.length === 0) {
      const { rows } = await tx.query('SELECT fingerprint, state, status, response FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2', [
        restaurantId, key,
      ]);
      const existing = rows[0];
      if (!existing || existing.state !== 'done') throw errors.idempotencyInProgress(key);
      if (existing.fingerprint !== c.fingerprint) throw errors.idempotencyConflict(key);
      return { kind: 'done', status: existing.status, body: existing.response, replayed: true };
    }
    /** The transaction's end: `first` (releasing or rolling back to the savepoint), the record completed, COMMIT. */
    const completeAndCommit = async (first: string, status: number, body: unknown) => {
      await inOrder([
        tx.query(first),
        tx.queryThenCommit(COMPLETE_SQL, [restaurantId, key, status, JSON.stringify(body)]),
      ]);
    };
    let result: EffectResult<unknown>;
    try {
      result = await effect(tx);
    } catch (err) {
      if (!(err instanceof ApiError) || !keepable(err) || c.keepErrors === false) throw err;
      await completeAndCommit('ROLLBACK TO SAVEPOINT idempotent_effect', err.status, envelope(err));
      return { kind: 'error', error: err };
    }
    if (result.status >= 500) throw new Error(`idempotent effect answered ${result.status}`);
    await completeAndCommit('RELEASE SAVEPOINT idempotent_effect', result.status, result.body);
    return { kind: 'done', status: result.status, body: result.body, replayed: false };
  });
}

/**
 * Runs `effect` in one transaction under the request's Idempotency-Key (when it sent one) and sends its result:
 * sets the status, returns the body for the route's serializer. Errors thrown by the effect propagate as usual.
 */
export async function withIdempotency<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  effect: (tx: Queryable) => Promise<EffectResult<T>>,
  options: {
    /** The scope of the key (default: the request's restaurant). */
    restaurantId?: string;
    /** How long a concurrent duplicate waits for the first before 409 idempotency_in_progress. */
    waitMs?: number;
  } = {},
): Promise<T> {
  const { db, now } = req.server.services;
  const key = idempotencyKeyOf(req);
  if (key === undefined) {
    const result = await db.transaction(effect);
    reply.code(result.status);
    return result.body;
  }
  const restaurantId = options.restaurantId ?? req.restaurantId;
  if (!restaurantId) throw new Error('withIdempotency needs a restaurant (resolved by a guard, or options.restaurantId)');
  const path = canonicalPath(req, restaurantId);
  const fingerprint = fingerprintOf(req.method, path, req.body);
  const claim = { restaurantId, key, method: req.method, path, fingerprint, waitMs: options.waitMs ?? IDEMPOTENCY_WAIT_MS };
  const outcome = await runIdempotent(db, now(), claim, effect as (tx: Queryable) => Promise<EffectResult<unknown>>);
  if (outcome.kind === 'error') throw outcome.error;
  reply.code(outcome.status);
  if (outcome.replayed) {
    reply.header('idempotent-replayed', 'true');
    if (outcome.status >= 400) {
      // A kept error: resend the stored envelope as is (the route's schemas describe its successes only).
      const stored = outcome.body as { error: { code: string; message: string; details: unknown } };
      reply.type('application/json; charset=utf-8').serializer(JSON.stringify);
      return { error: { code: stored.error.code, message: stored.error.message, details: stored.error.details } } as T;
    }
  }
  return outcome.body as T;
}

/** Deletes expired records (the lookup already ignores them; this keeps the table small). */
async function purgeExpiredIdempotencyKeys(db: Db, nowMs: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [new Date(nowMs)]);
  return rowCount;
}

/** Purges expired records every `intervalMs` (default 10 min) while the app runs. */
export function idempotencySweeper(intervalMs = 600_000): FastifyPluginAsync {
  return periodicTask('idempotency purge', intervalMs, (app) => purgeExpiredIdempotencyKeys(app.services.db, app.services.now()));
}
