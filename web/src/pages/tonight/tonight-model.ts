/** Pure layout of the day view: the time axis from the day's services, and where each reservation block goes. */
import { minutesOf } from '../../format';
import type { HoursDay, Reservation, ReservationStatus, Table } from '../../types';

export interface Axis {
  /** Minutes since the day's midnight of the first column (may exceed 1440 for after-midnight). */
  start: number;
  end: number;
  step: number;
}

export const STATUS_LABEL: Record<ReservationStatus, string> = {
  confirmed: 'Confirmed',
  seated: 'Seated',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};

/** The axis spans the day's services (and any reservation outside them), rounded out to the hour. */
export function axisFor(day: HoursDay | undefined, reservations: Reservation[], step: number): Axis {
  let start = Infinity;
  let end = -Infinity;
  for (const s of day?.services ?? []) {
    const a = minutesOf(s.start);
    let b = minutesOf(s.end);
    if (s.endsNextDay || b <= a) b += 1440;
    start = Math.min(start, a);
    end = Math.max(end, b);
  }
  for (const e of day?.events ?? []) {
    const a = minutesOf(e.start);
    let b = minutesOf(e.end);
    if (b <= a) b += 1440;
    start = Math.min(start, a);
    end = Math.max(end, b);
  }
  for (const r of reservations) {
    const a = startMinutes(r, start);
    start = Math.min(start, a);
    end = Math.max(end, a + durationMinutes(r));
  }
  if (!Number.isFinite(start)) {
    start = 12 * 60;
    end = 23 * 60;
  }
  start = Math.floor(start / 60) * 60;
  end = Math.ceil(end / 60) * 60;
  if (end - start < 120) end = start + 120;
  return { start, end, step };
}

/** Start in axis minutes: an after-midnight time of an overnight service counts from the service day's midnight. */
export function startMinutes(r: Reservation, axisStart: number): number {
  const m = minutesOf(r.time);
  return Number.isFinite(axisStart) && m < axisStart - 6 * 60 ? m + 1440 : m;
}

export function durationMinutes(r: Reservation): number {
  return Math.max(15, Math.round((Date.parse(r.endsAt) - Date.parse(r.startsAt)) / 60_000));
}

export interface Block {
  reservation: Reservation;
  /** 1-based grid columns of the time area: [from, to). */
  colStart: number;
  colEnd: number;
}

export interface Row {
  key: string;
  label: string;
  detail: string;
  area: string | null;
  blocks: Block[];
}

/** Tables in floor order, each with its reservations (a combination shows on each joined table); then a "no table" row. */
export function rowsFor(tables: Table[], reservations: Reservation[], axis: Axis): Row[] {
  const visible = reservations.filter((r) => r.status !== 'cancelled');
  const block = (r: Reservation): Block => {
    const from = startMinutes(r, axis.start);
    const to = from + durationMinutes(r);
    const colStart = Math.max(1, Math.floor((from - axis.start) / axis.step) + 1);
    const colEnd = Math.max(colStart + 1, Math.min(Math.ceil((to - axis.start) / axis.step) + 1, (axis.end - axis.start) / axis.step + 1));
    return { reservation: r, colStart, colEnd };
  };
  const rows: Row[] = tables.map((t) => ({
    key: t.key,
    label: t.key,
    detail: `${t.minCovers}–${t.maxCovers}`,
    area: t.area,
    blocks: visible.filter((r) => r.tables.includes(t.key)).map(block),
  }));
  const known = new Set(tables.map((t) => t.key));
  const loose = visible.filter((r) => r.tables.length === 0 || r.tables.every((k) => !known.has(k)));
  if (loose.length) rows.push({ key: '__none', label: 'No table', detail: 'events', area: null, blocks: loose.map(block) });
  return rows;
}
