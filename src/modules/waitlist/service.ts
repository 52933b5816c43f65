/**
 * The waitlist: entries `waiting → offered → booked | expired | cancelled` (and waiting → cancelled). Offers are made
 * by the offer engine (offers.ts) whenever capacity is freed; accepting turns the offer's hold into a confirmed
 * reservation under the date's lock, the same atomic path as any booking. See docs/guests.md.
 */
import { enqueueGuestMessages } from '../notifications/enqueue.js';
import type { MessageDefaults } from '../notifications/links.js';
import { guestLanguage } from '../notifications/queries.js';
import type { Language } from '../notifications/settings.js';
import type { Db, Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import type { FloorCache } from '../availability/floor-cache.js';
import { scheduleOn } from '../availability/schedule.js';
import { daysBetween, localDate } from '../availability/time.js';
import { findOrCreateCustomer, type CustomerInput } from '../customers/identity.js';
import { lockServiceDate } from '../reservations/booking.js';
import { recordHistory, type ReservationActor } from '../reservations/history.js';
import { findReservation, type ReservationView } from '../reservations/queries.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import type { WaitlistOffers } from './offers.js';
import {
  confirmHold, datesWithDueOffers, findEntry, insertEntry, listEntries, markBooked, type EntryRecord, type WaitlistEntryView, type WaitlistStatus,
} from './queries.js';

export interface CreateWaitlistInput {
  date: string;
  time?: string | null;
  window?: { from: string; to: string } | null;
  partySize: number;
  customer: CustomerInput;
  area?: string | null;
  notes?: string | null;
  source?: string;
  language?: Language | null;
}

export interface ListWaitlistQuery {
  date?: string;
  status?: WaitlistStatus;
  limit: number;
  cursor?: string;
}

const ID_PATTERN = /^wl_[a-z0-9]{20}$/;

const encodeCursor = (date: string, seq: number) => Buffer.from(JSON.stringify([date, seq])).toString('base64url');

function decodeCursor(cursor: string): { date: string; seq: number } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v[0]) && Number.isSafeInteger(v[1])) {
      return { date: v[0], seq: v[1] };
    }
  } catch {
    /* fall through */
  }
  throw errors.validation([{ path: 'querystring.cursor', message: 'is not a cursor returned by this list' }]);
}

export class WaitlistService {
  constructor(
    private readonly db: Db,
    private readonly offers: WaitlistOffers,
    private readonly floors: FloorCache,
    private readonly messages: MessageDefaults,
    private readonly now: () => number = Date.now,
  ) {}

  private inTx<T>(tx: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.db.transaction(fn);
  }

  private async find(q: Queryable, restaurantId: string, id: string, forUpdate = false): Promise<EntryRecord> {
    const rec = ID_PATTERN.test(id) ? await findEntry(q, restaurantId, id, forUpdate) : null;
    if (!rec) throw errors.waitlistEntryNotFound(id);
    return rec;
  }

  /** Adds a party to the waitlist of a date (and offers it a table at once when one is free in its window). */
  async create(restaurantId: string, input: CreateWaitlistInput, tx?: Queryable): Promise<WaitlistEntryView> {
    return this.inTx(tx, async (tx) => {
      const now = this.now();
      const model = await this.floors.get(tx, restaurantId);
      const p = model.policy;
      if (input.partySize < p.minPartySize || input.partySize > p.maxPartySize) throw errors.partySizeOutOfRange(input.partySize, p.minPartySize, p.maxPartySize);
      const area = input.area ?? null;
      if (area !== null && !model.areas.some((a) => a.key === area)) {
        throw errors.validation([{ path: 'body.area', message: `unknown area "${area}" (areas: ${model.areas.map((a) => a.key).join(', ') || 'none'})` }]);
      }
      const ahead = daysBetween(localDate(now, model.timezone), input.date);
      const refuse = (reason: string, message: string) => errors.outsideOpeningHours(message, { date: input.date, reason });
      if (ahead < 0) throw refuse('past', `${input.date} is in the past.`);
      if (ahead > p.bookingWindowDays) throw refuse('booking_window', `${input.date} is too far ahead: bookings open ${p.bookingWindowDays} days in advance.`);
      if (scheduleOn(model, input.date).closed) throw refuse('closed', `The restaurant is closed on ${input.date}.`);

      // The date's lock, then the guest: the order bookings take them in (no deadlock between a join and a booking).
      await lockServiceDate(tx, restaurantId, input.date);
      const customerId = await findOrCreateCustomer(tx, restaurantId, input.customer, now, input.source ?? 'api');
      const id = newId('wl');
      await insertEntry(tx, {
        id, restaurantId, customerId, date: input.date, preferredTime: input.time ?? null, window: input.window ?? null, partySize: input.partySize,
        area, notes: input.notes ?? null, source: input.source ?? 'api', language: input.language ?? null, now,
      });
      await enqueueEvent(tx, { restaurantId, type: 'waitlist.created', data: (await this.find(tx, restaurantId, id)).view });
      await this.offers.settle(tx, restaurantId, input.date, true);
      return (await this.find(tx, restaurantId, id)).view;
    });
  }

