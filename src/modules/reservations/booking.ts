/**
 * The booking core, run inside the caller's transaction:
 *   1. pg_advisory_xact_lock on (restaurant, service date): every booking or move onto that date queues here, so
 *      the pacing counts and free tables it reads cannot change before it commits (taken here unless the caller
 *      took it already, before reading anything of the date: `dateLocked`);
 *   2. the booking model (cached, re-validated in this transaction) and the date's active reservations, one statement
 *      when the model is cached (FloorCache.withDay);
 *   3. evaluateRequest — the very function availability uses — decides, or says why not;
 *   4. the write (reservation row, one reservation_tables row per held table) inside a savepoint. The exclusion
 *      constraint on reservation_tables is the last line of defence: a 23P01 (only possible when a hold from another
 *      date, e.g. an overnight service, raced in) rolls back to the savepoint, re-reads and re-decides, at most
 *      3 times, then answers 409 no_tables_available.
 * A new table booking (ReservationService.book) takes the same steps in fewer round trips: the lock rides with the
 * guest's look-up, the day read carries the date's overdue waitlist offers (placeLocked), and its holds are inserted
 * with ON CONFLICT DO NOTHING — the exclusion constraint still decides, but a table taken meanwhile is skipped rather
 * than aborting the statement, so the booking's row is deleted and the decision retried without a savepoint.
 */
import { prepared } from '../../db/prepared.js';
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import type { BookingModel } from '../availability/model.js';
import type { FloorCache } from '../availability/floor-cache.js';
import type { RideAlong } from '../availability/queries.js';
import { addHold } from '../availability/assignment.js';
import { evaluateRequest, type DayState, type Reason } from '../availability/evaluate.js';
import type { Placement } from './queries.js';

export interface PlaceRequest {
  date: string;
  time: string;
  partySize: number;
  /** Area key or null. */
  area: string | null;
  /** Where an unknown area is reported (422 validation_failed), or null to ignore an area that no longer exists. */
  areaPath: string | null;
  /** The reservation being moved (its own holds and pacing do not count). */
  exclude?: string;
  /** The tables it holds now (kept when they still fit and are free). */
  keep?: readonly string[];
  /** A walk-in seated now by staff (see evaluate.ts Request.walkIn). */
  walkIn?: boolean;
  /** The caller already holds this date's advisory lock in this transaction (taken before it read anything of the date). */
  dateLocked?: boolean;
}

const MAX_ATTEMPTS = 3;

const DATE_LOCK_SQL = prepared('maitre_date_lock', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))');

/** The key of a service date's advisory lock (pg_advisory_xact_lock(hashtextextended(key, 0))). */
export const dateLockKey = (restaurantId: string, date: string) => `${restaurantId}:${date}`;

export async function lockServiceDate(tx: Queryable, restaurantId: string, date: string): Promise<void> {
  await tx.query(DATE_LOCK_SQL, [dateLockKey(restaurantId, date)]);
}

function refusal(model: BookingModel, r: PlaceRequest, reason: Reason, detail: string, service?: string) {
  const where = { date: r.date, time: r.time };
  const p = model.policy;
  switch (reason) {
    case 'party_size_out_of_range':
      return errors.partySizeOutOfRange(r.partySize, p.minPartySize, p.maxPartySize);
    case 'outside_opening_hours': {
      const message = {
        past: `${r.date} ${r.time} is in the past.`,
        min_notice: `${r.date} ${r.time} is too soon: bookings need at least ${p.minNoticeMinutes} minutes' notice.`,
        booking_window: `${r.date} is too far ahead: bookings open ${p.bookingWindowDays} days in advance.`,
        closed: `The restaurant is closed on ${r.date}.`,
        not_a_slot: `${r.time} is not a bookable time on ${r.date} (see GET /availability for the slots).`,
      }[detail] ?? `${r.date} ${r.time} is not bookable.`;
      return errors.outsideOpeningHours(message, { ...where, reason: detail });
    }
    case 'slot_limit_reached':
      return errors.slotLimitReached(
        `The ${r.time} slot of ${r.date} has reached its limit of ${detail === 'covers' ? 'covers' : 'bookings'}.`,
        { ...where, service, limit: detail },
      );
    case 'no_tables_available':
      return errors.noTablesAvailable(
        detail === 'no_unit_fits'
          ? `No table or combination${r.area ? ` in area "${r.area}"` : ''} seats a party of ${r.partySize}.`
          : `No table${r.area ? ` in area "${r.area}"` : ''} is free for a party of ${r.partySize} at ${r.date} ${r.time}.`,
        { ...where, partySize: r.partySize, area: r.area, reason: detail },
      );
  }
}

