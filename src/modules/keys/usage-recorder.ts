/**
 * Off-the-hot-path usage accounting, kept in the form the admin API shows it: per key, requests per UTC day by status
 * class and the latest lines. Requests are added up in memory and written every few seconds in one statement that
 * writes, per key seen, its lastUsedAt, one daily row per day and its recent lines — never a row per request. A key
 * deleted meanwhile is skipped (its row is locked first, in key order, so two instances flushing never deadlock).
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

/** A stored line of `api_key_usage_recent.lines` (origin and duration null only in lines from before 0012). */
export interface UsageLine {
  at: number;
  method: string;
  route: string;
  status: number;
  origin: string | null;
  durationMs: number | null;
}

/** Lines kept per key: what `GET …/keys/{id}/usage` returns. */
export const RECENT_LINES = 50;

/** One key's requests since the last flush. */
interface KeyUsage {
  last: number;
  /** UTC day (YYYY-MM-DD) → requests by status class: < 300, 3xx, 4xx, ≥ 500. */
  days: Map<string, number[]>;
  /** In arrival order; trimmed to the newest RECENT_LINES whenever it doubles. */
  lines: UsageEvent[];
  events: number;
}

const USAGE_SQL = `WITH b AS (
    SELECT * FROM json_to_recordset($1::json) AS b(k text, last float8, days json, lines jsonb)),
  locked AS (
    SELECT id FROM api_keys WHERE id IN (SELECT k FROM b) ORDER BY id FOR NO KEY UPDATE),
  touched AS (
    UPDATE api_keys a SET last_used_at = GREATEST(a.last_used_at, to_timestamp(b.last / 1000.0))
      FROM locked l JOIN b ON b.k = l.id
     WHERE a.id = l.id
    RETURNING a.id),
  daily AS (
    INSERT INTO api_key_usage_daily AS d (key_id, day, s2xx, s3xx, s4xx, s5xx)
    SELECT b.k, x.day, x.s2, x.s3, x.s4, x.s5
      FROM b JOIN touched t ON t.id = b.k, json_to_recordset(b.days) AS x(day date, s2 int, s3 int, s4 int, s5 int)
    ON CONFLICT (key_id, day) DO UPDATE
      SET s2xx = d.s2xx + excluded.s2xx, s3xx = d.s3xx + excluded.s3xx,
          s4xx = d.s4xx + excluded.s4xx, s5xx = d.s5xx + excluded.s5xx)
  INSERT INTO api_key_usage_recent AS r (key_id, lines)
  SELECT b.k, b.lines FROM b JOIN touched t ON t.id = b.k
  ON CONFLICT (key_id) DO UPDATE SET lines = (
    SELECT jsonb_agg(e ORDER BY (e ->> 'at')::float8 DESC)
      FROM (SELECT e FROM jsonb_array_elements(excluded.lines || r.lines) AS e
             ORDER BY (e ->> 'at')::float8 DESC LIMIT ${RECENT_LINES}) s)`;

function statusClass(status: number): number {
  return status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 3;
}

export class UsageRecorder {
  private keys = new Map<string, KeyUsage>();
  private events = 0;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** The UTC day of the last request, and where it ends: one comparison a request instead of a date to format. */
  private day = '';
  private dayStart = 0;
  private dayEnd = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Pick<Logger, 'error'>,
    private readonly intervalMs = 2_000,
    /** Flush early once this many keys are waiting (each is a row or two of the statement). */
    private readonly maxKeys = 5_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(e: UsageEvent): void {
    let u = this.keys.get(e.keyId);
    if (!u) this.keys.set(e.keyId, (u = { last: e.at, days: new Map(), lines: [], events: 0 }));
    if (e.at > u.last) u.last = e.at;
    const day = this.dayOf(e.at);
    let counts = u.days.get(day);
    if (!counts) u.days.set(day, (counts = [0, 0, 0, 0]));
    counts[statusClass(e.status)]!++;
    if (u.lines.push(e) >= 2 * RECENT_LINES) u.lines = u.lines.slice(-RECENT_LINES);
    u.events++;
    this.events++;
    if (this.keys.size >= this.maxKeys) void this.flush();
  }

  /** Requests recorded and not yet written. */
  get pending(): number {
    return this.events;
  }

  /** Writes what is waiting; resolves when it (and any flush before it) is done. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private dayOf(at: number): string {
    if (at < this.dayStart || at >= this.dayEnd) {
      this.dayStart = at - (at % 86_400_000);
      this.dayEnd = this.dayStart + 86_400_000;
      this.day = new Date(this.dayStart).toISOString().slice(0, 10);
    }
    return this.day;
  }

  private async write(): Promise<void> {
    if (this.keys.size === 0) return;
    const keys = this.keys;
    const events = this.events;
    this.keys = new Map();
    this.events = 0;
    const rows = [];
    for (const [k, u] of keys) {
      const days = [];
      for (const [day, c] of u.days) days.push({ day, s2: c[0], s3: c[1], s4: c[2], s5: c[3] });
      const lines: UsageLine[] = u.lines.slice(-RECENT_LINES).sort((a, b) => b.at - a.at).map((e) => ({
        at: e.at, method: e.method, route: e.route, status: e.status, origin: e.origin, durationMs: Math.round(e.durationMs * 10) / 10,
      }));
      rows.push({ k, last: u.last, days, lines });
    }
    try {
      // One statement (atomic on its own: no transaction, one round trip) and one parameter, the batch as JSON, which
      // V8 serializes natively. Times travel as epoch milliseconds.
      await this.db.query(USAGE_SQL, [JSON.stringify(rows)]);
    } catch (err) {
      // Keep the counts for the next attempt (bounded: a key's lines stay at most 2 × RECENT_LINES), so a short
      // database outage loses no accounting.
      this.mergeBack(keys, events);
      this.log.error({ err }, 'usage flush failed; will retry');
    }
  }

  /** Puts a batch that could not be written back in front of what arrived since. */
  private mergeBack(failed: Map<string, KeyUsage>, events: number): void {
    for (const [k, old] of failed) {
      const now = this.keys.get(k);
      if (!now) {
        this.keys.set(k, old);
        continue;
      }
      now.last = Math.max(now.last, old.last);
      for (const [day, c] of old.days) {
        const into = now.days.get(day);
        if (into) for (let i = 0; i < 4; i++) into[i]! += c[i]!;
        else now.days.set(day, c);
      }
      now.lines = old.lines.concat(now.lines).slice(-RECENT_LINES);
      now.events += old.events;
    }
    this.events += events;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
