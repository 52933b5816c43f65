/**
 * Which slot a waitlist entry would take. Pure. Times are local wall time of the service date; a window whose `to`
 * is before its `from` runs past midnight (e.g. 22:30–00:30), and a slot after midnight of an overnight service
 * (minutes ≥ 1440) matches a window by its wall time either way. A preferred time alone is a window of that one
 * time; with a window it orders the candidates (closest first); with neither, the earliest slot of the day wins.
 */
import type { Slot } from '../availability/slots.js';
import { minutesOf } from '../restaurants/clock.js';

export interface Wish {
  preferredTime: string | null;
  windowStart: string | null;
  windowEnd: string | null;
}

function bounds(w: Wish): [number, number] | null {
  const from = w.windowStart ?? w.preferredTime;
  const to = w.windowEnd ?? w.preferredTime;
  if (from === null || to === null) return null;
  const start = minutesOf(from);
  let end = minutesOf(to);
  if (end < start) end += 1440;
  return [start, end];
}

/** True when the slot (its minutes from the service date's midnight) lies in the wish's window. */
export function inWindow(w: Wish, minutes: number): boolean {
  const b = bounds(w);
  if (!b) return true;
  return [minutes, minutes - 1440, minutes + 1440].some((m) => m >= b[0] && m <= b[1]);
}

function distance(w: Wish, minutes: number): number {
  if (w.preferredTime === null) return minutes;
  const p = minutesOf(w.preferredTime);
  return Math.min(...[minutes, minutes - 1440, minutes + 1440].map((m) => Math.abs(m - p)));
}

/** The best of the available slots for the wish (closest to the preferred time, then earliest), or null. */
export function chooseSlot(available: readonly Slot[], w: Wish): Slot | null {
  let best: Slot | null = null;
  for (const s of available) {
    if (!inWindow(w, s.minutes)) continue;
    if (best === null || distance(w, s.minutes) < distance(w, best.minutes)) best = s;
  }
  return best;
}
