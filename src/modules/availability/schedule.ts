/**
 * Which services run on a date: a closure closes the day; special hours replace the regular services; otherwise the
 * regular services whose weekdays include the date's. Pure.
 */
import { serviceSpan, weekdayOf } from '../restaurants/clock.js';
import type { BookingModel, FloorEvent, ServiceHours } from './model.js';
import { addDays, daysBetween } from './time.js';

export interface DaySchedule {
  date: string;
  /** No service runs (a closure, or no service that weekday). */
  closed: boolean;
  closureReason: string | null;
  /** Special hours replaced the regular services. */
  specialHours: boolean;
  services: ServiceHours[];
  events: FloorEvent[];
}

export function scheduleOn(model: BookingModel, date: string): DaySchedule {
  const events = model.events.filter((e) => e.date === date);
  if (model.closures.has(date)) {
    return { date, closed: true, closureReason: model.closures.get(date) ?? null, specialHours: false, services: [], events };
  }
  const special = model.specialHours.get(date);
  const weekday = weekdayOf(date);
  const services = special ?? model.services.filter((s) => s.days.includes(weekday));
  return { date, closed: services.length === 0, closureReason: null, specialHours: special !== undefined, services, events };
}

export interface HoursDay {
  date: string;
  closed: boolean;
  closureReason: string | null;
  specialHours: boolean;
  services: { key: string; name: string; start: string; lastSeating: string; end: string; endsNextDay: boolean }[];
  events: { key: string; name: string; start: string; end: string; closesRegularService: boolean }[];
}

/** Opening hours of every date from `from` to `to` inclusive. */
export function hoursBetween(model: BookingModel, from: string, to: string): HoursDay[] {
  const days: HoursDay[] = [];
  const n = daysBetween(from, to);
  for (let i = 0; i <= n; i++) {
    const s = scheduleOn(model, addDays(from, i));
    days.push({
      date: s.date,
      closed: s.closed,
      closureReason: s.closureReason,
      specialHours: s.specialHours,
      services: s.services.map((x) => ({
        key: x.key, name: x.name, start: x.start, lastSeating: x.lastSeating, end: x.end, endsNextDay: serviceSpan(x).end >= 1440,
      })),
      events: s.events.map((e) => ({ key: e.key, name: e.name, start: e.start, end: e.end, closesRegularService: e.closesRegularService })),
    });
  }
  return days;
}
