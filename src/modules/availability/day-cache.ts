/**
 * Availability's memory of the days it has read: a date's reservations and table holds (DayState) per restaurant, date
 * and span, kept with the stamp they were read with — the restaurant's version and the total of the logged changes of
 * the dates that can reach that day (day_changes, written by triggers in the transaction of every change;
 * loadDayStamp). Every use reads the stamp again, two index lookups instead of the day's rows, and uses the kept state
 * only when it is the same: a change committed anywhere, by any instance or path, is seen by the very next request,
 * as without the cache. Booking does not use it (it reads under its date lock on its own snapshot, FloorCache.withDay).
 *
 * Beside each day, GET /availability's answers as bytes (answer()): per restaurant, date, party size and area, with
 * the model and stamp they were computed from and the interval of time over which they hold. A warm request is the
 * stamp's one statement and writing those bytes; the same stamp check decides, so they are exactly as fresh.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Queryable } from '../../db/types.js';
import { periodicTask } from '../../http/periodic.js';
import { errors } from '../../http/errors.js';
import { daySpan, type DayState } from './evaluate.js';
import type { FloorCache } from './floor-cache.js';
import type { BookingModel } from './model.js';
import { compactDayChanges, loadDayStamp, loadStampedDayState } from './queries.js';
import { ByteLru } from '../../lib/byte-lru.js';

/**
 * The bounds of what is kept, least recently used out first (src/lib/byte-lru.ts). Days: a day's state weighs what
 * its bookings and holds take on the heap, estimated by dayWeight (a day of 90 bookings holding 108 tables: ~31 KB
 * estimated, 28.5 KB measured with `gc()` around 1,000 of them); 16 MiB is ~500 such days, every date of a season for
 * two or three spans. Answers: their bytes plus the entry around them; 8 MiB is ~2,000 answers of 4 KB (every date of
 * a season for a few party sizes and areas). Whatever is evicted is read or built again by the next request that
 * needs it, exactly as on a cold start.
 */
export const DAY_CACHE_BYTES = 16 * 2 ** 20;
export const ANSWER_CACHE_BYTES = 8 * 2 ** 20;
const MAX_ENTRIES = 4_000;
const MAX_ANSWERS = 4_000;

/** Heap bytes a kept day state takes, estimated from its bookings and holds. */
export function dayWeight(state: DayState): number {
  let holds = 0;
  for (const list of state.holds.values()) holds += list.length;
  return 300 + state.bookings.length * 200 + state.holds.size * 80 + holds * 100;
}

interface Entry {
  version: string;
  days: string;
  state: DayState;
}

/** A day's state as read (or confirmed) on one snapshot, with the stamp it was read with. */
export interface StampedDay {
  model: BookingModel;
  state: DayState;
  version: string;
  days: string;
}

/**
 * An answer serialized once, for one model and one stamp, valid while the clock is in [validFrom, validUntil): the
 * interval over which the answer's time-dependent checks (past, minimum notice, booking window) cannot change.
 */
export interface Answer {
  model: BookingModel;
  version: string;
  days: string;
  bytes: Buffer;
  validFrom: number;
  validUntil: number;
}

export class DayCache {
  private readonly entries: ByteLru<Entry>;
  private readonly answers: ByteLru<Answer>;
  /** Told of every read: `hit` (answered from memory after the stamp check) or `miss` (the day's rows were read). */
  onRead: (result: 'hit' | 'miss') => void = () => {};
  /** Told of every answer(): `kept` (the kept bytes were written) or `built` (evaluated and serialized). */
  onAnswer: (result: 'kept' | 'built') => void = () => {};

  constructor(
    private readonly floors: FloorCache,
    bounds: { dayBytes?: number; answerBytes?: number } = {},
  ) {
    this.entries = new ByteLru<Entry>(bounds.dayBytes ?? DAY_CACHE_BYTES, MAX_ENTRIES, (e) => dayWeight(e.state));
    this.answers = new ByteLru<Answer>(bounds.answerBytes ?? ANSWER_CACHE_BYTES, MAX_ANSWERS, (a) => 320 + a.bytes.length);
  }

  /** The current model and the state of a service date for a party size, as FloorCache.withDay gives them. */
  async read(q: Queryable, restaurantId: string, date: string, partySize: number): Promise<{ model: BookingModel; state: DayState }> {
    return this.readStamped(q, restaurantId, date, partySize);
  }

