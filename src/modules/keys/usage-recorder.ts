/**
 * Off-the-hot-path usage accounting: requests are appended to an in-memory batch and written every few seconds in
 * one statement (usage rows + lastUsedAt). Rows of a key deleted meanwhile are dropped by the join, never an error.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/types.js';

export interface UsageEvent {
  keyId: string;
  at: number;
  method: string;
  route: string;
  status: number;
  origin: string | null;
  durationMs: number;
}

export class UsageRecorder {
  private batch: UsageEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Pick<Logger, 'error'>,
    private readonly intervalMs = 2_000,
    private readonly maxBatch = 5_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(e: UsageEvent): void {
    this.batch.push(e);
    if (this.batch.length >= this.maxBatch) void this.flush();
  }

  get pending(): number {
    return this.batch.length;
  }

  /** Writes what is batched; resolves when it (and any flush before it) is done. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.batch.length === 0) return;
    const rows = this.batch;
    this.batch = [];
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO api_key_usage (key_id, at, method, route, status, origin, duration_ms)
           SELECT u.key_id, u.at, u.method, u.route, u.status, u.origin, u.duration_ms
             FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::text[], $7::real[])
                  AS u(key_id, at, method, route, status, origin, duration_ms)
             JOIN api_keys k ON k.id = u.key_id`,
          [
            rows.map((r) => r.keyId),
            rows.map((r) => new Date(r.at).toISOString()),
            rows.map((r) => r.method),
            rows.map((r) => r.route),
            rows.map((r) => r.status),
            rows.map((r) => r.origin),
            rows.map((r) => r.durationMs),
          ],
        );
        await tx.query(
          `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
             FROM (SELECT key_id, max(at) AS at FROM unnest($1::text[], $2::timestamptz[]) AS x(key_id, at) GROUP BY key_id) u
            WHERE k.id = u.key_id`,
          [rows.map((r) => r.keyId), rows.map((r) => new Date(r.at).toISOString())],
        );
      });
    } catch (err) {
      // Keep the rows for the next attempt (bounded), so a short database outage loses no accounting.
      this.batch = rows.concat(this.batch).slice(-this.maxBatch * 4);
      this.log.error({ err }, 'usage flush failed; will retry');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
