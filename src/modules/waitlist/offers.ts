/**
 * The waitlist's offer engine, plugged into booking as its CapacityHooks. Everything here runs inside the caller's
 * transaction, under the pg_advisory_xact_lock of (restaurant, service date) that every booking and move of that
 * date takes, so offers and bookings of one date are strictly serialized.
 *
 * - An offer is a HOLD: a reservation in status `held`, placed through the very placement path bookings use
 *   (placeAndWrite: the decision function, then reservation_tables rows under the exclusion constraint). It keeps
 *   its table and its pacing budget like a booking, but the API never lists it. The exclusion constraint stays the
 *   one guarantee: no one else can take that table while the hold exists.
 * - Freed capacity (a cancellation, a no-show, a completion, a move, a released hold, a new entry): the waiting
 *   entries of the date are tried in arrival order; each gets the best available slot of its window (closest to its
 *   preferred time) for its party and area, if there is one: a hold, status `offered`, `offer_expires_at` =
 *   now + OFFER_TTL_MS, and a `waitlist.offered` event.
 * - Overdue offers are expired lazily, under the lock, before any booking or move onto their date decides and before
 *   the waitlist is read, and by a periodic sweep (sweeper.ts): the hold is deleted, the entry becomes `expired`,
 *   and the freed table is offered to the next waiting entry.
 */
import type { Queryable } from '../../db/types.js';
import { ApiError } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import type { DayState } from '../availability/evaluate.js';
import { daySpan, evaluateDay } from '../availability/evaluate.js';
import type { FloorCache } from '../availability/floor-cache.js';
import { loadDayState } from '../availability/queries.js';
import { lockServiceDate, placeAndWrite } from '../reservations/booking.js';
import { insertReservation } from '../reservations/queries.js';
import type { CapacityHooks } from '../reservations/service.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import { enqueueWaitlistOffer } from '../notifications/enqueue.js';
import type { MessageDefaults } from '../notifications/links.js';
import { closeEntries, dueOffers, findEntry, markOffered, waitingEntries, type WaitingEntry } from './queries.js';
import { chooseSlot } from './window.js';

/** How long a guest has to accept an offer before the table goes to the next entry. */
export const OFFER_TTL_MS = 15 * 60_000;
/** Waiting entries considered per pass (arrival order). */
const MAX_ENTRIES_PER_PASS = 50;

export class WaitlistOffers implements CapacityHooks {
  constructor(
    private readonly floors: FloorCache,
    private readonly now: () => number = Date.now,
    /** Whether this instance sends email (notifications/links.ts): an offer's email is then pending, else not sent. */
    private readonly messages: Pick<MessageDefaults, 'sending'> = { sending: () => true },
  ) {}

  /** The caller (a booking or move) holds the date's lock already (and may have read the overdue offers under it). */
  beforePlace(tx: Queryable, restaurantId: string, date: string, due?: string[]): Promise<void> {
    return this.expireAndOffer(tx, restaurantId, date, false, due);
  }

  capacityFreed(tx: Queryable, restaurantId: string, date: string): Promise<void> {
    return this.settle(tx, restaurantId, date, true);
  }

  /**
   * Takes the date's lock, expires its overdue offers (deleting their holds), then — when something was freed —
   * offers what is free to the waiting entries of the date.
   */
  async settle(tx: Queryable, restaurantId: string, date: string, freed: boolean): Promise<void> {
    await lockServiceDate(tx, restaurantId, date);
    await this.expireAndOffer(tx, restaurantId, date, freed);
  }

  private async expireAndOffer(tx: Queryable, restaurantId: string, date: string, freed: boolean, read?: string[]): Promise<void> {
    const due = read ?? (await dueOffers(tx, restaurantId, date, this.now()));
    await closeEntries(tx, due, 'expired', this.now());
    if (freed || due.length > 0) await this.offerWaiting(tx, restaurantId, date);
  }

  /** Ends entries (cancelled or expired), releasing their holds, and offers a freed table on (date lock held). */
  async close(tx: Queryable, restaurantId: string, date: string, ids: string[], status: 'expired' | 'cancelled'): Promise<void> {
    if ((await closeEntries(tx, ids, status, this.now())) > 0) await this.offerWaiting(tx, restaurantId, date);
  }

  private async offerWaiting(tx: Queryable, restaurantId: string, date: string): Promise<void> {
    const entries = await waitingEntries(tx, restaurantId, date, MAX_ENTRIES_PER_PASS);
    if (entries.length === 0) return;
    const model = await this.floors.get(tx, restaurantId);
    const nowMs = this.now();
    // The day's state per party size (its span depends on the turn time), re-read after every hold.
    const states = new Map<number, DayState>();
    for (const e of entries) {
      const area = e.area !== null && model.areas.some((a) => a.key === e.area) ? e.area : null;
      let state = states.get(e.partySize);
      if (!state) {
        state = await loadDayState(tx, restaurantId, date, daySpan(model, date, e.partySize));
        states.set(e.partySize, state);
      }
      const day = evaluateDay(model, state, date, { partySize: e.partySize, area, nowMs });
      const slot = chooseSlot(day.slots.filter((v) => v.available).map((v) => v.slot), e);
      if (!slot) continue;
      if (await this.hold(tx, restaurantId, date, e, slot.time, area, nowMs)) states.clear();
    }
  }

  /** Places the hold for an entry at `time` and marks it offered; false when the placement was refused after all. */
  private async hold(tx: Queryable, restaurantId: string, date: string, e: WaitingEntry, time: string, area: string | null, nowMs: number) {
    const holdId = newId('res');
    const row = { id: holdId, restaurantId, customerId: e.customerId, requestedArea: area, notes: e.notes, source: 'waitlist', now: nowMs, status: 'held' as const };
    try {
      const request = { date, time, partySize: e.partySize, area, areaPath: null, dateLocked: true }; // every caller holds the date's lock
      await placeAndWrite(tx, this.floors, restaurantId, request, nowMs, (p) => insertReservation(tx, row, p));
    } catch (err) {
      if (err instanceof ApiError) return false; // e.g. a hold from another date raced in: try the next entry
      throw err;
    }
    await markOffered(tx, e.id, holdId, nowMs, nowMs + OFFER_TTL_MS);
    const entry = await findEntry(tx, restaurantId, e.id);
    await enqueueEvent(tx, { restaurantId, type: 'waitlist.offered', data: entry!.view });
    await enqueueWaitlistOffer(tx, restaurantId, entry!.view, nowMs, this.messages); // the guest's email, same transaction
    return true;
  }
}
