-- The day-change log (0005) is written once per inserting statement instead of once per inserted row: an INSERT of
-- reservations, or of their table holds, adds one row per (restaurant, date) it touched, weighing the rows it
-- inserted there, from the statement's transition table. A booking batch (one statement for many bookings) paid
-- two trigger calls and two log rows per booking; now ~0.3 log rows a booking, which is also what every availability
-- stamp sums until compaction (bench/booking-db.ts: 27.5 -> 23.8 statements a booking counting the triggers' own;
-- no difference in CPU measurable above the run-to-run noise). Updates and deletions keep their row
-- triggers: they are few, and an UPDATE trigger with a column list cannot have a transition table. The totals a date
-- reaches are the same as before, row for row.
CREATE FUNCTION reservations_note_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO day_changes (restaurant_id, date, weight)
  SELECT a.restaurant_id, a.date, count(*) FROM inserted a
   WHERE EXISTS (SELECT 1 FROM restaurants WHERE id = a.restaurant_id)
   GROUP BY a.restaurant_id, a.date;
  RETURN NULL;
END
$$;

CREATE FUNCTION reservation_tables_note_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO day_changes (restaurant_id, date, weight)
  SELECT r.restaurant_id, r.date, count(*) FROM inserted a JOIN reservations r ON r.id = a.reservation_id
   WHERE EXISTS (SELECT 1 FROM restaurants WHERE id = r.restaurant_id)
   GROUP BY r.restaurant_id, r.date;
  RETURN NULL;
END
$$;

DROP TRIGGER reservations_note_day ON reservations;
CREATE TRIGGER reservations_note_day
  AFTER DELETE OR UPDATE OF status, date, time, service_key, party_size, event_id, starts_at, hold_ends_at, restaurant_id
  ON reservations FOR EACH ROW EXECUTE FUNCTION reservations_note_day();
CREATE TRIGGER reservations_note_days_inserted
  AFTER INSERT ON reservations REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION reservations_note_days_inserted();

DROP TRIGGER reservation_tables_note_day ON reservation_tables;
CREATE TRIGGER reservation_tables_note_day
  AFTER DELETE OR UPDATE OF reservation_id, table_id, during, active
  ON reservation_tables FOR EACH ROW EXECUTE FUNCTION reservation_tables_note_day();
CREATE TRIGGER reservation_tables_note_days_inserted
  AFTER INSERT ON reservation_tables REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION reservation_tables_note_days_inserted();
