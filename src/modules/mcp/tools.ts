/**
 * The MCP tools: each a thin call of the service behind the matching REST route, with its input schema derived from
 * that route's zod schema (JSON Schema for tools/list by `z.toJSONSchema`), and the scope that route requires.
 * Descriptions are written for a model: what the tool does, when to use it, what it needs from the guest, and that
 * it must confirm with the guest before anything is booked, changed or cancelled.
 *
 * Agent bookings and waitlist entries are marked `source: "agent"`. Look-up, reschedule and cancel go through guest
 * self-service (GuestService): the agent proves the booking with its reference and the guest's email or phone, as
 * the guest would, and the restaurant's cancellation cut-off applies; the history names the agent's API key.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services.js';
import type { Queryable } from '../../db/types.js';
import { drawBookingBudget } from '../../http/auth.js';
import type { AuthenticatedKey, RestaurantRef } from '../../http/context.js';
import { canonicalJson, fingerprintOf, IDEMPOTENCY_WAIT_MS, runIdempotent } from '../../http/idempotency.js';
import { availabilityQuerySchema, dateSchema, hoursQuerySchema, timeSchema } from '../availability/schemas.js';
import { drawReferenceBudget } from '../guest/gate.js';
import { cancelBodySchema, lookupBodySchema, rescheduleBodySchema } from '../guest/schemas.js';
import type { Scope } from '../keys/scopes.js';
import type { ReservationActor } from '../reservations/history.js';
import { bookingCustomerInputSchema, createReservationBodySchema } from '../reservations/schemas.js';
import { createWaitlistBodySchema } from '../waitlist/schemas.js';
import { freeTimes } from './free-times.js';

/** The source of bookings and waitlist entries made through MCP. */
export const AGENT_SOURCE = 'agent';

export interface ToolContext {
  req: FastifyRequest;
  services: Services;
  key: AuthenticatedKey;
  restaurant: RestaurantRef;
}

export interface ToolOutput {
  value: Record<string, unknown>;
  /** One line for the model, before the JSON. */
  summary?: string;
}

export interface McpTool {
  name: string;
  title: string;
  description: string;
  scope: Scope;
  input: z.ZodType;
  annotations: { readOnlyHint: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: false };
  run(ctx: ToolContext, args: unknown): Promise<ToolOutput>;
}

function defineTool<S extends z.ZodType>(
  tool: Omit<McpTool, 'input' | 'run'> & { input: S; run(ctx: ToolContext, args: z.output<S>): Promise<ToolOutput> },
): McpTool {
  return tool as unknown as McpTool;
}

const actorOf = (ctx: ToolContext): ReservationActor => ({ type: 'key', id: ctx.key.id });

const CONFIRM = 'Before calling it, read the details back to the guest and get their explicit yes.';
const DATES = 'Dates are the restaurant\'s local dates (YYYY-MM-DD) and times its local wall times (HH:mm, 24-hour).';

const date = dateSchema.describe('Local date, YYYY-MM-DD.');
const time = timeSchema.describe('Local time, HH:mm (24-hour).');
const requestToken = z
  .string()
  .regex(/^[\x21-\x7e]{1,100}$/, { error: 'must be 1–100 printable ASCII characters without spaces' })
  .optional()
  .describe(
    'Optional token of this booking intent (e.g. a UUID you make once per intent). Retrying the call with the same ' +
      'arguments never books twice; without a token, identical arguments within 24 hours are the same booking. Pass a new ' +
      'token only to make a second, separate booking with exactly the same details.',
  );
const guest = bookingCustomerInputSchema
  .extend({
    marketingConsent: bookingCustomerInputSchema.shape.marketingConsent.describe(
      'true only when the guest explicitly agreed to receive the restaurant\'s news and offers; otherwise leave it out.',
    ),
  })
  .describe('The guest: their name, and their email or phone (international format, e.g. +33 1 23 45 67 89) — at least one of the two.');

/** A booking or waitlist entry needs a way to reach the guest, and to let them (or you) find it again. */
function requireContact(b: { customer: { email?: string | null; phone?: string | null } }, ctx: z.RefinementCtx): void {
  if (!b.customer.email && !b.customer.phone) {
    ctx.addIssue({ code: 'custom', path: ['customer', 'email'], message: 'ask the guest for an email address or a phone number (one is required)' });
  }
}

/**
 * Runs a creating effect once per call: the idempotency key is derived from the API key, the tool and its validated
 * arguments (requestToken included), so a retried call replays the first one's result. A refusal is not kept (the
 * same call may succeed later, when a table frees up).
 */
