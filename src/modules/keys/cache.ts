/**
 * In-process cache of verified key records, by SHA-256 hash: an InvalidatingCache (src/cache/invalidating-cache.ts)
 * told which changes concern which record. A hit costs no I/O. Every change to a key (`key:<id>`) or to its restaurant
 * (`restaurant:<id>`) is announced on the change channel inside the changing transaction; every instance drops the
 * records it concerns when it commits. A load in flight is keyed by a hash whose key is not known yet, so every key
 * change drops every such load.
 */
import { InvalidatingCache } from '../../cache/invalidating-cache.js';
import type { AuthenticatedKey } from '../../http/context.js';

export type KeyLoader = (hash: string) => Promise<AuthenticatedKey | null>;

/** Records by hash; null: known not to exist (a negative entry, dropped by any key change: cheap to re-learn). */
export class KeyCache extends InvalidatingCache<string, AuthenticatedKey | null> {
  constructor(load: KeyLoader, ttlMs: number, now: () => number = Date.now, maxEntries = 50_000) {
    super({
      load, ttlMs, now, maxEntries,
      concerns: (change, _hash, entry) => {
        if (!entry) return true; // still loading: which key it is is not known yet
        const key = entry.value;
        if (!key) return change.kind === 'key';
        return change.kind === 'key' ? key.id === change.id : key.restaurant.id === change.id;
      },
    });
  }
}
