-- The day-change log's writer (0005) as PL/pgSQL instead of SQL: a SQL function's INSERT was parsed and planned again
-- on every call (twice a booking: its reservation and its holds, ~0.13 ms of the server's CPU each), where PL/pgSQL
-- keeps its plan for the session. Same statement, same effect.
CREATE OR REPLACE FUNCTION note_day_change(p_restaurant text, p_date date) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO day_changes (restaurant_id, date)
  SELECT p_restaurant, p_date WHERE EXISTS (SELECT 1 FROM restaurants WHERE id = p_restaurant);
END
$$;
