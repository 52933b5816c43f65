/** The reservation endpoints: thin handlers over ReservationService; POSTs that create are idempotent. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../http/errors.js';
import { withIdempotency } from '../../http/idempotency.js';
import { errorResponses } from '../../http/openapi.js';
import { restaurantParamsSchema } from '../availability/schemas.js';
import type { ReservationActor } from './history.js';
import {
  cancelReservationBodySchema, createReservationBodySchema, historyListSchema, listReservationsQuerySchema, reservationListSchema,
  reservationLookupParamsSchema, reservationParamsSchema, reservationSchema, updateReservationBodySchema,
} from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

const tags = ['Reservations'];
const actorOf = (req: FastifyRequest): ReservationActor => ({ type: 'key', id: req.apiKey!.id });

export const reservationRoutes: FastifyPluginAsyncZod = async (app) => {
  const reservations = app.services.reservations;

  app.post(
    '/reservations',
    {
      config: { scope: 'reservations:write', bookingBudget: true, idempotent: true },
      schema: {
        operationId: 'createReservation',
        summary: 'Book a table',
        description:
          'Books the best free table (the smallest that fits; a declared combination only when no single table does) at a slot, ' +
          'atomically with the pacing limits. With `eventId`, books seats of that special event instead (atomically against its ' +
          'capacity: 409 `event_sold_out` with `details.seatsLeft`). Send an `Idempotency-Key` header to make retries safe.',
        tags, params: restaurantParamsSchema, body: createReservationBodySchema,
        response: {
          201: reservationSchema,
          ...errorResponses('outside_opening_hours', 'party_size_out_of_range', 'no_tables_available', 'slot_limit_reached', 'event_sold_out'),
        },
      },
    },
    async (req, reply) => {
      if (req.headers['idempotency-key'] === undefined) {
        // No key: the booking's own transaction (queued in-process per date, the date's lock taken with its BEGIN).
        const view = await reservations.create(restaurantIdOf(req), req.body, actorOf(req));
        reply.code(201);
        return view;
      }
      return withIdempotency(req, reply, async (tx) => ({
        status: 201,
        body: await reservations.create(restaurantIdOf(req), req.body, actorOf(req), tx),
      }));
    },
  );

  app.get(
    '/reservations',
    {
      config: { scope: 'reservations:read' },
      schema: {
        operationId: 'listReservations',
        summary: 'List reservations',
        description: 'Ordered by start time. Filters: `date` or `from`/`to` (service dates, inclusive), `status` (comma-separated), `customerId`, `q` (search on the customer\'s name, email, phone and the reference).',
        tags, params: restaurantParamsSchema, querystring: listReservationsQuerySchema, response: { 200: reservationListSchema },
      },
    },
    async (req) => {
      const { status, ...q } = req.query;
      return reservations.list(restaurantIdOf(req), { ...q, statuses: status });
    },
  );

  app.get(
    '/reservations/:id',
    {
      config: { scope: 'reservations:read' },
      schema: {
        operationId: 'getReservation',
        summary: 'Get a reservation',
        description: 'By id (`res_…`) or by reference (`K7M-4QX9`; case and dash do not matter).',
        tags, params: reservationLookupParamsSchema, response: { 200: reservationSchema, ...errorResponses('reservation_not_found') },
      },
    },
    async (req) => reservations.get(restaurantIdOf(req), req.params.id),
  );

  app.get(
    '/reservations/:id/history',
    {
      config: { scope: 'reservations:read' },
      schema: {
        operationId: 'listReservationHistory',
        summary: 'Change history of a reservation',
        description: 'Every creation, change and status change, oldest first, with the actor (API key or user) that made it.',
        tags, params: reservationLookupParamsSchema, response: { 200: historyListSchema, ...errorResponses('reservation_not_found') },
      },
    },
    async (req) => ({ data: await reservations.history(restaurantIdOf(req), req.params.id), nextCursor: null }),
  );

  app.patch(
    '/reservations/:id',
    {
      config: { scope: 'reservations:write' },
      schema: {
        operationId: 'updateReservation',
        summary: 'Change a reservation',
        description:
          'Change `date`, `time`, `partySize` and/or `notes` (re-checked and re-assigned atomically, keeping the current tables when they ' +
          'still fit), or take a lifecycle step with `status`: confirmed → seated → completed, confirmed → no_show; `cancelled` also needs ' +
          'the reservations:cancel scope. Other transitions: 409 invalid_status_transition.',
        tags, params: reservationParamsSchema, body: updateReservationBodySchema,
        response: {
          200: reservationSchema,
          ...errorResponses(
            'reservation_not_found', 'invalid_status_transition', 'outside_opening_hours', 'party_size_out_of_range', 'no_tables_available',
            'slot_limit_reached', 'event_sold_out',
          ),
        },
      },
    },
    async (req) => {
      const key = req.apiKey!;
      if (req.body.status === 'cancelled' && !key.scopes.includes('reservations:cancel')) {
        throw errors.scopeMissing('reservations:cancel', ['reservations:write', 'reservations:cancel'], key.scopes);
      }
      return reservations.update(restaurantIdOf(req), req.params.id, req.body, actorOf(req));
    },
  );

  app.post(
    '/reservations/:id/cancel',
    {
      config: { scope: 'reservations:cancel', idempotent: true },
      schema: {
        operationId: 'cancelReservation',
        summary: 'Cancel a reservation',
        description: 'confirmed → cancelled, with an optional `reason`; frees its tables at once. Accepts an `Idempotency-Key`.',
        tags, params: reservationParamsSchema, body: cancelReservationBodySchema,
        response: { 200: reservationSchema, ...errorResponses('reservation_not_found', 'invalid_status_transition') },
      },
    },
    async (req, reply) =>
      withIdempotency(req, reply, async (tx) => ({
        status: 200,
        body: await reservations.cancel(restaurantIdOf(req), req.params.id, req.body?.reason ?? null, actorOf(req), tx),
      })),
  );
};
