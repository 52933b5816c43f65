/**
 * Availability and opening hours. When nothing changed since the day was last read here, a request costs one statement
 * of primary-key lookups (the day's stamp, day-cache.ts); otherwise one statement reads the day's active reservations
 * with their tables and the stamp. Everything else is the pure evaluation booking uses too.
 */
import type { Db } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { SerializedJson, serializerFor } from '../../http/serializer.js';
import { dayVerdictsStableUntil, evaluateDay, type Reason } from './evaluate.js';
import type { BookingModel } from './model.js';
import type { DayState } from './evaluate.js';
import { availabilitySchema } from './schemas.js';
import { DayCache } from './day-cache.js';
import { FloorCache } from './floor-cache.js';
import { hoursBetween, type HoursDay } from './schedule.js';
import { addDays, daysBetween, localDate } from './time.js';

export interface SlotView {
  time: string;
  available: boolean;
  reason?: Reason;
  /** Why, more precisely: past | min_notice | booking_window | covers | bookings | no_unit_fits | all_busy | policy. */
  detail?: string;
  service: string;
  startsAt: string;
}

export interface AvailabilityView {
  date: string;
  partySize: number;
  area: string | null;
  timezone: string;
  closed: boolean;
  slots: SlotView[];
}

export interface HoursView {
  timezone: string;
  from: string;
  to: string;
  days: HoursDay[];
}

export const MAX_HOURS_RANGE_DAYS = 92;

/** The serializer of GET /availability's 200 answer: the one Fastify compiles for the route, from the same schema. */
const serializeAvailability = serializerFor(availabilitySchema);

export class AvailabilityService {
  readonly floors = new FloorCache();
  readonly days = new DayCache(this.floors);

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every slot of the date's services for a party, each available or with the reason it is not. */
  async forDate(restaurantId: string, q: { date: string; partySize: number; area?: string | null }): Promise<AvailabilityView> {
    const { model, state } = await this.days.read(this.db, restaurantId, q.date, q.partySize); // one statement when nothing changed
    return this.view(model, state, q, this.now());
  }

  /**
   * forDate serialized (GET /availability): the bytes are kept per restaurant, date, party size and area beside the day
   * cache, and a request that finds the day's stamp unchanged and the clock inside their validity writes them as they
   * are — one statement, nothing evaluated or serialized (day-cache.ts, answer()).
   */
  async forDateSerialized(restaurantId: string, q: { date: string; partySize: number; area?: string | null }): Promise<SerializedJson> {
    const nowMs = this.now();
    const bytes = await this.days.answer(this.db, restaurantId, q.date, q.partySize, q.area ?? '', nowMs, ({ model, state }) => ({
      bytes: Buffer.from(serializeAvailability(this.view(model, state, q, nowMs))),
      validUntil: dayVerdictsStableUntil(model, q.date, q.partySize, nowMs),
    }));
    return new SerializedJson(bytes);
  }

  private view(model: BookingModel, state: DayState, q: { date: string; partySize: number; area?: string | null }, nowMs: number): AvailabilityView {
    const area = q.area ?? null;
    if (area !== null && !model.areas.some((a) => a.key === area)) {
      throw errors.validation([{ path: 'querystring.area', message: `unknown area "${area}" (areas: ${model.areas.map((a) => a.key).join(', ') || 'none'})` }]);
    }
    const day = evaluateDay(model, state, q.date, { partySize: q.partySize, area, nowMs });
    return {
      date: q.date,
      partySize: q.partySize,
      area,
      timezone: model.timezone,
      closed: day.closed,
      slots: day.slots.map((v) => ({
        time: v.slot.time,
        available: v.available,
        ...(v.available ? {} : { reason: v.reason, detail: v.detail }),
        service: v.slot.service.key,
        startsAt: v.slot.startsAt,
      })),
    };
  }

  /** Opening hours per date (closures and special hours applied); from defaults to today, to to from + 6 days. */
  async hours(restaurantId: string, q: { from?: string; to?: string }): Promise<HoursView> {
    const model = await this.floors.get(this.db, restaurantId);
    const from = q.from ?? localDate(this.now(), model.timezone);
    const to = q.to ?? addDays(from, 6);
    const span = daysBetween(from, to);
    if (span < 0) throw errors.validation([{ path: 'querystring.to', message: `must not be before from (${from})` }]);
    if (span >= MAX_HOURS_RANGE_DAYS) throw errors.validation([{ path: 'querystring.to', message: `the range may span at most ${MAX_HOURS_RANGE_DAYS} days` }]);
    return { timezone: model.timezone, from, to, days: hoursBetween(model, from, to) };
  }
}
