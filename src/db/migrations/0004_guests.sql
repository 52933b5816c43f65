-- Guests (docs/guests.md): customer profiles (tags, notes, marketing consent, GDPR erasure), event bookings, waitlist
-- entries and their offers. Runs unchanged on PostgreSQL 15 and on PGlite.

-- Customers: a profile per restaurant. An erased customer keeps its row as an anonymous tombstone (its reservations
-- still count in the restaurant's statistics) with every personal field emptied.
ALTER TABLE customers ALTER COLUMN name DROP NOT NULL;
ALTER TABLE customers
  ADD COLUMN tags                     text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 50),
  ADD COLUMN notes                    text CHECK (notes IS NULL OR length(notes) <= 2000),
  ADD COLUMN marketing_consent        boolean NOT NULL DEFAULT false,
  ADD COLUMN marketing_consent_at     timestamptz,
  ADD COLUMN marketing_consent_source text CHECK (marketing_consent_source IS NULL OR length(marketing_consent_source) BETWEEN 1 AND 50),
  ADD COLUMN erased_at                timestamptz,
  ADD CONSTRAINT customers_named_check CHECK (erased_at IS NOT NULL OR name IS NOT NULL),
  ADD CONSTRAINT customers_erased_check CHECK (
    erased_at IS NULL OR (name IS NULL AND email IS NULL AND phone IS NULL AND notes IS NULL AND cardinality(tags) = 0
                          AND NOT marketing_consent AND marketing_consent_source IS NULL));
CREATE INDEX customers_list_idx ON customers (restaurant_id, created_at, id) WHERE erased_at IS NULL;

-- Reservations gain a `held` status: a table hold made for a waitlist offer. It is active (it holds its tables under
-- the exclusion constraint and counts for pacing) but it is not a booking: the API never lists or returns it.
-- `active` is a generated column, so it is rebuilt with the new list (PostgreSQL 15 cannot change its expression).
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('confirmed', 'seated', 'completed', 'cancelled', 'no_show', 'held'));
DROP INDEX reservations_day_idx;
ALTER TABLE reservations DROP COLUMN active;
ALTER TABLE reservations ADD COLUMN active boolean GENERATED ALWAYS AS (status IN ('confirmed', 'seated', 'held')) STORED;
CREATE INDEX reservations_day_idx ON reservations (restaurant_id, date, service_key, time) WHERE active;

-- A booking for a special event takes seats from the event's capacity instead of a table (no reservation_tables
-- rows). Seats are counted under the (restaurant, date) advisory lock every booking takes. An event that still has
-- reservations cannot be deleted (no cascade).
ALTER TABLE reservations ADD COLUMN event_id text REFERENCES events(id);
CREATE INDEX reservations_event_idx ON reservations (event_id, status) WHERE event_id IS NOT NULL;

-- Waitlist entries: waiting → offered → booked | expired | cancelled (waiting → cancelled too).
-- While offered, `reservation_id` is the held reservation that keeps the table for the guest until
-- offer_expires_at; accepting turns that very reservation into a confirmed booking (booked); expiry or
-- cancellation deletes it. The window is local wall time of the service date; NULL = the whole day.
CREATE TABLE waitlist_entries (
  id               text PRIMARY KEY CHECK (id ~ '^wl_[a-z0-9]+$'),
  -- Arrival order (offers go to the earliest waiting entry first).
  seq              bigserial NOT NULL UNIQUE,
  restaurant_id    text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  customer_id      text REFERENCES customers(id) ON DELETE SET NULL,
  date             date NOT NULL,
  preferred_time   text CHECK (preferred_time IS NULL OR preferred_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  window_start     text CHECK (window_start IS NULL OR window_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  window_end       text CHECK (window_end IS NULL OR window_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  party_size       integer NOT NULL CHECK (party_size BETWEEN 1 AND 1000),
  area_key         text,
  notes            text CHECK (notes IS NULL OR length(notes) <= 2000),
  source           text NOT NULL DEFAULT 'api',
  status           text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'cancelled')),
  reservation_id   text REFERENCES reservations(id) ON DELETE SET NULL,
  offered_at       timestamptz,
  offer_expires_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((window_start IS NULL) = (window_end IS NULL)),
  CHECK (status <> 'offered' OR (reservation_id IS NOT NULL AND offered_at IS NOT NULL AND offer_expires_at IS NOT NULL))
);
CREATE INDEX waitlist_day_idx ON waitlist_entries (restaurant_id, date, seq);
CREATE INDEX waitlist_customer_idx ON waitlist_entries (customer_id);
CREATE INDEX waitlist_due_offers_idx ON waitlist_entries (offer_expires_at) WHERE status = 'offered';
