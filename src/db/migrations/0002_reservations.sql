-- Reservations: customers, reservations with their tables (no double booking, enforced here), change history, and
-- idempotency records. Runs unchanged on PostgreSQL 15 and on PGlite.

-- A guest of one restaurant. Email and phone are stored normalised (email trimmed and lower-cased, phone as "+" and
-- digits), so a booking finds the guest again instead of creating a duplicate.
CREATE TABLE customers (
  id            text PRIMARY KEY,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email         text CHECK (email IS NULL OR (email = lower(btrim(email)) AND length(email) BETWEEN 3 AND 254)),
  phone         text CHECK (phone IS NULL OR phone ~ '^\+[0-9]{6,15}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_uq ON customers (restaurant_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_phone_uq ON customers (restaurant_id, phone) WHERE phone IS NOT NULL;

CREATE TABLE reservations (
  id             text PRIMARY KEY,
  restaurant_id  text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  -- Short confirmation code over an alphabet without 0/O/1/I, e.g. K7M-4QX9.
  reference      text NOT NULL CHECK (reference ~ '^[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{4}$'),
  status         text NOT NULL CHECK (status IN ('confirmed', 'seated', 'completed', 'cancelled', 'no_show')),
  -- Holds its tables and counts towards pacing: confirmed or seated.
  active         boolean GENERATED ALWAYS AS (status IN ('confirmed', 'seated')) STORED,
  -- Service date and local wall-clock time of the seating (an overnight service's slot after midnight keeps the date
  -- the service started on).
  date           date NOT NULL,
  time           text NOT NULL CHECK (time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  service_key    text NOT NULL,
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL CHECK (ends_at > starts_at),
  -- End of the tables' hold: ends_at plus the policy's buffer.
  hold_ends_at   timestamptz NOT NULL CHECK (hold_ends_at >= ends_at),
  party_size     integer NOT NULL CHECK (party_size BETWEEN 1 AND 1000),
  customer_id    text REFERENCES customers(id) ON DELETE SET NULL,
  area_key       text,
  requested_area text,
  notes          text CHECK (notes IS NULL OR length(notes) <= 2000),
  source         text NOT NULL DEFAULT 'api',
  cancel_reason  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (restaurant_id, reference)
);
CREATE INDEX reservations_day_idx ON reservations (restaurant_id, date, service_key, time) WHERE active;
CREATE INDEX reservations_list_idx ON reservations (restaurant_id, starts_at, id);
CREATE INDEX reservations_customer_idx ON reservations (restaurant_id, customer_id, starts_at);

-- One row per table a reservation holds (a combination holds each of its member tables), over
-- [starts_at, hold_ends_at). The exclusion constraint makes two active holds of one table overlap impossible,
-- whatever the application does. `active` mirrors the reservation's, maintained by the triggers below.
CREATE TABLE reservation_tables (
  reservation_id text NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
  table_id       text NOT NULL REFERENCES tables(id),
  restaurant_id  text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  during         tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)),
  active         boolean NOT NULL DEFAULT true,
  PRIMARY KEY (reservation_id, table_id),
  CONSTRAINT reservation_tables_no_overlap EXCLUDE USING gist (table_id WITH =, during WITH &&) WHERE (active)
);

CREATE FUNCTION reservation_tables_copy_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r.active INTO NEW.active FROM reservations r WHERE r.id = NEW.reservation_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER reservation_tables_copy_active BEFORE INSERT OR UPDATE ON reservation_tables
  FOR EACH ROW EXECUTE FUNCTION reservation_tables_copy_active();

CREATE FUNCTION reservations_propagate_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reservation_tables SET active = NEW.active WHERE reservation_id = NEW.id AND active IS DISTINCT FROM NEW.active;
  RETURN NULL;
END
$$;
CREATE TRIGGER reservations_propagate_active AFTER UPDATE OF status ON reservations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION reservations_propagate_active();

-- Every change of a reservation, with who made it.
CREATE TABLE reservation_history (
  id             bigserial PRIMARY KEY,
  reservation_id text NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
  restaurant_id  text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  action         text NOT NULL CHECK (action IN ('created', 'updated', 'status_changed')),
  from_status    text,
  to_status      text,
  changes        jsonb NOT NULL DEFAULT '{}',
  actor_type     text NOT NULL CHECK (actor_type IN ('user', 'key', 'cli', 'system', 'guest')),
  actor_id       text,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservation_history_reservation_idx ON reservation_history (reservation_id, id);

-- Idempotency records (API.md §4), scoped to restaurant + key, written in the same transaction as the effect.
CREATE TABLE idempotency_keys (
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  method        text NOT NULL,
  path          text NOT NULL,
  fingerprint   text NOT NULL,
  state         text NOT NULL CHECK (state IN ('in_progress', 'done')),
  status        integer CHECK (status BETWEEN 200 AND 499),
  -- json, not jsonb: it keeps the body's text as sent (key order included), so a replay is byte-identical.
  response      json,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (restaurant_id, key),
  CHECK (state = 'in_progress' OR (status IS NOT NULL AND response IS NOT NULL))
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
