/**
 * Reservations: book, change, move through the lifecycle, cancel, read. Every mutating function takes the actor (an
 * API key, a dashboard user, a guest, ...) recorded in the history, and an optional transaction: given one (an
 * idempotent route's), it works inside it; otherwise it opens its own. Every change announces itself in that same
 * transaction (booking.created / booking.updated / booking.cancelled, the reservation view as data), and a change
 * that frees tables or pacing lets the waitlist offer them (CapacityHooks), still in that transaction.
 */
import type { Db, Queryable, Row, Tx } from '../../db/types.js';
import { ApiError, errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import type { FloorCache } from '../availability/floor-cache.js';
import {
  completeGuest, completeGuests, findOrCreateCustomer, guestCtes, lookUpGuest, phoneOfSearch, type CustomerInput, type GuestLookup,
  type ResolvedCustomer,
} from '../customers/identity.js';
import { placeEvent } from '../events/booking.js';
import { KeyedQueue } from '../../lib/keyed-queue.js';
import { KeyedBatcher, type Settled } from '../../lib/keyed-batcher.js';
import { enqueueEvent, type EventInput } from '../webhooks/outbox.js';
import { enqueueGuestMessages, NewBookingContexts, planGuestMessages } from '../notifications/enqueue.js';
import type { MessageDefaults } from '../notifications/links.js';
import { NotifyWaker } from '../../db/notify-waker.js';
import { behind } from '../../db/pipelined.js';
import { MESSAGE_CHANNEL } from '../notifications/queries.js';
import { WEBHOOK_CHANNEL } from '../webhooks/outbox.js';
import type { BookingModel } from '../availability/model.js';
import type { DayState } from '../availability/evaluate.js';
import {
  addToDay, allBusy, dateLockKey, decide, lockServiceDate, MAX_PLACE_ATTEMPTS, placeAndWrite, placeLocked, type PlaceRequest,
} from './booking.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { listHistory, recordHistory, type HistoryEntry, type ReservationActor } from './history.js';
import { assertTransition, type Status } from './lifecycle.js';
import {
  deleteReservation, findReservation, holdTables, insertReservation, listReservations, movePlacement,
  recordCreatedAndFind, setNotes, setStatus, writeBooking, writeBookings, type BookingToWrite, type NewBookingMessages, type Placement,
  type ReservationRecord, type ReservationView,
} from './queries.js';
import { newReference, normalizeReference } from './reference.js';
import { currentSlot } from './walk-in.js';

export interface CreateReservationInput {
  date: string;
  time: string;
  partySize: number;
  customer: CustomerInput;
  area?: string | null;
  /** Book seats of this event (exp_…) instead of a table. */
  eventId?: string | null;
  notes?: string | null;
  source?: string;
  /** The guest's language for their emails (the widget sends its own); default: the restaurant's. */
  language?: 'en' | 'fr' | null;
}

/** A walk-in: seated now, at the slot under way (see walk-in.ts); no date, time or event. */
export type WalkInInput = Omit<CreateReservationInput, 'date' | 'time' | 'eventId'>;

export interface UpdateReservationInput {
  date?: string;
  time?: string;
  partySize?: number;
  notes?: string | null;
  /** A lifecycle step (not together with date, time or party size). */
  status?: Status;
}

export interface ListReservationsQuery {
  date?: string;
  from?: string;
  to?: string;
  statuses?: Status[];
  customerId?: string;
  /** Case-insensitive search on the customer's name, email and phone, and the reference. */
  q?: string;
  limit: number;
  cursor?: string;
}

/** What the waitlist plugs into booking (src/modules/waitlist/offers.ts); both run under the date's lock. */
export interface CapacityHooks {
  /**
   * Before a booking or move onto `date` is decided: settles the waitlist's overdue offers of that date. `due`: their
   * ids, when the caller read them under the lock already (a new booking reads them with the day, and calls this only
   * when there are some).
   */
  beforePlace(tx: Queryable, restaurantId: string, date: string, due?: string[]): Promise<void>;
  /** After a change freed tables or pacing on `date`: offers them to the waitlist. */
  capacityFreed(tx: Queryable, restaurantId: string, date: string): Promise<void>;
}

const NO_HOOKS: CapacityHooks = { beforePlace: async () => {}, capacityFreed: async () => {} };

export interface ChangeOptions {
  /** Runs on the locked reservation before anything changes (guest self-service checks its cut-off here). */
  check?: (view: ReservationView) => void;
}

/** A new table booking waiting for its date's batch (ReservationService.bookTogether). */
interface QueuedBooking {
  restaurantId: string;
  input: CreateReservationInput;
  actor: ReservationActor;
  now: number;
}

/** A booking written in its own transaction, with what its commit leaves for the workers to be woken for. */
interface Booked {
  view: ReservationView;
  messages: number;
  deliveries: number;
}

/** A new table booking decided and rendered, waiting for its batch's write (writeBookings), with its answer. */
type ToWrite = BookingToWrite & { view: ReservationView };

/** The most bookings decided in one transaction (a burst beyond it is taken in several). */
export const MAX_BOOKING_BATCH = 64;

/**
 * A restaurant's new bookings queue in this many lanes, a service date always in the same one (bookingLane): the
 * bookings that arrive while a lane's transaction runs, of its date or of another date of the lane, are its next batch.
 * One lane would leave one connection to a restaurant's bookings; a lane per date would leave a burst spread over many
 * dates (a busy evening's bookings, an agent booking ahead) paying a transaction and a write statement each.
 */
export const BOOKING_LANES = 2;

/** The lane of a service date (YYYY-MM-DD): its day number modulo BOOKING_LANES, so consecutive dates take turns. */
export function bookingLane(date: string): number {
  const day = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
  return Number.isInteger(day) ? day % BOOKING_LANES : 0;
}

const ID_PATTERN = /^res_[a-z0-9]{20}$/;
/** Statuses after which the tables (and the pacing budget) are free again. */
const FREEING: readonly Status[] = ['cancelled', 'no_show', 'completed'];

/**
 * A booking's view from what its transaction wrote (the row as findReservation maps it): its tables' keys in the
 * floor's order (position, then key), the guest as the customer record shows them.
 */
function newView(
  row: { id: string; notes: string | null; source: string; now: number }, reference: string, p: Placement, model: BookingModel,
  customer: ResolvedCustomer,
): ReservationView {
  const tables = model.tables.filter((t) => p.tableIds.includes(t.id)).sort((a, b) => a.position - b.position).map((t) => t.key);
  const at = new Date(row.now).toISOString();
  return {
    id: row.id, reference, status: 'confirmed', date: p.date, time: p.time, service: p.serviceKey,
    startsAt: new Date(p.startsAt).toISOString(), endsAt: new Date(p.endsAt).toISOString(), partySize: p.partySize, tables, area: p.area,
    customer: { id: customer.id, name: customer.name, email: customer.email, phone: customer.phone },
    notes: row.notes, source: row.source, cancellationReason: null, createdAt: at, updatedAt: at,
  };
}

/** What a booking of seats of an event asks (events/booking.ts). */
function eventRequest(input: CreateReservationInput, eventId: string) {
  return { ...input, eventId, paths: { eventId: 'body.eventId', date: 'body.date' } };
}

/** What a new table booking asks of its date (booking.ts). */
function placeRequest(input: CreateReservationInput): PlaceRequest {
  return { date: input.date, time: input.time, partySize: input.partySize, area: input.area ?? null, areaPath: 'body.area', dateLocked: true };
}

export class ReservationService {
  private readonly bookingQueue = new KeyedQueue();
  /** New bookings in their own transaction, batched per restaurant and lane of their date (see bookTogether). */
  private readonly bookings = new KeyedBatcher<QueuedBooking, Booked>((_key, items) => this.bookTogether(items), MAX_BOOKING_BATCH);
  /** Told of every batch of several bookings (the app counts them in /metrics and logs a fallback with its cause). */
  onBatch?: (outcome: 'decided' | 'fell_back', size: number, err?: unknown) => void;
  /** The guest-message context of new bookings, per restaurant version (no statement while the restaurant is unchanged). */
  private readonly messageContexts = new NewBookingContexts();
  /** Wake the notification workers and the webhook dispatchers after a booking's own transaction committed (notify-waker.ts). */
  readonly messageWaker: NotifyWaker;
  readonly webhookWaker: NotifyWaker;
  /** Draws a new booking's reference (reference.ts); replaceable so that a test can make two draws collide. */
  drawReference: () => string = newReference;

  constructor(
    private readonly db: Db,
    private readonly floors: FloorCache,
    private readonly now: () => number = Date.now,
    private readonly hooks: CapacityHooks = NO_HOOKS,
    /** MAITRE_PUBLIC_URL and MAITRE_SMTP_FROM as the guest's emails use them (the app's config). */
    private readonly messages: MessageDefaults,
  ) {
    this.messageWaker = new NotifyWaker(db, MESSAGE_CHANNEL);
    this.webhookWaker = new NotifyWaker(db, WEBHOOK_CHANNEL);
  }

  private inTx<T>(tx: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.db.transaction(fn);
  }

  /**
   * A new transaction queued in-process behind the others of `key` (see KeyedQueue): new event bookings and walk-ins
   * per `restaurant:date` (new table bookings queue in `bookings`, in batches), changes to existing ones per
   * `restaurant:changes` (their date is only known once locked).
   */
  private queued<T>(tx: Queryable | undefined, key: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.bookingQueue.run(key, () => this.db.transaction(fn));
  }

  private async reload(q: Queryable, restaurantId: string, id: string): Promise<ReservationView> {
    return (await findReservation(q, restaurantId, { id }))!.view;
  }

  private async lock(tx: Queryable, restaurantId: string, id: string): Promise<ReservationRecord> {
    const rec = ID_PATTERN.test(id) ? await findReservation(tx, restaurantId, { id }, true) : null;
    if (!rec) throw errors.reservationNotFound(id);
    return rec;
  }

  /**
   * The one place where a change announces itself, in the change's own transaction: the webhook event
   * (booking.created / booking.updated / booking.cancelled, the reservation view as data), then the guest's emails
   * (notifications/enqueue.ts). `write` puts the events in the database: by default a statement of their own
   * (enqueueEvent); a new booking passes its last write, which carries them in the same statement (writeBooking),
   * and answers false when that write did not happen (a table taken meanwhile): then no email is queued either.
   */
  private async announce(
    tx: Queryable, restaurantId: string, type: 'booking.created' | 'booking.updated' | 'booking.cancelled', view: ReservationView,
    options: { language?: 'en' | 'fr' | null; write?: (events: EventInput[]) => Promise<boolean> } = {},
  ): Promise<boolean> {
    const write = options.write ?? (async (events: EventInput[]) => {
      for (const e of events) await enqueueEvent(tx, e);
      return true;
    });
    if (!(await write([{ restaurantId, type, data: view }]))) return false;
    await enqueueGuestMessages(tx, restaurantId, type, view, this.messages, options.language);
    return true;
  }

  /**
   * Seats a walk-in now: booked at the slot under way (walk-in.ts) through the same atomic path as create() — same
   * table choice, pacing and refusals, the minimum notice excepted — and set `seated` in the same transaction
   * (history: created, then confirmed → seated; one booking.created event with the seated view).
   */
  async createWalkIn(restaurantId: string, input: WalkInInput, actor: ReservationActor, tx?: Queryable): Promise<ReservationView> {
    return this.inTx(tx, async (tx) => {
      const now = this.now();
      const model = await this.floors.get(tx, restaurantId);
      const slot = currentSlot(model, now, input.partySize);
      if (!slot) {
        throw errors.outsideOpeningHours(
          'No service is under way now: a walk-in is seated in the current slot of a service (from its start to one slot interval after its last seating).',
          { reason: 'no_current_slot' },
        );
      }
      return this.create(restaurantId, { ...input, date: slot.date, time: slot.time }, actor, tx, { walkIn: true, now });
    });
  }

  /** Books a table (or combination), or seats of an event: 201-worthy view, or the contract's refusal. */
  async create(
    restaurantId: string, input: CreateReservationInput, actor: ReservationActor, tx?: Queryable, options: { walkIn?: boolean; now?: number } = {},
  ): Promise<ReservationView> {
    const walkIn = options.walkIn === true;
    if (walkIn && input.eventId) throw errors.validation([{ path: 'body.eventId', message: 'a walk-in sits at a table, not at an event' }]);
    if (input.eventId && input.area) {
      throw errors.validation([{ path: 'body.area', message: 'an event booking takes seats of the event, not a table: leave area out' }]);
    }
    if (!walkIn) {
      const now = options.now ?? this.now();
      if (tx) {
        // In a caller's transaction (an idempotent request's): made there at once, under the date's lock (taken first by
        // book(); by placeEvent once the event is known).
        return input.eventId ? this.createSeated(tx, restaurantId, input, actor, false, now) : (await this.book(tx, restaurantId, input, actor, now, false)).view;
      }
      const booked = await this.bookings.push(`${restaurantId}:${bookingLane(input.date)}`, { restaurantId, input, actor, now });
      // Committed: the workers may send the messages, the dispatchers the deliveries.
      if (booked.messages > 0) this.messageWaker.wake();
      if (booked.deliveries > 0) this.webhookWaker.wake();
      return booked.view;
    }
    return this.queued(tx, `${restaurantId}:${input.date}`, (tx) => this.createSeated(tx, restaurantId, input, actor, true, options.now ?? this.now()));
  }

  /**
   * A booking of seats of an event, or a walk-in seated now: the guest found or created, the placement (placeEvent, or
   * placeAndWrite after the waitlist's overdue offers), the row, its history and read-back, its announcements — each a
   * statement of its own, in the caller's transaction.
   */
  private async createSeated(
    tx: Queryable, restaurantId: string, input: CreateReservationInput, actor: ReservationActor, walkIn: boolean, now: number,
  ): Promise<ReservationView> {
    const id = newId('res');
    const source = input.source ?? 'api';
    // The date's lock before the guest (the order every booking and waitlist join takes them in): the waitlist's
    // offers and then the placement read the date under it.
    if (!input.eventId) await lockServiceDate(tx, restaurantId, input.date);
    // A consent given with the booking is recorded with the booking's source (where the guest gave it).
    const customerId = await findOrCreateCustomer(tx, restaurantId, input.customer, now, source);
    const row = {
      id, restaurantId, customerId, requestedArea: input.area ?? null, notes: input.notes ?? null, source, now,
      eventId: input.eventId ?? null,
    };
    const write = (p: Placement) => insertReservation(tx, row, p);
    if (input.eventId) {
      await write(await placeEvent(tx, this.floors, restaurantId, eventRequest(input, input.eventId), now));
    } else {
      await this.hooks.beforePlace(tx, restaurantId, input.date);
      await placeAndWrite(tx, this.floors, restaurantId, { ...placeRequest(input), walkIn }, now, write);
    }
    let view: ReservationView;
    if (walkIn) {
      await recordHistory(tx, actor, { restaurantId, reservationId: id, action: 'created', to: 'confirmed' }, now);
      assertTransition('confirmed', 'seated');
      await setStatus(tx, id, 'seated', {}, now);
      await recordHistory(tx, actor, { restaurantId, reservationId: id, action: 'status_changed', from: 'confirmed', to: 'seated' }, now);
      view = await this.reload(tx, restaurantId, id);
    } else {
      view = (await recordCreatedAndFind(tx, restaurantId, id, actor, now)).view; // history + read-back: one statement
    }
    await this.announce(tx, restaurantId, 'booking.created', view, { language: input.language });
    return view;
  }

  /**
   * A table booking (not a walk-in, not an event) in three round trips: BEGIN with the date's lock (`locked`; in a
   * caller's transaction, e.g. an idempotent request's, the lock is a statement of its own, pipelined the same way),
   * pipelined with the guest found or created together with the day and its overdue waitlist offers (one statement); the
   * reservation row with its holds, its history row, every event of the booking (customer.created or .updated,
   * booking.created) and the guest's messages (one statement, writeBooking); COMMIT. The view is built here from what
   * was written, the messages rendered from the restaurant's context as cached for the version the day's read checked. A
   * table taken meanwhile (the exclusion constraint) removes the row and decides again, at most MAX_PLACE_ATTEMPTS
   * times. Lock order: the date, then the guest (as the waitlist's join takes them). In its own transaction (`locked`),
   * the NOTIFYs of its messages and webhook deliveries are left to the caller, after the commit (notify-waker.ts).
   */
  private async book(
    tx: Queryable, restaurantId: string, input: CreateReservationInput, actor: ReservationActor, now: number, locked: boolean,
  ): Promise<Booked> {
    if (locked) return this.bookUnderLock(tx, restaurantId, input, actor, now, true);
    // The lock is not waited for: the statements after it follow it on the wire and run once it is held (pipelined, as
    // BEGIN is), so the date is held one round trip less. Should it fail, they fail too, with the lock's error as cause.
    return behind(lockServiceDate(tx, restaurantId, input.date), () => this.bookUnderLock(tx, restaurantId, input, actor, now, false));
  }

  /** book() once its date's lock is taken or on its way (`withBegin`: taken with BEGIN, the transaction its own). */
  private async bookUnderLock(
    tx: Queryable, restaurantId: string, input: CreateReservationInput, actor: ReservationActor, now: number, withBegin: boolean,
  ): Promise<Booked> {
    const source = input.source ?? 'api';
    const customerEvents: EventInput[] = [];
    // The guest is found or created by the same statement that reads the day (the lock is held: both read after it).
    // A consent given with the booking is recorded with the booking's source (where the guest gave it).
    const guest = await lookUpGuest(tx, restaurantId, input.customer, now, source, { deferEvents: customerEvents });
    let customer: ResolvedCustomer | undefined;
    const ride = {
      along: { name: 'maitre_day_locked_guest', ctes: guestCtes(7), select: '(SELECT to_json(guest) FROM guest)', params: guest.params },
      settle: async (row: unknown) => {
        customer = await guest.settle(row as Row);
      },
    };
    const request = placeRequest(input);
    const id = newId('res');
    for (let attempt = 1; ; attempt++) {
      const { placement, model } = await placeLocked(tx, this.floors, restaurantId, request, now, (due) =>
        this.hooks.beforePlace(tx, restaurantId, input.date, due), customer ? undefined : ride,
      );
      if (!customer) throw new Error('the booking\'s guest was not resolved with its day');
      const booked = await this.writeNew(tx, id, restaurantId, input, actor, now, placement, model, customer, customerEvents, !withBegin);
      if (booked) return booked;
      await deleteReservation(tx, id);
      if (attempt >= MAX_PLACE_ATTEMPTS) throw allBusy(request);
    }
  }

  /**
   * Writes a new booking decided at `placement` (writeBooking): its view, its events after the guest's, its guest
   * messages; a reference already taken is drawn again. Null when a table was taken meanwhile (the exclusion
   * constraint skipped a hold): then only the reservation row was written, and the caller removes it.
   */
  private async writeNew(
    tx: Queryable, id: string, restaurantId: string, input: CreateReservationInput, actor: ReservationActor, now: number,
    placement: Placement, model: BookingModel, customer: ResolvedCustomer, customerEvents: EventInput[], notify: boolean,
  ): Promise<Booked | null> {
    let next: ToWrite;
    let written: Awaited<ReturnType<typeof writeBooking>>;
    do {
      next = await this.prepareNew(tx, id, restaurantId, { input, actor, now }, placement, model, customer, customerEvents);
      written = await writeBooking(tx, next.row, next.reference, placement, actor, next.events, next.guest, notify);
    } while (!written.inserted); // the reference was taken: nothing was written, another one is drawn
    return written.held ? { view: next.view, messages: written.messages, deliveries: written.deliveries } : null;
  }

  /**
   * What a new booking decided at `placement` writes (writeBooking, or writeBookings in a batch): its row under a newly
   * drawn reference, its view, its events after the guest's, and its guest messages rendered from the restaurant's
   * context as cached for the model's version (the day's read checked it).
   */
  private async prepareNew(
    tx: Queryable, id: string, restaurantId: string, b: Pick<QueuedBooking, 'input' | 'actor' | 'now'>, placement: Placement, model: BookingModel,
    customer: ResolvedCustomer, customerEvents: EventInput[],
  ): Promise<ToWrite> {
    const { input, actor, now } = b;
    const row = { id, restaurantId, requestedArea: input.area ?? null, notes: input.notes ?? null, source: input.source ?? 'api', now, customerId: customer.id };
    const view = newView(row, this.drawReference(), placement, model, customer);
    const events: EventInput[] = [...customerEvents, { restaurantId, type: 'booking.created', data: view }];
    let guest: NewBookingMessages | null = null;
    if (view.customer?.email) {
      // The model's version was checked on this transaction's day read: the context of that version needs no read.
      const cached = this.floors.cached(restaurantId);
      const ctx = await this.messageContexts.get(tx, restaurantId, cached?.model === model ? cached.version : undefined);
      const plan = ctx && planGuestMessages(ctx, restaurantId, 'booking.created', view, this.messages, input.language);
      if (plan) guest = { state: plan.state, messages: plan.messages };
    }
    return { row, reference: view.reference, placement, actor, events, guest, view };
  }

  /** A new table booking in a transaction of its own, under its date's lock taken with BEGIN (see book). */
  private async bookAlone(b: QueuedBooking): Promise<Booked> {
    if (b.input.eventId) {
      // Seats of an event: placeEvent takes the date's lock once the event is known. Its announcements notify in
      // its transaction: nothing to wake after the commit.
      return { view: await this.db.transaction((tx) => this.createSeated(tx, b.restaurantId, b.input, b.actor, false, b.now)), messages: 0, deliveries: 0 };
    }
    return this.db.transaction(
      (tx) => this.book(tx, b.restaurantId, b.input, b.actor, b.now, true),
      // Generic plans: the day's read (with the guest) would otherwise be planned on every booking (~1 ms of the
      // server's CPU), its custom plans estimated cheaper than the generic one for sparse dates.
      { lock: dateLockKey(b.restaurantId, b.input.date), genericPlans: true },
    );
  }

  /**
   * The new bookings of one lane of a restaurant (tables, or seats of an event; see BOOKING_LANES) that queued while
   * the lane's transaction before them ran (KeyedBatcher): alone, as book() or createSeated(); several, in ONE
   * transaction under their dates' locks, taken in date order (as a move takes its two). Each date's day is read once,
   * over the span of its table bookings' party sizes, and its overdue waitlist offers settled once. Then each booking,
   * in arrival order, is decided exactly as alone: its guest's contact details checked, then a table booking placed on
   * its day as it stands with the batch's earlier bookings of that date added (addToDay), an event booking on the seats
   * its event has left (placeEvent's reads see the batch's earlier event bookings: rows of this transaction). Only an
   * accepted one finds or creates its guest and is written: a refusal writes nothing. Table bookings are written
   * together, in one statement (writeBookings), before the next event booking and at the end, so that every row and
   * event is written in arrival order. The answers are given after the commit, so no refusal is ever given because of
   * a booking that did not commit. When the batch meets anything only the database could say (a table taken by a hold
   * of another date, a failed statement), it is rolled back whole and each booking made alone, in order: the same
   * answers as if never batched.
   */
  private async bookTogether(items: QueuedBooking[]): Promise<Settled<Booked>[]> {
    if (items.length > 1) {
      const dates = [...new Set(items.map((b) => b.input.date))].sort();
      try {
        const outcomes = await this.db.transaction((tx) => this.bookBatch(tx, items, dates), {
          lock: dates.map((date) => dateLockKey(items[0]!.restaurantId, date)), genericPlans: true,
        });
        this.onBatch?.('decided', items.length);
        return outcomes;
      } catch (err) {
        this.onBatch?.('fell_back', items.length, err);
      }
    }
    const outcomes: Settled<Booked>[] = [];
    for (const b of items) {
      outcomes.push(await this.bookAlone(b).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
    }
    return outcomes;
  }

  /** bookTogether's transaction: `dates`, the batch's dates in order, locked with BEGIN in that order. */
  private async bookBatch(tx: Tx, items: QueuedBooking[], dates: string[]): Promise<Settled<Booked>[]> {
    const restaurantId = items[0]!.restaurantId;
    // The days of the dates with table bookings, over the span of their party sizes, in one read (placeEvent reads the
    // seats of an event itself); a date with overdue waitlist offers has them settled, then is read again.
    const days = new Map<string, { model: BookingModel; state: DayState }>();
    const wanted = dates
      .map((date) => ({ date, partySizes: items.filter((b) => !b.input.eventId && b.input.date === date).map((b) => b.input.partySize) }))
      .filter((d) => d.partySizes.length > 0);
    if (wanted.length > 0) {
      const read = await this.floors.withLockedDays(tx, restaurantId, wanted, Math.max(...items.map((b) => b.now)));
      for (const [i, { date, partySizes }] of wanted.entries()) {
        const { state, due } = read.days[i]!;
        if (due.length === 0) {
          days.set(date, { model: read.model, state });
          continue;
        }
        await this.hooks.beforePlace(tx, restaurantId, date, due);
        days.set(date, await this.floors.withDay(tx, restaurantId, date, partySizes));
      }
    }
    const outcomes: Settled<Booked>[] = [];
    // Table bookings decided and not yet written, with their places in `outcomes`: their guests are found or created
    // (completeGuests), then they are written (writeBookings), before the next event booking and at the end — that
    // last write, the transaction's last statement, together with its COMMIT.
    let pending: {
      at: number; id: string; b: QueuedBooking; placement: Placement; model: BookingModel; guest: GuestLookup; customerEvents: EventInput[];
    }[] = [];
    const flush = async (last: boolean) => {
      if (pending.length === 0) return;
      const customers = await completeGuests(tx, pending.map((p) => p.guest));
      const bookings: ToWrite[] = [];
      for (const [i, p] of pending.entries()) {
        bookings.push(await this.prepareNew(tx, p.id, restaurantId, p.b, p.placement, p.model, customers[i]!, p.customerEvents));
      }
      const written = await writeBookings(tx, restaurantId, bookings, { last });
      for (const [i, p] of pending.entries()) {
        const booking = bookings[i]!;
        outcomes[p.at] = { ok: true, value: { view: booking.view, messages: booking.guest?.messages.length ?? 0, deliveries: written.deliveries } };
      }
      pending = [];
    };
    for (const b of items) {
      const eventId = b.input.eventId;
      const source = b.input.source ?? 'api';
      const customerEvents: EventInput[] = [];
      const day = days.get(b.input.date);
      let placement: Placement;
      let guest: GuestLookup;
      // The batch's earlier bookings are written before an event booking's guest and row (outside the try: a failure
      // of their write is the batch's, never this booking's refusal).
      if (eventId) await flush(false);
      try {
        // As alone: the guest's contact details are checked first (a 422), then the placement decided (a refusal).
        // A table booking's guest events ride with its write; an event booking's are written when it is found.
        guest = await lookUpGuest(tx, restaurantId, b.input.customer, b.now, source, eventId ? {} : { deferEvents: customerEvents });
        placement = eventId
          ? await placeEvent(tx, this.floors, restaurantId, eventRequest(b.input, eventId), b.now)
          : decide(day!.model, day!.state, placeRequest(b.input), b.now);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        outcomes.push({ ok: false, error }); // a 422 or a refusal: nothing of it was written
        continue;
      }
      const id = newId('res');
      if (eventId) {
        const customer = await completeGuest(tx, guest);
        const row = { id, restaurantId, customerId: customer.id, requestedArea: null, notes: b.input.notes ?? null, source, now: b.now, eventId };
        await insertReservation(tx, row, placement);
        const view = (await recordCreatedAndFind(tx, restaurantId, id, b.actor, b.now)).view;
        await this.announce(tx, restaurantId, 'booking.created', view, { language: b.input.language });
        outcomes.push({ ok: true, value: { view, messages: 0, deliveries: 0 } });
        continue;
      }
      pending.push({ at: outcomes.length, id, b, placement, model: day!.model, guest, customerEvents });
      outcomes.push({ ok: false, error: new Error('not written yet') }); // replaced by flush()
      addToDay(day!.state, id, placement);
    }
    await flush(true);
    return outcomes;
  }

  /**
   * Changes date, time, party size and/or notes (the placement re-decided atomically, keeping the current tables
   * when they still fit and are free), or takes a lifecycle step (with optional notes).
   */
  async update(
    restaurantId: string, id: string, input: UpdateReservationInput, actor: ReservationActor, tx?: Queryable, options: ChangeOptions = {},
  ): Promise<ReservationView> {
    return this.queued(tx, `${restaurantId}:changes`, async (tx) => {
      const rec = await this.lock(tx, restaurantId, id);
      options.check?.(rec.view);
      const v = rec.view;
      const now = this.now();
      const target = { date: input.date ?? v.date, time: input.time ?? v.time, partySize: input.partySize ?? v.partySize };
      const moving = target.date !== v.date || target.time !== v.time || target.partySize !== v.partySize;
      const notesChange = input.notes !== undefined && input.notes !== v.notes ? { notes: { from: v.notes, to: input.notes } } : {};
      if (input.status !== undefined) {
        if (moving) throw errors.validation([{ path: 'body', message: 'send either status or date/time/partySize, not both' }]);
        assertTransition(v.status, input.status);
        await setStatus(tx, v.id, input.status, { notes: input.notes }, now);
        await recordHistory(tx, actor, { restaurantId, reservationId: v.id, action: 'status_changed', from: v.status, to: input.status, changes: notesChange }, now);
        const after = await this.reload(tx, restaurantId, v.id);
        await this.announce(tx, restaurantId, input.status === 'cancelled' ? 'booking.cancelled' : 'booking.updated', after);
        if (FREEING.includes(input.status) && !rec.eventId) await this.hooks.capacityFreed(tx, restaurantId, v.date);
        return after;
      }
      if (moving) return this.move(tx, restaurantId, rec, { target, notes: input.notes, notesChange }, actor, now);
      if (input.notes !== undefined && input.notes !== v.notes) {
        await setNotes(tx, v.id, input.notes, now);
        await recordHistory(tx, actor, { restaurantId, reservationId: v.id, action: 'updated', changes: notesChange }, now);
        const after = await this.reload(tx, restaurantId, v.id);
        await this.announce(tx, restaurantId, 'booking.updated', after);
        return after;
      }
      return v;
    });
  }

  private async move(
    tx: Queryable, restaurantId: string, rec: ReservationRecord,
    change: { target: { date: string; time: string; partySize: number }; notes: string | null | undefined; notesChange: Record<string, unknown> },
    actor: ReservationActor, now: number,
  ): Promise<ReservationView> {
    const v = rec.view;
    const { target, notes, notesChange } = change;
    if (v.status !== 'confirmed') {
      throw errors.invalidStatusTransition(v.status, v.status, `Only a confirmed reservation can be moved or resized; this one is ${v.status}.`);
    }
    const write = async (p: Placement) => {
      await movePlacement(tx, v.id, p, notes, now);
      await holdTables(tx, restaurantId, v.id, p);
    };
    if (rec.eventId) {
      const paths = { eventId: 'body.eventId', date: 'body.date' };
      await write(await placeEvent(tx, this.floors, restaurantId, { ...target, eventId: rec.eventId, exclude: v.id, paths }, now));
    } else {
      // Both dates' locks, in a fixed order, so two moves in opposite directions cannot deadlock.
      for (const d of [...new Set([v.date, target.date])].sort()) await lockServiceDate(tx, restaurantId, d);
      await this.hooks.beforePlace(tx, restaurantId, target.date);
      const request = { ...target, area: rec.requestedArea, areaPath: null, exclude: v.id, keep: rec.tableIds, dateLocked: true };
      await placeAndWrite(tx, this.floors, restaurantId, request, now, write);
    }
    const after = await this.reload(tx, restaurantId, v.id);
    const changes: Record<string, unknown> = { ...notesChange };
    for (const k of ['date', 'time', 'partySize', 'startsAt'] as const) if (after[k] !== v[k]) changes[k] = { from: v[k], to: after[k] };
    if (after.tables.join() !== v.tables.join()) changes.tables = { from: v.tables, to: after.tables };
    await recordHistory(tx, actor, { restaurantId, reservationId: v.id, action: 'updated', changes }, now);
    await this.announce(tx, restaurantId, 'booking.updated', after);
    if (!rec.eventId) await this.hooks.capacityFreed(tx, restaurantId, v.date);
    return after;
  }

  /** confirmed → cancelled, with an optional reason; anything else is 409 invalid_status_transition. */
  async cancel(
    restaurantId: string, id: string, reason: string | null, actor: ReservationActor, tx?: Queryable, options: ChangeOptions = {},
  ): Promise<ReservationView> {
    return this.queued(tx, `${restaurantId}:changes`, async (tx) => {
      const { view: v, eventId } = await this.lock(tx, restaurantId, id);
      options.check?.(v);
      assertTransition(v.status, 'cancelled');
      const now = this.now();
      await setStatus(tx, v.id, 'cancelled', { cancelReason: reason }, now);
      await recordHistory(tx, actor, { restaurantId, reservationId: v.id, action: 'status_changed', from: v.status, to: 'cancelled', changes: reason ? { reason } : {} }, now);
      const after = await this.reload(tx, restaurantId, v.id);
      await this.announce(tx, restaurantId, 'booking.cancelled', after);
      if (!eventId) await this.hooks.capacityFreed(tx, restaurantId, v.date);
      return after;
    });
  }

  /** By id (`res_…`) or reference (`K7M-4QX9`, any case, dash optional); 404 reservation_not_found. */
  async get(restaurantId: string, idOrReference: string): Promise<ReservationView> {
    const reference = ID_PATTERN.test(idOrReference) ? null : normalizeReference(idOrReference);
    const rec = ID_PATTERN.test(idOrReference)
      ? await findReservation(this.db, restaurantId, { id: idOrReference })
      : reference
        ? await findReservation(this.db, restaurantId, { reference })
        : null;
    if (!rec) throw errors.reservationNotFound(idOrReference);
    return rec.view;
  }

  async list(restaurantId: string, q: ListReservationsQuery): Promise<{ data: ReservationView[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const qPhone = await phoneOfSearch(this.db, restaurantId, q.q);
    const rows = await listReservations(this.db, restaurantId, { ...q, qPhone, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit).map((r) => r.view);
    const last = page[page.length - 1];
    return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.startsAt, last.id) : null };
  }

  async history(restaurantId: string, id: string): Promise<HistoryEntry[]> {
    const { id: resolved } = await this.get(restaurantId, id);
    return listHistory(this.db, restaurantId, resolved);
  }
}
