/**
 * Date ranges of the Reports page: the presets, a custom range's checks (the server's rules: `to` not before `from`,
 * at most 366 days both ends included) and the previous period of the same length. Dates are the restaurant's local
 * calendar dates (YYYY-MM-DD); no time zone enters the arithmetic once "today" is known.
 */
import { addDays } from '../../format';

export const MAX_RANGE_DAYS = 366;

export const PRESETS = [
  { key: 'last7', label: 'Last 7 days' },
  { key: 'last30', label: 'Last 30 days' },
  { key: 'last90', label: 'Last 90 days' },
  { key: 'month', label: 'This month' },
  { key: 'lastYear', label: 'Last year' },
] as const;
export type PresetKey = (typeof PRESETS)[number]['key'];

export interface DateRange {
  from: string;
  to: string;
}

/**
 * A preset's dates, given today's local date: the last N days end today (included, so tonight's book counts);
 * "this month" runs from the 1st to today; "last year" is the previous calendar year.
 */
export function presetRange(key: PresetKey, today: string): DateRange {
  switch (key) {
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'last90':
      return { from: addDays(today, -89), to: today };
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastYear': {
      const year = Number(today.slice(0, 4)) - 1;
      return { from: `${year}-01-01`, to: `${year}-12-31` };
    }
  }
}

/** The preset whose dates these are today, if any. */
export function presetOf(range: DateRange, today: string): PresetKey | null {
  return PRESETS.find((p) => {
    const r = presetRange(p.key, today);
    return r.from === range.from && r.to === range.to;
  })?.key ?? null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date YYYY-MM-DD (2026-02-30 is not). */
export function isDate(value: string): boolean {
  return DATE.test(value) && addDays(value, 0) === value;
}

/** Days from `from` to `to`, both included. */
export function rangeDays({ from, to }: DateRange): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** What is wrong with a custom range, per field (empty when it is fine). */
export function rangeErrors(range: DateRange): { from?: string; to?: string } {
  const errors: { from?: string; to?: string } = {};
  if (!isDate(range.from)) errors.from = 'Enter a date (YYYY-MM-DD).';
  if (!isDate(range.to)) errors.to = 'Enter a date (YYYY-MM-DD).';
  if (errors.from || errors.to) return errors;
  if (range.to < range.from) errors.to = 'The end date must not be before the start date.';
  else if (rangeDays(range) > MAX_RANGE_DAYS) errors.to = `A range covers at most ${MAX_RANGE_DAYS} days.`;
  return errors;
}

/** The period of the same length that ends the day before `range` starts. */
export function previousPeriod(range: DateRange): DateRange {
  const days = rangeDays(range);
  const to = addDays(range.from, -1);
  return { from: addDays(to, -(days - 1)), to };
}
