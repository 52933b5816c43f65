/**
 * The transactional outbox: the one entry point through which a change announces itself to webhook receivers.
 *
 * Call `enqueueEvent(tx, { restaurantId, type, data })` with the SAME transaction handle that makes the change.
 * It writes the event (the exact body that will be signed and sent), one pending delivery per enabled endpoint of
 * the restaurant that subscribes to `type`, and a NOTIFY that wakes every dispatcher when — and only if — the
 * transaction commits. Roll back and nothing was ever announced; commit and the event will be delivered at least once.
 * Never call it outside a transaction, and never send HTTP from inside one: the dispatcher does that after commit.
 */
import { prepared } from '../../db/prepared.js';
import type { Queryable } from '../../db/types.js';
import { newId } from '../../lib/ids.js';

import { EVENT_TYPES, type EventType } from './event-types.js';

export { ALL_EVENTS, EVENT_TYPES, type EventType } from './event-types.js';

/** The NOTIFY channel that wakes dispatchers (payload: the event id). */
export const WEBHOOK_CHANNEL = 'maitre_webhooks';

/** Largest body a webhook carries (the same limit as a request body). */
export const MAX_EVENT_BYTES = 64 * 1024;

export interface EventInput {
  restaurantId: string;
  type: EventType;
  /** The resource as the API shows it (e.g. the reservation view). Must be JSON-serialisable. */
  data: unknown;
}

export interface EnqueuedEvent {
  id: string;
  seq: number;
  body: string;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The body every receiver gets: `{ id, type, createdAt, restaurantId, data }`, in this key order. */
export function eventBody(id: string, type: EventType, createdAt: string, restaurantId: string, data: unknown): string {
  return JSON.stringify({ id, type, createdAt, restaurantId, data: data ?? null });
}

/** The event's id, creation time and body (the exact bytes receivers get), checked against the limits. */
function prepareEvent(event: EventInput): { id: string; createdAt: string; body: string } {
  if (!isEventType(event.type)) throw new TypeError(`unknown webhook event type "${String(event.type)}"`);
  const id = newId('evt');
  const createdAt = new Date().toISOString();
  const body = eventBody(id, event.type, createdAt, event.restaurantId, event.data);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_EVENT_BYTES) throw new RangeError(`webhook event ${event.type} is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}`);
  return { id, createdAt, body };
}

async function insertEvent(tx: Queryable, event: EventInput): Promise<EnqueuedEvent> {
  const { id, createdAt, body } = prepareEvent(event);
  const { rows } = await tx.query<{ seq: number }>(
    `INSERT INTO webhook_events (id, restaurant_id, type, payload, created_at) VALUES ($1, $2, $3, $4::json, $5) RETURNING seq`,
    [id, event.restaurantId, event.type, body, createdAt],
  );
  return { id, seq: Number(rows[0].seq), body };
}

async function wake(tx: Queryable, eventId: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, eventId]);
}

const EVENT_ENQUEUE_SQL = prepared('maitre_event_enqueue', `WITH e AS (
       INSERT INTO webhook_events (id, restaurant_id, type, payload, created_at) VALUES ($1, $2, $3, $4::json, $5) RETURNING id, seq
     ), d AS (
       INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_seq)
       SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.id, w.id, e.seq
         FROM e, webhook_endpoints w
        WHERE w.restaurant_id = $2 AND w.enabled AND ($3 = ANY (w.events) OR '*' = ANY (w.events))
       RETURNING 1
     )
     SELECT count(*)::int AS deliveries FROM d`);

/**
 * Records `event` in the outbox inside `tx` and schedules its deliveries; returns the event id (`evt_…`).
 * The event is kept even when no endpoint subscribes yet, so a later "replay since" can send it.
 */
export async function enqueueEvent(tx: Queryable, event: EventInput): Promise<string> {
  const { id, createdAt, body } = prepareEvent(event);
  // One statement: the event, and a delivery per subscribed endpoint carrying the event's seq.
  const { rows } = await tx.query<{ deliveries: number }>(
    EVENT_ENQUEUE_SQL,
    [id, event.restaurantId, event.type, body, createdAt],
  );
  if (rows[0].deliveries > 0) await wake(tx, id);
  return id;
}

/** Several events as the four arrays outboxCtes() writes (ids, types, bodies, creation times), in order. */
export function outboxParams(events: EventInput[]): [string[], string[], string[], string[]] {
  const prepared = events.map((e) => ({ type: e.type, ...prepareEvent(e) }));
  return [prepared.map((e) => e.id), prepared.map((e) => e.type), prepared.map((e) => e.body), prepared.map((e) => e.createdAt)];
}

/**
 * For a statement that carries its change's events (a booking's last write): CTEs `outbox_events` and
 * `outbox_deliveries` that write the events of outboxParams() (the four array parameters named in `p`) for restaurant
 * `p.restaurant`, in order, with a delivery per subscribed endpoint — exactly what enqueueEvent writes per event —
 * only when `p.when` (an SQL condition over the CTE `p.after`) holds; and `wake`, an expression of the final SELECT
 * that notifies the dispatchers of every event with deliveries (as enqueueEvent does, at commit).
 */
export function outboxCtes(p: { restaurant: string; ids: string; types: string; bodies: string; createdAts: string; after: string; when: string }): {
  ctes: string;
  wake: string;
} {
  return {
    ctes: `outbox_events AS (
       INSERT INTO webhook_events (id, restaurant_id, type, payload, created_at)
       SELECT x.id, ${p.restaurant}, x.type, x.body::json, x.created_at::timestamptz
         FROM ${p.after}, unnest(${p.ids}::text[], ${p.types}::text[], ${p.bodies}::text[], ${p.createdAts}::text[]) WITH ORDINALITY AS x(id, type, body, created_at, n)
        WHERE ${p.when} ORDER BY x.n
       RETURNING id, seq, type
     ), outbox_deliveries AS (
       INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_seq)
       SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.id, w.id, e.seq
         FROM outbox_events e, webhook_endpoints w
        WHERE w.restaurant_id = ${p.restaurant} AND w.enabled AND (e.type = ANY (w.events) OR '*' = ANY (w.events))
       RETURNING event_id
     )`,
    wake: `(SELECT count(pg_notify('${WEBHOOK_CHANNEL}', w.event_id)) FROM (SELECT DISTINCT event_id FROM outbox_deliveries) AS w)`,
  };
}

/**
 * Records `event` and schedules it for exactly the given endpoints of its restaurant, whatever they subscribe to
 * (the test event). Returns the event id and the deliveries created.
 */
export async function enqueueEventTo(
  tx: Queryable,
  event: EventInput,
  endpointIds: string[],
): Promise<{ eventId: string; deliveries: { id: string; endpointId: string }[] }> {
  const e = await insertEvent(tx, event);
  const deliveries = endpointIds.map((endpointId) => ({ id: newId('whd'), endpointId }));
  for (const d of deliveries) {
    await tx.query(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_seq)
       SELECT $1, $2, w.id, $3 FROM webhook_endpoints w WHERE w.id = $4 AND w.restaurant_id = $5`,
      [d.id, e.id, e.seq, d.endpointId, event.restaurantId],
    );
  }
  if (deliveries.length > 0) await wake(tx, e.id);
  return { eventId: e.id, deliveries };
}
