/**
 * Customer identity: one customer per restaurant and normalised email, and per restaurant and E.164 phone (national
 * numbers read in the restaurant's country, src/lib/phone.ts). A booking
 * (or a waitlist entry) finds its guest by email first, then by phone, and fills in a contact detail the record
 * lacks; only a guest with neither (or with details no one has yet) is created. A booking's `marketingConsent: true`
 * grants a consent the customer has not given yet; nothing here ever withdraws one. Creating, filling in or granting
 * announces `customer.created` / `customer.updated` in the same transaction (the outbox).
 */
import { prepared } from '../../db/prepared.js';
import type { Queryable, Row } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { isInternational, looksLikePhone, PHONE_MESSAGE, phoneCountry, toE164 } from '../../lib/phone.js';
import { announceCustomer } from './announce.js';
import type { EventInput } from '../webhooks/outbox.js';
import { CUSTOMER_FIELDS, customerFromRow, findCustomer, type CustomerView } from './queries.js';

export interface CustomerInput {
  name: string;
  email?: string | null;
  /** As sent (phoneSchema): resolved to E.164 with the restaurant's country here. */
  phone?: string | null;
  /** True: the guest consents to marketing messages. False or absent: leave the customer's consent as it is. */
  marketingConsent?: boolean;
}

/** Trimmed and lower-cased: `" Ada@Example.COM "` and `"ada@example.com"` are one guest. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The country national phone numbers are read in: the restaurant's `location.country` (ISO 3166-1 alpha-2), or null. */
export async function restaurantPhoneCountry(q: Queryable, restaurantId: string): Promise<string | null> {
  const { rows } = await q.query<{ country: string | null }>(`SELECT location->>'country' AS country FROM restaurants WHERE id = $1`, [restaurantId]);
  return phoneCountry(rows[0]?.country);
}

/**
 * A phone number as sent (phoneSchema) in E.164, read with the restaurant's country when it is national (the country
 * is looked up only then); 422 validation_failed at `path` with the one phone message when it is not a number.
 */
export async function resolvePhone(q: Queryable, restaurantId: string, raw: string, path: string): Promise<string> {
  const country = isInternational(raw) ? null : await restaurantPhoneCountry(q, restaurantId);
  const e164 = toE164(raw, country);
  if (e164 === null) throw errors.validation([{ path, message: PHONE_MESSAGE }]);
  return e164;
}

/**
 * A search text that is a whole phone number, in E.164 (national numbers read in the restaurant's country), or null:
 * `06 12 34 56 78` then finds `+33612345678`, which a substring of its digits cannot.
 */
export async function phoneOfSearch(q: Queryable, restaurantId: string, text: string | undefined): Promise<string | null> {
  if (text === undefined || !looksLikePhone(text)) return null;
  return toE164(text, isInternational(text) ? null : await restaurantPhoneCountry(q, restaurantId));
}

const pgCode = (err: unknown) => (err as { code?: string } | null)?.code;

/** Fills in an email or phone the record lacks; false when nothing changed (or another guest has it already). */
async function fillMissing(tx: Queryable, id: string, email: string | null, phone: string | null, now: Date): Promise<boolean> {
  await tx.query('SAVEPOINT customer_fill');
  try {
    const { rowCount } = await tx.query(
      `UPDATE customers SET email = COALESCE(email, $2), phone = COALESCE(phone, $3), updated_at = $4
        WHERE id = $1 AND ((email IS NULL AND $2::text IS NOT NULL) OR (phone IS NULL AND $3::text IS NOT NULL))`,
      [id, email, phone, now],
    );
    await tx.query('RELEASE SAVEPOINT customer_fill');
    return rowCount > 0;
  } catch (err) {
    // Another guest already has that email or phone: keep the record as it is.
    if (pgCode(err) !== '23505') throw err;
    await tx.query('ROLLBACK TO SAVEPOINT customer_fill');
    return false;
  }
}

/**
 * Records a marketing consent the customer has not given yet (time and source), false when it already consents.
 * Never withdraws: a booking form's unticked box says nothing about an earlier consent.
 */
async function grantConsent(tx: Queryable, id: string, source: string, now: Date): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE customers SET marketing_consent = true, marketing_consent_at = $2, marketing_consent_source = $3, updated_at = $2
      WHERE id = $1 AND NOT marketing_consent`,
    [id, now, source],
  );
  return rowCount > 0;
}

/**
 * A known guest: fills in missing contact details, grants consent if asked; one `customer.updated` if anything changed.
 * True when a contact detail was filled in.
 */
async function refreshKnown(
  tx: Queryable, restaurantId: string, id: string, email: string | null, phone: string | null, input: CustomerInput, consentSource: string, now: Date,
  announce: (id: string, type: 'customer.updated') => Promise<void>,
): Promise<boolean> {
  const filled = await fillMissing(tx, id, email, phone, now);
  const granted = input.marketingConsent === true && (await grantConsent(tx, id, consentSource, now));
  if (filled || granted) await announce(id, 'customer.updated');
  return filled;
}

/** The customer with this email (preferred) or phone, or null. Erased customers have neither, so never match. */
export async function findByContact(q: Queryable, restaurantId: string, email: string | null, phone: string | null): Promise<string | null> {
  if (email === null && phone === null) return null;
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM customers WHERE restaurant_id = $1 AND (email = $2 OR phone = $3)
      ORDER BY (email IS NOT DISTINCT FROM $2) DESC LIMIT 1`,
    [restaurantId, email, phone],
  );
  return rows[0]?.id ?? null;
}

