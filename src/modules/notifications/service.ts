/**
 * Guest messages for the admin API: list and read them, resend a confirmation, preview each template with the
 * restaurant's real data (docs/notifications.md).
 */
import { DateTime } from 'luxon';
import type { Db } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import type { AvailabilityService } from '../availability/service.js';
import { findReservation } from '../reservations/queries.js';
import { previewDueMessage } from './due.js';
import { bookingMessage, loadContext } from './enqueue.js';
import { manageLink, type MessageDefaults } from './links.js';
import { findMessage, insertMessages, listMessages, type ListMessagesQuery, type MessageDetail, type MessageView } from './queries.js';
import { render, type RenderedMessage } from './render.js';
import type { Language, MessageKind } from './settings.js';

export interface ListQuery extends Omit<ListMessagesQuery, 'after'> {
  cursor?: string;
}

function encodeCursor(m: MessageView): string {
  return Buffer.from(JSON.stringify([m.createdAt, m.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch {
    // fall through
  }
  throw errors.validation([{ path: 'querystring.cursor', message: 'is not a cursor this list returned' }]);
}

const SAMPLE = { name: 'Alex Martin', email: 'alex.martin@example.com', reference: 'K7M-4QX9', partySize: 2 };

export class NotificationService {
  constructor(
    private readonly db: Db,
    private readonly availability: AvailabilityService,
    private readonly defaults: MessageDefaults,
    private readonly now: () => number = Date.now,
  ) {}

  async list(restaurantId: string, q: ListQuery): Promise<{ data: MessageView[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await listMessages(this.db, restaurantId, { ...q, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { data: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  /** A pending reminder not written yet reads as it would be written now; one skipped before its time has no bodies. */
  async get(restaurantId: string, id: string): Promise<MessageDetail> {
    const m = await findMessage(this.db, restaurantId, id);
    if (!m) throw errors.notFound(`No message "${id}".`);
    if (m.text === null && m.status === 'pending') {
      const preview = await previewDueMessage(this.db, id, this.defaults, this.now());
      if (preview) return { ...m, subject: preview.subject, text: preview.text, html: preview.html, ics: preview.ics };
    }
    return m;
  }

  /** A new confirmation with the booking's current data: 409 conflict unless confirmed, 422 without a guest email. */
  async resendConfirmation(restaurantId: string, reservationId: string): Promise<MessageView> {
    const id = await this.db.transaction(async (tx) => {
      const rec = await findReservation(tx, restaurantId, { id: reservationId }, true);
      if (!rec) throw errors.reservationNotFound(reservationId);
      const view = rec.view;
      if (view.status !== 'confirmed') {
        throw errors.conflict(`A ${view.status} booking gets no confirmation; only a confirmed one can.`, { status: view.status });
      }
      if (!view.customer?.email) throw errors.validation([{ path: 'reservation.customer.email', message: 'the booking has no guest email' }]);
      const ctx = (await loadContext(tx, restaurantId, view.id))!;
      const nowMs = this.now();
      const language = ctx.state?.language ?? ctx.settings.defaultLanguage;
      const message = bookingMessage(ctx, view, 'confirmation', language, ctx.state?.sequence ?? 0, nowMs, nowMs, this.defaults);
      message.restaurant_id = restaurantId;
      await insertMessages(tx, [message]);
      return message.id;
    });
    return this.get(restaurantId, id);
  }

  /** A template rendered with the restaurant's real data and its next bookable slot as the sample booking. */
  async preview(restaurantId: string, kind: MessageKind, language: Language): Promise<RenderedMessage & { kind: MessageKind; language: Language }> {
    const ctx = await loadContext(this.db, restaurantId, null);
    if (!ctx) throw errors.restaurantNotFound(restaurantId);
    const nowMs = this.now();
    const startsAtMs = await this.sampleStart(restaurantId, ctx.restaurant.timezone, nowMs);
    const rendered = render({
      kind, language, restaurant: ctx.restaurant, settings: ctx.settings, guestName: SAMPLE.name, recipient: SAMPLE.email,
      startsAtMs, endsAtMs: startsAtMs + 2 * 3_600_000, partySize: SAMPLE.partySize,
      reference: kind === 'waitlist_offer' ? null : SAMPLE.reference, uid: kind === 'waitlist_offer' ? null : 'res_preview',
      sequence: kind === 'change' || kind === 'cancellation' ? 1 : 0, offerExpiresAtMs: nowMs + 15 * 60_000,
      manageLink: manageLink(ctx.settings, ctx.slug, SAMPLE.reference, SAMPLE.email, this.defaults), nowMs,
      organizerEmail: ctx.settings.fromAddress ?? this.defaults.from,
    });
    return { kind, language, ...rendered };
  }

  /** The first available slot for two in the next 14 days; tomorrow 19:30 when there is none. */
  private async sampleStart(restaurantId: string, zone: string, nowMs: number): Promise<number> {
    const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
    for (let d = 0; d < 14; d++) {
      const date = today.plus({ days: d }).toISODate()!;
      const day = await this.availability.forDate(restaurantId, { date, partySize: SAMPLE.partySize }).catch(() => null);
      const slot = day?.slots.find((s) => s.available);
      if (slot) return Date.parse(slot.startsAt);
    }
    return today.plus({ days: 1 }).set({ hour: 19, minute: 30 }).toMillis();
  }
}
