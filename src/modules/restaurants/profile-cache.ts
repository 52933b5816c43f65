/**
 * In-process cache of restaurant profiles, by restaurant id: a hit costs no I/O. Invalidated like the key cache
 * (src/modules/keys/cache.ts): every change to a restaurant row sends `restaurant:<id>` on the `maitre_cache` NOTIFY
 * channel inside the changing transaction, every instance drops the entry when it commits, and the changing instance
 * also drops it itself right after commit. A load that raced with an invalidation is not kept; a lost LISTEN
 * connection clears everything; a TTL is the last safety net.
 */
import type { RestaurantProfile } from './rows.js';

export type ProfileLoader = (restaurantId: string) => Promise<RestaurantProfile>;

interface Entry {
  profile: RestaurantProfile;
  loadedAt: number;
}

export class ProfileCache {
  private readonly byId = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<RestaurantProfile>>();
  /** Bumped on every invalidation so a load that started before one is not cached. */
  private generation = 0;

  constructor(
    private readonly load: ProfileLoader,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  /** The profile of a restaurant by id; loads it (once for concurrent callers) when not cached. Load errors are not cached. */
  get(restaurantId: string): Promise<RestaurantProfile> {
    const e = this.byId.get(restaurantId);
    if (e) {
      if (this.now() - e.loadedAt <= this.ttlMs) return Promise.resolve(e.profile);
      this.byId.delete(restaurantId);
    }
    let p = this.inflight.get(restaurantId);
    if (!p) {
      const gen = this.generation;
      const loading: Promise<RestaurantProfile> = this.load(restaurantId).then(
        (profile) => {
          if (this.inflight.get(restaurantId) === loading) this.inflight.delete(restaurantId);
          if (gen === this.generation) {
            if (this.byId.size >= this.maxEntries) this.byId.delete(this.byId.keys().next().value!);
            this.byId.set(restaurantId, { profile, loadedAt: this.now() });
          }
          return profile;
        },
        (err) => {
          if (this.inflight.get(restaurantId) === loading) this.inflight.delete(restaurantId);
          throw err;
        },
      );
      this.inflight.set(restaurantId, loading);
      p = loading;
    }
    return p;
  }

  /** Applies an invalidation message of the `maitre_cache` channel: `restaurant:<id>` or `all` (others are ignored). */
  invalidate(message: string): void {
    if (message === 'all') {
      this.clear();
      return;
    }
    if (!message.startsWith('restaurant:')) return;
    const id = message.slice('restaurant:'.length);
    this.generation++;
    this.byId.delete(id);
    this.inflight.delete(id); // a load that started before the change must not serve the next caller
  }

  clear(): void {
    this.generation++;
    this.byId.clear();
    this.inflight.clear();
  }

  get size(): number {
    return this.byId.size;
  }
}
