/**
 * Reminders written when they fall due. A booking queues its reminder with the headers and the subject only
 * (enqueue.ts bookingMessage); each pass of the worker first writes the due ones (writeDueReminders): their text,
 * HTML and calendar file are rendered from the booking and the restaurant as they are then and stored, so what is
 * sent is kept as it was sent; the claim (or the not-sent pass) then takes only written messages. A reminder whose
 * booking is gone, has no guest any more or is no longer confirmed is skipped instead (a move, a cancellation or a
 * step to seated skips it earlier, in the change's own transaction); one that cannot be rendered (a bug) is failed
 * and reported, so that it never stops the passes that send every other email. Until then, the admin API shows a
 * pending reminder rendered on the fly (previewDueMessage).
 *
 * Locks: the write is its own statement and never waits — it takes the rows it can (FOR UPDATE SKIP LOCKED; a row
 * held by a booking's change is left for the next pass) and updates each once, so it cannot join a deadlock with a
 * booking's transaction (which holds its reservation FOR UPDATE: updating a message twice in one transaction would
 * re-check its foreign keys, FOR KEY SHARE on that reservation). A message skipped or written meanwhile is left as it is.
 */
import { prepared } from '../../db/prepared.js';
import type { Queryable, Row } from '../../db/types.js';
import { contextFromRow, renderBookingMessage, type MessageBooking } from './enqueue.js';
import type { MessageDefaults } from './links.js';
import type { RenderedMessage } from './render.js';

const LOAD_SQL = `SELECT m.id, m.kind, m.language, m.recipient, res.id AS res_id, res.reference, res.status AS res_status,
    res.starts_at, res.ends_at, res.party_size, c.name AS guest_name, coalesce(s.sequence, 0) AS sequence,
    r.slug, r.name, r.timezone, r.policy, r.contact, r.location, r.notifications
  FROM guest_messages m
  JOIN restaurants r ON r.id = m.restaurant_id
  LEFT JOIN reservations res ON res.id = m.reservation_id
  LEFT JOIN customers c ON c.id = res.customer_id
  LEFT JOIN guest_message_state s ON s.reservation_id = m.reservation_id
 WHERE m.id = ANY($1::text[]) AND m.text_body IS NULL`;

/** The due reminders not written yet, oldest first (the due index, as the claims walk it). */
export const DUE_UNWRITTEN_SQL = prepared('maitre_messages_due_unwritten', `SELECT id FROM guest_messages
  WHERE status = 'pending' AND next_attempt_at <= $1 AND text_body IS NULL ORDER BY next_attempt_at, id LIMIT $2`);

/**
 * Writes the bodies of the written ones; one not written takes its status (skipped, failed) and reason. Only rows still
 * pending and unwritten, never waiting.
 */
const WRITE_SQL = `WITH u AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      AS u(id, subject, text_body, html_body, ics, status, reason)
  ), free AS (
    SELECT m.id FROM guest_messages m WHERE m.id IN (SELECT id FROM u) AND m.status = 'pending' AND m.text_body IS NULL
      ORDER BY m.id FOR UPDATE SKIP LOCKED
  )
  UPDATE guest_messages m
    SET subject = coalesce(u.subject, m.subject), text_body = u.text_body, html_body = u.html_body, ics = u.ics,
        status = coalesce(u.status, m.status), last_error = CASE WHEN u.status IS NULL THEN m.last_error ELSE u.reason END,
        updated_at = $8
   FROM u WHERE m.id = u.id AND m.id IN (SELECT id FROM free)`;

/** A due message: written, or not (skipped: no longer needed; failed: it could not be rendered) and why. */
export type DueMessage = { written: RenderedMessage } | { status: 'skipped' | 'failed'; reason: string; error?: unknown };

function renderRow(r: Row, defaults: MessageDefaults, nowMs: number): DueMessage {
  const skip = (reason: string): DueMessage => ({ status: 'skipped', reason });
  if (!r.res_id) return skip('the booking no longer exists');
  if (r.res_status !== 'confirmed') return skip(`the booking is ${String(r.res_status).replace('_', '-')}`);
  if (r.guest_name === null) return skip('the booking has no guest any more');
  const booking: MessageBooking = {
    id: r.res_id, reference: r.reference, startsAtMs: new Date(r.starts_at).getTime(), endsAtMs: new Date(r.ends_at).getTime(),
    partySize: r.party_size, guestName: r.guest_name, email: r.recipient,
  };
  try {
    return { written: renderBookingMessage(contextFromRow(r), booking, 'reminder', r.language, r.sequence, nowMs, defaults) };
  } catch (error) {
    return { status: 'failed', reason: 'the reminder could not be written (see the server log)', error };
  }
}

async function load(q: Queryable, ids: string[], defaults: MessageDefaults, nowMs: number): Promise<Map<string, DueMessage>> {
  const { rows } = await q.query(LOAD_SQL, [ids]);
  return new Map(rows.map((r) => [r.id as string, renderRow(r, defaults, nowMs)]));
}

/**
 * Writes (or skips, or fails) up to `limit` due reminders not written yet; returns how many it wrote, skipped or failed.
 * One statement when none is due, as in most passes. `onError` hears of each one that could not be rendered.
 */
export async function writeDueReminders(
  db: Queryable, defaults: MessageDefaults, nowMs: number, onError: (messageId: string, error: unknown) => void, limit = 100,
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(DUE_UNWRITTEN_SQL, [new Date(nowMs), limit]);
  if (rows.length === 0) return 0;
  const due = await load(db, rows.map((r) => r.id), defaults, nowMs);
  if (due.size === 0) return 0;
  const cols: (string | null)[][] = [[], [], [], [], [], [], []];
  for (const [id, d] of due) {
    const w = 'written' in d ? d.written : null;
    cols[0]!.push(id);
    cols[1]!.push(w?.subject ?? null);
    cols[2]!.push(w?.text ?? null);
    cols[3]!.push(w?.html ?? null);
    cols[4]!.push(w?.ics ?? null);
    cols[5]!.push('status' in d ? d.status : null);
    cols[6]!.push('status' in d ? d.reason : null);
    if ('error' in d) onError(id, d.error);
  }
  const res = await db.query(WRITE_SQL, [...cols, new Date(nowMs)]);
  return res.rowCount ?? 0;
}

/** What a pending, unwritten message would say if it fell due now; null when it would be skipped (or is written). */
export async function previewDueMessage(q: Queryable, id: string, defaults: MessageDefaults, nowMs: number): Promise<RenderedMessage | null> {
  const d = (await load(q, [id], defaults, nowMs)).get(id);
  return d && 'written' in d ? d.written : null;
}
