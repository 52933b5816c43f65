/**
 * Reads of endpoints and the delivery log, and the row → JSON mapping (snake_case columns to camelCase views).
 * ENDPOINT_COLUMNS deliberately leaves out the secrets: no query that feeds a response ever selects them.
 */
import type { Queryable, Row } from '../../db/types.js';

export const ENDPOINT_COLUMNS = `id, restaurant_id, url, events, description, enabled, disabled_reason, disabled_at,
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS previous_secret_expires_at,
  failing_since, last_success_at, created_at, updated_at, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us`;

export interface EndpointView {
  id: string;
  restaurantId: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  previousSecretExpiresAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'dead';

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  completedAt: string | null;
  createdAt: string;
  attemptLog: AttemptView[];
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

export function toEndpointView(r: Row): EndpointView {
  return {
    id: r.id,
    restaurantId: r.restaurant_id,
    url: r.url,
    events: r.events,
    description: r.description,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    disabledAt: iso(r.disabled_at),
    previousSecretExpiresAt: iso(r.previous_secret_expires_at),
    failingSince: iso(r.failing_since),
    lastSuccessAt: iso(r.last_success_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export function endpointCursor(r: Row): string {
  return Buffer.from(`whe:${r.created_us}:${r.id}`).toString('base64url');
}

/** Decodes a list cursor; null when it is not one this list returned. */
export function parseEndpointCursor(cursor: string): { createdUs: number; id: string } | null {
  const m = /^whe:(\d{1,17}):(whe_[a-z0-9]+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? { createdUs: Number(m[1]), id: m[2] } : null;
}

export async function listEndpoints(
  db: Queryable,
  restaurantId: string,
  limit: number,
  after: { createdUs: number; id: string } | null,
): Promise<{ data: EndpointView[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
      WHERE restaurant_id = $1
        AND ($2::bigint IS NULL OR ((extract(epoch FROM created_at) * 1000000)::bigint, id) < ($2::bigint, $3::text))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [restaurantId, after?.createdUs ?? null, after?.id ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return { data: page.map(toEndpointView), nextCursor: rows.length > limit ? endpointCursor(page[page.length - 1]) : null };
}

/**
 * One endpoint of a restaurant. `lock` takes the row (FOR NO KEY UPDATE: it does not block bookings inserting
 * deliveries that reference it) before the caller touches its deliveries — the lock order every writer follows.
 */
export async function findEndpoint(db: Queryable, restaurantId: string, id: string, lock = false): Promise<Row | undefined> {
  const { rows } = await db.query(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND restaurant_id = $2${lock ? ' FOR NO KEY UPDATE' : ''}`,
    [id, restaurantId],
  );
  return rows[0];
}

const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.event_id, ev.type AS event_type, ev.created_at AS event_created_at, d.status,
  d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.last_attempt_at, d.completed_at, d.created_at, d.event_seq`;

/** Attempts shown per delivery (most recent first). */
export const ATTEMPTS_SHOWN = 50;

function toDeliveryView(r: Row, attempts: AttemptView[]): DeliveryView {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    eventCreatedAt: iso(r.event_created_at)!,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' || r.status === 'failed' ? iso(r.next_attempt_at) : null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastAttemptAt: iso(r.last_attempt_at),
    completedAt: iso(r.completed_at),
    createdAt: iso(r.created_at)!,
    attemptLog: attempts,
  };
}

async function attemptsOf(db: Queryable, deliveryIds: string[]): Promise<Map<string, AttemptView[]>> {
  const byDelivery = new Map<string, AttemptView[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const { rows } = await db.query(
    `SELECT delivery_id, attempt, at, status_code, duration_ms, error, response_excerpt FROM (
       SELECT a.*, row_number() OVER (PARTITION BY delivery_id ORDER BY id DESC) AS n
         FROM webhook_delivery_attempts a WHERE delivery_id = ANY($1::text[])) x
      WHERE n <= $2 ORDER BY delivery_id, id DESC`,
    [deliveryIds, ATTEMPTS_SHOWN],
  );
  for (const r of rows) {
    byDelivery.get(r.delivery_id)!.push({
      attempt: r.attempt,
      at: iso(r.at)!,
      statusCode: r.status_code,
      durationMs: r.duration_ms,
      error: r.error,
      responseExcerpt: r.response_excerpt,
    });
  }
  return byDelivery;
}

export async function listDeliveries(
  db: Queryable,
  endpointId: string,
  opts: { limit: number; beforeSeq: number | null; status: DeliveryStatus | null },
): Promise<{ data: DeliveryView[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR d.event_seq < $2) AND ($3::text IS NULL OR d.status = $3)
      ORDER BY d.event_seq DESC, d.id DESC LIMIT $4`,
    [endpointId, opts.beforeSeq, opts.status, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit);
  const attempts = await attemptsOf(db, page.map((r) => r.id));
  return {
    data: page.map((r) => toDeliveryView(r, attempts.get(r.id)!)),
    nextCursor: rows.length > opts.limit ? deliveryCursor(Number(page[page.length - 1].event_seq)) : null,
  };
}

export async function findDelivery(db: Queryable, endpointId: string, id: string): Promise<(DeliveryView & { payload: string }) | null> {
  const { rows } = await db.query(
    `SELECT ${DELIVERY_COLUMNS}, ev.payload::text AS payload FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.endpoint_id = $1 AND d.id = $2`,
    [endpointId, id],
  );
  if (!rows[0]) return null;
  const attempts = await attemptsOf(db, [id]);
  return { ...toDeliveryView(rows[0], attempts.get(id)!), payload: rows[0].payload };
}

export function deliveryCursor(seq: number): string {
  return Buffer.from(`whd:${seq}`).toString('base64url');
}

export function parseDeliveryCursor(cursor: string): number | null {
  const m = /^whd:(\d{1,17})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
