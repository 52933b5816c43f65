/** ISO 8601 instants from clients, as the database can store them. */
import { z } from 'zod';

/** The instants every input must fall within (inclusive, UTC): the supported dates of restaurants/clock.ts. */
export const SUPPORTED_INSTANTS = { min: '1900-01-01T00:00:00.000Z', max: '9999-12-31T23:59:59.999Z' } as const;

/**
 * An ISO 8601 date-time with any offset, normalised to UTC (`…Z`): PostgreSQL takes offsets only up to ±15:59 and
 * no year 0000, so both are settled here, as a 422 for the client rather than a database error; an instant outside
 * SUPPORTED_INSTANTS is refused the same way.
 */
export const utcInstantSchema = z.iso.datetime({ offset: true }).transform((value, ctx) => {
  const iso = new Date(value).toISOString();
  // toISOString writes years outside 0000–9999 with a sign (+010000-…), which sorts before any digit: check the shape.
  if (!/^\d{4}-/.test(iso) || iso < SUPPORTED_INSTANTS.min || iso > SUPPORTED_INSTANTS.max) {
    ctx.addIssue({ code: 'custom', message: `must fall between ${SUPPORTED_INSTANTS.min} and ${SUPPORTED_INSTANTS.max}` });
    return z.NEVER;
  }
  return iso;
});
