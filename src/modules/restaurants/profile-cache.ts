/**
 * In-process cache of restaurant profiles, by restaurant id: an InvalidatingCache (src/cache/invalidating-cache.ts).
 * A hit costs no I/O. Every change to a restaurant row announces `restaurant:<id>` on the change channel inside the
 * changing transaction, every instance drops the entry (and a load of it in flight) when it commits, and the changing
 * instance also drops it itself right after commit. Key changes do not concern it.
 */
import { InvalidatingCache } from '../../cache/invalidating-cache.js';
import type { RestaurantProfile } from './rows.js';

export type ProfileLoader = (restaurantId: string) => Promise<RestaurantProfile>;

export class ProfileCache extends InvalidatingCache<string, RestaurantProfile> {
  constructor(load: ProfileLoader, ttlMs = 60_000, now: () => number = Date.now, maxEntries = 10_000) {
    super({
      load, ttlMs, now, maxEntries,
      concerns: (change, restaurantId) => change.kind === 'restaurant' && change.id === restaurantId,
    });
  }
}
