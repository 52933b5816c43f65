/**
 * How long a key's daily usage counts are kept: USAGE_DAYS_KEPT days (UTC) back from today, three times what the admin
 * API shows (30 days), so that a quarter's traffic can still be read from the table; older rows are deleted every hour
 * on every instance (harmless when two run at once). The newest lines (api_key_usage_recent) are bounded per key
 * already, and a deleted key takes its usage with it (ON DELETE CASCADE).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/types.js';
import { periodicTask } from '../../http/periodic.js';

export const USAGE_DAYS_KEPT = 90;

/** Deletes the daily counts of days before the kept window; answers how many rows went. */
export async function pruneUsage(db: Db, nowMs: number, daysKept = USAGE_DAYS_KEPT): Promise<number> {
  const oldest = new Date(nowMs - (daysKept - 1) * 86_400_000).toISOString().slice(0, 10); // the first day kept
  const { rowCount } = await db.query('DELETE FROM api_key_usage_daily WHERE day < $1::date', [oldest]);
  return rowCount;
}

export function usageRetention(intervalMs = 3_600_000): FastifyPluginAsync {
  return periodicTask('key usage retention', intervalMs, (app) => pruneUsage(app.services.db, app.services.now()));
}
