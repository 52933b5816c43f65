/**
 * Table assignment. A unit is a single table or a declared combination (the set of its member tables). Pure.
 * - Candidates for a party of p: units with minCovers ≤ p ≤ maxCovers, in the requested area if any (a combination
 *   only when all its members are in it).
 * - Order: single tables first, then combinations; within each, least waste (maxCovers − p), then fewer tables,
 *   then floor-plan order. The first free candidate wins.
 * - A unit is free when none of its tables has an active hold overlapping the requested span. A combination's hold
 *   is recorded on each member table, so a combination is busy when any member is, and a member when its
 *   combination is.
 */
import type { BookingModel } from './model.js';

export interface Unit {
  kind: 'table' | 'combination';
  /** Table id or combination id. */
  id: string;
  tableIds: string[];
  tableKeys: string[];
  /** Area key (a combination spanning areas: its first member's). */
  area: string;
  minCovers: number;
  maxCovers: number;
  position: number;
}

export interface Hold {
  reservationId: string;
  startMs: number;
  endMs: number;
}

/** Active holds by table id. */
export type Holds = Map<string, Hold[]>;

/** Adds a hold of `tableId` (a day read's row, or a booking a batch just wrote). */
export function addHold(holds: Holds, tableId: string, hold: Hold): void {
  const list = holds.get(tableId);
  if (list) list.push(hold);
  else holds.set(tableId, [hold]);
}

/** Every unit of the floor plan (tables, then combinations), unfiltered. */
export function unitsOf(model: BookingModel): Unit[] {
  const byId = new Map(model.tables.map((t) => [t.id, t]));
  const tables: Unit[] = model.tables.map((t) => ({
    kind: 'table', id: t.id, tableIds: [t.id], tableKeys: [t.key], area: t.area, minCovers: t.minCovers, maxCovers: t.maxCovers,
    position: t.position,
  }));
  const combos: Unit[] = model.combinations.map((c) => {
    const members = c.tableIds.map((id) => byId.get(id)!).filter(Boolean);
    return {
      kind: 'combination', id: c.id, tableIds: members.map((m) => m.id), tableKeys: members.map((m) => m.key),
      area: members[0]?.area ?? '', minCovers: c.minCovers, maxCovers: c.maxCovers, position: c.position,
    };
  });
  return [...tables, ...combos];
}

/** Candidate units for a party, in preference order (see the module comment). */
export function candidatesFor(model: BookingModel, partySize: number, area: string | null): Unit[] {
  const areaOf = new Map(model.tables.map((t) => [t.id, t.area]));
  return unitsOf(model)
    .filter((u) => u.minCovers <= partySize && partySize <= u.maxCovers)
    .filter((u) => area === null || u.tableIds.every((id) => areaOf.get(id) === area))
    .sort(
      (a, b) =>
        (a.kind === b.kind ? 0 : a.kind === 'table' ? -1 : 1) ||
        a.maxCovers - b.maxCovers ||
        a.tableIds.length - b.tableIds.length ||
        a.position - b.position,
    );
}

/** True when none of the tables has a hold (other than `exclude`'s) overlapping [startMs, endMs). */
export function tablesFree(holds: Holds, tableIds: readonly string[], startMs: number, endMs: number, exclude?: string): boolean {
  for (const id of tableIds) {
    for (const h of holds.get(id) ?? []) {
      if (h.reservationId !== exclude && h.startMs < endMs && h.endMs > startMs) return false;
    }
  }
  return true;
}

const sameTables = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));

/**
 * The unit to give a party over [startMs, endMs): the one it already holds (`keep`) when that is still a candidate and
 * free, else the first free candidate; null when none is free.
 */
export function chooseUnit(
  candidates: readonly Unit[],
  holds: Holds,
  startMs: number,
  endMs: number,
  options: { exclude?: string; keep?: readonly string[] } = {},
): Unit | null {
  if (options.keep && options.keep.length > 0) {
    const current = candidates.find((u) => sameTables(u.tableIds, options.keep!));
    if (current && tablesFree(holds, current.tableIds, startMs, endMs, options.exclude)) return current;
  }
  return candidates.find((u) => tablesFree(holds, u.tableIds, startMs, endMs, options.exclude)) ?? null;
}
