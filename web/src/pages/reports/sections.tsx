/**
 * The reports the page shows, one definition each: its title and what it means, the rows of its table (keyed, so a
 * previous period's row can be matched to compare one measure), the CSV route, the chart and the chart's text
 * alternative. Figures are shown exactly as the API gives them (shares as percentages with two decimals).
 */
import type { ReactNode } from 'react';
import type { Reports } from '../../types';
import { BarChart, HeatmapChart, StackedDaysChart, WEEKDAYS, type Series } from './charts';

export type ReportKey = 'daily' | 'statusMix' | 'occupancy' | 'leadTime' | 'partySize' | 'sources' | 'waitlist' | 'guests';

export interface TableRow {
  key: string;
  /** The row's label first, then its figures, as shown. */
  cells: string[];
  /** The figure compared with the previous period. */
  measure: number;
}

export interface ReportDef {
  key: ReportKey;
  /** The route's path segment (…/reports/{path}?format=csv). */
  path: string;
  title: string;
  about: string;
  columns: string[];
  /** The compared figure's name; none: the rows do not match across periods (dates). */
  compare?: { label: string; kind: 'count' | 'percent' };
  rows(r: Reports): TableRow[];
  /** Nothing to show in this range. */
  empty(r: Reports): boolean;
  /** The chart's text alternative: what a sighted reader takes from it. */
  summary(r: Reports): string;
  chart(r: Reports, previous: Reports | null, label: string): ReactNode;
}

