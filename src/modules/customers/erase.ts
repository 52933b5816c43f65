/**
 * GDPR erasure of one customer, in one transaction (docs/guests.md, "Erasure"):
 * - the customer row becomes an anonymous tombstone (name, email, phone, notes, tags and consent emptied, erased_at
 *   set), so its reservations keep counting in the restaurant's statistics but no longer say who;
 * - its reservations lose their notes and cancellation reasons, and their history the changes that carried them;
 * - its waiting or offered waitlist entries are cancelled (a held table is released and offered on) and lose their notes;
 * - stored JSON snapshots that mention it — webhook events in the outbox (and receivers' answers to them) and
 *   idempotency records — are redacted (redact.ts);
 * - its guest emails (guest_messages: confirmations, reminders, ...) are deleted.
 */
import type { Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { lockServiceDate } from '../reservations/booking.js';
import type { WaitlistOffers } from '../waitlist/offers.js';
import { redactJson, redactText } from './redact.js';
import { findCustomer } from './queries.js';
import { deleteCustomerMessages } from '../notifications/queries.js';

export interface EraseSummary {
  id: string;
  erasedAt: string;
  reservations: number;
  waitlistEntriesCancelled: number;
  snapshotsRedacted: number;
}

async function cancelWaitlist(tx: Queryable, offers: WaitlistOffers, restaurantId: string, customerId: string): Promise<number> {
  const { rows } = await tx.query<{ id: string; date: string }>(
    `SELECT id, to_char(date, 'YYYY-MM-DD') AS date FROM waitlist_entries
      WHERE restaurant_id = $1 AND customer_id = $2 AND status IN ('waiting', 'offered') ORDER BY date, id`,
    [restaurantId, customerId],
  );
  const byDate = new Map<string, string[]>();
  for (const r of rows) byDate.set(r.date, [...(byDate.get(r.date) ?? []), r.id]);
  for (const [date, ids] of byDate) {
    await lockServiceDate(tx, restaurantId, date);
    await offers.close(tx, restaurantId, date, ids, 'cancelled');
  }
  return rows.length;
}

/** Redacts the JSON snapshots mentioning the customer; returns how many rows changed. */
async function redactSnapshots(tx: Queryable, restaurantId: string, customerId: string, secrets: string[]): Promise<number> {
  let changed = 0;
  const pattern = `%${customerId}%`;
  const events = await tx.query<{ id: string; payload: string }>(
    `SELECT id, payload::text AS payload FROM webhook_events WHERE restaurant_id = $1 AND payload::text LIKE $2`,
    [restaurantId, pattern],
  );
  for (const e of events.rows) {
    const redacted = redactJson(e.payload, customerId, secrets);
    if (redacted !== null) {
      await tx.query('UPDATE webhook_events SET payload = $2::json WHERE id = $1', [e.id, redacted]);
      changed += 1;
    }
    // What receivers answered to these events may echo them back.
    const attempts = await tx.query<{ id: number; excerpt: string }>(
      `SELECT a.id, a.response_excerpt AS excerpt FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
        WHERE d.event_id = $1 AND a.response_excerpt IS NOT NULL`,
      [e.id],
    );
    for (const a of attempts.rows) {
      const text = redactText(a.excerpt, secrets);
      if (text !== a.excerpt) await tx.query('UPDATE webhook_delivery_attempts SET response_excerpt = $2 WHERE id = $1', [a.id, text]);
    }
  }
  const records = await tx.query<{ key: string; response: string }>(
    `SELECT key, response::text AS response FROM idempotency_keys WHERE restaurant_id = $1 AND response::text LIKE $2`,
    [restaurantId, pattern],
  );
  for (const r of records.rows) {
    const redacted = redactJson(r.response, customerId, secrets);
    if (redacted === null) continue;
    await tx.query('UPDATE idempotency_keys SET response = $3::json WHERE restaurant_id = $1 AND key = $2', [restaurantId, r.key, redacted]);
    changed += 1;
  }
  return changed;
}

export async function eraseCustomer(tx: Queryable, offers: WaitlistOffers, restaurantId: string, id: string, nowMs: number): Promise<EraseSummary> {
  const customer = await findCustomer(tx, restaurantId, id, { forUpdate: true });
  if (!customer) throw errors.customerNotFound(id);
  const now = new Date(nowMs);
  const secrets = [customer.name, customer.email, customer.phone].filter((s): s is string => typeof s === 'string' && s.length > 0);

  // Lock order (no deadlock with bookings): the customer, then its reservations (no one holding a date's lock waits
  // for those), then the dates of its active waitlist entries, then those entries.
  const { rows: reservations } = await tx.query<{ id: string }>(
    `UPDATE reservations SET notes = NULL, cancel_reason = NULL, updated_at = $3
      WHERE restaurant_id = $1 AND customer_id = $2 AND status <> 'held' RETURNING id`,
    [restaurantId, id, now],
  );
  const ids = reservations.map((r) => r.id);
  if (ids.length) {
    await tx.query(
      `UPDATE reservation_history SET changes = changes - 'notes' - 'reason'
        WHERE reservation_id = ANY($1::text[]) AND (changes ? 'notes' OR changes ? 'reason')`,
      [ids],
    );
  }
  const waitlistEntriesCancelled = await cancelWaitlist(tx, offers, restaurantId, id); // deletes its holds too
  await tx.query('UPDATE waitlist_entries SET notes = NULL, updated_at = $3 WHERE restaurant_id = $1 AND customer_id = $2 AND notes IS NOT NULL', [
    restaurantId, id, now,
  ]);
  await tx.query(
    `UPDATE customers SET name = NULL, email = NULL, phone = NULL, notes = NULL, tags = '{}', marketing_consent = false,
       marketing_consent_at = NULL, marketing_consent_source = NULL, erased_at = $2, updated_at = $2 WHERE id = $1`,
    [id, now],
  );
  const snapshotsRedacted = await redactSnapshots(tx, restaurantId, id, secrets);
  await deleteCustomerMessages(tx, restaurantId, id); // the guest's emails (addresses and bodies): gone, not redacted
  return { id, erasedAt: now.toISOString(), reservations: ids.length, waitlistEntriesCancelled, snapshotsRedacted };
}
