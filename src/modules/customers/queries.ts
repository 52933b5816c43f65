/** SQL of the customers module, and the one mapping from rows to the API's customer shapes. */
import type { Queryable, Row } from '../../db/types.js';

export interface CustomerView {
  id: string;
  /** Null only once erased. */
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  notes: string | null;
  marketingConsent: { granted: boolean; at: string | null; source: string | null };
  erasedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerStats {
  reservations: number;
  visits: number;
  covers: number;
  cancellations: number;
  noShows: number;
  upcoming: number;
  firstVisitAt: string | null;
  lastVisitAt: string | null;
}

export interface HistoryItem {
  id: string;
  reference: string;
  status: string;
  date: string;
  time: string;
  service: string;
  startsAt: string;
  partySize: number;
  eventId: string | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** The columns customerFromRow reads, unqualified (for RETURNING). */
export const CUSTOMER_FIELDS = `id, name, email, phone, tags, notes, marketing_consent, marketing_consent_at, marketing_consent_source,
  erased_at, created_at, updated_at`;

export const CUSTOMER_COLUMNS = `c.id, c.name, c.email, c.phone, c.tags, c.notes, c.marketing_consent, c.marketing_consent_at,
  c.marketing_consent_source, c.erased_at, c.created_at, c.updated_at`;

export function customerFromRow(r: Row): CustomerView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    tags: r.tags ?? [],
    notes: r.notes,
    marketingConsent: { granted: r.marketing_consent, at: iso(r.marketing_consent_at), source: r.marketing_consent_source },
    erasedAt: iso(r.erased_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * A customer of the restaurant; erased ones only when asked for. `forUpdate` locks the row FOR NO KEY UPDATE: that
 * does not block the key-share locks that inserting a reservation for this customer takes, so a booking holding a
 * date's lock never waits on it.
 */
export async function findCustomer(
  q: Queryable,
  restaurantId: string,
  id: string,
  options: { forUpdate?: boolean; includeErased?: boolean } = {},
): Promise<CustomerView | null> {
  const { rows } = await q.query(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.restaurant_id = $1 AND c.id = $2${options.includeErased ? '' : ' AND c.erased_at IS NULL'}
     ${options.forUpdate ? 'FOR NO KEY UPDATE' : ''}`,
    [restaurantId, id],
  );
  return rows[0] ? customerFromRow(rows[0]) : null;
}

export interface SearchFilter {
  /** Substring of the name (any case), the email, or the phone's digits. */
  q?: string;
  /** `q` as a whole phone number in E.164 (identity.ts phoneOfSearch): matches the phone. */
  qPhone?: string | null;
  email?: string;
  phone?: string;
  tag?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Oldest first, by (created_at, id); erased customers never appear. */
export async function searchCustomers(q: Queryable, restaurantId: string, f: SearchFilter): Promise<CustomerView[]> {
  const where = ['c.restaurant_id = $1', 'c.erased_at IS NULL'];
  const params: unknown[] = [restaurantId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.q !== undefined) {
    const text = f.q.trim();
    const digits = text.replace(/\D/g, '');
    const alternatives = [`c.name ILIKE ${p(`%${likeEscape(text)}%`)}`, `c.email LIKE ${p(`%${likeEscape(text.toLowerCase())}%`)}`];
    if (digits.length >= 3) alternatives.push(`c.phone LIKE ${p(`%${digits}%`)}`);
    if (f.qPhone) alternatives.push(`c.phone = ${p(f.qPhone)}`);
    where.push(`(${alternatives.join(' OR ')})`);
  }
  if (f.email !== undefined) where.push(`c.email = ${p(f.email)}`);
  if (f.phone !== undefined) where.push(`c.phone = ${p(f.phone)}`);
  if (f.tag !== undefined) where.push(`${p(f.tag)} = ANY (c.tags)`);
  if (f.after) where.push(`(c.created_at, c.id) > (${p(f.after.createdAt)}::timestamptz, ${p(f.after.id)})`);
  const { rows } = await q.query(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ${p(f.limit)}`,
    params,
  );
  return rows.map(customerFromRow);
}

export interface CustomerRow {
  id: string;
  restaurantId: string;
  name: string;
  email: string | null;
  phone: string | null;
  tags: string[];
  notes: string | null;
  consent: { granted: boolean; at: Date | null; source: string | null };
  now: Date;
}

/** Inserts a customer; false when its email or phone is already taken (ON CONFLICT: a concurrent insert won). */
export async function insertCustomer(tx: Queryable, c: CustomerRow): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO customers (id, restaurant_id, name, email, phone, tags, notes, marketing_consent, marketing_consent_at,
       marketing_consent_source, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT DO NOTHING RETURNING id`,
    [c.id, c.restaurantId, c.name, c.email, c.phone, c.tags, c.notes, c.consent.granted, c.consent.at, c.consent.source, c.now],
  );
  return rows.length === 1;
}

export type CustomerChanges = Partial<{
  name: string;
  email: string | null;
  phone: string | null;
  tags: string[];
  notes: string | null;
  consent: { granted: boolean; at: Date | null; source: string | null };
}>;

/** Applies the given fields (only those) and bumps updated_at. Throws 23505 when an email or phone is taken. */
export async function updateCustomer(tx: Queryable, id: string, ch: CustomerChanges, now: Date): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (ch.name !== undefined) set('name', ch.name);
  if (ch.email !== undefined) set('email', ch.email);
  if (ch.phone !== undefined) set('phone', ch.phone);
  if (ch.tags !== undefined) set('tags', ch.tags);
  if (ch.notes !== undefined) set('notes', ch.notes);
  if (ch.consent !== undefined) {
    set('marketing_consent', ch.consent.granted);
    set('marketing_consent_at', ch.consent.at);
    set('marketing_consent_source', ch.consent.source);
  }
  set('updated_at', now);
  await tx.query(`UPDATE customers SET ${sets.join(', ')} WHERE id = $1`, params);
}

/**
 * Visit statistics from the customer's reservations (waitlist holds excluded): a visit is a reservation that was
 * seated (seated or completed); covers are the guests of those visits; upcoming = confirmed and not yet started.
 */
export async function customerStats(q: Queryable, restaurantId: string, id: string, nowMs: number): Promise<CustomerStats> {
  const { rows } = await q.query(
    `SELECT count(*)::int AS reservations,
            count(*) FILTER (WHERE status IN ('seated', 'completed'))::int AS visits,
            COALESCE(sum(party_size) FILTER (WHERE status IN ('seated', 'completed')), 0)::int AS covers,
            count(*) FILTER (WHERE status = 'cancelled')::int AS cancellations,
            count(*) FILTER (WHERE status = 'no_show')::int AS no_shows,
            count(*) FILTER (WHERE status = 'confirmed' AND starts_at >= $3)::int AS upcoming,
            min(starts_at) FILTER (WHERE status IN ('seated', 'completed')) AS first_visit,
            max(starts_at) FILTER (WHERE status IN ('seated', 'completed')) AS last_visit
       FROM reservations WHERE restaurant_id = $1 AND customer_id = $2 AND status <> 'held'`,
    [restaurantId, id, new Date(nowMs)],
  );
  const r = rows[0];
  return {
    reservations: r.reservations, visits: r.visits, covers: r.covers, cancellations: r.cancellations, noShows: r.no_shows,
    upcoming: r.upcoming, firstVisitAt: iso(r.first_visit), lastVisitAt: iso(r.last_visit),
  };
}

/** The customer's most recent reservations, newest first (waitlist holds excluded). */
export async function customerHistory(q: Queryable, restaurantId: string, id: string, limit: number): Promise<HistoryItem[]> {
  const { rows } = await q.query(
    `SELECT id, reference, status, to_char(date, 'YYYY-MM-DD') AS date, time, service_key, starts_at, party_size, event_id
       FROM reservations WHERE restaurant_id = $1 AND customer_id = $2 AND status <> 'held'
      ORDER BY starts_at DESC, id DESC LIMIT $3`,
    [restaurantId, id, limit],
  );
  return rows.map((r) => ({
    id: r.id, reference: r.reference, status: r.status, date: r.date, time: r.time, service: r.service_key,
    startsAt: iso(r.starts_at)!, partySize: r.party_size, eventId: r.event_id,
  }));
}

/** The restaurant a customer id belongs to (the CLI takes bare ids), or null. */
export async function restaurantOfCustomer(q: Queryable, id: string): Promise<string | null> {
  const { rows } = await q.query<{ restaurant_id: string }>('SELECT restaurant_id FROM customers WHERE id = $1', [id]);
  return rows[0]?.restaurant_id ?? null;
}
