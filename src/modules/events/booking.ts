/**
 * Event bookings: a reservation with `eventId` takes seats from the event's capacity instead of a table (API.md §8).
 * Run inside the booking transaction, under the same pg_advisory_xact_lock on (restaurant, date) that every booking,
 * move and waitlist offer of that date takes: the seats counted here cannot change before the transaction commits,
 * so N concurrent bookings sell exactly the capacity, never more. Checks, first failure wins:
 *   unknown event → 422 validation_failed (body.eventId) · another date → 422 validation_failed (body.date)
 *   party size outside the policy → 422 party_size_out_of_range
 *   time not within [event start, event end) → 422 outside_opening_hours (reason not_event_time)
 *   past / min notice / booking window → 422 outside_opening_hours
 *   fewer seats left than the party → 409 event_sold_out (details.seatsLeft)
 */
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import type { FloorCache } from '../availability/floor-cache.js';
import { daysBetween, localDate, wallToInstant } from '../availability/time.js';
import { lockServiceDate } from '../reservations/booking.js';
import type { Placement } from '../reservations/queries.js';
import { minutesOf } from '../restaurants/clock.js';
import { findEvent, seatsTaken } from './queries.js';

export interface EventPlaceRequest {
  eventId: string;
  date: string;
  time: string;
  partySize: number;
  /** The reservation being changed: its own seats do not count against it. */
  exclude?: string;
  /** Where the request carried the event id and the date (for validation issues). */
  paths: { eventId: string; date: string };
}

export async function placeEvent(tx: Queryable, floors: FloorCache, restaurantId: string, r: EventPlaceRequest, nowMs: number): Promise<Placement> {
  const event = await findEvent(tx, restaurantId, r.eventId);
  if (!event) throw errors.validation([{ path: r.paths.eventId, message: `unknown event "${r.eventId}" (see GET /events)` }]);
  if (r.date !== event.date) {
    throw errors.validation([{ path: r.paths.date, message: `must be the date of the event "${event.key}" (${event.date})` }]);
  }
  await lockServiceDate(tx, restaurantId, event.date);
  const model = await floors.get(tx, restaurantId);
  const p = model.policy;
  const where = { date: r.date, time: r.time, eventId: event.id };
  if (r.partySize < p.minPartySize || r.partySize > p.maxPartySize) throw errors.partySizeOutOfRange(r.partySize, p.minPartySize, p.maxPartySize);
  const minute = minutesOf(r.time);
  if (minute < minutesOf(event.start) || minute >= minutesOf(event.end)) {
    throw errors.outsideOpeningHours(`${r.time} is outside the event "${event.name}" (${event.start}–${event.end}).`, { ...where, reason: 'not_event_time' });
  }
  const startsAt = wallToInstant(event.date, minute, model.timezone);
  if (startsAt === null) throw errors.outsideOpeningHours(`${r.time} does not exist on ${r.date} (daylight saving time).`, { ...where, reason: 'not_a_slot' });
  if (startsAt < nowMs) throw errors.outsideOpeningHours(`${r.date} ${r.time} is in the past.`, { ...where, reason: 'past' });
  if (startsAt < nowMs + p.minNoticeMinutes * 60_000) {
    throw errors.outsideOpeningHours(`${r.date} ${r.time} is too soon: bookings need at least ${p.minNoticeMinutes} minutes' notice.`, { ...where, reason: 'min_notice' });
  }
  if (daysBetween(localDate(nowMs, model.timezone), event.date) > p.bookingWindowDays) {
    throw errors.outsideOpeningHours(`${r.date} is too far ahead: bookings open ${p.bookingWindowDays} days in advance.`, { ...where, reason: 'booking_window' });
  }
  const left = event.capacity - (await seatsTaken(tx, event.id, r.exclude));
  if (r.partySize > left) throw errors.eventSoldOut(Math.max(0, left), r.partySize, { eventId: event.id, capacity: event.capacity });
  const end = minutesOf(event.end);
  const endsAt = wallToInstant(event.date, end, model.timezone) ?? wallToInstant(event.date, end + 60, model.timezone)!;
  return {
    date: event.date, time: r.time, serviceKey: event.key, startsAt, endsAt, holdEndsAt: endsAt, partySize: r.partySize, area: null, tableIds: [],
  };
}
