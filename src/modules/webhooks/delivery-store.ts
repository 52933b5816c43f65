/**
 * The dispatcher's SQL, each function one short transaction (never one held across HTTP):
 * - claim: lock endpoints that have due work and nothing in flight (FOR NO KEY UPDATE SKIP LOCKED, so concurrent
 *   dispatchers on any number of instances split the work and never take the same endpoint), take each one's
 *   earliest due delivery in event order, and lease it (`delivering` until locked_until);
 * - record: the outcome of the attempt, its log row and the endpoint's health, only if the lease is still ours;
 * - release: give back a lease on shutdown so another instance picks the delivery up at once.
 * All times are the database's clock, so instances with skewed clocks agree on leases and due times.
 */
import type { Db, Tx } from '../../db/types.js';
import { recordAudit } from '../audit/service.js';
import { WEBHOOK_CHANNEL } from './outbox.js';

export interface Claim {
  deliveryId: string;
  token: string;
  attempt: number;
  eventId: string;
  eventType: string;
  body: string;
  restaurantId: string;
  endpointId: string;
  url: string;
  /** Live secrets, current first (the previous one while a roll overlaps). */
  secrets: string[];
}

export interface AttemptOutcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  excerpt: string | null;
}

export type RecordedState = 'succeeded' | 'failed' | 'dead' | 'gone' | 'lost';

const ms = (v: number) => Math.max(0, Math.round(v));

const ABANDONED =
  'no outcome recorded: the lease expired before the instance sending this attempt reported back (it stopped or lost the database); sending again';

