/**
 * Special events (API.md §6, §8): listed with their seats left; managed by the configuration file and by the admin
 * API. A change bumps restaurants.updated_at in its transaction (cached booking models are checked against it) and
 * takes the lock of the event's date(s), so it cannot interleave with a booking counting the event's seats.
 */
import type { Db, Queryable } from '../../db/types.js';
import { ApiError, errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/service.js';
import type { FloorCache } from '../availability/floor-cache.js';
import { addDays, daysBetween, localDate, wallToInstant } from '../availability/time.js';
import { lockServiceDate } from '../reservations/booking.js';
import { minutesOf } from '../restaurants/clock.js';
import {
  deleteEvent, findEventWithSeats, insertEvent, listEvents, reservationsOfEvent, touchRestaurant, updateEvent, type EventRecord,
  type EventWithSeats,
} from './queries.js';

export interface EventView {
  id: string;
  key: string;
  name: string;
  date: string;
  start: string;
  end: string;
  startsAt: string | null;
  endsAt: string | null;
  capacity: number;
  seatsTaken: number;
  seatsLeft: number;
  soldOut: boolean;
  closesRegularService: boolean;
}

export type EventInput = Omit<EventRecord, 'id'>;

export const MAX_EVENTS_RANGE_DAYS = 366;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const pgCode = (err: unknown) => (err as { code?: string } | null)?.code;

export function eventView(e: EventWithSeats, timezone: string): EventView {
  const left = Math.max(0, e.capacity - e.seatsTaken);
  return {
    id: e.id, key: e.key, name: e.name, date: e.date, start: e.start, end: e.end,
    startsAt: iso(wallToInstant(e.date, minutesOf(e.start), timezone)), endsAt: iso(wallToInstant(e.date, minutesOf(e.end), timezone)),
    capacity: e.capacity, seatsTaken: e.seatsTaken, seatsLeft: left, soldOut: left === 0, closesRegularService: e.closesRegularService,
  };
}

export class EventService {
  constructor(
    private readonly db: Db,
    private readonly floors: FloorCache,
    private readonly now: () => number = Date.now,
  ) {}

  /** Events from `from` (default today) to `to` (default from + 365 days), with seats left. */
  async list(restaurantId: string, q: { from?: string; to?: string }): Promise<{ data: EventView[]; nextCursor: null }> {
    const model = await this.floors.get(this.db, restaurantId);
    const from = q.from ?? localDate(this.now(), model.timezone);
    const to = q.to ?? addDays(from, MAX_EVENTS_RANGE_DAYS - 1);
    const span = daysBetween(from, to);
    if (span < 0) throw errors.validation([{ path: 'querystring.to', message: `must not be before from (${from})` }]);
    if (span >= MAX_EVENTS_RANGE_DAYS) throw errors.validation([{ path: 'querystring.to', message: `the range may span at most ${MAX_EVENTS_RANGE_DAYS} days` }]);
    const rows = await listEvents(this.db, restaurantId, from, to);
    return { data: rows.map((e) => eventView(e, model.timezone)), nextCursor: null };
  }

  async get(restaurantId: string, id: string): Promise<EventView> {
    const model = await this.floors.get(this.db, restaurantId);
    const e = await findEventWithSeats(this.db, restaurantId, id);
    if (!e) throw notFound(id);
    return eventView(e, model.timezone);
  }

  async create(restaurantId: string, input: EventInput, actor: Actor): Promise<EventView> {
    checkTimes(input);
    const id = newId('exp');
    await this.db.transaction(async (tx) => {
      await lockServiceDate(tx, restaurantId, input.date);
      if (!(await insertEvent(tx, restaurantId, { id, ...input }))) throw keyTaken(input.key);
      await touchRestaurant(tx, restaurantId);
      await recordAudit(tx, actor, { restaurantId, action: 'event.created', targetType: 'event', targetId: id, details: { key: input.key, date: input.date } });
    });
    return this.get(restaurantId, id);
  }

  /** Changes an event. Its date cannot move while it has bookings; its capacity cannot drop below the seats sold. */
  async update(restaurantId: string, id: string, patch: Partial<EventInput>, actor: Actor): Promise<EventView> {
    await this.mutate(async (tx) => {
      const before = await this.lockEvent(tx, restaurantId, id, patch.date);
      const after: EventRecord = { ...before, ...patch, id };
      checkTimes(after);
      if (after.date !== before.date && (await reservationsOfEvent(tx, id)) > 0) {
        throw errors.conflict('The event has bookings: it cannot move to another date. Create a new event instead.', { date: before.date });
      }
      if (after.capacity < before.seatsTaken) {
        throw errors.conflict(`${before.seatsTaken} seats are already sold: the capacity cannot be lower.`, { seatsTaken: before.seatsTaken });
      }
      await updateEvent(tx, after);
      await touchRestaurant(tx, restaurantId);
      await recordAudit(tx, actor, { restaurantId, action: 'event.updated', targetType: 'event', targetId: id, details: { fields: Object.keys(patch) } });
    }, patch.key);
    return this.get(restaurantId, id);
  }

  /** Deletes an event without bookings (any status); one with bookings is kept: 409 conflict. */
  async delete(restaurantId: string, id: string, actor: Actor): Promise<void> {
    await this.mutate(async (tx) => {
      const before = await this.lockEvent(tx, restaurantId, id);
      if ((await reservationsOfEvent(tx, id)) > 0) throw errors.conflict('The event has bookings: cancel or keep them; it cannot be deleted.', { eventId: id });
      await deleteEvent(tx, id);
      await touchRestaurant(tx, restaurantId);
      await recordAudit(tx, actor, { restaurantId, action: 'event.deleted', targetType: 'event', targetId: id, details: { key: before.key, date: before.date } });
    });
  }

  /** The event with its seats, under the lock of its date (and of the date it moves to), in a fixed order. */
  private async lockEvent(tx: Queryable, restaurantId: string, id: string, newDate?: string): Promise<EventWithSeats> {
    const first = await findEventWithSeats(tx, restaurantId, id);
    if (!first) throw notFound(id);
    for (const d of [...new Set([first.date, newDate ?? first.date])].sort()) await lockServiceDate(tx, restaurantId, d);
    return (await findEventWithSeats(tx, restaurantId, id))!;
  }

  private async mutate(fn: (tx: Queryable) => Promise<void>, key?: string): Promise<void> {
    try {
      await this.db.transaction(fn);
    } catch (err) {
      if (!(err instanceof ApiError) && pgCode(err) === '23505' && key) throw keyTaken(key);
      if (!(err instanceof ApiError) && pgCode(err) === '23503') throw errors.conflict('The event has bookings.', {});
      throw err;
    }
  }
}

function checkTimes(e: { start: string; end: string }): void {
  if (minutesOf(e.end) <= minutesOf(e.start)) throw errors.validation([{ path: 'body.end', message: `end ${e.end} is not after start ${e.start}` }]);
}

const notFound = (id: string) => errors.notFound(`No event "${id}".`);
const keyTaken = (key: string) => errors.conflict(`An event with the key "${key}" already exists.`, { key });
