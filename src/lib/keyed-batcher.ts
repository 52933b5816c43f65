/**
 * Runs work in batches per key, one batch at a time per key, within this process: the items pushed while a batch of
 * their key is under way wait, and the next batch takes all of them (at most `max`), in arrival order. An item pushed
 * when nothing of its key runs starts a batch of its own at once, so a key without contention never waits for
 * company.
 *
 * Why: new bookings of one (restaurant, service date) are serialized by that date's advisory lock anyway. One at a
 * time, a burst for one date (an event opening, a flash sale) pays a transaction per booking, each reading the same
 * day again and most of them only to be refused; bookings spread over many dates pay a transaction and a write
 * statement each. In batches (per restaurant and lane of dates), a burst pays one transaction per batch, one read per
 * date, one write for all, and refusals that write nothing (ReservationService.bookTogether).
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Entry<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class KeyedBatcher<T, R> {
  private readonly waiting = new Map<string, Entry<T, R>[]>();
  private readonly running = new Set<string>();

  /**
   * `run` gets the key and its batch in arrival order and answers one outcome per item, in the same order. Should it
   * throw, every item of the batch is rejected with that error.
   */
  constructor(private readonly run: (key: string, items: T[]) => Promise<Settled<R>[]>, private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max ${max}: a positive integer`);
  }

  push(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry = { item, resolve, reject };
      const queue = this.waiting.get(key);
      if (queue) queue.push(entry);
      else this.waiting.set(key, [entry]);
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    try {
      for (;;) {
        const queue = this.waiting.get(key);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.max);
        if (queue.length === 0) this.waiting.delete(key);
        let outcomes: Settled<R>[];
        try {
          outcomes = await this.run(key, batch.map((e) => e.item));
          if (outcomes.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${outcomes.length} outcomes`);
        } catch (err) {
          outcomes = batch.map(() => ({ ok: false as const, error: err }));
        }
        batch.forEach((e, i) => {
          const o = outcomes[i]!;
          if (o.ok) e.resolve(o.value);
          else e.reject(o.error);
        });
      }
    } finally {
      this.running.delete(key);
    }
  }

  /** Keys with waiting or running work (for tests and metrics). */
  get size(): number {
    return new Set([...this.waiting.keys(), ...this.running]).size;
  }
}
