/**
 * The one decision function: can a party of p sit down at this slot, and at which unit? Availability calls it for
 * every slot of a day; booking calls it for the requested slot inside the booking transaction, with the state read
 * under the lock. Same inputs, same answer: they cannot disagree. Pure.
 *
 * Checks, first failure wins:
 *   party size outside the policy            → party_size_out_of_range
 *   slot in the past / inside the minimum notice / beyond the booking window
 *                                            → outside_opening_hours (detail: past | min_notice | booking_window)
 *     (a walk-in, request.walkIn: only a slot that started a full interval ago is past, and no minimum notice)
 *   pacing: covers or bookings starting at this slot of this service would exceed the limit
 *                                            → slot_limit_reached (detail: covers | bookings)
 *   no free table or declared combination    → no_tables_available (detail: no_unit_fits | all_busy)
 */
import { candidatesFor, chooseUnit, type Holds, type Unit } from './assignment.js';
import type { BookingModel } from './model.js';
import { scheduleOn, type DaySchedule } from './schedule.js';
import { slotsOf, type Slot } from './slots.js';
import { addDays, localDate, wallToInstant } from './time.js';

export type Reason = 'outside_opening_hours' | 'party_size_out_of_range' | 'slot_limit_reached' | 'no_tables_available';

/** What already stands on the day, read in one query (see availability/queries.ts). */
export interface DayState {
  /** Active reservations of the service date: what pacing counts. */
  bookings: { id: string; serviceKey: string; time: string; partySize: number }[];
  /** Active holds overlapping the day's slots, by table id. */
  holds: Holds;
}

export interface Request {
  partySize: number;
  /** Area key, or null for any. */
  area: string | null;
  nowMs: number;
  /** A reservation being changed: its own bookings and holds do not count against it. */
  exclude?: string;
  /** Tables it holds now: kept when they still fit and are free. */
  keep?: readonly string[];
  /**
   * A walk-in seated by staff (admin API): the slot under way — started less than one slot interval ago — is
   * bookable, and the minimum notice does not apply. Every other rule does.
   */
  walkIn?: boolean;
}

export interface Verdict {
  slot: Slot;
  available: boolean;
  reason?: Reason;
  detail?: string;
  /** The unit the party would get (when available). */
  unit?: Unit;
}

/** A verdict for a requested time, which may not be a slot at all. */
export type RequestVerdict = Verdict | { slot: null; available: false; reason: Reason; detail: string; unit?: undefined };

/** Per-request values computed once, not per slot. */
export interface Context {
  model: BookingModel;
  state: DayState;
  request: Request;
  today: string;
  /** The last service date inside the booking window (`YYYY-MM-DD` strings compare in date order). */
  lastBookableDate: string;
  candidates: Unit[];
}

export function contextFor(model: BookingModel, state: DayState, request: Request): Context {
  const today = localDate(request.nowMs, model.timezone);
  return {
    model, state, request, today,
    lastBookableDate: addDays(today, model.policy.bookingWindowDays),
    candidates: candidatesFor(model, request.partySize, request.area),
  };
}

export function evaluateSlot(ctx: Context, slot: Slot): Verdict {
  const { model, state, request } = ctx;
  const p = model.policy;
  const no = (reason: Reason, detail: string): Verdict => ({ slot, available: false, reason, detail });
  if (request.partySize < p.minPartySize || request.partySize > p.maxPartySize) return no('party_size_out_of_range', 'policy');
  if (request.walkIn) {
    if (slot.startMs + p.slotIntervalMinutes * 60_000 <= request.nowMs) return no('outside_opening_hours', 'past');
  } else {
    if (slot.startMs < request.nowMs) return no('outside_opening_hours', 'past');
    if (slot.startMs < request.nowMs + p.minNoticeMinutes * 60_000) return no('outside_opening_hours', 'min_notice');
  }
  if (slot.date > ctx.lastBookableDate) return no('outside_opening_hours', 'booking_window');

  const { maxCoversPerSlot, maxBookingsPerSlot } = slot.service.pacing;
  if (maxCoversPerSlot != null || maxBookingsPerSlot != null) {
    let covers = 0;
    let count = 0;
    for (const b of state.bookings) {
      if (b.serviceKey !== slot.service.key || b.time !== slot.time || b.id === request.exclude) continue;
      covers += b.partySize;
      count += 1;
    }
    if (maxCoversPerSlot != null && covers + request.partySize > maxCoversPerSlot) return no('slot_limit_reached', 'covers');
    if (maxBookingsPerSlot != null && count + 1 > maxBookingsPerSlot) return no('slot_limit_reached', 'bookings');
  }

  if (ctx.candidates.length === 0) return no('no_tables_available', 'no_unit_fits');
  const unit = chooseUnit(ctx.candidates, state.holds, slot.startMs, slot.holdEndMs, { exclude: request.exclude, keep: request.keep });
  if (!unit) return no('no_tables_available', 'all_busy');
  return { slot, available: true, unit };
}