  /**
   * The serialized answer of (restaurant, date, party size, `variant`) — the bytes `build` made from the current model
   * and day state — at `nowMs`. When one is kept for the cached model, its validity interval holds `nowMs`, and the
   * day's stamp (one statement, read here on every call) is the one it was built with, the kept bytes are the answer:
   * no day state is touched, nothing is evaluated or serialized. Otherwise the day is read as read() does (the stamp
   * just read saves the second look-up) and `build` runs; its answer is kept when it was built from the current model.
   */
  async answer(
    q: Queryable, restaurantId: string, date: string, partySize: number, variant: string, nowMs: number,
    build: (day: StampedDay) => { bytes: Buffer; validUntil: number },
  ): Promise<Buffer> {
    const key = `${restaurantId}|${date}|${partySize}|${variant}`;
    const cached = this.floors.cached(restaurantId);
    let stamp: { version: string; days: string } | undefined;
    const kept = this.answers.get(key);
    if (cached && kept && kept.model === cached.model && kept.version === cached.version && nowMs >= kept.validFrom && nowMs < kept.validUntil) {
      const read = await loadDayStamp(q, restaurantId, date);
      if (read.version === null) throw errors.restaurantNotFound(restaurantId);
      if (read.version === kept.version && read.days === kept.days) {
        this.onRead('hit');
        this.onAnswer('kept');
        return kept.bytes;
      }
      stamp = { version: read.version, days: read.days };
    }
    const day = await this.readStamped(q, restaurantId, date, partySize, stamp);
    this.onAnswer('built');
    const built = build(day);
    const now = this.floors.cached(restaurantId);
    if (now?.model === day.model && now.version === day.version && built.validUntil > nowMs) {
      this.answers.set(key, { model: day.model, version: day.version, days: day.days, bytes: built.bytes, validFrom: nowMs, validUntil: built.validUntil });
    }
    return built.bytes;
  }

  /**
   * read(), with the stamp the state was read with. `stamp`: one the caller has just read (on a snapshot no older than
   * this call), used instead of reading it again to check the kept day.
   */
  private async readStamped(
    q: Queryable, restaurantId: string, date: string, partySize: number, stamp?: { version: string; days: string },
  ): Promise<StampedDay> {
    const cached = this.floors.cached(restaurantId);
    if (cached) {
      const span = daySpan(cached.model, date, partySize);
      const key = keyOf(restaurantId, date, span);
      const kept = this.entries.get(key);
      if (kept && kept.version === cached.version) {
        const now = stamp ?? (await loadDayStamp(q, restaurantId, date));
        if (now.version === null) throw errors.restaurantNotFound(restaurantId);
        if (now.version === kept.version && now.days === kept.days) {
          this.onRead('hit');
          return { model: cached.model, state: kept.state, version: kept.version, days: kept.days };
        }
      }
      this.onRead('miss');
      const read = await loadStampedDayState(q, restaurantId, date, span);
      if (read.version === null) throw errors.restaurantNotFound(restaurantId);
      if (read.version === cached.version) {
        this.keep(key, { version: read.version, days: read.days, state: read.state });
        return { model: cached.model, state: read.state, version: read.version, days: read.days };
      }
    } else {
      this.onRead('miss');
    }
    // No model yet, or the configuration changed since: reload it, then read the day over its span.
    const model = await this.floors.get(q, restaurantId);
    const span = daySpan(model, date, partySize);
    const read = await loadStampedDayState(q, restaurantId, date, span);
    if (read.version === null) throw errors.restaurantNotFound(restaurantId);
    const now = this.floors.cached(restaurantId);
    if (now?.model === model && now.version === read.version) {
      this.keep(keyOf(restaurantId, date, span), { version: read.version, days: read.days, state: read.state });
    }
    return { model, state: read.state, version: read.version, days: read.days };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Serialized answers kept. */
  get answerCount(): number {
    return this.answers.size;
  }

  /** Weight of the kept day states and answers, bytes (what the bounds above count). */
  get bytes(): { days: number; answers: number } {
    return { days: this.entries.bytes, answers: this.answers.bytes };
  }

  private keep(key: string, entry: Entry): void {
    this.entries.set(key, entry); // a re-read replaces its entry (and moves it last); the least recently used go first
  }
}

function keyOf(restaurantId: string, date: string, span: [number, number] | null): string {
  return span ? `${restaurantId}|${date}|${span[0]}|${span[1]}` : `${restaurantId}|${date}|closed`;
}

/**
 * Compacts the change log every minute (compactDayChanges), on every instance — harmless when two run at once; the
 * server also compacts once as it starts (server.ts). Every availability request sums the log over seven dates:
 * compacted, that is a handful of index entries; a bulk import or a busy spell left uncompacted makes it hundreds of
 * rows (0.04 against 0.5 ms per stamp with ~180 changes a date, EXPLAIN ANALYZE), which is what bounded GET
 * /availability.
 */
export function dayChangesCompactor(intervalMs = 60_000): FastifyPluginAsync {
  return periodicTask('day change log compaction', intervalMs, (app) => compactDayChanges(app.services.db, app.services.now()));
}
