-- Foundation: restaurants and their floor plan, API keys and their usage, admin users, sessions, audit log.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE restaurants (
  id          text PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone    text NOT NULL,
  plan        text NOT NULL CHECK (plan IN ('starter', 'business', 'pro')),
  policy      jsonb NOT NULL,
  contact     jsonb NOT NULL DEFAULT '{}',
  location    jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE areas (
  id            text PRIMARY KEY,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  key           text NOT NULL,
  name          text NOT NULL,
  position      integer NOT NULL DEFAULT 0,
  UNIQUE (restaurant_id, key)
);

CREATE TABLE tables (
  id            text PRIMARY KEY,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  area_id       text NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  key           text NOT NULL,
  min_covers    integer NOT NULL CHECK (min_covers >= 1),
  max_covers    integer NOT NULL CHECK (max_covers >= min_covers),
  position      integer NOT NULL DEFAULT 0,
  UNIQUE (restaurant_id, key)
);

CREATE TABLE table_combinations (
  id            text PRIMARY KEY,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  min_covers    integer NOT NULL CHECK (min_covers >= 1),
  max_covers    integer NOT NULL CHECK (max_covers >= min_covers),
  position      integer NOT NULL DEFAULT 0
);

CREATE TABLE combination_tables (
  combination_id text NOT NULL REFERENCES table_combinations(id) ON DELETE CASCADE,
  table_id       text NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  PRIMARY KEY (combination_id, table_id)
);

CREATE TABLE services (
  id                    text PRIMARY KEY,
  restaurant_id         text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  key                   text NOT NULL,
  name                  text NOT NULL,
  days                  text[] NOT NULL,
  start_time            text NOT NULL,
  last_seating          text NOT NULL,
  end_time              text NOT NULL,
  max_covers_per_slot   integer CHECK (max_covers_per_slot >= 1),
  max_bookings_per_slot integer CHECK (max_bookings_per_slot >= 1),
  position              integer NOT NULL DEFAULT 0,
  UNIQUE (restaurant_id, key)
);

CREATE TABLE closures (
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  date          date NOT NULL,
  reason        text,
  PRIMARY KEY (restaurant_id, date)
);

-- A special-hours day replaces the regular services of that date with its own list.
CREATE TABLE special_hours (
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  date          date NOT NULL,
  services      jsonb NOT NULL,
  PRIMARY KEY (restaurant_id, date)
);

CREATE TABLE events (
  id                     text PRIMARY KEY,
  restaurant_id          text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  key                    text NOT NULL,
  name                   text NOT NULL,
  date                   date NOT NULL,
  start_time             text NOT NULL,
  end_time               text NOT NULL,
  capacity               integer NOT NULL CHECK (capacity >= 1),
  closes_regular_service boolean NOT NULL DEFAULT false,
  UNIQUE (restaurant_id, key)
);

-- API keys: only the SHA-256 of the full key is stored. `public_id` is the 8-char id inside the key.
CREATE TABLE api_keys (
  id                            text PRIMARY KEY,
  public_id                     text NOT NULL UNIQUE CHECK (public_id ~ '^[a-z0-9]{8}$'),
  restaurant_id                 text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  name                          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  environment                   text NOT NULL CHECK (environment IN ('live', 'test')),
  key_hash                      text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  scopes                        text[] NOT NULL,
  allowed_origins               text[] NOT NULL DEFAULT '{}',
  rate_limit_per_minute         integer NOT NULL DEFAULT 120 CHECK (rate_limit_per_minute BETWEEN 1 AND 1000),
  booking_rate_limit_per_minute integer CHECK (booking_rate_limit_per_minute BETWEEN 1 AND 1000),
  expires_at                    timestamptz,
  status                        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'rotating', 'revoked')),
  grace_ends_at                 timestamptz,
  revoked_at                    timestamptz,
  rotated_from_id               text REFERENCES api_keys(id) ON DELETE SET NULL,
  last_used_at                  timestamptz,
  created_at                    timestamptz NOT NULL DEFAULT now(),
  updated_at                    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_restaurant_idx ON api_keys (restaurant_id, created_at DESC);

CREATE TABLE api_key_usage (
  id          bigserial PRIMARY KEY,
  key_id      text NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  method      text NOT NULL,
  route       text NOT NULL,
  status      integer NOT NULL,
  origin      text,
  duration_ms real
);
CREATE INDEX api_key_usage_key_at_idx ON api_key_usage (key_id, at DESC);

CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL UNIQUE CHECK (email = lower(email)),
  name          text,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  role          text NOT NULL CHECK (role IN ('owner', 'manager', 'staff')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, restaurant_id)
);

-- Sessions are looked up by the SHA-256 of the cookie value; the raw value is never stored.
CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Append-only record of who did what; no foreign keys so it outlives what it describes.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  restaurant_id text,
  actor_type    text NOT NULL CHECK (actor_type IN ('user', 'key', 'cli', 'system')),
  actor_id      text,
  action        text NOT NULL,
  target_type   text,
  target_id     text,
  ip            text,
  details       jsonb NOT NULL DEFAULT '{}',
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_restaurant_idx ON audit_log (restaurant_id, at DESC);
