/** SQL of the reservations module, and the one mapping from rows to the API's reservation shape. */
import { prepared } from '../../db/prepared.js';
import type { Queryable, Row, Tx } from '../../db/types.js';
import { outboxCtes, outboxParams, type EventInput } from '../webhooks/outbox.js';
import { INSERT_COLUMNS, INSERT_SELECT, MESSAGE_CHANNEL, RECORDSET, type NewMessage } from '../notifications/queries.js';
import type { Status } from './lifecycle.js';
import { newReference } from './reference.js';

export interface ReservationView {
  id: string;
  reference: string;
  status: Status;
  date: string;
  time: string;
  service: string;
  startsAt: string;
  endsAt: string;
  partySize: number;
  tables: string[];
  area: string | null;
  customer: { id: string; name: string; email: string | null; phone: string | null } | null;
  notes: string | null;
  source: string;
  cancellationReason: string | null;
  /** Present on event bookings only: the event whose seats it takes (it holds no table). */
  eventId?: string;
  createdAt: string;
  updatedAt: string;
}

/** A reservation row with what the service needs besides the view. */
export interface ReservationRecord {
  view: ReservationView;
  /** The customer linked (even when erased, which the view shows as no customer). */
  customerId: string | null;
  eventId: string | null;
  tableIds: string[];
  requestedArea: string | null;
}

const iso = (v: unknown) => new Date(v as string).toISOString();

const SELECT = `SELECT r.id, r.reference, r.status, to_char(r.date, 'YYYY-MM-DD') AS date, r.time, r.service_key, r.starts_at, r.ends_at, r.party_size, r.area_key,
    r.requested_area, r.notes, r.source, r.cancel_reason, r.created_at, r.updated_at, r.event_id, r.customer_id,
    c.id AS c_id, c.name AS c_name, c.email AS c_email, c.phone AS c_phone,
    ARRAY(SELECT t.key FROM reservation_tables rt JOIN tables t ON t.id = rt.table_id
           WHERE rt.reservation_id = r.id ORDER BY t.position, t.key) AS table_keys,
    ARRAY(SELECT rt.table_id FROM reservation_tables rt JOIN tables t ON t.id = rt.table_id
           WHERE rt.reservation_id = r.id ORDER BY t.position, t.key) AS table_ids
  FROM reservations r LEFT JOIN customers c ON c.id = r.customer_id AND c.erased_at IS NULL`;

/** Waitlist holds (status `held`) are not bookings: the API never shows them. */
const NOT_HELD = ` AND r.status <> 'held'`;

export function recordFromRow(r: Row): ReservationRecord {
  return {
    tableIds: r.table_ids,
    requestedArea: r.requested_area,
    customerId: r.customer_id,
    eventId: r.event_id,
    view: {
      id: r.id,
      reference: r.reference,
      status: r.status,
      date: r.date,
      time: r.time,
      service: r.service_key,
      startsAt: iso(r.starts_at),
      endsAt: iso(r.ends_at),
      partySize: r.party_size,
      tables: r.table_keys,
      area: r.area_key,
      customer: r.c_id ? { id: r.c_id, name: r.c_name, email: r.c_email, phone: r.c_phone } : null,
      notes: r.notes,
      source: r.source,
      cancellationReason: r.cancel_reason,
      ...(r.event_id ? { eventId: r.event_id } : {}),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    },
  };
}

/**
 * By id or canonical reference; `forUpdate` locks the row for the rest of the transaction. Waitlist holds are not
 * found unless `includeHeld`.
 */
export async function findReservation(
  q: Queryable,
  restaurantId: string,
  by: { id: string } | { reference: string },
  forUpdate = false,
  includeHeld = false,
): Promise<ReservationRecord | null> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['reference', by.reference];
  const lock = forUpdate ? ' FOR UPDATE OF r' : '';
  const held = includeHeld ? '' : NOT_HELD;
  const { rows } = await q.query(`${SELECT} WHERE r.restaurant_id = $1 AND r.${column} = $2${held}${lock}`, [restaurantId, value]);
  return rows[0] ? recordFromRow(rows[0]) : null;
}

