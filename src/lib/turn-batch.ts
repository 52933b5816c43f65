/**
 * Collects the calls made during one turn of the event loop and hands them over together, once, in the check phase
 * (setImmediate) — one round trip for all of them instead of one each. setImmediate, not a microtask: requests read
 * from many sockets in one poll phase each run their own microtasks before the next socket is read, so only the check
 * phase sees them all.
 *
 * Every item is handed over after it was queued, so work done for a batch starts after each of its callers asked: a
 * read made for the batch sees everything committed before any of them called (what makes batched reads as fresh as
 * one read per call).
 */
export class TurnBatch<T> {
  private pending: T[] = [];

  constructor(private readonly run: (batch: T[]) => void) {}

  push(item: T): void {
    this.pending.push(item);
    if (this.pending.length === 1) setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    this.run(batch);
  };
}
