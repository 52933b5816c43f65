-- Reports (docs/reports.md, docs/benchmarks.md):
-- status mix looks up when each cancelled booking of the range was cancelled: an index-only probe of one entry in the
-- history's cancellations instead of every history row of the booking;
CREATE INDEX reservation_history_cancelled_idx ON reservation_history (reservation_id, at) WHERE to_status = 'cancelled';
-- occupancy reads the seated and completed bookings that end after the range's first instant, with their span and
-- party size in the index (an index-only scan, bounded by the range rather than by the length of the history).
CREATE INDEX reservations_seated_span_idx ON reservations (restaurant_id, ends_at) INCLUDE (starts_at, party_size)
  WHERE status IN ('seated', 'completed');
