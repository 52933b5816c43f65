/**
 * Hot statements run as named prepared statements on PostgreSQL: the server parses and plans them once per connection
 * instead of on every call (for the day read of availability, planning cost more than executing). Opt-in per text, so
 * SQL built at run time (multi-row inserts, filters) never fills a connection's statement cache. The text stays a
 * string everywhere else (wrappers, logs).
 *
 * A connection pooler in transaction mode must support prepared statements (PgBouncer ≥ 1.21 with
 * max_prepared_statements set); see docs/deploy.md.
 */
const names = new Map<string, string>();
const taken = new Set<string>();

/** Registers `sql` to run as the prepared statement `name`; returns the text unchanged. */
export function prepared(name: string, sql: string): string {
  const existing = names.get(sql);
  if (existing === name) return sql;
  if (existing !== undefined || taken.has(name)) throw new Error(`prepared statement ${name}: the name or the text is registered twice`);
  names.set(sql, name);
  taken.add(name);
  return sql;
}

/** The statement name registered for this exact text, if any. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}
