/**
 * Guest messages enqueued in the transaction of the change that causes them (the outbox design of the webhooks):
 * roll the change back and no message was ever queued; commit and the worker (worker.ts) sends it.
 *
 * enqueueGuestMessages() is called by the reservations service next to its webhook event (announce()), and by the
 * waitlist when an accepted offer becomes a booking. Per reservation, guest_message_state keeps the booking's language,
 * the calendar SEQUENCE and what the guest was last told, so that:
 * - booking.created (confirmed, with an email): a confirmation, and a reminder due `reminderLeadHours` before the
 *   start — none when the booking was made less than that ahead; a walk-in (seated at once) gets nothing. The
 *   reminder is queued unwritten (its subject only): the worker writes it when it falls due (due.ts);
 * - booking.updated that moves the date, time or party size: a change (SEQUENCE + 1); the pending reminder is skipped
 *   and a new one is queued for the new time; a step to seated, completed or no-show skips the pending reminder;
 * - booking.cancelled: a cancellation (SEQUENCE + 1, METHOD:CANCEL) and the pending reminder skipped.
 * A kind switched off in the restaurant's settings is not queued. Cost: nothing for a booking without an email;
 * otherwise two statements (the restaurant and the reservation's state; then every write in one statement).
 */
import { prepared } from '../../db/prepared.js';
import type { Queryable, Row } from '../../db/types.js';
import { newId } from '../../lib/ids.js';
import type { ReservationView } from '../reservations/queries.js';
import type { WaitlistEntryView } from '../waitlist/queries.js';
import { manageLink, type MessageDefaults } from './links.js';
import { INSERT_COLUMNS, INSERT_SELECT, MESSAGE_CHANNEL, RECORDSET, guestLanguage, initialStatus, insertMessages, type NewMessage } from './queries.js';
import { render, renderSubject, type RenderedMessage, type RenderRestaurant } from './render.js';
import { kindEnabled, settingsFromJson, type Language, type MessageKind, type NotificationSettings } from './settings.js';

export type BookingEventType = 'booking.created' | 'booking.updated' | 'booking.cancelled';

export interface Context {
  slug: string;
  restaurant: RenderRestaurant;
  settings: NotificationSettings;
  replyTo: string | null;
  state: { language: Language; sequence: number; startsAt: number; partySize: number } | null;
}

const CONTEXT_SQL = `SELECT r.slug, r.name, r.timezone, r.policy, r.contact, r.location, r.notifications,
    s.language AS s_language, s.sequence AS s_sequence, s.starts_at AS s_starts_at, s.party_size AS s_party_size
  FROM restaurants r LEFT JOIN guest_message_state s ON s.reservation_id = $2 WHERE r.id = $1`;

/** A message context from a row of restaurants' columns (slug, name, timezone, policy, contact, location, notifications; s_* for the state). */
export function contextFromRow(r: Row): Context {
  const contact = (r.contact ?? {}) as Row;
  const location = (r.location ?? {}) as Row;
  const settings = settingsFromJson(r.notifications);
  const address = [location.address, [location.postalCode, location.city].filter(Boolean).join(' ')].filter((v) => typeof v === 'string' && v !== '').join(', ');
  return {
    slug: r.slug,
    settings,
    replyTo: settings.replyTo ?? (typeof contact.email === 'string' ? contact.email : null),
    restaurant: {
      name: r.name, timezone: r.timezone, phone: typeof contact.phone === 'string' ? contact.phone : null,
      email: typeof contact.email === 'string' ? contact.email : null, address: address || null,
      cancellationCutoffMinutes: Number((r.policy as Row)?.cancellationCutoffMinutes ?? 120),
    },
    state: r.s_language
      ? { language: r.s_language, sequence: r.s_sequence, startsAt: new Date(r.s_starts_at).getTime(), partySize: r.s_party_size }
      : null,
  };
}

export async function loadContext(q: Queryable, restaurantId: string, reservationId: string | null): Promise<Context | null> {
  const { rows } = await q.query(CONTEXT_SQL, [restaurantId, reservationId]);
  return rows[0] ? contextFromRow(rows[0]) : null;
}

const RESTAURANT_CONTEXT_SQL = prepared('maitre_message_context', `SELECT updated_at::text AS version, slug, name, timezone, policy, contact, location, notifications
  FROM restaurants WHERE id = $1`);

/**
 * The context of a reservation that has no message state yet (one created in this transaction), with the restaurant's
 * version (restaurants.updated_at, bumped by every change of the restaurant, as the booking model's cache keys it):
 * what a cache of contexts is keyed by (NewBookingContexts).
 */
export async function loadRestaurantContext(q: Queryable, restaurantId: string): Promise<{ version: string; ctx: Context } | null> {
  const { rows } = await q.query(RESTAURANT_CONTEXT_SQL, [restaurantId]);
  return rows[0] ? { version: rows[0].version, ctx: contextFromRow(rows[0]) } : null;
}

/**
 * The message contexts of new bookings, per restaurant, kept with the restaurant's version: a booking that has checked
 * the version in its transaction (its booking model's, FloorCache) takes the context of that version without a
 * statement; any other version, or none, reads it again.
 */
