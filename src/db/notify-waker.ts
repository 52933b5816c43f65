/**
 * Wakes the listeners of a channel after a transaction that queued work for them has committed, instead of a NOTIFY
 * inside it: the notification workers (MESSAGE_CHANNEL) after a booking queued guest messages, the webhook dispatchers
 * (WEBHOOK_CHANNEL) after it queued deliveries. Every instance LISTENs on both (background/claim-loop.ts).
 *
 * Why: PostgreSQL serialises the commits of all transactions that sent a NOTIFY (a server-wide lock taken before the
 * commit record and held until the commit is flushed to disk), so a NOTIFY in every booking made the bookings' commits
 * — and their WAL flushes, a few milliseconds each on a slow disk — happen one at a time: no group commit. A NOTIFY on
 * its own (no write, so no flush to wait for) holds that lock only for an instant.
 *
 * The wake-up is only a hint (the listeners ignore the payload): the work is in the database once its transaction
 * commits, and every listener also polls (pollIntervalMs), so a wake-up lost to a crash between the commit and the
 * NOTIFY, or to a failed statement, delays it by at most one poll. Wake-ups are coalesced: one NOTIFY in flight at a
 * time, at most one every `minGapMs`; a wake() meanwhile is folded into the next one (which is sent after it, so it
 * follows that commit).
 */
import type { Queryable } from './types.js';

export class NotifyWaker {
  private busy = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** NOTIFY statements sent (for tests and the bench). */
  sent = 0;

  constructor(private readonly db: Queryable, private readonly channel: string, private readonly minGapMs = 20) {
    if (!/^[a-z_]+$/.test(channel)) throw new TypeError(`channel ${JSON.stringify(channel)}: lower-case letters and _ only`);
  }

  /** Called after a commit that queued work for the channel's listeners. */
  wake(): void {
    if (this.closed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.sent++;
    this.db
      .query(`SELECT pg_notify('${this.channel}', '')`)
      .catch(() => {}) // a hint only: the listeners' poll finds the work anyway
      .finally(() => {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.busy = false;
          if (this.again) {
            this.again = false;
            this.wake();
          }
        }, this.minGapMs);
        this.timer.unref();
      });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
