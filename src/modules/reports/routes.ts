/**
 * GET /admin/api/restaurants/{r}/reports/{report}?from=&to=[&format=csv] — one route per report (owners and managers;
 * staff has no access), and GET …/reports with every section in one JSON answer.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS } from '../admin/guard.js';
import { restaurantIdOf } from '../../http/context.js';
import { CSV_TYPE, toCsv } from './csv.js';
import {
  allReportsQuerySchema, allReportsSchema, MAX_RANGE_DAYS, REPORT_NAMES, REPORT_TAGS, reportQuerySchema, reportSchemaOf,
  restaurantParamsSchema, type ReportName,
} from './schemas.js';
import { buildAll, buildSection, CSV_COLUMNS, REPORT_PATHS, reportContext } from './service.js';

const RANGE = `Over the local service dates \`from\`..\`to\` (both included, at most ${MAX_RANGE_DAYS} days; \`to\` before \`from\`, ` +
  'a date that does not exist or a longer range: 422 `validation_failed` naming the field), in the restaurant\'s time zone.';
const CSV = '`?format=csv`: the rows as RFC 4180 CSV (`text/csv; charset=utf-8`, UTF-8 with a byte-order mark, CRLF line ends, ' +
  'a header row of the row fields below, fields with a comma, quote or line break quoted and quotes doubled, null as an empty ' +
  'field), sent as an attachment.';

const ABOUT: { [K in ReportName]: { summary: string; description: string } } = {
  daily: {
    summary: 'Report: daily covers and bookings per service',
    description: 'One row per local service date and service with bookings kept on the book (confirmed, seated, completed, ' +
      'no-show; not cancelled), their covers, and the covers seated (seated or completed). Dates without bookings have no row. ' +
      'A slot after midnight of an overnight service counts on the date its service started.',
  },
  statusMix: {
    summary: 'Report: status mix',
    description: 'Bookings and covers by status: confirmed, seated, completed, no-show, cancelled, and late cancellations apart — ' +
      'cancelled at or after the booking\'s start minus the policy\'s `cancellationCutoffMinutes` (the current policy). Every ' +
      'status has a row.',
  },
  occupancy: {
    summary: 'Report: occupancy by weekday and hour',
    description: 'Seated covers over capacity for each local weekday × hour: the range\'s instants, from local midnight of `from` ' +
      'to local midnight after `to`, are cut into one-hour buckets (a DST day has 23 or 25), each labelled with its local weekday ' +
      'and hour. A seated or completed booking adds guests × the hours of [start, planned end) inside a bucket; the capacity of a ' +
      'bucket is the floor plan\'s seats (Σ max covers of its tables). A row for every weekday × hour the range has.',
  },
  leadTime: {
    summary: 'Report: lead time distribution',
    description: 'Kept bookings by local calendar days between the day they were made and their service date: same day, 1, ' +
      '2–3, 4–7, 8–14, 15–30, 31+. Every bucket has a row.',
  },
  partySize: {
    summary: 'Report: party size distribution',
    description: 'Kept bookings by party size (sizes with bookings only).',
  },
  sources: {
    summary: 'Report: source mix',
    description: 'Kept bookings by `source`: `widget` (the booking widget), `phone` (dashboard bookings), `api` (API keys, unless ' +
      'the client sent another source), `agent` (MCP), `walk_in`, `waitlist` (an accepted waitlist offer), or what a client sent. ' +
      'Most bookings first.',
  },
  waitlist: {
    summary: 'Report: waitlist conversion',
    description: 'Waitlist entries for the range\'s dates by status (waiting, offered, booked, expired, cancelled) and the ' +
      'conversion rate: booked / all entries.',
  },
  guests: {
    summary: 'Report: returning and new guests',
    description: 'Kept bookings by guest: `returning` when the guest was seated (a seated or completed booking) on a date ' +
      'before `from`, `new` otherwise, `unknown` for bookings without a guest record; with the distinct guests of each.',
  },
};

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/reports',
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: REPORT_TAGS,
        summary: 'Reports: every section',
        description: `Every report of the range in one answer (each section as its own route returns it). ${RANGE}`,
        params: restaurantParamsSchema,
        querystring: allReportsQuerySchema,
        response: { 200: allReportsSchema },
      },
    },
    async (req) => {
      const db = app.services.db;
      return buildAll(db, await reportContext(db, restaurantIdOf(req), req.query.from, req.query.to));
    },
  );

  for (const name of REPORT_NAMES) registerReport(app, name);
};

function registerReport(app: Parameters<FastifyPluginAsyncZod>[0], name: ReportName): void {
  const path = REPORT_PATHS[name];
  app.get(
    `/reports/${path}`,
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: REPORT_TAGS,
        summary: ABOUT[name].summary,
        description: `${ABOUT[name].description}\n\n${RANGE}\n\n${CSV}`,
        params: restaurantParamsSchema,
        querystring: reportQuerySchema,
        response: {
          200: {
            description: 'The report (JSON), or its rows as CSV with `?format=csv`.',
            content: {
              'application/json': { schema: reportSchemaOf(name) },
              'text/csv': { schema: z.string().describe(`RFC 4180 CSV with the columns ${CSV_COLUMNS[name].join(', ')}.`) },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const db = app.services.db;
      const { from, to, format } = req.query;
      const context = await reportContext(db, restaurantIdOf(req), from, to);
      const section = await buildSection(db, name, context);
      if (format === 'csv') {
        const rows = section.rows as unknown as Record<string, unknown>[];
        const filename = `${context.header.restaurant}-${path}-${from}-${to}.csv`;
        return reply
          .type(CSV_TYPE)
          .header('content-disposition', `attachment; filename="${filename}"`)
          .serializer((payload: unknown) => payload as string)
          .send(toCsv(CSV_COLUMNS[name], rows));
      }
      return reply.send({ ...context.header, ...section });
    },
  );
}
