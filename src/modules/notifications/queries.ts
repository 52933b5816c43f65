/** SQL of guest messages, and the one mapping from rows to the admin API's message shape. */
import type { Queryable, Row } from '../../db/types.js';
import type { Language, MessageKind } from './settings.js';

export const MESSAGE_STATUSES = ['pending', 'sent', 'failed', 'not_sent', 'skipped'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The NOTIFY channel that wakes the notification workers when a message is queued. */
export const MESSAGE_CHANNEL = 'maitre_messages';

/** The last_error of a message not sent because no SMTP server is configured (no quote: it is put in SQL text). */
export const NOT_SENT_REASON = 'no SMTP server configured (MAITRE_SMTP_URL)';

export interface MessageView {
  id: string;
  kind: MessageKind;
  channel: 'email';
  status: MessageStatus;
  to: string;
  language: Language;
  subject: string;
  reservationId: string | null;
  customerId: string | null;
  waitlistEntryId: string | null;
  sendAfter: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface MessageDetail extends MessageView {
  /** Null only for a reminder never written: skipped before its time, or failed (due.ts). */
  text: string | null;
  html: string | null;
  ics: string | null;
}

/** A message to insert (see insertMessages). */
export interface NewMessage {
  id: string;
  restaurant_id: string;
  reservation_id: string | null;
  waitlist_entry_id: string | null;
  customer_id: string | null;
  kind: MessageKind;
  recipient: string;
  language: Language;
  from_name: string | null;
  from_address: string | null;
  reply_to: string | null;
  subject: string;
  /** Null for a reminder: written when it falls due (due.ts). */
  text_body: string | null;
  html_body: string | null;
  ics: string | null;
  send_after: string;
  created_at: string;
  /** `not_sent` (with NOT_SENT_REASON) for a message due at once on an instance that does not send: initialStatus(). */
  status: 'pending' | 'not_sent';
  last_error: string | null;
}

/** A new message's status: pending, or not_sent at once when it is due now and this instance does not send email. */
export function initialStatus(defaults: { sending: () => boolean }, sendAfterMs: number, nowMs: number): Pick<NewMessage, 'status' | 'last_error'> {
  return sendAfterMs <= nowMs && !defaults.sending() ? { status: 'not_sent', last_error: NOT_SENT_REASON } : { status: 'pending', last_error: null };
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

const COLUMNS = `id, kind, channel, status, recipient, language, subject, reservation_id, customer_id, waitlist_entry_id, send_after,
  sent_at, attempts, last_error, created_at`;

export function messageFromRow(r: Row): MessageView {
  return {
    id: r.id, kind: r.kind, channel: r.channel, status: r.status, to: r.recipient, language: r.language, subject: r.subject,
    reservationId: r.reservation_id, customerId: r.customer_id, waitlistEntryId: r.waitlist_entry_id,
    sendAfter: iso(r.send_after)!, sentAt: iso(r.sent_at), attempts: r.attempts, lastError: r.last_error, createdAt: iso(r.created_at)!,
  };
}

export const INSERT_COLUMNS = `id, restaurant_id, reservation_id, waitlist_entry_id, customer_id, kind, recipient, language, from_name, from_address,
  reply_to, subject, text_body, html_body, ics, send_after, next_attempt_at, created_at, updated_at, status, last_error`;

/** SELECT list over jsonb_to_recordset($n) AS x(...) for NewMessage rows. */
export const INSERT_SELECT = `SELECT x.id, x.restaurant_id, x.reservation_id, x.waitlist_entry_id, x.customer_id, x.kind, x.recipient, x.language,
    x.from_name, x.from_address, x.reply_to, x.subject, x.text_body, x.html_body, x.ics, x.send_after, x.send_after, x.created_at, x.created_at,
    x.status, x.last_error`;
export const RECORDSET = `x(id text, restaurant_id text, reservation_id text, waitlist_entry_id text, customer_id text, kind text, recipient text,
    language text, from_name text, from_address text, reply_to text, subject text, text_body text, html_body text, ics text,
    send_after timestamptz, created_at timestamptz, status text, last_error text)`;

/** Inserts messages and wakes the workers (on commit), in one statement. */
export async function insertMessages(tx: Queryable, messages: NewMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.query(
    `WITH ins AS (INSERT INTO guest_messages (${INSERT_COLUMNS}) ${INSERT_SELECT} FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET} RETURNING 1)
     SELECT (SELECT count(*) FROM ins)::int AS n, pg_notify($2, '')`,
    [JSON.stringify(messages), MESSAGE_CHANNEL],
  );
}

export interface ListMessagesQuery {
  reservationId?: string;
  customerId?: string;
  kind?: MessageKind;
  status?: MessageStatus;
  limit: number;
  after?: { createdAt: string; id: string };
}

export async function listMessages(q: Queryable, restaurantId: string, f: ListMessagesQuery): Promise<MessageView[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM guest_messages
      WHERE restaurant_id = $1
        AND ($2::text IS NULL OR reservation_id = $2) AND ($3::text IS NULL OR customer_id = $3)
        AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR status = $5)
        AND ($6::timestamptz IS NULL OR (created_at, id) < ($6::timestamptz, $7::text))
      ORDER BY created_at DESC, id DESC LIMIT $8`,
    [restaurantId, f.reservationId ?? null, f.customerId ?? null, f.kind ?? null, f.status ?? null, f.after?.createdAt ?? null, f.after?.id ?? '', f.limit],
  );
  return rows.map(messageFromRow);
}

export async function findMessage(q: Queryable, restaurantId: string, id: string): Promise<MessageDetail | null> {
  const { rows } = await q.query(`SELECT ${COLUMNS}, text_body, html_body, ics FROM guest_messages WHERE restaurant_id = $1 AND id = $2`, [restaurantId, id]);
  const r = rows[0];
  return r ? { ...messageFromRow(r), text: r.text_body, html: r.html_body, ics: r.ics } : null;
}

/** GDPR erasure: the guest's messages (by customer, and those of its reservations and waitlist entries) are deleted. */
export async function deleteCustomerMessages(tx: Queryable, restaurantId: string, customerId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `WITH d AS (
       DELETE FROM guest_messages m WHERE m.restaurant_id = $1 AND (m.customer_id = $2
         OR m.reservation_id IN (SELECT id FROM reservations WHERE restaurant_id = $1 AND customer_id = $2)
         OR m.waitlist_entry_id IN (SELECT id FROM waitlist_entries WHERE restaurant_id = $1 AND customer_id = $2))
       RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [restaurantId, customerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The guest's language as their latest booking at this restaurant chose it (guest_message_state: the `language` a
 * booking takes, e.g. the widget's), or null when none of their bookings has one. A waitlist offer and the booking
 * that accepting it makes are written in it: the waitlist input has no language of its own.
 */
export async function guestLanguage(q: Queryable, restaurantId: string, customerId: string): Promise<Language | null> {
  const { rows } = await q.query<{ language: Language }>(
    `SELECT s.language FROM reservations r JOIN guest_message_state s ON s.reservation_id = r.id
      WHERE r.restaurant_id = $1 AND r.customer_id = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
    [restaurantId, customerId],
  );
  return rows[0]?.language ?? null;
}