/**
 * The guest found by email (preferred) or phone — as findByContact — or else inserted: CTEs `found`, `created` and
 * `guest` (one row: `found_*` of the record found, or the inserted record's fields; both null when a concurrent
 * booking inserted the same guest first), over nine parameters from $`first` (GuestLookup.params).
 */
export function guestCtes(first: number): string {
  const $ = (i: number) => `$${first + i - 1}`;
  return `found AS (
       SELECT id, name, email, phone FROM customers WHERE restaurant_id = ${$(2)} AND (email = ${$(4)} OR phone = ${$(5)})
        ORDER BY (email IS NOT DISTINCT FROM ${$(4)}) DESC LIMIT 1
     ), created AS (
       INSERT INTO customers (id, restaurant_id, name, email, phone, marketing_consent, marketing_consent_at, marketing_consent_source,
         created_at, updated_at)
       SELECT ${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::text, ${$(5)}::text, ${$(6)}::boolean, ${$(7)}::timestamptz, ${$(8)}::text,
         ${$(9)}::timestamptz, ${$(9)}::timestamptz WHERE NOT EXISTS (SELECT 1 FROM found)
       ON CONFLICT DO NOTHING RETURNING ${CUSTOMER_FIELDS}
     ), guest AS (
       SELECT found.id AS found_id, found.name AS found_name, found.email AS found_email, found.phone AS found_phone, created.*
         FROM (SELECT 1) AS one LEFT JOIN found ON true LEFT JOIN created ON true
     )`;
}

const CUSTOMER_FIND_OR_CREATE_SQL = prepared('maitre_customer_find_or_create', `WITH ${guestCtes(1)} SELECT * FROM guest`);

/** The guest a booking is for, as its reservation shows it (the record's name and contact details). */
export interface ResolvedCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
}

export interface ResolveOptions {
  /**
   * Where the `customer.created` / `customer.updated` events go instead of being written at once: the caller writes
   * them in a later statement of the same transaction (booking writes them with its own event).
   */
  deferEvents?: EventInput[];
}

/**
 * The id of the customer this guest is (found or created), inside the caller's transaction. `consentSource` is recorded
 * with a consent this call grants (a booking passes its own `source`: `widget`, `api`, `phone`, …).
 */
export async function findOrCreateCustomer(
  tx: Queryable, restaurantId: string, input: CustomerInput, nowMs: number, consentSource = 'booking',
): Promise<string> {
  return (await resolveCustomer(tx, restaurantId, input, nowMs, consentSource)).id;
}

/** findOrCreateCustomer, with the record's name and contact details as they are after this call (see ResolveOptions). */
export async function resolveCustomer(
  tx: Queryable, restaurantId: string, input: CustomerInput, nowMs: number, consentSource = 'booking', options: ResolveOptions = {},
): Promise<ResolvedCustomer> {
  return completeGuest(tx, await lookUpGuest(tx, restaurantId, input, nowMs, consentSource, options));
}

/** The second half of resolveCustomer: the guest found or created by a statement of its own, then settled. */
export async function completeGuest(tx: Queryable, lookup: GuestLookup): Promise<ResolvedCustomer> {
  const { rows } = await tx.query(CUSTOMER_FIND_OR_CREATE_SQL, lookup.params);
  return lookup.settle(rows[0]);
}

/**
 * The guests of several look-ups (a batch of bookings: ReservationService.bookBatch), each exactly as completeGuest
 * resolves it, in the order given. When their contact details are all distinct, one statement finds or creates them all
 * (guestCtes, each guest its own LATERAL look-up); otherwise one statement each, in order, so that a guest booking twice
 * is created by the first and found by the second.
 */
export async function completeGuests(tx: Queryable, lookups: readonly GuestLookup[]): Promise<ResolvedCustomer[]> {
  const contacts = lookups.flatMap((l) => [l.params[3], l.params[4]]).filter((c) => c !== null);
  if (lookups.length < 2 || new Set(contacts).size !== contacts.length) {
    const out: ResolvedCustomer[] = [];
    for (const l of lookups) out.push(await completeGuest(tx, l));
    return out;
  }
  const column = (i: number) => lookups.map((l) => l.params[i]);
  const { rows } = await tx.query(GUESTS_FIND_OR_CREATE_SQL, [
    lookups[0]!.params[1], column(0), column(2), column(3), column(4), column(5), column(6), column(7), column(8),
  ]);
  if (rows.length !== lookups.length) throw new Error(`${lookups.length} guests looked up, ${rows.length} rows back`);
  const out: ResolvedCustomer[] = [];
  const found = new Set<string>();
  for (const [i, l] of lookups.entries()) {
    const row = rows[i]!;
    // Two guests found the same record (by different contact details): the later one reads it again after the
    // earlier one's settle, which may have filled in a detail, as one statement each would have.
    if (row.found_id && found.has(row.found_id)) out.push(await completeGuest(tx, l));
    else out.push(await l.settle(row));
    if (row.found_id) found.add(row.found_id);
  }
  return out;
}

