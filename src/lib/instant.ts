/** ISO 8601 instants from clients, as the database can store them. */
import { z } from 'zod';

/**
 * An ISO 8601 date-time with any offset, normalised to UTC (`…Z`): PostgreSQL takes offsets only up to ±15:59 and
 * no year 0000, so both are settled here, as a 422 for the client rather than a database error.
 */
export const utcInstantSchema = z.iso.datetime({ offset: true }).transform((value, ctx) => {
  const iso = new Date(value).toISOString();
  if (!/^(?!0000)\d{4}-/.test(iso)) {
    ctx.addIssue({ code: 'custom', message: 'must fall between the years 0001 and 9999 (UTC)' });
    return z.NEVER;
  }
  return iso;
});
