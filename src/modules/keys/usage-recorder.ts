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

/** The usage rows of a batch, and each key's last use (never moved back: GREATEST). */
const USAGE_SQL = `WITH u AS (
    SELECT u."keyId" AS key_id, to_timestamp(u.at / 1000.0) AS at, u.method, u.route, u.status, u.origin, u."durationMs" AS duration_ms
      FROM json_to_recordset($1::json) AS u("keyId" text, at float8, method text, route text, status int, origin text, "durationMs" real)),
  logged AS (
    INSERT INTO api_key_usage (key_id, at, method, route, status, origin, duration_ms)
    SELECT u.key_id, u.at, u.method, u.route, u.status, u.origin, u.duration_ms FROM u JOIN api_keys k ON k.id = u.key_id)
  UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, m.at)
    FROM (SELECT key_id, max(at) AS at FROM u GROUP BY key_id) m
   WHERE k.id = m.key_id`;

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
      // One statement (atomic on its own: no transaction, one round trip) and one parameter: the batch as JSON, which
      // V8 serializes natively, instead of seven text arrays that node-postgres escapes element by element, and two
      // ISO timestamps made per row. Times travel as epoch milliseconds.
      await this.db.query(USAGE_SQL, [JSON.stringify(rows)]);
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
