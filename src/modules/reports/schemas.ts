/** Request and response schemas of the reports (validation, serialization and OpenAPI from one source). */
import { z } from 'zod';
import { dateSchema } from '../availability/schemas.js';
import { restaurantParamsSchema } from '../admin/schemas.js';

export const REPORT_TAGS = ['Reports'];

/** The longest range a report covers, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both included (calendar dates, no time zone involved). */
export function rangeDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** Refines an object with `from` and `to`: `to` not before `from`, at most MAX_RANGE_DAYS days. */
export function rangeIssue(from: string, to: string): string | null {
  if (from > to) return 'must not be before from';
  if (rangeDays(from, to) > MAX_RANGE_DAYS) return `the range must not exceed ${MAX_RANGE_DAYS} days`;
  return null;
}

const rangeShape = {
  from: dateSchema.describe('First local service date of the range (YYYY-MM-DD, the restaurant\'s time zone).'),
  to: dateSchema.describe(`Last local service date, included (YYYY-MM-DD); at most ${MAX_RANGE_DAYS} days after \`from\` counting both ends.`),
};

export const reportQuerySchema = z
  .object({
    ...rangeShape,
    format: z
      .enum(['json', 'csv'])
      .default('json')
      .describe('`csv`: the report\'s rows as RFC 4180 CSV (text/csv, UTF-8 with a byte-order mark, CRLF line ends, a header row).'),
  })
  .superRefine((q, ctx) => {
    const issue = rangeIssue(q.from, q.to);
    if (issue) ctx.addIssue({ code: 'custom', path: ['to'], message: issue });
  });

export const allReportsQuerySchema = z
  .object({
    ...rangeShape,
    format: z.literal('json').optional().describe('Only `json`: CSV is per report (`…/reports/{report}?format=csv`).'),
  })
  .superRefine((q, ctx) => {
  const issue = rangeIssue(q.from, q.to);
  if (issue) ctx.addIssue({ code: 'custom', path: ['to'], message: issue });
});

export { restaurantParamsSchema };

const count = z.number().int().min(0);
const share = z.number().min(0).max(1).describe('Fraction of the total, 0..1, rounded to 4 decimals.');

export const dailyRowSchema = z.object({
  date: z.string().describe('Local service date.'),
  service: z.string().describe('Service key (an event booking: the event\'s key).'),
  bookings: count.describe('Bookings kept on the book: confirmed, seated, completed and no-show (not cancelled).'),
  covers: count.describe('Guests of those bookings.'),
  seatedCovers: count.describe('Guests of the seated and completed bookings.'),
});

export const STATUS_MIX_KEYS = ['confirmed', 'seated', 'completed', 'no_show', 'cancelled', 'late_cancelled'] as const;
export const statusMixRowSchema = z.object({
  status: z.enum(STATUS_MIX_KEYS).describe('`cancelled`: cancelled before the cut-off; `late_cancelled`: inside it (or after the start).'),
  bookings: count,
  covers: count,
  share,
});

export const occupancyRowSchema = z.object({
  weekday: z.number().int().min(1).max(7).describe('ISO weekday of the local date: 1 = Monday … 7 = Sunday.'),
  hour: z.number().int().min(0).max(23).describe('Local hour of day.'),
  hours: count.describe('Clock hours of the range with this weekday and local hour (a DST fall-back hour counts twice, a skipped hour not at all).'),
  seatedCoverHours: z.number().min(0).describe('Σ guests × hours seated (seated and completed bookings, start to planned end) in those hours.'),
  capacityCoverHours: count.describe('Seats of the floor plan × hours.'),
  occupancy: z.number().min(0).nullable().describe('seatedCoverHours / capacityCoverHours, 4 decimals (null without tables).'),
});

export const LEAD_TIME_BUCKETS = ['same_day', '1_day', '2_3_days', '4_7_days', '8_14_days', '15_30_days', '31_plus_days'] as const;
export const leadTimeRowSchema = z.object({
  bucket: z.enum(LEAD_TIME_BUCKETS),
  minDays: count.describe('Local calendar days from the day the booking was made to its service date, lower bound.'),
  maxDays: count.nullable().describe('Upper bound, included (null: open).'),
  bookings: count,
  covers: count,
  share,
});

export const partySizeRowSchema = z.object({ partySize: z.number().int().min(1), bookings: count, covers: count, share });

export const sourceRowSchema = z.object({
  source: z.string().describe('`widget`, `phone`, `api`, `agent` (MCP), `walk_in`, `waitlist` (an accepted waitlist offer), or what an API client sent.'),
  bookings: count,
  covers: count,
  share,
});

export const WAITLIST_STATUSES = ['waiting', 'offered', 'booked', 'expired', 'cancelled'] as const;
export const waitlistRowSchema = z.object({ status: z.enum(WAITLIST_STATUSES), entries: count, covers: count, share });

export const GUEST_KINDS = ['new', 'returning', 'unknown'] as const;
export const guestRowSchema = z.object({
  kind: z.enum(GUEST_KINDS).describe(
    '`returning`: the guest was seated (seated or completed booking) on a date before `from`; `new`: not; `unknown`: bookings without a guest record.',
  ),
  guests: count.nullable().describe('Distinct guests (null for `unknown`).'),
  bookings: count,
  covers: count,
});

const header = {
  restaurant: z.string().describe('The restaurant\'s slug.'),
  timezone: z.string().describe('The restaurant\'s IANA time zone: every date and hour is local to it.'),
  from: z.string(),
  to: z.string(),
};

export const dailySectionSchema = z.object({ rows: z.array(dailyRowSchema) });
export const statusMixSectionSchema = z.object({
  cancellationCutoffMinutes: count.describe('The policy\'s cut-off used to tell late cancellations apart (the current policy).'),
  rows: z.array(statusMixRowSchema),
});
export const occupancySectionSchema = z.object({ seats: count.describe('Seats of the floor plan: Σ max covers of its tables.'), rows: z.array(occupancyRowSchema) });
export const leadTimeSectionSchema = z.object({ rows: z.array(leadTimeRowSchema) });
export const partySizeSectionSchema = z.object({ rows: z.array(partySizeRowSchema) });
export const sourcesSectionSchema = z.object({ rows: z.array(sourceRowSchema) });
export const waitlistSectionSchema = z.object({
  conversionRate: z.number().min(0).max(1).nullable().describe('booked / all entries of the range, 4 decimals (null without entries).'),
  rows: z.array(waitlistRowSchema),
});
export const guestsSectionSchema = z.object({ rows: z.array(guestRowSchema) });

export const SECTION_SCHEMAS = {
  daily: dailySectionSchema,
  statusMix: statusMixSectionSchema,
  occupancy: occupancySectionSchema,
  leadTime: leadTimeSectionSchema,
  partySize: partySizeSectionSchema,
  sources: sourcesSectionSchema,
  waitlist: waitlistSectionSchema,
  guests: guestsSectionSchema,
} as const;
export type ReportName = keyof typeof SECTION_SCHEMAS;
export const REPORT_NAMES = Object.keys(SECTION_SCHEMAS) as ReportName[];
export type Sections = { [K in ReportName]: z.output<(typeof SECTION_SCHEMAS)[K]> };

export const reportHeaderSchema = z.object(header);
export type ReportHeader = z.output<typeof reportHeaderSchema>;

/** One report: the range header and that report's section. */
export function reportSchemaOf<K extends ReportName>(name: K) {
  return reportHeaderSchema.extend(SECTION_SCHEMAS[name].shape);
}

export const allReportsSchema = reportHeaderSchema.extend(SECTION_SCHEMAS);
