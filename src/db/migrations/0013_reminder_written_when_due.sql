-- A reminder is written when it falls due, not when its booking is made: queued with its headers and subject only,
-- its text, HTML and calendar file are rendered from the booking and the restaurant as they are then, and stored, by
-- the worker pass that then sends it (or marks it not sent) (src/modules/notifications/due.ts). Half of a new
-- booking's email work was a reminder that a move or a cancellation often skips before its time (bench/booking-db.ts:
-- it was ~0.34 ms of the database's CPU and ~0.22 ms of the server's per booking, a fifth of both).
-- Only a reminder may lack its bodies; the text and the HTML are written together.
ALTER TABLE guest_messages
  ALTER COLUMN text_body DROP NOT NULL,
  ALTER COLUMN html_body DROP NOT NULL,
  ADD CONSTRAINT guest_messages_written_check
    CHECK ((text_body IS NULL) = (html_body IS NULL) AND (text_body IS NOT NULL OR kind = 'reminder'));
