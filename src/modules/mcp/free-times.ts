/**
 * The availability answer shaped for a model: the free times of the day (optionally within a window), what the asked
 * time is, and — when it is taken — the nearest free times. Every decision is AvailabilityService's (the same one
 * POST /reservations makes); this only selects and orders its slots.
 */
import type { AvailabilityView } from '../availability/service.js';

const NEAREST = 3;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Inclusive; a window whose `to` is before its `from` runs past midnight (as the waitlist's does). */
export function inWindow(time: string, window: { from: string; to: string }): boolean {
  return window.from <= window.to ? time >= window.from && time <= window.to : time >= window.from || time <= window.to;
}

/** Distance on the clock face, so 23:30 and 00:15 (an overnight service) are 45 minutes apart. */
function clockDistance(a: string, b: string): number {
  const d = Math.abs(minutesOf(a) - minutesOf(b));
  return Math.min(d, 1440 - d);
}

export interface FreeTimesView {
  date: string;
  partySize: number;
  area: string | null;
  timezone: string;
  closed: boolean;
  window: { from: string; to: string } | null;
  /** Free times (local HH:mm) in order, within the window when one was given. */
  freeTimes: { time: string; service: string }[];
  /** The asked time, when one was given: free, or why not. */
  requested: { time: string; available: boolean; reason: string | null; detail: string | null } | null;
  /** When the asked time is not free: the closest free times (in the window when it has any), in order. */
  nearest: { time: string; service: string }[];
}

export function freeTimes(day: AvailabilityView, ask: { time?: string; window?: { from: string; to: string } }): FreeTimesView {
  const free = day.slots.filter((s) => s.available);
  const windowed = ask.window ? free.filter((s) => inWindow(s.time, ask.window!)) : free;
  let requested: FreeTimesView['requested'] = null;
  let nearest: FreeTimesView['nearest'] = [];
  if (ask.time !== undefined) {
    const slot = day.slots.find((s) => s.time === ask.time);
    requested = slot
      ? { time: ask.time, available: slot.available, reason: slot.reason ?? null, detail: slot.detail ?? null }
      : { time: ask.time, available: false, reason: 'outside_opening_hours', detail: 'not a bookable slot time' };
    if (!requested.available) {
      const pool = windowed.length > 0 ? windowed : free;
      const order = new Map(day.slots.map((s, i) => [s, i]));
      nearest = [...pool]
        .sort((a, b) => clockDistance(a.time, ask.time!) - clockDistance(b.time, ask.time!) || order.get(a)! - order.get(b)!)
        .slice(0, NEAREST)
        .sort((a, b) => order.get(a)! - order.get(b)!)
        .map((s) => ({ time: s.time, service: s.service }));
    }
  }
  return {
    date: day.date, partySize: day.partySize, area: day.area, timezone: day.timezone, closed: day.closed, window: ask.window ?? null,
    freeTimes: windowed.map((s) => ({ time: s.time, service: s.service })), requested, nearest,
  };
}
