-- Reports (docs/reports.md) read every reservation of a range of service dates, whatever its status:
-- reservations_day_idx holds only the active ones, so they get their own index on (restaurant, date).
CREATE INDEX reservations_report_idx ON reservations (restaurant_id, date) INCLUDE (status, party_size);
