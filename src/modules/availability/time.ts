/**
 * Local wall time ↔ instants in a restaurant's IANA zone, with the DST rules the engine documents:
 * - a wall time that does not exist (spring-forward gap) has no instant: `null`, the slot is skipped;
 * - a wall time that exists twice (fall-back overlap) resolves to the EARLIER instant (the offset in force before the
 *   change, e.g. 02:30 in Paris on 2026-10-25 is 00:30Z, not 01:30Z), deterministically.
 */
import { memoize } from '../../lib/memoize.js';
import { zoneOffset } from '../../lib/zone-offsets.js';

const DAY_MS = 86_400_000;

/** Milliseconds of midnight UTC of a `YYYY-MM-DD` date. */
function utcMidnight(date: string): number {
  const d = new Date(0); // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999
  d.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return d.getTime();
}

/** The most entries a memo of this module keeps before it is emptied. */
const MEMO_MAX = 200_000;

/**
 * The instant of `minutes` after the wall-clock midnight starting `date` (1440 and more: the next day's wall time),
 * or null inside a DST gap. The zone's offsets come from its kept rules (lib/zone-offsets.ts, no Intl call), and the
 * answers are memoized too: GET /availability asks for the same slots all day. The answer depends on the arguments
 * alone; the memo is emptied when it grows past MEMO_MAX (a year of 15-minute slots of a few zones is far below).
 */
export const wallToInstant = memoize(computeWallToInstant, MEMO_MAX);

function computeWallToInstant(date: string, minutes: number, zone: string): number | null {
  const wall = utcMidnight(date) + minutes * 60_000; // the wall time read as if it were UTC
  // The instant is within 14 hours of `wall` (no zone is further from UTC), and a zone changes its offset at most once
  // a day: the offsets in force a day before, at and a day after `wall` include every offset it may be read with.
  const candidates = new Set([zoneOffset(zone, wall - DAY_MS), zoneOffset(zone, wall), zoneOffset(zone, wall + DAY_MS)]);
  let best: number | null = null;
  for (const offset of candidates) {
    const instant = wall - offset * 60_000;
    if (instant + zoneOffset(zone, instant) * 60_000 !== wall) continue; // this offset is not in force then
    if (best === null || instant < best) best = instant;
  }
  return best;
}

/** `HH:mm` of a minute count (taken modulo a day). */
export function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Memo of localDate by zone and minute (every request asks for today's date; a zone's offset changes on a minute). */
const localDates = new Map<string, string>();

/** The local calendar date of an instant in a zone. */
export function localDate(ms: number, timezone: string): string {
  const id = `${timezone} ${Math.floor(ms / 60_000)}`;
  let date = localDates.get(id);
  if (date === undefined) {
    date = new Date(ms + zoneOffset(timezone, ms) * 60_000).toISOString().slice(0, 10);
    if (localDates.size >= MEMO_MAX) localDates.clear();
    localDates.set(id, date);
  }
  return date;
}

/** `YYYY-MM-DD` plus n days (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcMidnight(b) - utcMidnight(a)) / DAY_MS);
}

export const iso = (ms: number) => new Date(ms).toISOString();
