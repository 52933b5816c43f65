/**
 * Webhook endpoints and their delivery log: create (the secret is in that return value only), list, get, change,
 * enable/disable, roll the secret, delete; redeliver one delivery, replay everything since a time, send a test event.
 * Every change is one transaction with its audit row. URLs pass the SSRF guard before any transaction starts (DNS is
 * slow), and again at every delivery.
 */
import type { Db, Row, Tx } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { disableEndpoint } from './delivery-store.js';
import { ALL_EVENTS, enqueueEventTo, WEBHOOK_CHANNEL, type EventType } from './outbox.js';
import {
  findDelivery, findEndpoint, listDeliveries, listEndpoints, toEndpointView, type DeliveryStatus, type EndpointView,
} from './queries.js';
import { generateSecret, ROLL_OVERLAP_MS } from './signing.js';
import { UnsafeUrlError, vetWebhookUrl, type Resolver } from './ssrf.js';

/** Endpoints one restaurant may have. */
export const MAX_ENDPOINTS = 20;

export interface EndpointInput {
  url: string;
  events: (EventType | typeof ALL_EVENTS)[];
  description?: string | null;
  enabled?: boolean;
}

export interface CreatedEndpoint {
  view: EndpointView;
  secret: string;
}

export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly policy: { allowPrivate: boolean; resolve?: Resolver },
  ) {}

  /** The registration check of a URL; a refusal is a 422 validation_failed on `body.url`. */
  private async vet(url: string): Promise<string> {
    try {
      return await vetWebhookUrl(url, this.policy);
    } catch (err) {
      if (err instanceof UnsafeUrlError) throw errors.validation([{ path: 'body.url', message: `The webhook URL ${err.message}.` }]);
      throw err;
    }
  }

  private async mustFind(tx: Db | Tx, restaurantId: string, id: string, lock = false) {
    const row = await findEndpoint(tx, restaurantId, id, lock);
    if (!row) throw errors.webhookEndpointNotFound(id);
    return row;
  }

  list(restaurantId: string, limit: number, after: { createdUs: number; id: string } | null) {
    return listEndpoints(this.db, restaurantId, limit, after);
  }

  async get(restaurantId: string, id: string): Promise<EndpointView> {
    return toEndpointView(await this.mustFind(this.db, restaurantId, id));
  }

  async create(restaurantId: string, input: EndpointInput, actor: Actor): Promise<CreatedEndpoint> {
    const url = await this.vet(input.url);
    const secret = generateSecret();
    const id = newId('whe');
    return this.db.transaction(async (tx) => {
      // Serialises creations per restaurant so the cap holds under concurrency (without locking the restaurant row).
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints:' || $1))`, [restaurantId]);
      const { rows: count } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE restaurant_id = $1`, [restaurantId]);
      if (Number(count[0].n) >= MAX_ENDPOINTS) {
        throw errors.conflict(`A restaurant can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`, { limit: MAX_ENDPOINTS });
      }
      const enabled = input.enabled ?? true;
      await tx.query(
        `INSERT INTO webhook_endpoints (id, restaurant_id, url, events, description, enabled, disabled_reason, disabled_at, secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $6 THEN NULL ELSE now() END, $8)`,
        [id, restaurantId, url, input.events, input.description ?? null, enabled, enabled ? null : 'created disabled', secret],
      );
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: id,
        details: { url, events: input.events },
      });
      return { view: toEndpointView((await findEndpoint(tx, restaurantId, id))!), secret };
    });
  }

  /** Changes URL, events, description; `enabled: true` re-enables (clearing the reason), `false` disables. */
  async update(restaurantId: string, id: string, patch: Partial<EndpointInput>, actor: Actor): Promise<EndpointView> {
    const url = patch.url === undefined ? undefined : await this.vet(patch.url);
    return this.db.transaction(async (tx) => {
      const before = await this.mustFind(tx, restaurantId, id, true);
      await tx.query(
        `UPDATE webhook_endpoints SET url = COALESCE($2, url), events = COALESCE($3, events),
                description = CASE WHEN $4 THEN $5 ELSE description END, updated_at = now(),
                failing_since = CASE WHEN $2 IS NOT NULL AND $2 <> url THEN NULL ELSE failing_since END
          WHERE id = $1`,
        [id, url ?? null, patch.events ?? null, patch.description !== undefined, patch.description ?? null],
      );
      if (patch.enabled === true && !before.enabled) {
        await tx.query(
          `UPDATE webhook_endpoints SET enabled = true, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL WHERE id = $1`,
          [id],
        );
        await recordAudit(tx, actor, { restaurantId, action: 'webhook_endpoint.enabled', targetType: 'webhook_endpoint', targetId: id });
      } else if (patch.enabled === false && before.enabled) {
        await disableEndpoint(tx, id, 'disabled by a user', actor);
      }
      const changed = Object.keys(patch).filter((k) => k !== 'enabled');
      if (changed.length > 0) {
        await recordAudit(tx, actor, {
          restaurantId, action: 'webhook_endpoint.updated', targetType: 'webhook_endpoint', targetId: id, details: { changed },
        });
      }
      return toEndpointView((await findEndpoint(tx, restaurantId, id))!);
    });
  }

  /** A new secret; the old one keeps signing for ROLL_OVERLAP_MS. The new secret is in this return value only. */
  async rollSecret(restaurantId: string, id: string, actor: Actor): Promise<CreatedEndpoint> {
    const secret = generateSecret();
    return this.db.transaction(async (tx) => {
      await this.mustFind(tx, restaurantId, id, true);
      await tx.query(
        `UPDATE webhook_endpoints SET previous_secret = secret, secret = $2,
                previous_secret_expires_at = now() + $3::bigint * interval '1 millisecond', updated_at = now()
          WHERE id = $1`,
        [id, secret, ROLL_OVERLAP_MS],
      );
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook_endpoint.secret_rolled', targetType: 'webhook_endpoint', targetId: id,
        details: { previousSecretValidForHours: ROLL_OVERLAP_MS / 3_600_000 },
      });
      return { view: toEndpointView((await findEndpoint(tx, restaurantId, id))!), secret };
    });
  }

  /** Deletes the endpoint with its deliveries and their log. */
  async delete(restaurantId: string, id: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.mustFind(tx, restaurantId, id, true);
      await tx.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook_endpoint.deleted', targetType: 'webhook_endpoint', targetId: id, details: { url: row.url },
      });
    });
  }

  async deliveries(restaurantId: string, endpointId: string, opts: { limit: number; beforeSeq: number | null; status: DeliveryStatus | null }) {
    await this.mustFind(this.db, restaurantId, endpointId);
    return listDeliveries(this.db, endpointId, opts);
  }

  async delivery(restaurantId: string, endpointId: string, deliveryId: string) {
    await this.mustFind(this.db, restaurantId, endpointId);
    const d = await findDelivery(this.db, endpointId, deliveryId);
    if (!d) throw errors.webhookDeliveryNotFound(deliveryId);
    return d;
  }

  private mustBeEnabled(row: Row) {
    if (!row.enabled) throw errors.conflict('This webhook endpoint is disabled; enable it first.', { endpointId: row.id, enabled: false });
  }

  /** Sends one delivery again from scratch (a fresh retry schedule), whatever its state, unless it is in flight. */
  async redeliver(restaurantId: string, endpointId: string, deliveryId: string, actor: Actor) {
    await this.db.transaction(async (tx) => {
      this.mustBeEnabled(await this.mustFind(tx, restaurantId, endpointId, true));
      const { rows } = await tx.query<{ status: string }>(
        `SELECT status FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2 FOR UPDATE`,
        [deliveryId, endpointId],
      );
      if (!rows[0]) throw errors.webhookDeliveryNotFound(deliveryId);
      if (rows[0].status === 'delivering') throw errors.conflict('This delivery is being sent right now.', { status: 'delivering' });
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL WHERE id = $1`,
        [deliveryId],
      );
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook_delivery.redelivered', targetType: 'webhook_delivery', targetId: deliveryId, details: { endpointId },
      });
      await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, deliveryId]);
    });
    return this.delivery(restaurantId, endpointId, deliveryId);
  }

  /**
   * Schedules again every event since `since` that the endpoint subscribes to (those still kept): deliveries that
   * exist start over, missing ones are created. In flight ones are left alone. Returns how many were scheduled.
   */
  async replay(restaurantId: string, endpointId: string, since: string, actor: Actor): Promise<number> {
    return this.db.transaction(async (tx) => {
      const row = await this.mustFind(tx, restaurantId, endpointId, true);
      this.mustBeEnabled(row);
      const { rowCount } = await tx.query(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_seq)
         SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), ev.id, $1, ev.seq FROM webhook_events ev
          WHERE ev.restaurant_id = $2 AND ev.created_at >= $3::timestamptz AND (ev.type = ANY ($4::text[]) OR '*' = ANY ($4::text[]))
         ON CONFLICT (endpoint_id, event_id) DO UPDATE
            SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL
          WHERE webhook_deliveries.status <> 'delivering'`,
        [endpointId, restaurantId, since, row.events],
      );
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook_endpoint.replayed', targetType: 'webhook_endpoint', targetId: endpointId,
        details: { since, deliveries: rowCount },
      });
      if (rowCount > 0) await tx.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, endpointId]);
      return rowCount;
    });
  }

  /** Dispatches a signed `webhook.test` event to one endpoint, or to every enabled one. */
  async sendTest(restaurantId: string, opts: { endpointId?: string; type?: EventType }, actor: Actor) {
    return this.db.transaction(async (tx) => {
      let targets: string[];
      if (opts.endpointId) {
        const row = await this.mustFind(tx, restaurantId, opts.endpointId);
        this.mustBeEnabled(row);
        targets = [row.id];
      } else {
        const { rows } = await tx.query<{ id: string }>(
          `SELECT id FROM webhook_endpoints WHERE restaurant_id = $1 AND enabled ORDER BY created_at, id`,
          [restaurantId],
        );
        if (rows.length === 0) throw errors.conflict('This restaurant has no enabled webhook endpoint to send a test event to.');
        targets = rows.map((r) => r.id);
      }
      const data = {
        test: true,
        message: 'This is a test event from Maitre. If its signature verifies, your endpoint is ready.',
        simulatedType: opts.type ?? 'webhook.test',
      };
      const result = await enqueueEventTo(tx, { restaurantId, type: 'webhook.test', data }, targets);
      await recordAudit(tx, actor, {
        restaurantId, action: 'webhook.test_sent', targetType: 'webhook_event', targetId: result.eventId, details: { endpoints: targets },
      });
      return { eventId: result.eventId, type: 'webhook.test' as const, deliveries: result.deliveries };
    });
  }
}