export class NewBookingContexts {
  private readonly entries = new Map<string, { version: string; ctx: Context }>();

  async get(q: Queryable, restaurantId: string, checkedVersion: string | undefined): Promise<Context | null> {
    const hit = this.entries.get(restaurantId);
    if (hit && checkedVersion !== undefined && hit.version === checkedVersion) return hit.ctx;
    const loaded = await loadRestaurantContext(q, restaurantId);
    if (!loaded) {
      this.entries.delete(restaurantId);
      return null;
    }
    this.entries.set(restaurantId, loaded);
    return loaded.ctx;
  }
}

/** The booking a message is about, as rendering needs it. */
export interface MessageBooking {
  id: string;
  reference: string;
  startsAtMs: number;
  endsAtMs: number;
  partySize: number;
  guestName: string;
  email: string;
}

/** A booking email's subject, bodies and calendar file. */
export function renderBookingMessage(
  ctx: Context, b: MessageBooking, kind: MessageKind, language: Language, sequence: number, nowMs: number, defaults: MessageDefaults,
): RenderedMessage {
  return render({
    kind, language, restaurant: ctx.restaurant, settings: ctx.settings, guestName: b.guestName, recipient: b.email,
    startsAtMs: b.startsAtMs, endsAtMs: b.endsAtMs, partySize: b.partySize, reference: b.reference,
    uid: b.id, sequence, manageLink: manageLink(ctx.settings, ctx.slug, b.reference, b.email, defaults), nowMs,
    organizerEmail: ctx.settings.fromAddress ?? defaults.from,
  });
}

/**
 * One booking message, ready to insert: rendered, except a reminder, which is queued with its subject and written
 * when it falls due (due.ts), from the booking and the restaurant as they are then.
 */
export function bookingMessage(
  ctx: Context, view: ReservationView, kind: MessageKind, language: Language, sequence: number, nowMs: number, sendAfterMs: number,
  defaults: MessageDefaults,
): NewMessage {
  const b: MessageBooking = {
    id: view.id, reference: view.reference, startsAtMs: Date.parse(view.startsAt), endsAtMs: Date.parse(view.endsAt), partySize: view.partySize,
    guestName: view.customer!.name, email: view.customer!.email!,
  };
  const rendered = kind === 'reminder'
    ? { subject: renderSubject({ kind, language, restaurant: ctx.restaurant, guestName: b.guestName, startsAtMs: b.startsAtMs, reference: b.reference }), text: null, html: null, ics: null }
    : renderBookingMessage(ctx, b, kind, language, sequence, nowMs, defaults);
  return {
    id: newId('msg'), restaurant_id: '', reservation_id: view.id, waitlist_entry_id: null, customer_id: view.customer!.id, kind,
    recipient: b.email, language, from_name: ctx.settings.fromName ?? ctx.restaurant.name, from_address: ctx.settings.fromAddress,
    reply_to: ctx.replyTo, subject: rendered.subject, text_body: rendered.text, html_body: rendered.html, ics: rendered.ics,
    send_after: new Date(sendAfterMs).toISOString(), created_at: new Date(nowMs).toISOString(), ...initialStatus(defaults, sendAfterMs, nowMs),
  };
}

const WRITE_SQL = `WITH skipped AS (
    UPDATE guest_messages SET status = 'skipped', last_error = $3, updated_at = $4
     WHERE reservation_id = $1 AND kind = 'reminder' AND status = 'pending' AND $3::text IS NOT NULL
    RETURNING 1
  ), st AS (
    INSERT INTO guest_message_state (reservation_id, restaurant_id, language, sequence, starts_at, party_size)
    SELECT $1, $2, $5, $6, $7, $8 WHERE $5::text IS NOT NULL
    ON CONFLICT (reservation_id) DO UPDATE SET sequence = EXCLUDED.sequence, starts_at = EXCLUDED.starts_at, party_size = EXCLUDED.party_size
    RETURNING 1
  ), ins AS (
    INSERT INTO guest_messages (${INSERT_COLUMNS}) ${INSERT_SELECT} FROM jsonb_to_recordset($9::jsonb) AS ${RECORDSET}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM skipped)::int AS skipped, (SELECT count(*) FROM st)::int AS st,
         CASE WHEN EXISTS (SELECT 1 FROM ins) THEN pg_notify($10, '') END AS woke`;

/** What a booking change writes for the guest (see the module comment): a reminder to skip, the state, the messages. */
export interface GuestMessagesPlan {
  skipReason: string | null;
  state: { language: Language; sequence: number } | null;
  messages: NewMessage[];
}