/** guestCtes for many guests of one restaurant ($1), one row per guest in their order, each as completeGuest's row. */
const GUESTS_FIND_OR_CREATE_SQL = prepared('maitre_customers_find_or_create', `WITH g AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[], $8::text[], $9::timestamptz[])
         WITH ORDINALITY AS g(id, name, email, phone, consent, consent_at, consent_source, at, n)
     ), found AS (
       SELECT g.n, f.* FROM g CROSS JOIN LATERAL (
         SELECT id, name, email, phone FROM customers WHERE restaurant_id = $1 AND (email = g.email OR phone = g.phone)
          ORDER BY (email IS NOT DISTINCT FROM g.email) DESC LIMIT 1) AS f
     ), created AS (
       INSERT INTO customers (id, restaurant_id, name, email, phone, marketing_consent, marketing_consent_at, marketing_consent_source,
         created_at, updated_at)
       SELECT g.id, $1, g.name, g.email, g.phone, g.consent, g.consent_at, g.consent_source, g.at, g.at
         FROM g WHERE NOT EXISTS (SELECT 1 FROM found WHERE found.n = g.n) ORDER BY g.n
       ON CONFLICT DO NOTHING RETURNING ${CUSTOMER_FIELDS}
     )
     SELECT found.id AS found_id, found.name AS found_name, found.email AS found_email, found.phone AS found_phone, created.*
       FROM g LEFT JOIN found ON found.n = g.n LEFT JOIN created ON created.id = g.id ORDER BY g.n`);

/** A guest look-up to run in another statement (guestCtes), then settled with the `guest` row it gave. */
export interface GuestLookup {
  /** The nine parameters of guestCtes, in order. */
  params: unknown[];
  /** Finishes resolveCustomer from the `guest` row: fills in a known guest, announces, handles a concurrent insert. */
  settle(row: Row): Promise<ResolvedCustomer>;
}

/**
 * resolveCustomer in two halves, for a caller that runs the look-up inside a statement of its own (a booking reads the
 * guest and its day in one round trip): the contact details checked and normalised now (a malformed phone is a 422
 * before anything is written), the rest once the row is there.
 */
export async function lookUpGuest(
  tx: Queryable, restaurantId: string, input: CustomerInput, nowMs: number, consentSource = 'booking', options: ResolveOptions = {},
): Promise<GuestLookup> {
  const email = input.email ? normalizeEmail(input.email) : null;
  const phone = input.phone ? await resolvePhone(tx, restaurantId, input.phone, 'body.customer.phone') : null;
  const now = new Date(nowMs);
  const consent = input.marketingConsent === true;
  const announce = options.deferEvents
    ? (id: string, type: 'customer.created' | 'customer.updated', known?: CustomerView) =>
      announceCustomer(tx, restaurantId, id, type, known, options.deferEvents)
    : (id: string, type: 'customer.created' | 'customer.updated', known?: CustomerView) => announceCustomer(tx, restaurantId, id, type, known);
  const params = [newId('cus'), restaurantId, input.name, email, phone, consent, consent ? now : null, consent ? consentSource : null, now];
  const settle = async (row: Row): Promise<ResolvedCustomer> => {
    if (row.found_id) {
      const filled = await refreshKnown(tx, restaurantId, row.found_id, email, phone, input, consentSource, now, announce);
      // A fill is COALESCE(email, $email), COALESCE(phone, $phone): what the record holds now.
      const found = { id: row.found_id, name: row.found_name, email: row.found_email, phone: row.found_phone };
      return filled ? { ...found, email: found.email ?? email, phone: found.phone ?? phone } : found;
    }
    if (row.id) {
      await announce(row.id, 'customer.created', customerFromRow(row));
      return { id: row.id, name: row.name, email: row.email, phone: row.phone };
    }
    // A concurrent booking created the same guest first (the insert waited for it): use that record.
    const raced = await findByContact(tx, restaurantId, email, phone);
    if (!raced) throw new Error('customer insert conflicted but no matching customer is visible');
    await refreshKnown(tx, restaurantId, raced, email, phone, input, consentSource, now, announce);
    const view = await findCustomer(tx, restaurantId, raced);
    if (!view || view.name === null) throw new Error(`customer ${raced} vanished inside its own transaction`);
    return { id: raced, name: view.name, email: view.email, phone: view.phone };
  };
  return { params, settle };
}