/** Several slots share a wall time (overlapping services): the first available one, else the first's verdict. */
function pick(ctx: Context, slots: Slot[]): Verdict {
  let first: Verdict | undefined;
  for (const slot of slots) {
    const v = evaluateSlot(ctx, slot);
    if (v.available) return v;
    first ??= v;
  }
  return first!;
}

function groupByTime(slots: Slot[]): Map<string, Slot[]> {
  const groups = new Map<string, Slot[]>();
  for (const s of slots) {
    const g = groups.get(s.time);
    if (g) g.push(s);
    else groups.set(s.time, [s]);
  }
  return groups;
}

export interface DayVerdict {
  date: string;
  closed: boolean;
  slots: Verdict[];
}

interface DaySlots {
  day: DaySchedule;
  slots: Slot[];
  /** The slots grouped by wall time, in time order. */
  groups: Slot[][];
  span: [number, number] | null;
}

/**
 * A date's schedule and slots for a party size depend on the model alone, and a model never changes (a new
 * configuration builds a new one): computed once per model, date and party size, shared read-only by every request.
 */
const slotMemo = new WeakMap<BookingModel, Map<string, DaySlots>>();
const SLOT_MEMO_MAX = 5_000;

function daySlots(model: BookingModel, date: string, partySize: number): DaySlots {
  let perModel = slotMemo.get(model);
  if (!perModel) slotMemo.set(model, (perModel = new Map()));
  const id = `${date} ${partySize}`;
  let known = perModel.get(id);
  if (!known) {
    const day = scheduleOn(model, date);
    const slots = slotsOf(model, day, partySize);
    const span: [number, number] | null = slots.length === 0 ? null : [slots[0].startMs, Math.max(...slots.map((s) => s.holdEndMs))];
    known = { day, slots, groups: [...groupByTime(slots).values()], span };
    if (perModel.size >= SLOT_MEMO_MAX) perModel.clear();
    perModel.set(id, known);
  }
  return known;
}

/** Every slot of a date for a request: what availability answers. */
export function evaluateDay(model: BookingModel, state: DayState, date: string, request: Request): DayVerdict {
  const { day, groups } = daySlots(model, date, request.partySize);
  const ctx = contextFor(model, state, request);
  return { date, closed: day.closed, slots: groups.map((group) => pick(ctx, group)) };
}

/**
 * The first instant after `nowMs` at which evaluateDay (not a walk-in) could answer otherwise for the same model and
 * state: its checks that depend on the clock — a slot becoming past or entering the minimum notice, the booking window
 * moving with the local date — give the same verdicts at every instant of [nowMs, that instant). Infinity when none
 * can change.
 */
export function dayVerdictsStableUntil(model: BookingModel, date: string, partySize: number, nowMs: number): number {
  const { slots } = daySlots(model, date, partySize);
  const noticeMs = model.policy.minNoticeMinutes * 60_000;
  let until = Infinity;
  for (const slot of slots) {
    // `slot.startMs < now` and `slot.startMs < now + notice` turn true once now passes these instants.
    const notice = slot.startMs - noticeMs;
    if (notice >= nowMs && notice < until) until = notice;
    if (slot.startMs >= nowMs && slot.startMs < until) until = slot.startMs;
  }
  // A date beyond the booking window can enter it when the local date turns (a date inside stays inside as time goes).
  const today = localDate(nowMs, model.timezone);
  if (slots.length > 0 && date > addDays(today, model.policy.bookingWindowDays)) {
    const tomorrow = addDays(today, 1);
    // The next local midnight (01:00 where midnight falls in a DST gap); when neither exists, nothing is kept.
    const midnight = wallToInstant(tomorrow, 0, model.timezone) ?? wallToInstant(tomorrow, 60, model.timezone) ?? nowMs;
    if (midnight < until) until = midnight;
  }
  return until;
}

/**
 * The verdict for one requested date and time: what booking uses. A time that is not a slot of that date (closed
 * day, outside every service, off the interval, inside a DST gap) is outside_opening_hours.
 */
export function evaluateRequest(
  model: BookingModel,
  state: DayState,
  date: string,
  time: string,
  request: Request,
): RequestVerdict {
  const { day, slots } = daySlots(model, date, request.partySize);
  const group = slots.filter((s) => s.time === time);
  const p = model.policy;
  if (group.length === 0) {
    if (request.partySize < p.minPartySize || request.partySize > p.maxPartySize) {
      return { slot: null, available: false, reason: 'party_size_out_of_range', detail: 'policy' };
    }
    return { slot: null, available: false, reason: 'outside_opening_hours', detail: day.closed ? 'closed' : 'not_a_slot' };
  }
  return pick(contextFor(model, state, request), group);
}

/** The span of instants a day's slots can hold tables over (for reading the holds that matter). */
export function daySpan(model: BookingModel, date: string, partySize: number): [number, number] | null {
  return daySlots(model, date, partySize).span;
}