async function once<T>(ctx: ToolContext, tool: string, args: unknown, effect: (tx: Queryable) => Promise<T>): Promise<{ body: T; replayed: boolean }> {
  const { db, now } = ctx.services;
  const digest = createHash('sha256').update(`${ctx.key.id}\n${tool}\n${canonicalJson(args)}`).digest('hex');
  const path = `/mcp/tools/${tool}`;
  const outcome = await runIdempotent(
    db, now(),
    {
      restaurantId: ctx.restaurant.id, key: `mcp:${digest}`, method: 'POST', path, fingerprint: fingerprintOf('POST', path, args),
      waitMs: IDEMPOTENCY_WAIT_MS, keepErrors: false,
    },
    async (tx) => ({ status: 201, body: await effect(tx) }),
  );
  if (outcome.kind === 'error') throw outcome.error;
  return { body: outcome.body as T, replayed: outcome.replayed };
}

const getRestaurant = defineTool({
  name: 'get_restaurant',
  title: 'Restaurant profile and booking policy',
  description:
    'The restaurant\'s name, time zone, contact, address and booking policy (party sizes it takes online, how far ahead and ' +
    'how late one can book, the cancellation cut-off). Use it first when you need to tell the guest about the restaurant or ' +
    'check a party size; it needs nothing from the guest.',
  scope: 'config:read',
  input: z.strictObject({}),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (ctx) => ({ value: { ...(await ctx.services.restaurants.profile(ctx.restaurant.id)) } }),
});

