/** The audit log: one row per administrative action, written in the same transaction as the action. */
import type { Queryable } from '../../db/types.js';

export interface Actor {
  type: 'user' | 'key' | 'cli' | 'system';
  id: string | null;
  ip?: string | null;
}

export interface AuditEntry {
  restaurantId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (restaurant_id, actor_type, actor_id, action, target_type, target_id, ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [entry.restaurantId, actor.type, actor.id, entry.action, entry.targetType ?? null, entry.targetId ?? null, actor.ip ?? null, JSON.stringify(entry.details ?? {})],
  );
}

export interface AuditRow {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export async function listAudit(db: Queryable, restaurantId: string, limit: number, beforeId?: number): Promise<AuditRow[]> {
  const { rows } = await db.query(
    `SELECT id, at, actor_type, actor_id, action, target_type, target_id, ip, details FROM audit_log
     WHERE restaurant_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [restaurantId, beforeId ?? null, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    details: r.details,
  }));
}
