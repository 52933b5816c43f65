/**
 * Runs async tasks one at a time per key, in arrival order, within this process.
 *
 * Bookings onto one (restaurant, service date) are serialized by a PostgreSQL advisory lock anyway; queueing them
 * here first means a burst of contended bookings waits in memory instead of each holding a pooled connection while
 * it waits for that lock — so the pool stays free for everything else and a burst never starves it into timeouts.
 * The database lock remains the guarantee across instances; this queue is only a courtesy to the pool.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
