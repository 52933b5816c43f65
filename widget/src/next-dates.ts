/**
 * When a day has no free time: the next dates that have one, asked from the API a few days at a time (at most
 * `SEARCH_DAYS` days ahead, `CONCURRENCY` requests at once, stopping at `WANTED` dates or at the booking window's end),
 * skipping the days the opening hours say are closed. And what the opening hours say about the chosen day itself.
 */
import type { Availability, BookingClient, Hours } from './api.js';
import { addDays } from './dom.js';

export const SEARCH_DAYS = 14;
export const CONCURRENCY = 3;
export const WANTED = 3;

type HoursDay = Hours['days'][number];

/** The services that run on some day of `hours` but not on `date` (e.g. no lunch on Mondays), by name. */
export function servicesNotRunning(hours: Hours | null, date: string): string[] {
  const day = hours?.days.find((d) => d.date === date);
  if (!hours || !day || day.closed) return [];
  const running = new Set(day.services.map((s) => s.key));
  const names = new Map<string, string>();
  for (const d of hours.days) for (const s of d.services) if (!running.has(s.key)) names.set(s.key, s.name);
  return [...names.values()];
}

export function dayOf(hours: Hours | null, date: string): HoursDay | null {
  return hours?.days.find((d) => d.date === date) ?? null;
}

const freeTimes = (a: Availability) => a.slots.filter((s) => s.available).length;
/** Every time of the day is beyond how far ahead the restaurant takes bookings: later days are too. */
const beyondWindow = (a: Availability) => a.slots.length > 0 && a.slots.every((s) => s.detail === 'booking_window');

/**
 * The first dates after `date` with a free time for `partySize`, in date order. `stale()` is asked between rounds:
 * when it says true (the guest moved on), the search stops and answers null.
 */
export async function nextFreeDates(
  client: BookingClient, date: string, partySize: number, hours: Hours | null, stale: () => boolean,
): Promise<{ date: string; free: number }[] | null> {
  const candidates: string[] = [];
  for (let i = 1; i <= SEARCH_DAYS; i++) {
    const d = addDays(date, i);
    if (!dayOf(hours, d)?.closed) candidates.push(d);
  }
  const found: { date: string; free: number }[] = [];
  for (let i = 0; i < candidates.length && found.length < WANTED; i += CONCURRENCY) {
    const round = candidates.slice(i, i + CONCURRENCY);
    const answers = await Promise.all(round.map((d) => client.availability(d, partySize)));
    if (stale()) return null;
    let end = false;
    for (const [j, r] of answers.entries()) {
      if (!r.ok) continue; // one failed day does not hide the others
      if (beyondWindow(r.data)) end = true;
      else if (!end && freeTimes(r.data) > 0 && found.length < WANTED) found.push({ date: round[j], free: freeTimes(r.data) });
    }
    if (end) break;
  }
  return found;
}
