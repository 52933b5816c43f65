/** Wall-clock helpers shared by the configuration parser and the schedule code: HH:mm, dates, weekdays, spans. */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** Minutes since midnight of an `HH:mm` string. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!YMD.test(value)) return false;
  // Arithmetic, not a date library: every dated request validates its date (luxon's parse was a few % of
  // GET /availability); the proleptic Gregorian calendar, as luxon's `isValid`.
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The dates every input must fall within (inclusive): PostgreSQL has no year 0 and time zones have no rules before
 * standard time, so a date outside is refused as invalid input rather than reaching the database.
 */
export const SUPPORTED_DATES = { min: '1900-01-01', max: '9999-12-31' } as const;
export const SUPPORTED_DATES_MESSAGE = `must fall between ${SUPPORTED_DATES.min} and ${SUPPORTED_DATES.max}`;

/** True for a `YYYY-MM-DD` date within SUPPORTED_DATES (the format makes string order the calendar order). */
export function isSupportedDate(value: string): boolean {
  return value >= SUPPORTED_DATES.min && value <= SUPPORTED_DATES.max;
}

/** The weekday key (`mon`…`sun`) of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): Weekday {
  // Date's own parse of a date-only ISO string is UTC midnight; getUTCDay counts from Sunday (0), WEEKDAYS from Monday.
  return WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
}

/**
 * A service's times as minutes from the midnight that starts its day. An end (or last seating) earlier than the
 * start means the next day: 19:00–01:00 gives { start: 1140, end: 1500 }.
 */
export function serviceSpan(s: { start: string; lastSeating: string; end: string }): { start: number; lastSeating: number; end: number } {
  const start = minutesOf(s.start);
  let end = minutesOf(s.end);
  let lastSeating = minutesOf(s.lastSeating);
  if (end <= start) end += 1440;
  if (lastSeating < start) lastSeating += 1440;
  return { start, lastSeating, end };
}
