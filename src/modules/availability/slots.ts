/**
 * Slot generation: every seating time of a day's services, from the start to the last seating, one slot interval
 * apart, in the restaurant's wall time. Pure.
 * - A slot whose wall time falls in a DST gap does not exist and is skipped; one in a DST overlap is the earlier
 *   instant (see time.ts).
 * - Slots after midnight of an overnight service keep the service's date (their `time` is e.g. "00:30").
 * - An event that closes the regular service removes the slots whose hold would overlap it.
 */
import { serviceSpan } from '../restaurants/clock.js';
import { turnMinutes, type BookingModel, type ServiceHours } from './model.js';
import type { DaySchedule } from './schedule.js';
import { hhmm, iso, wallToInstant } from './time.js';

export interface Slot {
  /** Service date (the date the service starts on). */
  date: string;
  /** Local wall time `HH:mm`. */
  time: string;
  service: ServiceHours;
  /** Minutes from the service date's wall-clock midnight (≥ 1440 after midnight). */
  minutes: number;
  startMs: number;
  /** start + turn time for the party size. */
  endMs: number;
  /** end + buffer: what the tables are held for. */
  holdEndMs: number;
  /** The start as an ISO 8601 instant (what the API shows). */
  startsAt: string;
}

function eventWindows(model: BookingModel, day: DaySchedule): [number, number][] {
  const out: [number, number][] = [];
  for (const e of day.events) {
    if (!e.closesRegularService) continue;
    const span = serviceSpan({ start: e.start, lastSeating: e.start, end: e.end });
    const start = wallToInstant(day.date, span.start, model.timezone) ?? wallToInstant(day.date, span.start + 60, model.timezone);
    const end = wallToInstant(day.date, span.end, model.timezone) ?? wallToInstant(day.date, span.end + 60, model.timezone);
    if (start !== null && end !== null) out.push([start, end]);
  }
  return out;
}

/** All slots of a day for a party size, in time order (services in configuration order on a tie). */
export function slotsOf(model: BookingModel, day: DaySchedule, partySize: number): Slot[] {
  if (day.closed) return [];
  const turnMs = turnMinutes(model.policy, partySize) * 60_000;
  const bufferMs = model.policy.bufferMinutes * 60_000;
  const interval = model.policy.slotIntervalMinutes;
  const closedBy = eventWindows(model, day);
  const slots: Slot[] = [];
  for (const service of day.services) {
    const span = serviceSpan(service);
    for (let m = span.start; m <= span.lastSeating; m += interval) {
      const startMs = wallToInstant(day.date, m, model.timezone);
      if (startMs === null) continue; // DST gap: this wall time does not exist
      const endMs = startMs + turnMs;
      const holdEndMs = endMs + bufferMs;
      if (closedBy.some(([s, e]) => startMs < e && holdEndMs > s)) continue;
      slots.push({ date: day.date, time: hhmm(m), service, minutes: m, startMs, endMs, holdEndMs, startsAt: iso(startMs) });
    }
  }
  return slots.sort((a, b) => a.minutes - b.minutes);
}
