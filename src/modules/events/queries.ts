/** SQL of special events (the `events` table of 0001) and of the seats their bookings take. */
import type { Queryable, Row } from '../../db/types.js';
import { announceChange, restaurantChanged } from '../../cache/changes.js';

export interface EventRecord {
  id: string;
  key: string;
  name: string;
  date: string;
  start: string;
  end: string;
  capacity: number;
  closesRegularService: boolean;
}

export interface EventWithSeats extends EventRecord {
  seatsTaken: number;
}

/** Seats are taken by bookings that are, or were, going to attend: confirmed, seated, completed. */
export const SEAT_STATUSES = `('confirmed', 'seated', 'completed')`;

const COLUMNS = `e.id, e.key, e.name, to_char(e.date, 'YYYY-MM-DD') AS date, e.start_time, e.end_time, e.capacity, e.closes_regular_service`;

const fromRow = (r: Row): EventRecord => ({
  id: r.id, key: r.key, name: r.name, date: r.date, start: r.start_time, end: r.end_time, capacity: r.capacity,
  closesRegularService: r.closes_regular_service,
});

export async function findEvent(q: Queryable, restaurantId: string, id: string): Promise<EventRecord | null> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM events e WHERE e.restaurant_id = $1 AND e.id = $2`, [restaurantId, id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Seats the event's bookings take (minus `exclude`'s, a booking being changed). */
export async function seatsTaken(q: Queryable, eventId: string, exclude?: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT COALESCE(sum(party_size), 0)::int AS n FROM reservations
      WHERE event_id = $1 AND status IN ${SEAT_STATUSES} AND ($2::text IS NULL OR id <> $2)`,
    [eventId, exclude ?? null],
  );
  return rows[0].n;
}

const WITH_SEATS = `SELECT ${COLUMNS},
    (SELECT COALESCE(sum(r.party_size), 0)::int FROM reservations r WHERE r.event_id = e.id AND r.status IN ${SEAT_STATUSES}) AS seats_taken
  FROM events e`;

/** Events from `from` to `to` (inclusive dates), by date and start. */
export async function listEvents(q: Queryable, restaurantId: string, from: string, to: string): Promise<EventWithSeats[]> {
  const { rows } = await q.query(
    `${WITH_SEATS} WHERE e.restaurant_id = $1 AND e.date BETWEEN $2 AND $3 ORDER BY e.date, e.start_time COLLATE "C", e.key COLLATE "C"`,
    [restaurantId, from, to],
  );
  return rows.map((r) => ({ ...fromRow(r), seatsTaken: r.seats_taken }));
}

export async function findEventWithSeats(q: Queryable, restaurantId: string, id: string): Promise<EventWithSeats | null> {
  const { rows } = await q.query(`${WITH_SEATS} WHERE e.restaurant_id = $1 AND e.id = $2`, [restaurantId, id]);
  return rows[0] ? { ...fromRow(rows[0]), seatsTaken: rows[0].seats_taken } : null;
}

/** Inserts an event; false when the key is taken. */
export async function insertEvent(tx: Queryable, restaurantId: string, e: EventRecord): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO events (id, restaurant_id, key, name, date, start_time, end_time, capacity, closes_regular_service)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (restaurant_id, key) DO NOTHING RETURNING id`,
    [e.id, restaurantId, e.key, e.name, e.date, e.start, e.end, e.capacity, e.closesRegularService],
  );
  return rows.length === 1;
}

export async function updateEvent(tx: Queryable, e: EventRecord): Promise<void> {
  await tx.query(
    `UPDATE events SET key = $2, name = $3, date = $4, start_time = $5, end_time = $6, capacity = $7, closes_regular_service = $8 WHERE id = $1`,
    [e.id, e.key, e.name, e.date, e.start, e.end, e.capacity, e.closesRegularService],
  );
}

export async function deleteEvent(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM events WHERE id = $1', [id]);
}

/** How many reservations (any status) refer to the event: one keeps it from being deleted or moved. */
export async function reservationsOfEvent(q: Queryable, eventId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM reservations WHERE event_id = $1', [eventId]);
  return rows[0].n;
}

/**
 * A change of events changes the booking model: cached models are re-validated against updated_at. The profile's
 * updatedAt changes with it, so cached profiles hear about it on the change channel (src/cache/changes.ts) at commit.
 */
export async function touchRestaurant(tx: Queryable, restaurantId: string): Promise<void> {
  await tx.query('UPDATE restaurants SET updated_at = now() WHERE id = $1', [restaurantId]);
  await announceChange(tx, restaurantChanged(restaurantId));
}
