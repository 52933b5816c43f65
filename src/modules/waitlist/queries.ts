/** SQL of the waitlist, and the one mapping from rows to the API's waitlist entry shape. */
import { prepared } from '../../db/prepared.js';
import type { Queryable, Row } from '../../db/types.js';
import type { Language } from '../notifications/settings.js';

export const WAITLIST_STATUSES = ['waiting', 'offered', 'booked', 'expired', 'cancelled'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export interface WaitlistEntryView {
  id: string;
  status: WaitlistStatus;
  date: string;
  /** Preferred time (local HH:mm), or null. */
  time: string | null;
  /** Acceptable times (local HH:mm, inclusive; `to` before `from` runs past midnight), or null for the whole day. */
  window: { from: string; to: string } | null;
  partySize: number;
  area: string | null;
  customer: { id: string; name: string; email: string | null; phone: string | null } | null;
  notes: string | null;
  source: string;
  /** The guest's language for their emails, when they gave one. */
  language: Language | null;
  /** While `offered`: the held table and until when the guest can accept it. */
  offer: { time: string; startsAt: string; tables: string[]; offeredAt: string; expiresAt: string } | null;
  /** Once `booked`: the reservation. */
  reservationId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields the offer engine needs about a waiting entry. */
export interface WaitingEntry {
  id: string;
  customerId: string | null;
  partySize: number;
  area: string | null;
  notes: string | null;
  preferredTime: string | null;
  windowStart: string | null;
  windowEnd: string | null;
}

const iso = (v: unknown) => new Date(v as string).toISOString();

const SELECT = `SELECT w.id, w.seq, w.status, to_char(w.date, 'YYYY-MM-DD') AS date, w.preferred_time, w.window_start, w.window_end, w.party_size,
    w.area_key, w.notes, w.source, w.language, w.reservation_id, w.offered_at, w.offer_expires_at, w.created_at, w.updated_at, w.customer_id,
    c.id AS c_id, c.name AS c_name, c.email AS c_email, c.phone AS c_phone, r.time AS r_time, r.starts_at AS r_starts_at,
    ARRAY(SELECT t.key FROM reservation_tables rt JOIN tables t ON t.id = rt.table_id
           WHERE rt.reservation_id = w.reservation_id ORDER BY t.position, t.key) AS r_tables
  FROM waitlist_entries w
  LEFT JOIN customers c ON c.id = w.customer_id AND c.erased_at IS NULL
  LEFT JOIN reservations r ON r.id = w.reservation_id`;

export function entryFromRow(r: Row): WaitlistEntryView {
  const offered = r.status === 'offered' && r.r_starts_at !== null;
  return {
    id: r.id,
    status: r.status,
    date: r.date,
    time: r.preferred_time,
    window: r.window_start ? { from: r.window_start, to: r.window_end } : null,
    partySize: r.party_size,
    area: r.area_key,
    customer: r.c_id ? { id: r.c_id, name: r.c_name, email: r.c_email, phone: r.c_phone } : null,
    notes: r.notes,
    source: r.source,
    language: r.language,
    offer: offered
      ? { time: r.r_time, startsAt: iso(r.r_starts_at), tables: r.r_tables, offeredAt: iso(r.offered_at), expiresAt: iso(r.offer_expires_at) }
      : null,
    reservationId: r.status === 'booked' ? r.reservation_id : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface EntryRecord {
  view: WaitlistEntryView;
  customerId: string | null;
  /** The held reservation (offered) or the booking (booked). */
  reservationId: string | null;
}

export async function findEntry(q: Queryable, restaurantId: string, id: string, forUpdate = false): Promise<EntryRecord | null> {
  const { rows } = await q.query(`${SELECT} WHERE w.restaurant_id = $1 AND w.id = $2${forUpdate ? ' FOR UPDATE OF w' : ''}`, [restaurantId, id]);
  return rows[0] ? { view: entryFromRow(rows[0]), customerId: rows[0].customer_id, reservationId: rows[0].reservation_id } : null;
}

export interface ListFilter {
  date?: string;
  status?: WaitlistStatus;
  customerId?: string;
  /** The position of the last entry of the previous page. */
  after?: { date: string; seq: number };
  limit: number;
}

/** By date, then arrival order; each with its position (for cursors). */
export async function listEntries(q: Queryable, restaurantId: string, f: ListFilter): Promise<{ view: WaitlistEntryView; seq: number }[]> {
  const where = ['w.restaurant_id = $1'];
  const params: unknown[] = [restaurantId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.date) where.push(`w.date = ${p(f.date)}`);
  if (f.status) where.push(`w.status = ${p(f.status)}`);
  if (f.customerId) where.push(`w.customer_id = ${p(f.customerId)}`);
  if (f.after) where.push(`(w.date, w.seq) > (${p(f.after.date)}::date, ${p(f.after.seq)}::bigint)`);
  const { rows } = await q.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY w.date, w.seq LIMIT ${p(f.limit)}`, params);
  return rows.map((r) => ({ view: entryFromRow(r), seq: Number(r.seq) }));
}

export interface NewEntry {
  id: string;
  restaurantId: string;
  customerId: string;
  date: string;
  preferredTime: string | null;
  window: { from: string; to: string } | null;
  partySize: number;
  area: string | null;
  notes: string | null;
  source: string;
  language: Language | null;
  now: number;
}

export async function insertEntry(tx: Queryable, e: NewEntry): Promise<void> {
  await tx.query(
    `INSERT INTO waitlist_entries (id, restaurant_id, customer_id, date, preferred_time, window_start, window_end, party_size, area_key,
       notes, source, status, created_at, updated_at, language)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'waiting', $12, $12, $13)`,
    [
      e.id, e.restaurantId, e.customerId, e.date, e.preferredTime, e.window?.from ?? null, e.window?.to ?? null, e.partySize, e.area, e.notes,
      e.source, new Date(e.now), e.language,
    ],
  );
}

/** The waiting entries of a date in arrival order (the first `limit`). */
export async function waitingEntries(q: Queryable, restaurantId: string, date: string, limit: number): Promise<WaitingEntry[]> {
  const { rows } = await q.query(
    `SELECT id, customer_id, party_size, area_key, notes, preferred_time, window_start, window_end FROM waitlist_entries
      WHERE restaurant_id = $1 AND date = $2 AND status = 'waiting' ORDER BY seq LIMIT $3`,
    [restaurantId, date, limit],
  );
  return rows.map((r) => ({
    id: r.id, customerId: r.customer_id, partySize: r.party_size, area: r.area_key, notes: r.notes, preferredTime: r.preferred_time,
    windowStart: r.window_start, windowEnd: r.window_end,
  }));
}

export async function markOffered(tx: Queryable, id: string, holdId: string, nowMs: number, expiresAtMs: number): Promise<void> {
  await tx.query(
    `UPDATE waitlist_entries SET status = 'offered', reservation_id = $2, offered_at = $3, offer_expires_at = $4, updated_at = $3 WHERE id = $1`,
    [id, holdId, new Date(nowMs), new Date(expiresAtMs)],
  );
}

/** Ends entries (expired or cancelled) and deletes the holds of those that were offered; returns how many holds. */
export async function closeEntries(tx: Queryable, ids: string[], status: 'expired' | 'cancelled', nowMs: number): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await tx.query<{ reservation_id: string }>(
    `SELECT reservation_id FROM waitlist_entries WHERE id = ANY($1::text[]) AND status = 'offered'`,
    [ids],
  );
  await tx.query(`UPDATE waitlist_entries SET status = $2, reservation_id = NULL, updated_at = $3 WHERE id = ANY($1::text[])`, [
    ids, status, new Date(nowMs),
  ]);
  const holds = rows.map((r) => r.reservation_id);
  if (holds.length) await tx.query(`DELETE FROM reservations WHERE id = ANY($1::text[]) AND status = 'held'`, [holds]);
  return holds.length;
}

const WAITLIST_DUE_OFFERS_SQL = prepared(
  'maitre_waitlist_due_offers',
  `SELECT id FROM waitlist_entries WHERE restaurant_id = $1 AND date = $2 AND status = 'offered' AND offer_expires_at <= $3 FOR UPDATE`,
);

/** Offered entries of a date whose time to accept has run out (locked). */
export async function dueOffers(tx: Queryable, restaurantId: string, date: string, nowMs: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    WAITLIST_DUE_OFFERS_SQL,
    [restaurantId, date, new Date(nowMs)],
  );
  return rows.map((r) => r.id);
}

/** Every (restaurant, date) with an overdue offer; one restaurant's only when given. */
export async function datesWithDueOffers(q: Queryable, nowMs: number, restaurantId?: string): Promise<{ restaurantId: string; date: string }[]> {
  const { rows } = await q.query<{ restaurant_id: string; date: string }>(
    `SELECT DISTINCT restaurant_id, to_char(date, 'YYYY-MM-DD') AS date FROM waitlist_entries
      WHERE status = 'offered' AND offer_expires_at <= $1 AND ($2::text IS NULL OR restaurant_id = $2) ORDER BY 1, 2`,
    [new Date(nowMs), restaurantId ?? null],
  );
  return rows.map((r) => ({ restaurantId: r.restaurant_id, date: r.date }));
}

export async function markBooked(tx: Queryable, id: string, nowMs: number): Promise<void> {
  await tx.query(`UPDATE waitlist_entries SET status = 'booked', offer_expires_at = NULL, updated_at = $2 WHERE id = $1`, [id, new Date(nowMs)]);
}

/** The offer's held reservation becomes a confirmed booking, made now (its tables stay held throughout). */
export async function confirmHold(tx: Queryable, reservationId: string, nowMs: number): Promise<void> {
  await tx.query(`UPDATE reservations SET status = 'confirmed', created_at = $2, updated_at = $2 WHERE id = $1 AND status = 'held'`, [
    reservationId, new Date(nowMs),
  ]);
}
