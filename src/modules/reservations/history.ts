/** The change history of reservations: one row per creation, change or status change, with who made it. */
import type { Queryable } from '../../db/types.js';
import type { Actor } from '../audit/service.js';
import type { Status } from './lifecycle.js';

/** Who acts on a reservation: an API key, a dashboard user, the CLI, the system, or a guest (self-service). */
export interface ReservationActor {
  type: Actor['type'] | 'guest';
  id: string | null;
}

export type HistoryAction = 'created' | 'updated' | 'status_changed';

export interface HistoryEntry {
  id: number;
  action: HistoryAction;
  fromStatus: Status | null;
  toStatus: Status | null;
  changes: Record<string, unknown>;
  actor: { type: ReservationActor['type']; id: string | null };
  at: string;
}

export async function recordHistory(
  tx: Queryable,
  actor: ReservationActor,
  entry: { restaurantId: string; reservationId: string; action: HistoryAction; from?: Status | null; to?: Status | null; changes?: Record<string, unknown> },
  nowMs: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO reservation_history (reservation_id, restaurant_id, action, from_status, to_status, changes, actor_type, actor_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.reservationId, entry.restaurantId, entry.action, entry.from ?? null, entry.to ?? null, JSON.stringify(entry.changes ?? {}),
      actor.type, actor.id, new Date(nowMs),
    ],
  );
}

export async function listHistory(q: Queryable, restaurantId: string, reservationId: string): Promise<HistoryEntry[]> {
  const { rows } = await q.query(
    `SELECT id, action, from_status, to_status, changes, actor_type, actor_id, at FROM reservation_history
      WHERE restaurant_id = $1 AND reservation_id = $2 ORDER BY id`,
    [restaurantId, reservationId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    changes: r.changes,
    actor: { type: r.actor_type, id: r.actor_id },
    at: new Date(r.at).toISOString(),
  }));
}