const getOpeningHours = defineTool({
  name: 'get_opening_hours',
  title: 'Opening hours per date',
  description:
    `The services (e.g. lunch, dinner) of each date from \`from\` (default today) to \`to\` (default a week later, at most 92 ` +
    `days), with closures, special hours and special events. Use it when the guest asks when the restaurant is open; to know ` +
    `whether a table is free, use find_availability. ${DATES}`,
  scope: 'availability:read',
  input: z.strictObject({ from: hoursQuerySchema.shape.from, to: hoursQuerySchema.shape.to }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (ctx, args) => ({ value: { ...(await ctx.services.availability.hours(ctx.restaurant.id, args)) } }),
});

const findAvailability = defineTool({
  name: 'find_availability',
  title: 'Find free times',
  description:
    'The times a table is free on a date for a party size — the same decision booking makes. Optionally narrow it to a ' +
    '`window` of times, or to an `area` (a room\'s key; an unknown one is refused with the list of areas). Give `time` ' +
    'when the guest asked for one: `requested` says whether it is free and, when it is not, `nearest` lists the closest ' +
    `free times to offer instead. Use it before book_table. Needs the date and the number of guests. ${DATES}`,
  scope: 'availability:read',
  input: z.strictObject({
    date,
    partySize: availabilityQuerySchema.shape.partySize.describe('Number of guests.'),
    time: time.optional().describe('The time the guest asked for, HH:mm.'),
    window: z.strictObject({ from: timeSchema, to: timeSchema }).optional().describe('Only times from `from` to `to`, inclusive.'),
    area: availabilityQuerySchema.shape.area.describe('Only tables in this area (its key).'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (ctx, args) => {
    const day = await ctx.services.availability.forDate(ctx.restaurant.id, { date: args.date, partySize: args.partySize, area: args.area });
    const view = freeTimes(day, { time: args.time, window: args.window });
    const summary = view.closed
      ? `Closed on ${view.date}.`
      : view.requested && !view.requested.available
        ? `${view.requested.time} is not free (${view.requested.reason}); nearest free: ${view.nearest.map((n) => n.time).join(', ') || 'none'}.`
        : `${view.freeTimes.length} free time(s) on ${view.date} for ${view.partySize}.`;
    return { value: { ...view }, summary };
  },
});

const bookTable = defineTool({
  name: 'book_table',
  title: 'Book a table',
  description:
    'Books a table for the guest at a free time (check it with find_availability first). Needs from the guest: the date, ' +
    'time, number of guests, their name, and their email or phone number; optionally notes (allergies, occasion) and an ' +
    `area. ${CONFIRM} The answer carries the booking's \`reference\` (e.g. K7M-4QX9): give it to the guest, who needs it with ` +
    'their email or phone to change or cancel. Retrying the same call never books twice. A refusal says why (`code`): ' +
    'no_tables_available or slot_limit_reached — offer other times from find_availability; outside_opening_hours; ' +
    `party_size_out_of_range — the restaurant takes such parties by phone. ${DATES}`,
  scope: 'reservations:write',
  input: createReservationBodySchema
    .omit({ source: true, eventId: true, language: true })
    .extend({
      date,
      time,
      partySize: createReservationBodySchema.shape.partySize.describe('Number of guests.'),
      customer: guest,
      notes: createReservationBodySchema.shape.notes.describe('Anything the restaurant should know (allergies, occasion, high chair).'),
      requestToken,
    })
    .superRefine(requireContact),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: async (ctx, args) => {
    await drawBookingBudget(ctx.services.limiter, ctx.key);
    const { requestToken: _token, ...input } = args;
    const { body, replayed } = await once(ctx, 'book_table', args, (tx) =>
      ctx.services.reservations.create(ctx.restaurant.id, { ...input, source: AGENT_SOURCE }, actorOf(ctx), tx),
    );
    const summary = `${replayed ? 'Already booked by an identical earlier call (nothing new booked)' : 'Booked'}: reference ${body.reference}, ` +
      `${body.date} at ${body.time}, ${body.partySize} guest(s).`;
    return { value: { reservation: body, replayed }, summary };
  },
});

const proofNote =
  'Needs the booking\'s reference and the email or phone number it was made with, both from the guest. An unknown ' +
  'reference and a wrong contact answer the same reservation_not_found.';

const findBooking = defineTool({
  name: 'find_booking',
  title: 'Look up a booking',
  description:
    `Finds a booking to tell the guest its date, time, party size and status, and whether it can still be changed online ` +
    `(\`changeable\`, until \`cutoffAt\`). ${proofNote}`,
  scope: 'reservations:read',
  input: lookupBodySchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: async (ctx, args) => {
    await drawReferenceBudget(ctx.req, ctx.restaurant.id, args.reference);
    return { value: { ...(await ctx.services.guest.lookup(ctx.restaurant, args)) } };
  },
});

const rescheduleBooking = defineTool({
  name: 'reschedule_booking',
  title: 'Move a booking',
  description:
    `Moves a confirmed booking to another date and/or time, and/or changes the number of guests — atomically: if the new ` +
    `time is not free the booking stays as it was (check with find_availability first). ${proofNote} ${CONFIRM} Refused ` +
    `after the restaurant's cancellation cut-off (cancellation_cutoff_passed): the guest must call the restaurant. ${DATES}`,
  scope: 'reservations:write',
  input: rescheduleBodySchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: async (ctx, args) => {
    await drawReferenceBudget(ctx.req, ctx.restaurant.id, args.reference);
    const view = await ctx.services.guest.reschedule(ctx.restaurant, args, actorOf(ctx));
    return { value: { ...view }, summary: `Moved: reference ${view.reference}, ${view.date} at ${view.time}, ${view.partySize} guest(s).` };
  },
});

const cancelBooking = defineTool({
  name: 'cancel_booking',
  title: 'Cancel a booking',
  description:
    `Cancels a confirmed booking and frees its table. ${proofNote} ${CONFIRM} Refused after the restaurant's cancellation ` +
    'cut-off (cancellation_cutoff_passed): the guest must call the restaurant.',
  scope: 'reservations:cancel',
  input: cancelBodySchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  run: async (ctx, args) => {
    await drawReferenceBudget(ctx.req, ctx.restaurant.id, args.reference);
    const view = await ctx.services.guest.cancel(ctx.restaurant, args, actorOf(ctx));
    return { value: { ...view }, summary: `Cancelled: reference ${view.reference} (${view.date} at ${view.time}).` };
  },
});

const joinWaitlist = defineTool({
  name: 'join_waitlist',
  title: 'Join the waitlist',
  description:
    'Puts the guest on the waitlist for a date when no suitable time is free: with a preferred `time`, a `window` of ' +
    'acceptable times, or neither (any time that day). When a table frees up it is held for the guest for 15 minutes and ' +
    'the restaurant contacts them. Needs the date, number of guests, the guest\'s name, and their email or phone number. ' +
    `${CONFIRM} ${DATES}`,
  scope: 'waitlist:write',
  input: createWaitlistBodySchema
    .omit({ source: true })
    .extend({ date, customer: guest, requestToken })
    .superRefine(requireContact),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: async (ctx, args) => {
    const { requestToken: _token, ...input } = args;
    const { body, replayed } = await once(ctx, 'join_waitlist', args, (tx) =>
      ctx.services.waitlist.create(ctx.restaurant.id, { ...input, source: AGENT_SOURCE }, tx),
    );
    return { value: { entry: body, replayed }, summary: `On the waitlist for ${body.date} (status ${body.status}).` };
  },
});

export const TOOLS: readonly McpTool[] = [
  getRestaurant, getOpeningHours, findAvailability, bookTable, findBooking, rescheduleBooking, cancelBooking, joinWaitlist,
];

/** The tools/list entry of each tool, computed once. */
export const TOOL_LIST = new Map(
  TOOLS.map((t) => {
    const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(t.input, { io: 'input' }) as Record<string, unknown>;
    return [t.name, { name: t.name, title: t.title, description: t.description, inputSchema, annotations: { title: t.title, ...t.annotations } }];
  }),
);
