/** The waitlist endpoints: thin handlers over WaitlistService; the POSTs that create are idempotent. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { withIdempotency } from '../../http/idempotency.js';
import { errorResponses } from '../../http/openapi.js';
import { mountRead, restaurantRead } from '../../http/restaurant-read.js';
import { restaurantParamsSchema } from '../availability/schemas.js';
import type { ReservationActor } from '../reservations/history.js';
import { reservationSchema } from '../reservations/schemas.js';
import { createWaitlistBodySchema, listWaitlistQuerySchema, waitlistEntrySchema, waitlistListSchema, waitlistParamsSchema } from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

/** GET /waitlist, declared once for both APIs (the admin API mounts it too). */
export const waitlistRead = restaurantRead({
  url: '/waitlist',
  summary: 'List waitlist entries',
  querystring: listWaitlistQuerySchema,
  response: waitlistListSchema,
  read: (services, restaurantId, query) => services.waitlist.list(restaurantId, query),
});

const tags = ['Waitlist'];
const actorOf = (req: FastifyRequest): ReservationActor => ({ type: 'key', id: req.apiKey!.id });

export const waitlistRoutes: FastifyPluginAsyncZod = async (app) => {
  const waitlist = app.services.waitlist;

  app.post(
    '/waitlist',
    {
      config: { scope: 'waitlist:write', idempotent: true },
      schema: {
        operationId: 'createWaitlistEntry',
        summary: 'Join the waitlist',
        description:
          'Adds a party for a date, with a preferred time and/or a window. When a table fits (now, or later when a cancellation or ' +
          'change frees one), the entry is `offered`: the table is held for 15 minutes (`offer.expiresAt`) and a `waitlist.offered` ' +
          'webhook event is sent; accept with POST /waitlist/{id}/accept.',
        tags, params: restaurantParamsSchema, body: createWaitlistBodySchema,
        response: { 201: waitlistEntrySchema, ...errorResponses('outside_opening_hours', 'party_size_out_of_range') },
      },
    },
    async (req, reply) =>
      withIdempotency(req, reply, async (tx) => ({ status: 201, body: await waitlist.create(restaurantIdOf(req), req.body, tx) })),
  );

  mountRead(app, waitlistRead, {
    config: { scope: 'reservations:read' }, tags, params: restaurantParamsSchema, operationId: 'listWaitlist',
    description: 'By date, then arrival order. Filters: `date`, `status`. Offers past their expiry are shown `expired`.',
  });

  app.get(
    '/waitlist/:id',
    {
      config: { scope: 'reservations:read' },
      schema: {
        operationId: 'getWaitlistEntry',
        summary: 'Get a waitlist entry',
        tags, params: waitlistParamsSchema, response: { 200: waitlistEntrySchema, ...errorResponses('waitlist_entry_not_found') },
      },
    },
    async (req) => waitlist.get(restaurantIdOf(req), req.params.id),
  );

  app.post(
    '/waitlist/:id/accept',
    {
      config: { scope: 'waitlist:write', idempotent: true },
      schema: {
        operationId: 'acceptWaitlistOffer',
        summary: 'Accept an offer: book the held table',
        description:
          'Turns the offer\'s held table into a confirmed reservation (status `booked` on the entry) and answers the reservation. ' +
          'Only an `offered` entry can be accepted: an expired, cancelled or already booked one answers 409 invalid_status_transition.',
        tags, params: waitlistParamsSchema,
        response: { 201: reservationSchema, ...errorResponses('waitlist_entry_not_found', 'invalid_status_transition') },
      },
    },
    async (req, reply) => {
      await waitlist.sweep(restaurantIdOf(req)); // overdue offers expire for good before the answer says so
      return withIdempotency(req, reply, async (tx) => ({ status: 201, body: await waitlist.accept(restaurantIdOf(req), req.params.id, actorOf(req), tx) }));
    },
  );

  app.post(
    '/waitlist/:id/cancel',
    {
      config: { scope: 'waitlist:write' },
      schema: {
        operationId: 'cancelWaitlistEntry',
        summary: 'Leave the waitlist',
        description: 'waiting or offered → cancelled; a held table is released (and offered to the next entry).',
        tags, params: waitlistParamsSchema,
        response: { 200: waitlistEntrySchema, ...errorResponses('waitlist_entry_not_found', 'invalid_status_transition') },
      },
    },
    async (req) => waitlist.cancel(restaurantIdOf(req), req.params.id),
  );
};
