-- The guest messages' bodies (text, HTML, calendar file: ~4.7 KB a message, two a booking) are stored compressed, and
-- PostgreSQL's default method, pglz, cost about 1 ms of the database's CPU per booking — over a quarter of all it spent
-- on one (bench/booking-db.ts: 3.93 ms a booking with pglz, 2.79 ms with lz4, the same WAL and table sizes). lz4 where
-- the server is built with it (Debian's and most distributions' packages are); a server without it (the embedded
-- PostgreSQL's binaries) keeps pglz. Only new values are compressed with the new method.
DO $$
BEGIN
  ALTER TABLE guest_messages
    ALTER COLUMN text_body SET COMPRESSION lz4,
    ALTER COLUMN html_body SET COMPRESSION lz4,
    ALTER COLUMN ics SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL; -- built without lz4: the default method stays
END
$$;