/** The guest messages a booking change causes, rendered, or null when there is nothing to write (no email, a walk-in, notes only). */
export function planGuestMessages(
  ctx: Context, restaurantId: string, type: BookingEventType, view: ReservationView, defaults: MessageDefaults, language?: Language | null,
): GuestMessagesPlan | null {
  if (!view.customer?.email) return null;
  const nowMs = Date.parse(view.updatedAt);
  const startsAt = Date.parse(view.startsAt);
  const s = ctx.settings;
  const leadMs = s.reminderLeadHours * 3_600_000;
  const messages: NewMessage[] = [];
  let skipReason: string | null = null;
  let state: { language: Language; sequence: number } | null = null;
  const reminder = (lang: Language, sequence: number) => {
    if (s.reminder && startsAt - leadMs >= nowMs) messages.push(bookingMessage(ctx, view, 'reminder', lang, sequence, nowMs, startsAt - leadMs, defaults));
  };

  if (type === 'booking.created') {
    if (view.status !== 'confirmed') return null; // a walk-in, seated now
    const lang = language ?? ctx.state?.language ?? s.defaultLanguage;
    state = { language: lang, sequence: ctx.state?.sequence ?? 0 };
    if (s.confirmation) messages.push(bookingMessage(ctx, view, 'confirmation', lang, state.sequence, nowMs, nowMs, defaults));
    reminder(lang, state.sequence);
  } else if (type === 'booking.cancelled') {
    const lang = ctx.state?.language ?? s.defaultLanguage;
    state = { language: lang, sequence: (ctx.state?.sequence ?? 0) + 1 };
    skipReason = 'the booking was cancelled';
    if (s.cancellation) messages.push(bookingMessage(ctx, view, 'cancellation', lang, state.sequence, nowMs, nowMs, defaults));
  } else if (view.status === 'confirmed') {
    const lang = ctx.state?.language ?? s.defaultLanguage;
    const moved = !ctx.state || ctx.state.startsAt !== startsAt || ctx.state.partySize !== view.partySize;
    if (!moved) return null; // notes only: nothing the guest needs to hear
    state = { language: lang, sequence: ctx.state ? ctx.state.sequence + 1 : 0 };
    if (ctx.state) {
      skipReason = 'superseded: the booking moved';
      if (s.change) messages.push(bookingMessage(ctx, view, 'change', lang, state.sequence, nowMs, nowMs, defaults));
      reminder(lang, state.sequence);
    }
  } else {
    skipReason = `the booking is ${view.status.replace('_', '-')}`;
  }
  for (const m of messages) m.restaurant_id = restaurantId;
  return { skipReason, state, messages };
}

/** The guest messages a booking change causes (see the module comment), in the caller's transaction. */
export async function enqueueGuestMessages(
  tx: Queryable, restaurantId: string, type: BookingEventType, view: ReservationView, defaults: MessageDefaults, language?: Language | null,
): Promise<void> {
  if (!view.customer?.email) return;
  const ctx = await loadContext(tx, restaurantId, view.id);
  if (!ctx) return;
  const plan = planGuestMessages(ctx, restaurantId, type, view, defaults, language);
  if (!plan) return;
  await tx.query(WRITE_SQL, [
    view.id, restaurantId, plan.skipReason, view.updatedAt,
    plan.state?.language ?? null, plan.state?.sequence ?? 0, view.startsAt, view.partySize,
    JSON.stringify(plan.messages), MESSAGE_CHANNEL,
  ]);
}

/**
 * A waitlist offer (waitlist.offered): the held table and until when, in the caller's transaction, in the entry's
 * language, else the guest's latest booking's (guestLanguage), else the restaurant's default.
 */
export async function enqueueWaitlistOffer(
  tx: Queryable, restaurantId: string, entry: WaitlistEntryView, nowMs: number, defaults: Pick<MessageDefaults, 'sending'>,
): Promise<void> {
  const email = entry.customer?.email;
  if (!email || !entry.offer) return;
  const ctx = await loadContext(tx, restaurantId, null);
  if (!ctx || !kindEnabled(ctx.settings, 'waitlist_offer')) return;
  const language = entry.language ?? (await guestLanguage(tx, restaurantId, entry.customer!.id)) ?? ctx.settings.defaultLanguage;
  const startsAtMs = Date.parse(entry.offer.startsAt);
  const rendered = render({
    kind: 'waitlist_offer', language, restaurant: ctx.restaurant, settings: ctx.settings, guestName: entry.customer!.name, recipient: email,
    startsAtMs, endsAtMs: startsAtMs, partySize: entry.partySize, reference: null, uid: null, sequence: 0,
    offerExpiresAtMs: Date.parse(entry.offer.expiresAt), manageLink: null, nowMs, organizerEmail: null,
  });
  await insertMessages(tx, [{
    id: newId('msg'), restaurant_id: restaurantId, reservation_id: null, waitlist_entry_id: entry.id, customer_id: entry.customer!.id,
    kind: 'waitlist_offer', recipient: email, language, from_name: ctx.settings.fromName ?? ctx.restaurant.name,
    from_address: ctx.settings.fromAddress, reply_to: ctx.replyTo, subject: rendered.subject, text_body: rendered.text,
    html_body: rendered.html, ics: null, send_after: new Date(nowMs).toISOString(), created_at: new Date(nowMs).toISOString(),
    ...initialStatus(defaults, nowMs, nowMs),
  }]);
}
