-- A log of changes per restaurant and service date, written in the same transaction by every change that can alter
-- what availability reads for a date: a reservation inserted, deleted, or changed in its status, date, time, service,
-- party size, event or hold; a table hold inserted, deleted or changed. Availability keeps a day's reservations in
-- memory and reuses them only while the total weight of the changes of every date that can reach that day (three
-- either side) is the one it read with them, on the same snapshot (src/modules/availability/day-cache.ts).
--
-- Rows are only ever added (a change never updates a shared row, so it takes no lock another change could wait on:
-- no lock-order hazard beside the bookings' date locks), and compacted in one statement that replaces a date's rows by
-- one row of their summed weight (compactDayChanges), so the total of a date only grows: equal totals on two
-- snapshots mean no change committed in between. Triggers, not the application, write it: no path can forget one.
CREATE TABLE day_changes (
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  date          date NOT NULL,
  weight        bigint NOT NULL DEFAULT 1 CHECK (weight >= 1)
);
CREATE INDEX day_changes_day_idx ON day_changes (restaurant_id, date) INCLUDE (weight);

-- Nothing to note for a restaurant being deleted (its reservations go with it, by cascade).
CREATE FUNCTION note_day_change(p_restaurant text, p_date date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO day_changes (restaurant_id, date)
  SELECT p_restaurant, p_date WHERE EXISTS (SELECT 1 FROM restaurants WHERE id = p_restaurant)
$$;

CREATE FUNCTION reservations_note_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM note_day_change(OLD.restaurant_id, OLD.date);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.restaurant_id, NEW.date) IS DISTINCT FROM (OLD.restaurant_id, OLD.date)) THEN
    PERFORM note_day_change(NEW.restaurant_id, NEW.date);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reservations_note_day
  AFTER INSERT OR DELETE OR UPDATE OF status, date, time, service_key, party_size, event_id, starts_at, hold_ends_at, restaurant_id
  ON reservations FOR EACH ROW EXECUTE FUNCTION reservations_note_day();

CREATE FUNCTION reservation_tables_note_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM note_day_change(r.restaurant_id, r.date) FROM reservations r WHERE r.id = OLD.reservation_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.reservation_id IS DISTINCT FROM OLD.reservation_id) THEN
    PERFORM note_day_change(r.restaurant_id, r.date) FROM reservations r WHERE r.id = NEW.reservation_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reservation_tables_note_day
  AFTER INSERT OR DELETE OR UPDATE OF reservation_id, table_id, during, active
  ON reservation_tables FOR EACH ROW EXECUTE FUNCTION reservation_tables_note_day();
