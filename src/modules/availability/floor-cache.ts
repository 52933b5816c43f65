/**
 * The booking model of a restaurant, built from restaurants' loadFloor() and kept in memory per instance. Every use
 * re-validates it with one indexed read of `restaurants.updated_at` (a configuration change bumps it in the same
 * transaction that rewrites the floor), so a cached model is never used after a change has committed, on any
 * instance. Inside a booking transaction the check runs on the transaction's own snapshot.
 */
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { loadFloor, type Floor } from '../restaurants/floor.js';
import type { BookingModel } from './model.js';

export function modelFromFloor(floor: Floor): BookingModel {
  const p = floor.policy;
  return {
    restaurantId: floor.restaurantId,
    timezone: floor.timezone,
    policy: {
      minPartySize: p.minPartySize,
      maxPartySize: p.maxPartySize,
      slotIntervalMinutes: p.slotIntervalMinutes,
      bookingWindowDays: p.bookingWindowDays,
      minNoticeMinutes: p.minNoticeMinutes,
      bufferMinutes: p.bufferMinutes,
      turnTimes: [...p.turnTimes].sort((a, b) => a.maxPartySize - b.maxPartySize),
    },
    areas: floor.areas.map((a) => ({ key: a.key, name: a.name })),
    tables: floor.tables.map((t, position) => ({
      id: t.id, key: t.key, area: t.area, minCovers: t.minCovers, maxCovers: t.maxCovers, position,
    })),
    combinations: floor.combinations.map((c, position) => ({
      id: c.id, tableIds: [...c.tableIds], minCovers: c.minCovers, maxCovers: c.maxCovers, position,
    })),
    services: floor.services.map((s) => ({
      key: s.key, name: s.name, days: [...s.days], start: s.start, lastSeating: s.lastSeating, end: s.end, pacing: { ...s.pacing },
    })),
    closures: new Map(floor.closures.map((c) => [c.date, c.reason])),
    specialHours: new Map(
      floor.specialHours.map((d) => [
        d.date,
        d.services.map((s) => ({
          key: s.key, name: s.name ?? s.key, start: s.start, lastSeating: s.lastSeating, end: s.end, pacing: { ...s.pacing },
        })),
      ]),
    ),
    events: floor.events.map((e) => ({
      key: e.key, name: e.name, date: e.date, start: e.start, end: e.end, closesRegularService: e.closesRegularService,
    })),
  };
}

const MAX_ENTRIES = 1000;

export class FloorCache {
  private readonly entries = new Map<string, { version: string; model: BookingModel }>();

  /** The current model of a restaurant (by id); not_found when it does not exist. */
  async get(q: Queryable, restaurantId: string): Promise<BookingModel> {
    const { rows } = await q.query<{ version: string }>('SELECT updated_at::text AS version FROM restaurants WHERE id = $1', [restaurantId]);
    if (!rows[0]) throw errors.restaurantNotFound(restaurantId);
    const version = rows[0].version;
    const hit = this.entries.get(restaurantId);
    if (hit && hit.version === version) return hit.model;
    const model = modelFromFloor(await loadFloor(q, restaurantId));
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(restaurantId, { version, model });
    return model;
  }

  get size(): number {
    return this.entries.size;
  }
}