  /** Entries by date and arrival; overdue offers are expired first, so what is shown is current. */
  async list(restaurantId: string, q: ListWaitlistQuery): Promise<{ data: WaitlistEntryView[]; nextCursor: string | null }> {
    await this.sweep(restaurantId);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await listEntries(this.db, restaurantId, { date: q.date, status: q.status, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { data: page.map((e) => e.view), nextCursor: rows.length > q.limit && last ? encodeCursor(last.view.date, last.seq) : null };
  }

  async get(restaurantId: string, id: string): Promise<WaitlistEntryView> {
    await this.sweep(restaurantId);
    return (await this.find(this.db, restaurantId, id)).view;
  }

  /**
   * Books an offered entry: its hold becomes a confirmed reservation (201-worthy view). An overdue offer is expired
   * (in this transaction) and refused; run sweep() first, outside the transaction, to make that expiry durable even
   * though the refusal rolls this transaction back (the route does).
   */
  async accept(restaurantId: string, id: string, actor: ReservationActor, tx?: Queryable): Promise<ReservationView> {
    return this.inTx(tx, async (tx) => {
      const { view: first } = await this.find(tx, restaurantId, id);
      await this.offers.settle(tx, restaurantId, first.date, false);
      const rec = await this.find(tx, restaurantId, id, true);
      if (rec.view.status !== 'offered' || rec.reservationId === null) {
        throw errors.invalidStatusTransition(rec.view.status, 'booked', `A ${rec.view.status} waitlist entry cannot be booked; only an offered one can.`);
      }
      const now = this.now();
      await confirmHold(tx, rec.reservationId, now);
      await markBooked(tx, id, now);
      await recordHistory(tx, actor, {
        restaurantId, reservationId: rec.reservationId, action: 'created', to: 'confirmed', changes: { waitlistEntryId: id },
      }, now);
      const view = (await findReservation(tx, restaurantId, { id: rec.reservationId }))!.view;
      await enqueueEvent(tx, { restaurantId, type: 'booking.created', data: view });
      // The offer's language: the entry's own, else the guest's latest booking's (enqueueGuestMessages: else the default).
      const language = rec.view.language ?? (rec.customerId ? await guestLanguage(tx, restaurantId, rec.customerId) : null);
      await enqueueGuestMessages(tx, restaurantId, 'booking.created', view, this.messages, language); // the confirmation, same transaction
      return view;
    });
  }

  /** waiting | offered → cancelled; an offered entry's hold is released and offered to the next entry. */
  async cancel(restaurantId: string, id: string, tx?: Queryable): Promise<WaitlistEntryView> {
    return this.inTx(tx, async (tx) => {
      const { view: first } = await this.find(tx, restaurantId, id);
      await lockServiceDate(tx, restaurantId, first.date);
      const rec = await this.find(tx, restaurantId, id, true);
      if (rec.view.status !== 'waiting' && rec.view.status !== 'offered') {
        throw errors.invalidStatusTransition(rec.view.status, 'cancelled', `A ${rec.view.status} waitlist entry cannot be cancelled.`);
      }
      await this.offers.close(tx, restaurantId, first.date, [id], 'cancelled');
      return (await this.find(tx, restaurantId, id)).view;
    });
  }

  /**
   * Expires every overdue offer (of one restaurant, or of all) and offers the freed tables on: one transaction per
   * date, under its lock. Returns the number of dates settled. Run by the sweeper and before waitlist reads.
   */
  async sweep(restaurantId?: string): Promise<number> {
    const dates = await datesWithDueOffers(this.db, this.now(), restaurantId);
    for (const d of dates) await this.db.transaction((tx) => this.offers.settle(tx, d.restaurantId, d.date, false));
    return dates.length;
  }
}