/** Decides where a party sits (under the date's lock), or throws the contract's error saying why it cannot. */
export async function place(tx: Queryable, floors: FloorCache, restaurantId: string, r: PlaceRequest, nowMs: number): Promise<Placement> {
  if (!r.dateLocked) await lockServiceDate(tx, restaurantId, r.date); // a transaction-level lock: held until commit
  // The model (re-validated on this transaction's snapshot) and the date's reservations: one statement when cached.
  const { model, state } = await floors.withDay(tx, restaurantId, r.date, r.partySize);
  return decide(model, state, r, nowMs);
}

/**
 * place() for a new booking whose caller holds the date's lock already: the day and the date's overdue waitlist
 * offers are one read (FloorCache.withLockedDay); only when some offers are overdue does `settleDue` expire them
 * (CapacityHooks.beforePlace, which may offer the freed tables to the waitlist) and the day is read again. `ride`: a
 * statement of another module run in the same round trip as the day (the booking's guest), settled with its value
 * before anything else. Returns the model decided with too (the booking's view names its tables).
 */
export async function placeLocked(
  tx: Queryable, floors: FloorCache, restaurantId: string, r: PlaceRequest, nowMs: number, settleDue: (due: string[]) => Promise<void>,
  ride?: { along: RideAlong; settle: (value: unknown) => Promise<void> },
): Promise<{ placement: Placement; model: BookingModel }> {
  let { model, state, due, ride: value } = await floors.withLockedDay(tx, restaurantId, r.date, r.partySize, nowMs, ride?.along);
  await ride?.settle(value);
  if (due.length > 0) {
    await settleDue(due);
    ({ model, state } = await floors.withDay(tx, restaurantId, r.date, r.partySize));
  }
  return { placement: decide(model, state, r, nowMs), model };
}

/** Where a party sits on a day's state as read under its lock, or the contract's refusal (no I/O). */
export function decide(model: BookingModel, state: DayState, r: PlaceRequest, nowMs: number): Placement {
  let area = r.area;
  if (area !== null && !model.areas.some((a) => a.key === area)) {
    if (r.areaPath === null) area = null;
    else throw errors.validation([{ path: r.areaPath, message: `unknown area "${area}" (areas: ${model.areas.map((a) => a.key).join(', ') || 'none'})` }]);
  }
  const v = evaluateRequest(model, state, r.date, r.time, { partySize: r.partySize, area, nowMs, exclude: r.exclude, keep: r.keep, walkIn: r.walkIn });
  if (!v.available || !v.slot || !v.unit) {
    throw refusal(model, { ...r, area }, v.reason!, v.detail ?? '', v.slot?.service.key);
  }
  return {
    date: r.date, time: v.slot.time, serviceKey: v.slot.service.key, startsAt: v.slot.startMs, endsAt: v.slot.endMs,
    holdEndsAt: v.slot.holdEndMs, partySize: r.partySize, area: v.unit.area, tableIds: v.unit.tableIds,
  };
}

/**
 * The day's state with a booking just written at `p` added, exactly as a read of the day under the same lock would
 * now show it: counted by pacing on its date, holding each of its tables over [start, hold end).
 */
export function addToDay(state: DayState, reservationId: string, p: Placement): void {
  state.bookings.push({ id: reservationId, serviceKey: p.serviceKey, time: p.time, partySize: p.partySize });
  for (const tableId of p.tableIds) addHold(state.holds, tableId, { reservationId, startMs: p.startsAt, endMs: p.holdEndsAt });
}

/** The 409 of a booking whose tables kept being taken by holds that raced in (see the module comment). */
export function allBusy(r: PlaceRequest) {
  return errors.noTablesAvailable(`No table is free for a party of ${r.partySize} at ${r.date} ${r.time}.`, {
    date: r.date, time: r.time, partySize: r.partySize, area: r.area, reason: 'all_busy',
  });
}

export const MAX_PLACE_ATTEMPTS = MAX_ATTEMPTS;

const pgCode = (err: unknown) => (err as { code?: string } | null)?.code;

/** place() then `write` the placement, retrying on an exclusion-constraint violation (see the module comment). */
export async function placeAndWrite(
  tx: Queryable,
  floors: FloorCache,
  restaurantId: string,
  r: PlaceRequest,
  nowMs: number,
  write: (p: Placement) => Promise<void>,
): Promise<Placement> {
  for (let attempt = 1; ; attempt++) {
    const placement = await place(tx, floors, restaurantId, r, nowMs);
    await tx.query('SAVEPOINT hold_tables');
    try {
      await write(placement);
      await tx.query('RELEASE SAVEPOINT hold_tables');
      return placement;
    } catch (err) {
      if (pgCode(err) !== '23P01') throw err;
      await tx.query('ROLLBACK TO SAVEPOINT hold_tables');
      if (attempt >= MAX_ATTEMPTS) throw allBusy(r);
    }
  }
}