const RESERVATION_CREATED_SQL = prepared('maitre_reservation_created', `WITH history AS (
       INSERT INTO reservation_history (reservation_id, restaurant_id, action, from_status, to_status, changes, actor_type, actor_id, at)
       VALUES ($2, $1, 'created', NULL, 'confirmed', '{}', $3, $4, $5)
     )
     ${SELECT} WHERE r.restaurant_id = $1 AND r.id = $2`);

/**
 * A reservation created in this transaction: writes its `created` history row (as recordHistory of history.ts does)
 * and reads it back, in one round trip. The history row is a CTE of the read; the read sees the reservation and its
 * holds, written by earlier statements.
 */
export async function recordCreatedAndFind(
  tx: Queryable,
  restaurantId: string,
  id: string,
  actor: { type: string; id: string | null },
  nowMs: number,
): Promise<ReservationRecord> {
  const { rows } = await tx.query(
    RESERVATION_CREATED_SQL,
    [restaurantId, id, actor.type, actor.id, new Date(nowMs)],
  );
  if (!rows[0]) throw new Error(`reservation ${id} created in this transaction is not visible`);
  return recordFromRow(rows[0]);
}

export interface ListFilter {
  date?: string;
  from?: string;
  to?: string;
  statuses?: Status[];
  customerId?: string;
  /** Substring, any case, of the customer's name or email, of the phone's digits (3 or more), or of the reference. */
  q?: string;
  /** `q` as a whole phone number in E.164 (customers/identity.ts phoneOfSearch): matches the customer's phone. */
  qPhone?: string | null;
  after?: { startsAt: string; id: string };
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Ordered by start, then id; `limit` rows after the cursor position. */
export async function listReservations(q: Queryable, restaurantId: string, f: ListFilter): Promise<ReservationRecord[]> {
  const where = ['r.restaurant_id = $1', `r.status <> 'held'`];
  const params: unknown[] = [restaurantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.date) add('r.date = ?', f.date);
  if (f.from) add('r.date >= ?', f.from);
  if (f.to) add('r.date <= ?', f.to);
  if (f.statuses?.length) add('r.status = ANY(?)', f.statuses);
  if (f.customerId) add('r.customer_id = ?', f.customerId);
  if (f.q !== undefined && f.q.trim() !== '') where.push(searchClause(f.q.trim(), params, f.qPhone ?? null));
  if (f.after) {
    params.push(f.after.startsAt, f.after.id);
    where.push(`(r.starts_at, r.id) > ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(f.limit);
  const { rows } = await q.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.starts_at, r.id LIMIT $${params.length}`, params);
  return rows.map(recordFromRow);
}

/**
 * The `q` search, as one parameterised clause (LIKE wildcards in the text are escaped): name and email any case,
 * phone by its digits, reference without its dash. An erased customer is not joined, so never matches.
 */
function searchClause(text: string, params: unknown[], phone: string | null): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const anyCase = p(`%${likeEscape(text)}%`);
  const alternatives = [`c.name ILIKE ${anyCase}`, `c.email ILIKE ${anyCase}`];
  const digits = text.replace(/\D/g, '');
  if (digits.length >= 3) alternatives.push(`c.phone LIKE ${p(`%${digits}%`)}`);
  if (phone !== null) alternatives.push(`c.phone = ${p(phone)}`);
  const ref = text.replace(/[\s-]/g, '');
  if (ref !== '') alternatives.push(`replace(r.reference, '-', '') ILIKE ${p(`%${likeEscape(ref)}%`)}`);
  return `(${alternatives.join(' OR ')})`;
}

export interface Placement {
  date: string;
  time: string;
  serviceKey: string;
  startsAt: number;
  endsAt: number;
  holdEndsAt: number;
  partySize: number;
  area: string | null;
  tableIds: string[];
}

export interface NewReservation {
  id: string;
  restaurantId: string;
  customerId: string | null;
  requestedArea: string | null;
  notes: string | null;
  source: string;
  now: number;
  /** `held`: a waitlist offer's table hold (default `confirmed`). */
  status?: 'confirmed' | 'held';
  /** An event booking: takes the event's seats, holds no table. */
  eventId?: string | null;
}

/**
 * Inserts a new reservation at its placement under a fresh reference (a collision, 1 in 34 billion per existing
 * reservation, just draws another one) and holds its tables.
 */
export async function insertReservation(tx: Queryable, r: NewReservation, p: Placement): Promise<void> {
  while (!(await insertWithReference(tx, r, newReference(), p)));
  await holdTables(tx, r.restaurantId, r.id, p, true); // a new reservation: nothing to replace
}

/**
 * A new reservation row under its reference, `values` in the order of these columns; a reference already taken inserts
 * nothing (no row returned). Shared by insertWithReference and writeBooking.
 */
const insertReservationSql = (values: string) => `INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key,
       starts_at, ends_at, hold_ends_at, party_size, customer_id, area_key, requested_area, notes, source, created_at, updated_at, event_id)
     VALUES (${values})
     ON CONFLICT (restaurant_id, reference) DO NOTHING RETURNING id`;

const RESERVATION_INSERT_SQL = prepared(
  'maitre_reservation_insert', insertReservationSql('$1, $2, $3, $17, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $18'),
);

/** Inserts the reservation row (no holds) under `reference`; false when that reference is taken (draw another one). */
export async function insertWithReference(tx: Queryable, r: NewReservation, reference: string, p: Placement): Promise<boolean> {
  const { rows } = await tx.query(
    RESERVATION_INSERT_SQL,
    [
      r.id, r.restaurantId, reference, p.date, p.time, p.serviceKey, new Date(p.startsAt), new Date(p.endsAt), new Date(p.holdEndsAt),
      p.partySize, r.customerId, p.area, r.requestedArea, r.notes, r.source, new Date(r.now), r.status ?? 'confirmed', r.eventId ?? null,
    ],
  );
  return rows.length === 1;
}

const BOOKING_OUTBOX = outboxCtes({ restaurant: '$2', ids: '$9', types: '$10', bodies: '$11', createdAts: '$12', after: 'held', when: 'held.ok' });

/**
 * A new booking's write, one statement: the reservation row under its reference, its table holds, and — only when the
 * row was written and every table was held — its `created` history row, its events (outbox, deliveries, wake-up) and
 * its guest messages (their state and the rendered messages, as notifications/enqueue.ts writes them). A reference
 * already taken (1 in 34 billion per existing reservation) writes nothing: the caller draws another. The exclusion
 * constraint decides the holds: a table taken meanwhile is skipped (ON CONFLICT DO NOTHING, which takes exclusion
 * constraints as arbiters) instead of aborting the transaction, so no savepoint is needed around the write. The
 * holds' triggers read the row (reservation_tables_copy_active: a PL/pgSQL query after the row's CTE ran, which it
 * waits for through EXISTS) and the foreign keys are checked at the end of the statement. The NOTIFYs of the messages
 * and of the webhook deliveries are sent here only when asked ($18): a NOTIFY in a transaction serialises its commit
 * (and the commit's WAL flush) with every other notifying commit of the server, so a booking in its own transaction
 * wakes the workers and the dispatchers after its commit instead (NotifyWaker).
 */
const BOOKING_WRITE_SQL = prepared('maitre_booking_write', `WITH reservation AS (
       ${insertReservationSql("$1, $2, $19, 'confirmed', $20, $21, $22, $3, $23, $4, $24, $25, $26, $27, $28, $29, $8, $8, NULL")}
     ), holds AS (
       INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during)
       SELECT $1, t, $2, tstzrange($3, $4, '[)') FROM unnest($5::text[]) AS t WHERE EXISTS (SELECT 1 FROM reservation)
       ON CONFLICT DO NOTHING RETURNING table_id
     ), held AS (
       SELECT EXISTS (SELECT 1 FROM reservation) AS inserted,
              EXISTS (SELECT 1 FROM reservation) AND count(*) = cardinality($5::text[]) AS ok FROM holds
     ), history AS (
       INSERT INTO reservation_history (reservation_id, restaurant_id, action, from_status, to_status, changes, actor_type, actor_id, at)
       SELECT $1, $2, 'created', NULL, 'confirmed', '{}', $6, $7, $8 FROM held WHERE held.ok
     ), message_state AS (
       INSERT INTO guest_message_state (reservation_id, restaurant_id, language, sequence, starts_at, party_size)
       SELECT $1, $2, $13::text, $14::int, $15::timestamptz, $16::int FROM held WHERE held.ok AND $13::text IS NOT NULL
     ), messages AS (
       INSERT INTO guest_messages (${INSERT_COLUMNS}) ${INSERT_SELECT} FROM jsonb_to_recordset($17::jsonb) AS ${RECORDSET} CROSS JOIN held WHERE held.ok
       RETURNING 1
     ), ${BOOKING_OUTBOX.ctes}
     SELECT held.inserted, held.ok, (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM outbox_deliveries)::int AS deliveries,
            CASE WHEN $18::boolean THEN ${BOOKING_OUTBOX.wake} END AS woken,
            CASE WHEN $18::boolean AND EXISTS (SELECT 1 FROM messages) THEN pg_notify('${MESSAGE_CHANNEL}', '') END AS woke
       FROM held`);

/** A new booking's guest messages (notifications/enqueue.ts planGuestMessages), written by writeBooking. */
export interface NewBookingMessages {
  state: { language: string; sequence: number } | null;
  messages: NewMessage[];
}

/**
 * Writes a new confirmed reservation at its placement under `reference` and holds its tables; when all of them are
 * held, records its `created` history row and writes `events` (in order) and the guest's messages — one round trip.
 * `inserted` false: the reference is taken, nothing was written (draw another). `held` false when a table was taken
 * meanwhile: only the row was written, and the caller removes it (deleteReservation) before it decides again.
 * `messages`, `deliveries`: how many guest messages and webhook deliveries were queued. `notify`: wake their workers
 * with a NOTIFY in the transaction (a caller's transaction, whose commit this module does not see); otherwise the
 * caller wakes them after its commit.
 */
export async function writeBooking(
  tx: Queryable, r: NewReservation, reference: string, p: Placement, actor: { type: string; id: string | null },
  events: EventInput[], guest: NewBookingMessages | null, notify: boolean,
): Promise<{ inserted: boolean; held: boolean; messages: number; deliveries: number }> {
  const { rows } = await tx.query<{ inserted: boolean; ok: boolean; messages: number; deliveries: number }>(BOOKING_WRITE_SQL, [
    r.id, r.restaurantId, new Date(p.startsAt), new Date(p.holdEndsAt), p.tableIds, actor.type, actor.id, new Date(r.now),
    ...outboxParams(events),
    guest?.state?.language ?? null, guest?.state?.sequence ?? 0, new Date(p.startsAt), p.partySize,
    JSON.stringify(guest?.messages ?? []), notify,
    reference, p.date, p.time, p.serviceKey, new Date(p.endsAt), p.partySize, r.customerId, p.area, r.requestedArea, r.notes, r.source,
  ]);
  return { inserted: rows[0].inserted, held: rows[0].ok, messages: rows[0].messages, deliveries: rows[0].deliveries };
}

/** One new booking of a batch, decided and rendered, as writeBookings writes it (see writeBooking for one). */
export interface BookingToWrite {
  row: NewReservation & { customerId: string };
  reference: string;
  placement: Placement;
  actor: { type: string; id: string | null };
  /** Its events, in order (the guest's first, then booking.created). */
  events: EventInput[];
  guest: NewBookingMessages | null;
}

const BATCH_OUTBOX = outboxCtes({ restaurant: '$1', ids: '$25', types: '$26', bodies: '$27', createdAts: '$28', after: '(SELECT 1) AS one', when: 'true' });

/**
 * Several new bookings of one restaurant in ONE statement, each exactly as writeBooking writes one (row, holds,
 * `created` history, message state and messages, events in order), without its conflict handling: a table taken by a
 * hold this batch could not see (the exclusion constraint) or a reference already taken (the unique constraint) fails
 * the statement, and with it the batch's transaction (ReservationService.bookTogether then makes each booking alone).
 * The holds wait for every row (their trigger reads the row's `active`) through the count of the rows written.
 */
const BOOKINGS_WRITE_SQL = prepared('maitre_bookings_write', `WITH reservation AS (
       INSERT INTO reservations (id, restaurant_id, reference, status, date, time, service_key, starts_at, ends_at, hold_ends_at, party_size,
         customer_id, area_key, requested_area, notes, source, created_at, updated_at, event_id)
       SELECT r.id, $1, r.reference, 'confirmed', r.date, r.time, r.service_key, r.starts_at, r.ends_at, r.hold_ends_at, r.party_size,
              r.customer_id, r.area_key, r.requested_area, r.notes, r.source, r.created_at, r.created_at, NULL
         FROM unnest($2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[],
                     $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[])
           AS r(id, reference, date, time, service_key, starts_at, ends_at, hold_ends_at, party_size, customer_id, area_key, requested_area,
                notes, source, created_at)
       RETURNING id
     ), holds AS (
       INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during)
       SELECT h.reservation_id, h.table_id, $1, tstzrange(h.starts_at, h.ends_at, '[)')
         FROM unnest($17::text[], $18::text[], $19::timestamptz[], $20::timestamptz[]) AS h(reservation_id, table_id, starts_at, ends_at)
        WHERE (SELECT count(*) FROM reservation) = cardinality($2::text[])
     ), history AS (
       INSERT INTO reservation_history (reservation_id, restaurant_id, action, from_status, to_status, changes, actor_type, actor_id, at)
       SELECT x.id, $1, 'created', NULL, 'confirmed', '{}', x.actor_type, x.actor_id, x.at
         FROM unnest($2::text[], $21::text[], $22::text[], $16::timestamptz[]) AS x(id, actor_type, actor_id, at)
     ), message_state AS (
       INSERT INTO guest_message_state (reservation_id, restaurant_id, language, sequence, starts_at, party_size)
       SELECT s.id, $1, s.language, s.sequence, s.starts_at, s.party_size
         FROM unnest($2::text[], $23::text[], $24::int[], $7::timestamptz[], $10::int[]) AS s(id, language, sequence, starts_at, party_size)
        WHERE s.language IS NOT NULL
     ), messages AS (
       INSERT INTO guest_messages (${INSERT_COLUMNS}) ${INSERT_SELECT} FROM jsonb_to_recordset($29::jsonb) AS ${RECORDSET}
     ), ${BATCH_OUTBOX.ctes}
     SELECT (SELECT count(*) FROM outbox_deliveries)::int AS deliveries`);

/**
 * Writes `bookings` (all of `restaurantId`, decided under their dates' locks in this transaction) in one statement;
 * answers how many webhook deliveries it queued. Every insert of the statement is unconditional (no ON CONFLICT), so it
 * either writes every row, hold, history row, message and event, or fails (see BOOKINGS_WRITE_SQL). `last`: it is the
 * transaction's last statement, sent with its COMMIT (Tx.queryThenCommit); it then resolves once committed. No NOTIFY:
 * the caller, whose own transaction this is, wakes the workers and the dispatchers after its commit.
 */
export async function writeBookings(
  tx: Tx, restaurantId: string, bookings: readonly BookingToWrite[], options: { last: boolean },
): Promise<{ deliveries: number }> {
  const col = <T>(f: (b: BookingToWrite) => T) => bookings.map(f);
  const held = bookings.flatMap((b) => b.placement.tableIds.map((t) => ({ id: b.row.id, t, from: new Date(b.placement.startsAt), to: new Date(b.placement.holdEndsAt) })));
  const params = [
    restaurantId,
    col((b) => b.row.id), col((b) => b.reference), col((b) => b.placement.date), col((b) => b.placement.time), col((b) => b.placement.serviceKey),
    col((b) => new Date(b.placement.startsAt)), col((b) => new Date(b.placement.endsAt)), col((b) => new Date(b.placement.holdEndsAt)),
    col((b) => b.placement.partySize), col((b) => b.row.customerId), col((b) => b.placement.area), col((b) => b.row.requestedArea),
    col((b) => b.row.notes), col((b) => b.row.source), col((b) => new Date(b.row.now)),
    held.map((h) => h.id), held.map((h) => h.t), held.map((h) => h.from), held.map((h) => h.to),
    col((b) => b.actor.type), col((b) => b.actor.id),
    col((b) => b.guest?.state?.language ?? null), col((b) => b.guest?.state?.sequence ?? 0),
    ...outboxParams(bookings.flatMap((b) => b.events)),
    JSON.stringify(bookings.flatMap((b) => b.guest?.messages ?? [])),
  ];
  const { rows } = options.last
    ? await tx.queryThenCommit<{ deliveries: number }>(BOOKINGS_WRITE_SQL, params)
    : await tx.query<{ deliveries: number }>(BOOKINGS_WRITE_SQL, params);
  return { deliveries: rows[0]!.deliveries };
}

/** Removes a reservation written in this transaction and its holds (cascade): a booking whose tables were taken. */
export async function deleteReservation(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM reservations WHERE id = $1', [id]);
}

const RESERVATION_HOLD_SQL = prepared('maitre_reservation_hold', `INSERT INTO reservation_tables (reservation_id, table_id, restaurant_id, during)
     SELECT $1, t, $2, tstzrange($3, $4, '[)') FROM unnest($5::text[]) AS t`);

/**
 * Replaces a reservation's held tables with the placement's (one row per table, over [start, hold end)). `fresh`: the
 * reservation was inserted in this transaction and holds nothing yet, so there is nothing to replace.
 */
export async function holdTables(tx: Queryable, restaurantId: string, reservationId: string, p: Placement, fresh = false): Promise<void> {
  if (!fresh) await tx.query('DELETE FROM reservation_tables WHERE reservation_id = $1', [reservationId]);
  await tx.query(
    RESERVATION_HOLD_SQL,
    [reservationId, restaurantId, new Date(p.startsAt), new Date(p.holdEndsAt), p.tableIds],
  );
}

export async function movePlacement(tx: Queryable, id: string, p: Placement, notes: string | null | undefined, now: number): Promise<void> {
  await tx.query(
    `UPDATE reservations SET date = $2, time = $3, service_key = $4, starts_at = $5, ends_at = $6, hold_ends_at = $7, party_size = $8,
       area_key = $9, notes = CASE WHEN $10 THEN $11 ELSE notes END, updated_at = $12 WHERE id = $1`,
    [
      id, p.date, p.time, p.serviceKey, new Date(p.startsAt), new Date(p.endsAt), new Date(p.holdEndsAt), p.partySize, p.area,
      notes !== undefined, notes ?? null, new Date(now),
    ],
  );
}

export async function setStatus(
  tx: Queryable, id: string, status: Status, fields: { notes?: string | null; cancelReason?: string | null }, now: number,
): Promise<void> {
  await tx.query(
    `UPDATE reservations SET status = $2, notes = CASE WHEN $3 THEN $4 ELSE notes END,
       cancel_reason = CASE WHEN $5 THEN $6 ELSE cancel_reason END, updated_at = $7 WHERE id = $1`,
    [id, status, fields.notes !== undefined, fields.notes ?? null, fields.cancelReason !== undefined, fields.cancelReason ?? null, new Date(now)],
  );
}

export async function setNotes(tx: Queryable, id: string, notes: string | null, now: number): Promise<void> {
  await tx.query('UPDATE reservations SET notes = $2, updated_at = $3 WHERE id = $1', [id, notes, new Date(now)]);
}
