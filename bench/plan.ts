/**
 * Booking plans for the benchmark, computed from bench/restaurant.json alone (no import from src/, so the plan is an
 * independent check of the server): which (date, time, party size) requests to send so that they fit.
 *
 * The simulation follows the booking model of docs/booking-model.md: slots every `slotIntervalMinutes` from a
 * service's start to its last seating; a party holds its unit over [start, start + turn time + buffer); single tables
 * before declared combinations, least waste first, then fewer tables, then floor-plan order; per-slot pacing on covers
 * and bookings. Plans are ordered round-robin over dates, so concurrent requests hit different dates (different
 * advisory locks) and the requests of one date arrive in plan order: the server then makes the same choices.
 */

export interface BenchTable { key: string; area: string; minCovers: number; maxCovers: number }
export interface BenchService {
  key: string; days: string[]; start: string; lastSeating: string; end: string;
  pacing?: { maxCoversPerSlot?: number; maxBookingsPerSlot?: number };
}
export interface BenchConfig {
  slug: string;
  timezone: string;
  policy: { slotIntervalMinutes: number; bookingWindowDays: number; bufferMinutes: number; turnTimes: { maxPartySize: number; minutes: number }[] };
  tables: BenchTable[];
  combinations: { tables: string[]; minCovers: number; maxCovers: number }[];
  services: BenchService[];
  closures?: { date: string }[];
}

export interface Booking { date: string; time: string; partySize: number }
export interface Seating { service: string; tables: string[]; area: string }

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The restaurant's local date of an instant. */
export function localToday(timezone: string, nowMs = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A small deterministic PRNG (mulberry32), so every run sends the same plan. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Unit { tables: number[]; minCovers: number; maxCovers: number; single: boolean; position: number }
interface SlotRef { service: BenchService; minute: number }

/** One service date being filled: holds per table and pacing per slot. */
export class DaySim {
  private readonly holds: [number, number][][];
  private readonly pacing = new Map<string, { covers: number; bookings: number }>();

  constructor(private readonly plan: Planner, readonly date: string) {
    this.holds = plan.config.tables.map(() => []);
  }

  /** Books the party when it fits (and records it); false when the server would refuse it. */
  tryBook(time: string, partySize: number): boolean {
    return this.place(time, partySize) !== null;
  }

  /** Like tryBook, with where the party sits: its service, table keys and area (null when it does not fit). */
  place(time: string, partySize: number): Seating | null {
    const slot = this.plan.slotsOn(this.date).find((s) => hhmm(s.minute) === time);
    if (!slot) return null;
    const pace = this.pacing.get(`${slot.service.key} ${time}`) ?? { covers: 0, bookings: 0 };
    const limits = slot.service.pacing ?? {};
    if (limits.maxCoversPerSlot !== undefined && pace.covers + partySize > limits.maxCoversPerSlot) return null;
    if (limits.maxBookingsPerSlot !== undefined && pace.bookings + 1 > limits.maxBookingsPerSlot) return null;
    const start = slot.minute;
    const end = start + this.plan.turn(partySize) + this.plan.config.policy.bufferMinutes;
    const unit = this.plan.candidates(partySize).find((u) => u.tables.every((t) => this.holds[t].every(([s, e]) => s >= end || e <= start)));
    if (!unit) return null;
    for (const t of unit.tables) this.holds[t].push([start, end]);
    this.pacing.set(`${slot.service.key} ${time}`, { covers: pace.covers + partySize, bookings: pace.bookings + 1 });
    const tables = this.plan.config.tables;
    return { service: slot.service.key, tables: unit.tables.map((t) => tables[t].key), area: tables[unit.tables[0]].area };
  }
}

export class Planner {
  private readonly units: Unit[];
  private readonly closed: Set<string>;
  private readonly slotCache = new Map<string, SlotRef[]>();
  private readonly candidateCache = new Map<number, Unit[]>();

  constructor(readonly config: BenchConfig) {
    const index = new Map(config.tables.map((t, i) => [t.key, i]));
    this.units = [
      ...config.tables.map((t, i) => ({ tables: [i], minCovers: t.minCovers, maxCovers: t.maxCovers, single: true, position: i })),
      ...config.combinations.map((c, i) => ({
        tables: c.tables.map((k) => index.get(k)!), minCovers: c.minCovers, maxCovers: c.maxCovers, single: false, position: i,
      })),
    ];
    this.closed = new Set((config.closures ?? []).map((c) => c.date));
  }

  turn(partySize: number): number {
    const t = [...this.config.policy.turnTimes].sort((a, b) => a.maxPartySize - b.maxPartySize).find((x) => partySize <= x.maxPartySize);
    if (!t) throw new Error(`no turn time for a party of ${partySize}`);
    return t.minutes;
  }

  /** Units that seat the party, in the server's order of preference. */
  candidates(partySize: number): Unit[] {
    let list = this.candidateCache.get(partySize);
    if (!list) {
      list = this.units
        .filter((u) => u.minCovers <= partySize && partySize <= u.maxCovers)
        .sort((a, b) => Number(b.single) - Number(a.single) || a.maxCovers - b.maxCovers || a.tables.length - b.tables.length || a.position - b.position);
      this.candidateCache.set(partySize, list);
    }
    return list;
  }

  slotsOn(date: string): SlotRef[] {
    let slots = this.slotCache.get(date);
    if (!slots) this.slotCache.set(date, (slots = this.computeSlots(date)));
    return slots;
  }

  private computeSlots(date: string): SlotRef[] {
    if (this.closed.has(date)) return [];
    const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
    const out: SlotRef[] = [];
    for (const service of this.config.services) {
      if (!service.days.includes(weekday)) continue;
      for (let m = minutesOf(service.start); m <= minutesOf(service.lastSeating); m += this.config.policy.slotIntervalMinutes) {
        out.push({ service, minute: m });
      }
    }
    return out;
  }

  /**
   * How many parties of `partySize` can book one slot of an empty date: the answer the contended scenario expects.
   * Found by filling the slot in the simulation (pacing, then free units in the server's order).
   */
  slotCapacity(date: string, time: string, partySize: number): number {
    const day = new DaySim(this, date);
    let n = 0;
    while (day.tryBook(time, partySize)) n++;
    return n;
  }

  /**
   * Up to `perDay` bookings on each open date of [firstDay, lastDay] (days from `today`), chosen at random with a
   * realistic mix of party sizes and kept only when they fit; ordered round-robin over the dates.
   */
  fill(today: string, firstDay: number, lastDay: number, perDay: number, seed: number): (Booking & { seating: Seating })[] {
    const rand = prng(seed);
    const sizes = [2, 2, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 7, 8];
    const perDate: (Booking & { seating: Seating })[][] = [];
    for (let d = firstDay; d <= lastDay; d++) {
      const date = addDays(today, d);
      const slots = this.slotsOn(date);
      if (slots.length === 0) continue;
      const sim = new DaySim(this, date);
      const list: (Booking & { seating: Seating })[] = [];
      for (let attempt = 0; list.length < perDay && attempt < perDay * 20; attempt++) {
        const slot = slots[Math.floor(rand() * slots.length)];
        const partySize = sizes[Math.floor(rand() * sizes.length)];
        const time = hhmm(slot.minute);
        const seating = sim.place(time, partySize);
        if (seating) list.push({ date, time, partySize, seating });
      }
      perDate.push(list);
    }
    const out: (Booking & { seating: Seating })[] = [];
    for (let i = 0; perDate.some((l) => i < l.length); i++) for (const l of perDate) if (i < l.length) out.push(l[i]);
    return out;
  }
}
