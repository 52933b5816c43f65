/**
 * The booking model of a restaurant, built from restaurants' loadFloor() and kept in memory per instance. Every use
 * re-validates it against `restaurants.updated_at` (a configuration change bumps it in the same transaction that
 * rewrites the floor), so a cached model is never used after a change has committed, on any instance. Inside a
 * booking transaction the check runs on the transaction's own snapshot. `withDay` folds the check into the read of
 * the date's reservations (one statement, one snapshot for both) and falls back to a reload when the version moved.
 */
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { loadFloor, type Floor } from '../restaurants/floor.js';
import { daySpan, type DayState } from './evaluate.js';
import type { BookingModel } from './model.js';
import { loadDayState, loadLockedDayState, loadLockedDayStates, loadVersionedDayState, type RideAlong } from './queries.js';

/**
 * The span a day read covers for these party sizes: the union of each one's (a batch of bookings of several sizes reads
 * the holds any of them can meet); null when no size has a slot that day.
 */
function spanFor(model: BookingModel, date: string, partySize: number | readonly number[]): [number, number] | null {
  if (typeof partySize === 'number') return daySpan(model, date, partySize);
  let span: [number, number] | null = null;
  for (const size of new Set(partySize)) {
    const s = daySpan(model, date, size);
    if (s) span = span ? [Math.min(span[0], s[0]), Math.max(span[1], s[1])] : s;
  }
  return span;
}

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
    this.entries.delete(restaurantId); // a reload replaces its entry (and moves it last) rather than evicting another
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(restaurantId, { version, model });
    return model;
  }

  /**
   * The current model and the state of a service date for a party size, or several (see loadDayState). With a cached
   * model: one statement reads the day over the span that model gives and the version on the same snapshot; used only
   * when the version is the cached one. Otherwise (cold, or changed since): the model is reloaded and the day read
   * again.
   */
  async withDay(q: Queryable, restaurantId: string, date: string, partySize: number | readonly number[]): Promise<{ model: BookingModel; state: DayState }> {
    const hit = this.entries.get(restaurantId);
    if (hit) {
      const { version, state } = await loadVersionedDayState(q, restaurantId, date, spanFor(hit.model, date, partySize));
      if (version === null) throw errors.restaurantNotFound(restaurantId);
      if (version === hit.version) return { model: hit.model, state };
    }
    const model = await this.get(q, restaurantId);
    return { model, state: await loadDayState(q, restaurantId, date, spanFor(model, date, partySize)) };
  }

  /**
   * withDay for a booking under its date lock: also the date's overdue waitlist offers, and `ride` (another module's
   * statement run in the same round trip, run exactly once: not again when the model has to be reloaded), in one
   * statement when the model is cached (loadLockedDayState).
   */
  async withLockedDay(
    q: Queryable, restaurantId: string, date: string, partySize: number, nowMs: number, ride?: RideAlong,
  ): Promise<{ model: BookingModel; state: DayState; due: string[]; ride: unknown }> {
    const hit = this.entries.get(restaurantId);
    let rode: { value: unknown } | undefined;
    if (hit) {
      const r = await loadLockedDayState(q, restaurantId, date, spanFor(hit.model, date, partySize), nowMs, ride);
      if (r.version === null) throw errors.restaurantNotFound(restaurantId);
      if (r.version === hit.version) return { model: hit.model, state: r.state, due: r.due, ride: r.ride };
      rode = { value: r.ride };
    }
    const model = await this.get(q, restaurantId);
    const r = await loadLockedDayState(q, restaurantId, date, spanFor(model, date, partySize), nowMs, rode ? undefined : ride);
    return { model, state: r.state, due: r.due, ride: rode ? rode.value : r.ride };
  }

  /**
   * withLockedDay for several dates at once (a batch of bookings under their dates' locks), in one statement when the
   * model is cached (loadLockedDayStates): per date, in the order given, its day over the span of its party sizes and
   * its overdue waitlist offers.
   */
  async withLockedDays(
    q: Queryable, restaurantId: string, dates: readonly { date: string; partySizes: readonly number[] }[], nowMs: number,
  ): Promise<{ model: BookingModel; days: { state: DayState; due: string[] }[] }> {
    const reads = (model: BookingModel) => dates.map((d) => ({ date: d.date, span: spanFor(model, d.date, d.partySizes) }));
    const hit = this.entries.get(restaurantId);
    if (hit) {
      const r = await loadLockedDayStates(q, restaurantId, reads(hit.model), nowMs);
      if (r.version === null) throw errors.restaurantNotFound(restaurantId);
      if (r.version === hit.version) return { model: hit.model, days: r.days };
    }
    const model = await this.get(q, restaurantId);
    return { model, days: (await loadLockedDayStates(q, restaurantId, reads(model), nowMs)).days };
  }

  /** The cached model and the version it was built from, unchecked (DayCache checks it with the day's stamp). */
  cached(restaurantId: string): { version: string; model: BookingModel } | undefined {
    return this.entries.get(restaurantId);
  }

  get size(): number {
    return this.entries.size;
  }
}
