-- Guest notifications (issue #17, docs/notifications.md): the messages a guest gets (confirmation, change,
-- cancellation, reminder, waitlist offer), rendered and stored in the same transaction as the change that causes
-- them (an outbox like the webhooks'), and sent by the notification worker (src/modules/notifications/worker.ts).
-- Runs unchanged on PostgreSQL 15 and on the embedded server.

-- The restaurant's notification settings (the `notifications` section of the configuration file; defaults: all on).
ALTER TABLE restaurants ADD COLUMN notifications jsonb NOT NULL DEFAULT '{}';

-- pending: queued (send_after in the future for a reminder; maybe retrying, next_attempt_at says when) ·
-- sent · failed: final (a permanent SMTP reply, or retries exhausted; last_error has the server's reply) ·
-- not_sent: rendered and kept, no SMTP configured · skipped: a reminder whose booking was cancelled, marked no-show
-- or moved before it went out (a move enqueues a new one), or a message of a guest that asked not to be contacted.
-- While a worker holds a message, locked_until is its lease: an instance that dies mid-send gives it back.
CREATE TABLE guest_messages (
  id                 text PRIMARY KEY CHECK (id ~ '^msg_[a-z0-9]+$'),
  restaurant_id      text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  reservation_id     text REFERENCES reservations(id) ON DELETE SET NULL,
  waitlist_entry_id  text REFERENCES waitlist_entries(id) ON DELETE SET NULL,
  customer_id        text REFERENCES customers(id) ON DELETE SET NULL,
  kind               text NOT NULL CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder', 'waitlist_offer')),
  channel            text NOT NULL DEFAULT 'email' CHECK (channel IN ('email')),
  recipient          text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
  language           text NOT NULL CHECK (language IN ('en', 'fr')),
  from_name          text,
  from_address       text,
  reply_to           text,
  subject            text NOT NULL,
  text_body          text NOT NULL,
  html_body          text NOT NULL,
  ics                text,
  send_after         timestamptz NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'not_sent', 'skipped')),
  attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at    timestamptz NOT NULL,
  locked_until       timestamptz,
  claimed_by         text,
  last_error         text,
  smtp_message_id    text,
  sent_at            timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The worker: due pending messages (next_attempt_at >= send_after; a claimed one has next_attempt_at = locked_until).
CREATE INDEX guest_messages_due_idx ON guest_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX guest_messages_reservation_idx ON guest_messages (reservation_id, created_at DESC) WHERE reservation_id IS NOT NULL;
CREATE INDEX guest_messages_customer_idx ON guest_messages (customer_id, created_at DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX guest_messages_restaurant_idx ON guest_messages (restaurant_id, created_at DESC, id DESC);

-- Per reservation: the booking's language, the calendar SEQUENCE (increases with every change the guest is told
-- about, so calendars update the event instead of duplicating it) and what the guest was last told (a change is a
-- move of date, time or party size).
CREATE TABLE guest_message_state (
  reservation_id  text PRIMARY KEY REFERENCES reservations(id) ON DELETE CASCADE,
  restaurant_id   text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  language        text NOT NULL CHECK (language IN ('en', 'fr')),
  sequence        integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  starts_at       timestamptz NOT NULL,
  party_size      integer NOT NULL
);
