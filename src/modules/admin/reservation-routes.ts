/**
 * Reservations in the admin API, every role (staff run the floor): list and search, read, history, book (by phone or
 * a walk-in seated at once), change, move through the lifecycle, cancel. The public API's bodies and views, through
 * ReservationService; the actor recorded in the history is the signed-in user.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withIdempotency } from '../../http/idempotency.js';
import { errorResponses } from '../../http/openapi.js';
import {
  cancelReservationBodySchema, historyListSchema, listReservationsQuerySchema, reservationListSchema, reservationLookupParamsSchema,
  reservationParamsSchema, reservationSchema, updateReservationBodySchema,
} from '../reservations/schemas.js';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, EVERY_ROLE } from './guard.js';
import { ADMIN_TAGS, adminCreateReservationBodySchema, restaurantParamsSchema } from './schemas.js';

const config = { auth: 'session' as const, roles: EVERY_ROLE };
const BOOKING_ERRORS = ['outside_opening_hours', 'party_size_out_of_range', 'no_tables_available', 'slot_limit_reached', 'event_sold_out'] as const;

export const reservationAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const reservations = app.services.reservations;

  app.get(
    '/reservations',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'List and search reservations',
        description:
          'As GET /v1/…/reservations, ordered by start time: `date` or `from`/`to`, `status` (comma-separated), `customerId`, and `q` — ' +
          'part of the customer\'s name or email (any case), 3+ digits of the phone, or part of the reference (dash optional).',
        params: restaurantParamsSchema, querystring: listReservationsQuerySchema, response: { 200: reservationListSchema },
      },
    },
    async (req) => {
      const { status, ...q } = req.query;
      return reservations.list(restaurantIdOf(req), { ...q, statuses: status });
    },
  );

  app.post(
    '/reservations',
    {
      config: { ...config, idempotent: true },
      schema: {
        tags: ADMIN_TAGS, summary: 'Book a table (phone, walk-in)',
        description:
          'The public booking body and rules (same atomic table choice and pacing; source `phone` unless given). With `walkIn: true` ' +
          '(no `date`, `time` or `eventId`) the party is seated now: booked at the slot under way in the restaurant\'s time zone — the ' +
          'latest slot of today\'s services, or of last night\'s overnight service, that started at most one slot interval ago; the ' +
          'minimum notice does not apply — and set `seated` in the same transaction (source `walk_in`). No slot under way: 422 ' +
          '`outside_opening_hours` with `details.reason` `no_current_slot`.',
        params: restaurantParamsSchema, body: adminCreateReservationBodySchema,
        response: { 201: reservationSchema, ...errorResponses(...BOOKING_ERRORS) },
      },
    },
    async (req, reply) => {
      const restaurantId = restaurantIdOf(req);
      const { walkIn, date, time, ...rest } = req.body;
      return withIdempotency(
        req, reply,
        async (tx) => ({
          status: 201,
          body: walkIn
            ? await reservations.createWalkIn(restaurantId, { ...rest, source: rest.source ?? 'walk_in' }, actorOf(req), tx)
            : await reservations.create(restaurantId, { ...rest, date: date!, time: time!, source: rest.source ?? 'phone' }, actorOf(req), tx),
        }),
        { restaurantId },
      );
    },
  );

  app.get(
    '/reservations/:id',
    {
      config,
      schema: {
        operationId: 'adminGetReservationsByIdOrReference', // the name it had when the path said {idOrReference}
        tags: ADMIN_TAGS, summary: 'A reservation', description: 'By id (`res_…`) or reference (`K7M-4QX9`; case and dash do not matter).',
        params: reservationLookupParamsSchema, response: { 200: reservationSchema, ...errorResponses('reservation_not_found') },
      },
    },
    async (req) => reservations.get(restaurantIdOf(req), req.params.id),
  );

  app.get(
    '/reservations/:id/history',
    {
      config,
      schema: {
        operationId: 'adminGetReservationsByIdOrReferenceHistory',
        tags: ADMIN_TAGS, summary: 'Change history of a reservation',
        description: 'Every creation, change and status change, oldest first, with its actor (a dashboard user: `user` and the user id).',
        params: reservationLookupParamsSchema, response: { 200: historyListSchema, ...errorResponses('reservation_not_found') },
      },
    },
    async (req) => ({ data: await reservations.history(restaurantIdOf(req), req.params.id), nextCursor: null }),
  );

  app.patch(
    '/reservations/:id',
    {
      config,
      schema: {
        tags: ADMIN_TAGS, summary: 'Change a reservation',
        description:
          'As PATCH /v1/…/reservations/{id}: `date`, `time`, `partySize` and/or `notes` (re-checked atomically), or a lifecycle step ' +
          'with `status`: confirmed → seated → completed, confirmed → no_show | cancelled. Other transitions: 409 invalid_status_transition.',
        params: reservationParamsSchema, body: updateReservationBodySchema,
        response: { 200: reservationSchema, ...errorResponses('reservation_not_found', 'invalid_status_transition', ...BOOKING_ERRORS) },
      },
    },
    async (req) => reservations.update(restaurantIdOf(req), req.params.id, req.body, actorOf(req)),
  );

  app.post(
    '/reservations/:id/cancel',
    {
      config: { ...config, idempotent: true },
      schema: {
        tags: ADMIN_TAGS, summary: 'Cancel a reservation',
        description: 'confirmed → cancelled, with an optional `reason` (send `{}` or no body for none); frees its tables at once.',
        params: reservationParamsSchema, body: cancelReservationBodySchema,
        response: { 200: reservationSchema, ...errorResponses('reservation_not_found', 'invalid_status_transition') },
      },
    },
    async (req, reply) => {
      const restaurantId = restaurantIdOf(req);
      return withIdempotency(
        req, reply,
        async (tx) => ({ status: 200, body: await reservations.cancel(restaurantId, req.params.id, req.body?.reason ?? null, actorOf(req), tx) }),
        { restaurantId },
      );
    },
  );
};