export const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(2)} %`);

const STATUS: Record<string, string> = {
  confirmed: 'Confirmed', seated: 'Seated', completed: 'Completed', no_show: 'No-show', cancelled: 'Cancelled in time',
  late_cancelled: 'Cancelled late',
};
const LEAD: Record<string, string> = {
  same_day: 'Same day', '1_day': '1 day', '2_3_days': '2–3 days', '4_7_days': '4–7 days', '8_14_days': '8–14 days',
  '15_30_days': '15–30 days', '31_plus_days': '31+ days',
};
const SOURCE: Record<string, string> = {
  widget: 'Widget', phone: 'Phone', api: 'API', agent: 'AI agent (MCP)', walk_in: 'Walk-in', waitlist: 'Waitlist',
};
const WAITLIST: Record<string, string> = { waiting: 'Waiting', offered: 'Offered', booked: 'Booked', expired: 'Expired', cancelled: 'Cancelled' };
const GUESTS: Record<string, string> = { new: 'New', returning: 'Returning', unknown: 'Without a guest record' };
const label = (names: Record<string, string>, key: string) => names[key] ?? key;

export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** This period's bars and, when compared, the previous period's beside them. */
function series(name: string, values: number[], previous: number[] | null): Series[] {
  return previous
    ? [
        { name: `This period (${name})`, values, className: 'series-current' },
        { name: `Previous period (${name})`, values: previous, className: 'series-previous' },
      ]
    : [{ name, values, className: 'series-current' }];
}

/** A categorical report: categories in the API's order, one measure charted (and compared). */
function categorical<Row extends { bookings?: number; entries?: number }>(def: {
  key: ReportKey;
  path: string;
  title: string;
  about: string;
  columns: string[];
  measure: 'bookings' | 'entries';
  list: (r: Reports) => Row[];
  id: (row: Row) => string;
  name: (row: Row) => string;
  cells: (row: Row) => string[];
}): ReportDef {
  const value = (row: Row) => row[def.measure] ?? 0;
  return {
    key: def.key,
    path: def.path,
    title: def.title,
    about: def.about,
    columns: def.columns,
    compare: { label: def.measure === 'entries' ? 'entries' : 'bookings', kind: 'count' },
    rows: (r) => def.list(r).map((row) => ({ key: def.id(row), cells: [def.name(row), ...def.cells(row)], measure: value(row) })),
    empty: (r) => def.list(r).every((row) => value(row) === 0),
    summary: (r) => `${def.title}, ${def.measure}: ${def.list(r).map((row) => `${def.name(row)} ${int.format(value(row))}`).join(', ')}.`,
    chart: (r, prev, alt) => {
      const rows = def.list(r);
      const before = prev ? new Map(def.list(prev).map((row) => [def.id(row), value(row)])) : null;
      const categories = rows.map(def.name);
      // Categories only the previous period has (a party size, a source) are left out of the picture, not the table.
      return (
        <BarChart label={alt} categories={categories}
          series={series(def.measure, rows.map(value), before ? rows.map((row) => before.get(def.id(row)) ?? 0) : null)} />
      );
    },
  };
}

type R = Reports;

export const REPORTS: ReportDef[] = [
  {
    key: 'daily',
    path: 'daily',
    title: 'Covers per day',
    about: 'Bookings kept on the book (confirmed, seated, completed, no-show) per service date and service, with their covers and the covers seated.',
    columns: ['Date', 'Service', 'Bookings', 'Covers', 'Seated covers'],
    rows: (r) =>
      r.daily.rows.map((row) => ({
        key: `${row.date} ${row.service}`,
        cells: [row.date, row.service, int.format(row.bookings), int.format(row.covers), int.format(row.seatedCovers)],
        measure: row.covers,
      })),
    empty: (r) => r.daily.rows.length === 0,
    summary: (r) => {
      const byDate = new Map<string, number>();
      for (const row of r.daily.rows) byDate.set(row.date, (byDate.get(row.date) ?? 0) + row.covers);
      const total = [...byDate.values()].reduce((a, b) => a + b, 0);
      const [busiest] = [...byDate.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      return `Covers per day: ${int.format(total)} covers on ${byDate.size} dates with bookings` +
        (busiest ? `; the busiest was ${busiest[0]} with ${int.format(busiest[1])} covers.` : '.');
    },
    chart: (r, _prev, alt) => {
      const dates = datesOf(r.from, r.to);
      const services = [...new Set(r.daily.rows.map((row) => row.service))];
      const at = new Map(r.daily.rows.map((row) => [`${row.date} ${row.service}`, row.covers]));
      return (
        <StackedDaysChart label={alt} dates={dates}
          series={services.map((s, i) => ({ name: s, values: dates.map((d) => at.get(`${d} ${s}`) ?? 0), className: `series-${i % 6}` }))} />
      );
    },
  },
  categorical({
    key: 'statusMix', path: 'status-mix', title: 'Status mix',
    about: 'Every booking of the range by status; a cancellation inside the policy\'s cut-off (or after the start) counts as late.',
    columns: ['Status', 'Bookings', 'Covers', 'Share'], measure: 'bookings',
    list: (r: R) => r.statusMix.rows, id: (row) => row.status, name: (row) => label(STATUS, row.status),
    cells: (row) => [int.format(row.bookings), int.format(row.covers), percent(row.share)],
  }),
  {
    key: 'occupancy',
    path: 'occupancy',
    title: 'Occupancy by weekday and hour',
    about: 'Seated covers over the floor plan\'s seats, per local weekday and hour (a booking counts from its start to its planned end).',
    columns: ['Weekday', 'Hour', 'Clock hours', 'Seated cover-hours', 'Capacity (cover-hours)', 'Occupancy'],
    compare: { label: 'occupancy', kind: 'percent' },
    rows: (r) =>
      r.occupancy.rows.map((c) => ({
        key: `${c.weekday} ${c.hour}`,
        cells: [WEEKDAYS[c.weekday - 1], hourLabel(c.hour), int.format(c.hours), int.format(c.seatedCoverHours), int.format(c.capacityCoverHours), percent(c.occupancy)],
        measure: c.occupancy ?? 0,
      })),
    empty: (r) => r.occupancy.rows.every((c) => c.seatedCoverHours === 0),
    summary: (r) => {
      const full = r.occupancy.rows.filter((c) => c.seatedCoverHours > 0).sort((a, b) => (b.occupancy ?? 0) - (a.occupancy ?? 0)).slice(0, 3);
      return `Occupancy by weekday and hour, ${r.occupancy.seats} seats: ` +
        (full.length ? `the fullest hours were ${full.map((c) => `${WEEKDAYS[c.weekday - 1]} ${hourLabel(c.hour)} (${percent(c.occupancy)})`).join(', ')}.` : 'no seated guests.');
    },
    chart: (r, _prev, alt) => <HeatmapChart label={alt} cells={r.occupancy.rows} />,
  },
  categorical({
    key: 'leadTime', path: 'lead-time', title: 'How far ahead guests book',
    about: 'Kept bookings by the local days between the day they were made and their service date.',
    columns: ['Booked ahead', 'Bookings', 'Covers', 'Share'], measure: 'bookings',
    list: (r: R) => r.leadTime.rows, id: (row) => row.bucket, name: (row) => label(LEAD, row.bucket),
    cells: (row) => [int.format(row.bookings), int.format(row.covers), percent(row.share)],
  }),
  categorical({
    key: 'partySize', path: 'party-size', title: 'Party sizes',
    about: 'Kept bookings by party size.',
    columns: ['Party size', 'Bookings', 'Covers', 'Share'], measure: 'bookings',
    list: (r: R) => r.partySize.rows, id: (row) => String(row.partySize), name: (row) => String(row.partySize),
    cells: (row) => [int.format(row.bookings), int.format(row.covers), percent(row.share)],
  }),
  categorical({
    key: 'sources', path: 'sources', title: 'Where bookings come from',
    about: 'Kept bookings by source: the widget, the phone (dashboard), API partners, AI agents, walk-ins, the waitlist.',
    columns: ['Source', 'Bookings', 'Covers', 'Share'], measure: 'bookings',
    list: (r: R) => r.sources.rows, id: (row) => row.source, name: (row) => label(SOURCE, row.source),
    cells: (row) => [int.format(row.bookings), int.format(row.covers), percent(row.share)],
  }),
  categorical({
    key: 'waitlist', path: 'waitlist', title: 'Waitlist',
    about: 'Waitlist entries for the range\'s dates by outcome; conversion is booked entries over all entries.',
    columns: ['Outcome', 'Entries', 'Covers', 'Share'], measure: 'entries',
    list: (r: R) => r.waitlist.rows, id: (row) => row.status, name: (row) => label(WAITLIST, row.status),
    cells: (row) => [int.format(row.entries), int.format(row.covers), percent(row.share)],
  }),
  categorical({
    key: 'guests', path: 'guests', title: 'New and returning guests',
    about: 'Kept bookings by guest: returning when the guest had been seated before the range started.',
    columns: ['Guests', 'Distinct guests', 'Bookings', 'Covers'], measure: 'bookings',
    list: (r: R) => r.guests.rows, id: (row) => row.kind, name: (row) => label(GUESTS, row.kind),
    cells: (row) => [row.guests === null ? '—' : int.format(row.guests), int.format(row.bookings), int.format(row.covers)],
  }),
];

/** Every date from `from` to `to`. */
function datesOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); d <= end; d += 86_400_000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/** The key figures of a range, computed from its sections. */
export function keyFigures(r: Reports): { label: string; value: number | null; kind: 'count' | 'percent' }[] {
  const status = (s: string) => r.statusMix.rows.find((row) => row.status === s)?.bookings ?? 0;
  const kept = r.daily.rows.reduce((s, row) => s + row.bookings, 0);
  const returning = r.guests.rows.find((row) => row.kind === 'returning')?.bookings ?? 0;
  return [
    { label: 'Bookings', value: kept, kind: 'count' },
    { label: 'Covers', value: r.daily.rows.reduce((s, row) => s + row.covers, 0), kind: 'count' },
    { label: 'Seated covers', value: r.daily.rows.reduce((s, row) => s + row.seatedCovers, 0), kind: 'count' },
    { label: 'No-shows', value: status('no_show'), kind: 'count' },
    { label: 'Late cancellations', value: status('late_cancelled'), kind: 'count' },
    { label: 'Cancellations in time', value: status('cancelled'), kind: 'count' },
    { label: 'Waitlist conversion', value: r.waitlist.conversionRate, kind: 'percent' },
    { label: 'Bookings by returning guests', value: returning, kind: 'count' },
  ];
}

/** "+5 (+250.00 %)", "−2 (−50.00 %)", "0"; a percentage's change in points: "+1.25 pts". */
export function change(now: number | null, before: number | null, kind: 'count' | 'percent'): string {
  if (now === null || before === null) return '—';
  const sign = (v: number) => (v > 0 ? '+' : v < 0 ? '−' : '');
  if (kind === 'percent') {
    const pts = Math.round((now - before) * 10_000) / 100;
    return pts === 0 ? '0 pts' : `${sign(pts)}${Math.abs(pts).toFixed(2)} pts`;
  }
  const diff = now - before;
  if (diff === 0) return '0';
  const abs = `${sign(diff)}${int.format(Math.abs(diff))}`;
  return before === 0 ? abs : `${abs} (${sign(diff)}${(Math.abs(diff / before) * 100).toFixed(2)} %)`;
}

export const showValue = (v: number | null, kind: 'count' | 'percent') => (kind === 'percent' ? percent(v) : v === null ? '—' : int.format(v));