/** Is any delivery due (one index probe, no transaction): lets an idle dispatcher skip the claim transaction. */
export async function anythingDue(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ due: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                     WHERE status IN ('pending', 'failed', 'delivering') AND next_attempt_at <= now()) AS due`,
  );
  return rows[0]?.due === true;
}

/** Claims up to `limit` deliveries, at most one per endpoint. */
export async function claimDue(db: Db, opts: { limit: number; token: string; leaseMs: number }): Promise<Claim[]> {
  return db.transaction(async (tx) => {
    const endpoints = await tx.query<{ id: string }>(
      `WITH due AS (
         SELECT d.endpoint_id, min(d.next_attempt_at) AS since FROM webhook_deliveries d
          WHERE d.status IN ('pending', 'failed', 'delivering') AND d.next_attempt_at <= now()
          GROUP BY d.endpoint_id)
       SELECT e.id FROM webhook_endpoints e JOIN due ON due.endpoint_id = e.id
        WHERE e.enabled
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries f
                           WHERE f.endpoint_id = e.id AND f.status = 'delivering' AND f.next_attempt_at > now())
        ORDER BY due.since, e.id
        LIMIT $1
        FOR NO KEY UPDATE OF e SKIP LOCKED`,
      [opts.limit],
    );
    if (endpoints.rows.length === 0) return [];
    // Fresh statement, fresh snapshot: re-check "nothing in flight" now that the endpoints are ours.
    const heads = await tx.query<{ id: string; status: string; attempts: number }>(
      `SELECT DISTINCT ON (d.endpoint_id) d.id, d.status, d.attempts FROM webhook_deliveries d
        WHERE d.endpoint_id = ANY($1::text[]) AND d.status IN ('pending', 'failed', 'delivering') AND d.next_attempt_at <= now()
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries f
                           WHERE f.endpoint_id = d.endpoint_id AND f.status = 'delivering' AND f.next_attempt_at > now())
        ORDER BY d.endpoint_id, d.event_seq, d.id`,
      [endpoints.rows.map((r) => r.id)],
    );
    if (heads.rows.length === 0) return [];
    const abandoned = heads.rows.filter((h) => h.status === 'delivering');
    for (const h of abandoned) {
      await tx.query(`INSERT INTO webhook_delivery_attempts (delivery_id, attempt, error) VALUES ($1, $2, $3)`, [h.id, h.attempts, ABANDONED]);
    }
    const { rows } = await tx.query(
      `UPDATE webhook_deliveries d
          SET status = 'delivering', attempts = d.attempts + 1, claimed_by = $2,
              locked_until = now() + $3 * interval '1 millisecond', next_attempt_at = now() + $3 * interval '1 millisecond'
         FROM webhook_events ev, webhook_endpoints e
        WHERE d.id = ANY($1::text[]) AND ev.id = d.event_id AND e.id = d.endpoint_id
          AND d.status IN ('pending', 'failed', 'delivering') AND d.next_attempt_at <= now()
       RETURNING d.id, d.attempts, d.event_id, ev.type, ev.payload::text AS body, ev.restaurant_id, e.id AS endpoint_id,
                 e.url, e.secret, CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret`,
      [heads.rows.map((h) => h.id), opts.token, ms(opts.leaseMs)],
    );
    return rows.map((r) => ({
      deliveryId: r.id,
      token: opts.token,
      attempt: Number(r.attempts),
      eventId: r.event_id,
      eventType: r.type,
      body: r.body,
      restaurantId: r.restaurant_id,
      endpointId: r.endpoint_id,
      url: r.url,
      secrets: r.previous_secret ? [r.secret, r.previous_secret] : [r.secret],
    }));
  });
}

async function logAttempt(tx: Tx, claim: Claim, o: AttemptOutcome): Promise<void> {
  await tx.query(
    `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, duration_ms, error, response_excerpt)
     SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = $1)`,
    [claim.deliveryId, claim.attempt, o.statusCode, ms(o.durationMs), o.error?.slice(0, 1000) ?? null, o.excerpt],
  );
}

/**
 * Disables an endpoint (once) with a reason, marks what it still had to deliver dead and writes the audit row.
 * Returns false when it was already disabled.
 */
export async function disableEndpoint(
  tx: Tx,
  endpointId: string,
  reason: string,
  actor: { type: 'user' | 'key' | 'cli' | 'system'; id: string | null; ip?: string | null },
): Promise<boolean> {
  const { rows } = await tx.query<{ restaurant_id: string }>(
    `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
      WHERE id = $1 AND enabled RETURNING restaurant_id`,
    [endpointId, reason],
  );
  if (!rows[0]) return false;
  await tx.query(
    `UPDATE webhook_deliveries SET status = 'dead', locked_until = NULL, claimed_by = NULL, completed_at = now(),
            last_error = $2
      WHERE endpoint_id = $1 AND status IN ('pending', 'failed', 'delivering')`,
    [endpointId, `endpoint disabled: ${reason}`],
  );
  await recordAudit(tx, actor, {
    restaurantId: rows[0].restaurant_id, action: 'webhook_endpoint.disabled', targetType: 'webhook_endpoint', targetId: endpointId,
    details: { reason },
  });
  return true;
}

export interface RecordPolicy {
  /** Delay before the next attempt after `attempt` failed, or null when there is none left (dead). */
  retryDelayMs: (attempt: number) => number | null;
  /** Disable an endpoint whose attempts have all failed for this long. */
  disableAfterMs: number;
  disableReason: string;
}

/** Records the outcome of an attempt. Returns what became of the delivery ('lost': the lease was no longer ours). */
export async function recordOutcome(
  db: Db,
  claim: Claim,
  o: AttemptOutcome,
  policy: RecordPolicy,
): Promise<{ state: RecordedState; retryInMs: number | null }> {
  return db.transaction(async (tx) => {
    // Lock order everywhere: the endpoint row first, then its deliveries (claims and admin changes do the same), so
    // recording an outcome can never deadlock with a concurrent disable, roll or delete.
    await tx.query(`SELECT 1 FROM webhook_endpoints WHERE id = $1 FOR NO KEY UPDATE`, [claim.endpointId]);
    await logAttempt(tx, claim, o);
    const own = `id = $1 AND claimed_by = $2 AND status = 'delivering'`;
    const finish = (status: string, delay: number | null) =>
      tx.query(
        `UPDATE webhook_deliveries SET status = $3, locked_until = NULL, claimed_by = NULL, last_attempt_at = now(),
                last_status_code = $4, last_error = $5,
                next_attempt_at = CASE WHEN $6::bigint IS NULL THEN now() ELSE now() + $6::bigint * interval '1 millisecond' END,
                completed_at = CASE WHEN $3 IN ('succeeded', 'dead') THEN now() END
          WHERE ${own}`,
        [claim.deliveryId, claim.token, status, o.statusCode, o.error?.slice(0, 1000) ?? null, delay],
      );
    if (o.error === null) {
      if ((await finish('succeeded', null)).rowCount === 0) return { state: 'lost', retryInMs: null };
      await tx.query(`UPDATE webhook_endpoints SET failing_since = NULL, last_success_at = now() WHERE id = $1`, [claim.endpointId]);
      return { state: 'succeeded', retryInMs: null };
    }
    if (o.statusCode === 410) {
      if ((await finish('dead', null)).rowCount === 0) return { state: 'lost', retryInMs: null };
      await disableEndpoint(tx, claim.endpointId, '410 Gone from receiver', { type: 'system', id: null });
      return { state: 'gone', retryInMs: null };
    }
    const delay = policy.retryDelayMs(claim.attempt);
    if ((await finish(delay === null ? 'dead' : 'failed', delay)).rowCount === 0) return { state: 'lost', retryInMs: null };
    const { rows } = await tx.query<{ expired: boolean }>(
      `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now())
        WHERE id = $1 RETURNING enabled AND failing_since <= now() - $2::bigint * interval '1 millisecond' AS expired`,
      [claim.endpointId, ms(policy.disableAfterMs)],
    );
    if (rows[0]?.expired) {
      await disableEndpoint(tx, claim.endpointId, policy.disableReason, { type: 'system', id: null });
      return { state: 'dead', retryInMs: null };
    }
    return { state: delay === null ? 'dead' : 'failed', retryInMs: delay };
  });
}

/** Gives a lease back (shutdown): the attempt does not count, the delivery is due again at once. */
export async function releaseClaim(db: Db, claim: Claim, o: AttemptOutcome): Promise<void> {
  await db.transaction(async (tx) => {
    await logAttempt(tx, claim, o);
    await tx.query(
      `UPDATE webhook_deliveries
          SET status = CASE WHEN attempts <= 1 THEN 'pending' ELSE 'failed' END, attempts = greatest(attempts - 1, 0),
              locked_until = NULL, claimed_by = NULL, next_attempt_at = now()
        WHERE id = $1 AND claimed_by = $2 AND status = 'delivering'`,
      [claim.deliveryId, claim.token],
    );
    await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, claim.deliveryId]); // other instances take it now
  });
}

/** Deliveries waiting or in flight (the queue-depth gauge). */
export async function queueDepth(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status IN ('pending', 'failed', 'delivering')`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Deletes events older than the retention period whose deliveries are all finished (cascades to their log). */
export async function pruneEvents(db: Db, retentionDays: number, batch = 1000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM webhook_events WHERE id IN (
       SELECT ev.id FROM webhook_events ev
        WHERE ev.created_at < now() - $1::int * interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           WHERE d.event_id = ev.id AND d.status IN ('pending', 'failed', 'delivering'))
        LIMIT $2)`,
    [retentionDays, batch],
  );
  return rowCount;
}
