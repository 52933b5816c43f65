-- Webhooks (API.md §7, docs/webhooks.md): endpoints, the transactional outbox of events, one delivery per
-- (event, endpoint) and every attempt of it. Runs unchanged on PostgreSQL 15 and on PGlite.

CREATE TABLE webhook_endpoints (
  id                         text PRIMARY KEY CHECK (id ~ '^whe_[a-z0-9]+$'),
  restaurant_id              text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  url                        text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  -- Subscribed event types; '*' means every type, including ones added later.
  events                     text[] NOT NULL CHECK (cardinality(events) >= 1),
  description                text CHECK (description IS NULL OR length(description) <= 500),
  enabled                    boolean NOT NULL DEFAULT true,
  disabled_reason            text,
  disabled_at                timestamptz,
  -- Signing secrets (whsec_…). HMAC needs the raw secret, so it cannot be hashed; it is stored as is and never
  -- selected by a query that feeds a response or a log (docs/webhooks.md, "Secrets at rest").
  secret                     text NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
  -- The secret before the last roll: it signs too until previous_secret_expires_at.
  previous_secret            text CHECK (previous_secret IS NULL OR previous_secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
  previous_secret_expires_at timestamptz,
  -- Start of the current run of failed attempts (NULL after a success): drives the automatic disable.
  failing_since              timestamptz,
  last_success_at            timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL)),
  CHECK (enabled OR disabled_at IS NOT NULL)
);
CREATE INDEX webhook_endpoints_restaurant_idx ON webhook_endpoints (restaurant_id, created_at DESC, id DESC);

-- The outbox: written in the same transaction as the change it describes (src/modules/webhooks/outbox.ts).
-- `payload` is the exact body that is signed and sent (json, not jsonb, keeps its bytes and key order).
-- `seq` orders events as they were written; deliveries to one endpoint follow it.
CREATE TABLE webhook_events (
  id            text PRIMARY KEY CHECK (id ~ '^evt_[a-z0-9]+$'),
  seq           bigserial NOT NULL UNIQUE,
  restaurant_id text NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  type          text NOT NULL,
  payload       json NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_restaurant_idx ON webhook_events (restaurant_id, created_at);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

-- pending: waiting for its first attempt · delivering: claimed by a dispatcher until locked_until (its lease) ·
-- failed: the last attempt failed, the next one is due at next_attempt_at · succeeded · dead: retries exhausted,
-- 410 Gone, or the endpoint was disabled (redeliver or replay from the admin API).
-- While delivering, next_attempt_at = locked_until, so "due" is one indexed condition for every waiting state and
-- an expired lease (the instance died mid-delivery) makes the delivery claimable again.
CREATE TABLE webhook_deliveries (
  id               text PRIMARY KEY CHECK (id ~ '^whd_[a-z0-9]+$'),
  event_id         text NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
  endpoint_id      text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_seq        bigint NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed', 'dead')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  locked_until     timestamptz,
  claimed_by       text,
  last_status_code integer,
  last_error       text,
  last_attempt_at  timestamptz,
  completed_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id),
  CHECK ((status = 'delivering') = (claimed_by IS NOT NULL AND locked_until IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
  WHERE status IN ('pending', 'failed', 'delivering');
CREATE INDEX webhook_deliveries_endpoint_seq_idx ON webhook_deliveries (endpoint_id, event_seq DESC, id DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- Every attempt: when, the receiver's status code, how long, what went wrong, and the start of its answer.
CREATE TABLE webhook_delivery_attempts (
  id               bigserial PRIMARY KEY,
  delivery_id      text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt          integer NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  status_code      integer,
  duration_ms      integer,
  error            text CHECK (error IS NULL OR length(error) <= 1000),
  response_excerpt text CHECK (response_excerpt IS NULL OR octet_length(response_excerpt) <= 1024)
);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, id DESC);
