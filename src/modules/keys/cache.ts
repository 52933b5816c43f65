/**
 * In-process cache of verified key records, by SHA-256 hash. A hit costs no I/O. Every change to a key (or to its
 * restaurant) sends a NOTIFY inside the changing transaction; every instance drops the entry when it commits.
 * A TTL is the last safety net; a lost LISTEN connection clears everything.
 */
import type { AuthenticatedKey } from '../../http/context.js';
import type { Queryable } from '../../db/types.js';

export const INVALIDATION_CHANNEL = 'maitre_cache';

interface Entry {
  key: AuthenticatedKey | null; // null: known not to exist (negative entry)
  loadedAt: number;
}

export type KeyLoader = (hash: string) => Promise<AuthenticatedKey | null>;

export class KeyCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<AuthenticatedKey | null>>();
  /** Bumped on every invalidation so a load that raced with one is not cached. */
  private generation = 0;

  constructor(
    private readonly load: KeyLoader,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  /** The cached record, or undefined when it must be loaded (cold, expired). */
  peek(hash: string): AuthenticatedKey | null | undefined {
    const e = this.byHash.get(hash);
    if (!e) return undefined;
    if (this.now() - e.loadedAt > this.ttlMs) {
      this.byHash.delete(hash);
      return undefined;
    }
    return e.key;
  }

  async get(hash: string): Promise<AuthenticatedKey | null> {
    const hit = this.peek(hash);
    if (hit !== undefined) return hit;
    let p = this.inflight.get(hash);
    if (!p) {
      const gen = this.generation;
      p = this.load(hash).then(
        (key) => {
          this.inflight.delete(hash);
          if (gen === this.generation) {
            if (this.byHash.size >= this.maxEntries) this.byHash.delete(this.byHash.keys().next().value!);
            this.byHash.set(hash, { key, loadedAt: this.now() });
          }
          return key;
        },
        (err) => {
          this.inflight.delete(hash);
          throw err;
        },
      );
      this.inflight.set(hash, p);
    }
    return p;
  }

  /** Applies an invalidation message: `key:<id>`, `restaurant:<id>` or `all`. */
  invalidate(message: string): void {
    this.generation++;
    if (message === 'all') {
      this.byHash.clear();
      return;
    }
    const [kind, id] = message.split(':', 2);
    for (const [hash, e] of this.byHash) {
      if (!e.key) {
        if (kind === 'key') this.byHash.delete(hash); // cheap and safe: negative entries can be re-learnt
        continue;
      }
      if ((kind === 'key' && e.key.id === id) || (kind === 'restaurant' && e.key.restaurant.id === id)) this.byHash.delete(hash);
    }
  }

  clear(): void {
    this.invalidate('all');
  }

  get size(): number {
    return this.byHash.size;
  }
}

/**
 * Announces a change inside the transaction that makes it: delivered to every listener when (and only if) it commits.
 * Callers also invalidate their own cache right after commit, so the change bites on the very next local request.
 */
export async function notifyKeyChange(tx: Queryable, message: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, message]);
}
