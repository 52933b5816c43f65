/**
 * A zone's UTC offset at any instant without asking Intl each time. Asking Intl (what luxon's `DateTime.fromMillis(ms,
 * { zone })` does for every new instant) costs microseconds a call, and a booking's guest emails asked it a dozen times
 * for instants never seen before (a profile of the booking bench: luxon ~7 % of the server's CPU a booking). Here a
 * zone's rules are read once per UTC year: its offset when the year begins and every instant within the year at which
 * the offset changes (found to the millisecond by bisection, on luxon's IANAZone); after that an offset is a look-up
 * in a list of at most a few entries. Assumes what every zone of the tz database satisfies and the engine relies on
 * elsewhere (availability/time.ts): a zone changes its offset at most once in 24 hours.
 */
import { IANAZone } from 'luxon';

const DAY_MS = 86_400_000;

export interface Transition {
  /** The first millisecond of the new offset. */
  atMs: number;
  /** Offsets (minutes east of UTC) before and from then on. */
  from: number;
  to: number;
}

interface YearRules {
  startOffset: number;
  transitions: Transition[];
}

const zones = new Map<string, IANAZone>();
const years = new Map<string, YearRules>();
/** Year tables kept at most (a few zones × a few years in practice); past it the memo is emptied and fills again. */
const MAX_YEARS = 2_000;

function ianaZone(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    if (!z.isValid) throw new RangeError(`unknown time zone "${name}"`);
    zones.set(name, z);
  }
  return z;
}

function yearStart(year: number): number {
  const d = new Date(0); // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999
  d.setUTCFullYear(year, 0, 1);
  return d.getTime();
}

function computeYear(zone: IANAZone, year: number): YearRules {
  const from = yearStart(year);
  const to = yearStart(year + 1);
  const off = (ms: number) => zone.offset(ms);
  const transitions: Transition[] = [];
  for (let t = from; t < to; t += DAY_MS) {
    const end = Math.min(t + DAY_MS, to);
    const a = off(t);
    const b = off(end);
    if (a === b) continue;
    let lo = t;
    let hi = end; // off(lo) = a, off(hi) = b: find the first millisecond with b
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (off(mid) === a) lo = mid;
      else hi = mid;
    }
    if (hi < to) transitions.push({ atMs: hi, from: a, to: b }); // one at the very start of next year is next year's
  }
  return { startOffset: off(from), transitions };
}

function rulesOf(zone: string, year: number): YearRules {
  const key = `${zone}\u0000${year}`;
  let rules = years.get(key);
  if (!rules) {
    rules = computeYear(ianaZone(zone), year);
    if (years.size >= MAX_YEARS) years.clear();
    years.set(key, rules);
  }
  return rules;
}

/** The zone's offset from UTC at `ms`, in minutes east (Europe/Paris in July: 120). */
export function zoneOffset(zone: string, ms: number): number {
  const rules = rulesOf(zone, new Date(ms).getUTCFullYear());
  let offset = rules.startOffset;
  for (const t of rules.transitions) {
    if (t.atMs > ms) break;
    offset = t.to;
  }
  return offset;
}

/** Every change of the zone's offset in [fromMs, toMs), in order. */
export function zoneTransitions(zone: string, fromMs: number, toMs: number): Transition[] {
  const out: Transition[] = [];
  const last = new Date(toMs).getUTCFullYear();
  for (let year = new Date(fromMs).getUTCFullYear(); year <= last; year++) {
    for (const t of rulesOf(zone, year).transitions) if (t.atMs >= fromMs && t.atMs < toMs) out.push(t);
  }
  return out;
}

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
}

/** The local calendar date and wall-clock time of an instant in a zone. */
export function wallClock(ms: number, zone: string): WallClock {
  const d = new Date(ms + zoneOffset(zone, ms) * 60_000); // read with the UTC getters: the local wall time
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() || 7,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `yyyyMMdd'T'HHmmss` of a wall clock (iCalendar's local DATE-TIME). */
export function compactWall(w: WallClock): string {
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}
