/**
 * InvalidatingCache: values loaded on demand and kept in memory, dropped when a change announced on the change channel
 * (changes.ts) makes them stale. A hit costs no I/O; concurrent misses of one key share one load; load errors are not
 * kept; a TTL is the last safety net; past maxEntries the oldest entry goes.
 *
 * A change drops the entries it concerns and every load in flight it may concern (one whose value is not known yet
 * cannot be ruled out by its value): a request that arrives after the change never joins a load that began before it,
 * and such a load, when it settles, is handed to the requests that were already waiting for it but not kept — a load
 * keeps its value only if it is still its key's current load. Without that, a request just after a revocation could
 * be served the record as it was before it.
 *
 * The availability caches (src/modules/availability/floor-cache.ts, day-cache.ts) do not use it: they are not told of
 * changes but check a version stamp read from the database on every use, inside the caller's own transaction when
 * booking, so they can neither miss a change nor share one caller's load with another.
 */
import { type Change, parseChange } from './changes.js';

export interface InvalidatingCacheOptions<K, V> {
  /** Reads the current value of a key (from the database). */
  load: (key: K) => Promise<V>;
  /**
   * Whether a change (never `all`, which drops everything) makes the cached value of `key` stale. For a load still in
   * flight the value is not known yet: `entry` is undefined then, and the answer should be true unless the key alone
   * rules the change out.
   */
  concerns: (change: Exclude<Change, { kind: 'all' }>, key: K, entry?: { value: V }) => boolean;
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  loadedAt: number;
}

export class InvalidatingCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** The current load of each key being loaded; a change that concerns it removes it (see the header). */
  private readonly loading = new Map<K, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: InvalidatingCacheOptions<K, V>) {
    this.now = options.now ?? Date.now;
  }

  /** The cached value, or undefined when it must be loaded (cold, expired). */
  peek(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.loadedAt > this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** The value of a key: from memory, else from the load in flight for it, else from a new load. */
  get(key: K): Promise<V> {
    const e = this.entries.get(key);
    if (e && this.now() - e.loadedAt <= this.options.ttlMs) return Promise.resolve(e.value);
    if (e) this.entries.delete(key);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const load: Promise<V> = this.options.load(key).then(
      (value) => {
        if (this.loading.get(key) === load) {
          this.loading.delete(key);
          this.keep(key, value);
        }
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(key) === load) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, load);
    return load;
  }

  /**
   * Applies a change — a Change, or a payload of the change channel (`key:<id>`, `restaurant:<id>`, `all`; others are
   * ignored): drops the entries it concerns and the loads in flight it may concern.
   */
  invalidate(change: Change | string): void {
    const c = typeof change === 'string' ? parseChange(change) : change;
    if (!c) return;
    if (c.kind === 'all') {
      this.clear();
      return;
    }
    const { concerns } = this.options;
    for (const [key, e] of this.entries) if (concerns(c, key, e)) this.entries.delete(key);
    for (const key of this.loading.keys()) if (concerns(c, key)) this.loading.delete(key);
  }

  /** Drops every entry and every load in flight. */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(key: K, value: V): void {
    this.entries.delete(key); // a reload replaces its entry (and moves it last) rather than evicting another
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, loadedAt: this.now() });
  }
}
