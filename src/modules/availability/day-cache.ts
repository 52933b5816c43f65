/**
 * Availability's memory of the days it has read: a date's reservations and table holds (DayState) per restaurant, date
 * and span, kept with the stamp they were read with — the restaurant's version and the total of the logged changes of
 * the dates that can reach that day (day_changes, written by triggers in the transaction of every change;
 * loadDayStamp). Every use reads the stamp again, two index lookups instead of the day's rows, and uses the kept state
 * only when it is the same: a change committed anywhere, by any instance or path, is seen by the very next request,
 * as without the cache. Booking does not use it (it reads under its date lock on its own snapshot, FloorCache.withDay).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Queryable } from '../../db/types.js';
import { periodicTask } from '../../http/periodic.js';
import { errors } from '../../http/errors.js';
import { daySpan, type DayState } from './evaluate.js';
import type { FloorCache } from './floor-cache.js';
import type { BookingModel } from './model.js';
import { compactDayChanges, loadDayStamp, loadStampedDayState } from './queries.js';

const MAX_ENTRIES = 2_000;

interface Entry {
  version: string;
  days: string;
  state: DayState;
}

export class DayCache {
  private readonly entries = new Map<string, Entry>();
  /** Told of every read: `hit` (answered from memory after the stamp check) or `miss` (the day's rows were read). */
  onRead: (result: 'hit' | 'miss') => void = () => {};

  constructor(private readonly floors: FloorCache) {}

  /** The current model and the state of a service date for a party size, as FloorCache.withDay gives them. */
  async read(q: Queryable, restaurantId: string, date: string, partySize: number): Promise<{ model: BookingModel; state: DayState }> {
    const cached = this.floors.cached(restaurantId);
    if (cached) {
      const span = daySpan(cached.model, date, partySize);
      const key = keyOf(restaurantId, date, span);
      const kept = this.entries.get(key);
      if (kept && kept.version === cached.version) {
        const stamp = await loadDayStamp(q, restaurantId, date);
        if (stamp.version === null) throw errors.restaurantNotFound(restaurantId);
        if (stamp.version === kept.version && stamp.days === kept.days) {
          this.onRead('hit');
          return { model: cached.model, state: kept.state };
        }
      }
      this.onRead('miss');
      const read = await loadStampedDayState(q, restaurantId, date, span);
      if (read.version === null) throw errors.restaurantNotFound(restaurantId);
      if (read.version === cached.version) {
        this.keep(key, { version: read.version, days: read.days, state: read.state });
        return { model: cached.model, state: read.state };
      }
    } else {
      this.onRead('miss');
    }
    // No model yet, or the configuration changed since: reload it, then read the day over its span.
    const model = await this.floors.get(q, restaurantId);
    const span = daySpan(model, date, partySize);
    const read = await loadStampedDayState(q, restaurantId, date, span);
    if (read.version === null) throw errors.restaurantNotFound(restaurantId);
    const now = this.floors.cached(restaurantId);
    if (now?.model === model && now.version === read.version) {
      this.keep(keyOf(restaurantId, date, span), { version: read.version, days: read.days, state: read.state });
    }
    return { model, state: read.state };
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(key: string, entry: Entry): void {
    this.entries.delete(key); // a re-read replaces its entry (and moves it last) rather than evicting another
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }
}

function keyOf(restaurantId: string, date: string, span: [number, number] | null): string {
  return span ? `${restaurantId}|${date}|${span[0]}|${span[1]}` : `${restaurantId}|${date}|closed`;
}

/** Compacts the change log now and then (compactDayChanges), on every instance: harmless when two run at once. */
export function dayChangesCompactor(intervalMs = 300_000): FastifyPluginAsync {
  return periodicTask('day change log compaction', intervalMs, (app) => compactDayChanges(app.services.db, app.services.now()));
}
