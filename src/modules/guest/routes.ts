/**
 * Guest self-service (API.md §6): POST /guest/lookup, /guest/cancel, /guest/reschedule under a restaurant, with the
 * reservation's reference and contact instead of an API key. Rate limited per client IP and per reference (gate.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../http/openapi.js';
import { restaurantParamsSchema } from '../availability/schemas.js';
import { admitGuest, throttleGuestIp } from './gate.js';
import { cancelBodySchema, guestReservationSchema, lookupBodySchema, rescheduleBodySchema } from './schemas.js';

const tags = ['Guest'];
const config = { auth: 'none' as const };
const PROOF =
  'Send the reservation’s `reference` and the email or phone (`contact`) it was booked with. An unknown reference and a wrong ' +
  'contact both answer 404 `reservation_not_found`, identically. Rate limited per client IP (10 a minute) and per reference ' +
  '(5 attempts in 15 minutes): 429 with `Retry-After`.';

export const guestRoutes: FastifyPluginAsyncZod = async (app) => {
  const guest = app.services.guest;

  app.post(
    '/guest/lookup',
    {
      config,
      onRequest: throttleGuestIp,
      schema: {
        operationId: 'guestLookup',
        summary: 'Find my reservation',
        description: `${PROOF} Answers the reservation, when it can still be changed online (\`cutoffAt\`) and whether it can now.`,
        tags, params: restaurantParamsSchema, body: lookupBodySchema,
        response: { 200: guestReservationSchema, ...errorResponses('not_found', 'reservation_not_found', 'rate_limit_exceeded') },
      },
    },
    async (req) => guest.lookup(await admitGuest(req, req.body.reference), req.body),
  );

  app.post(
    '/guest/cancel',
    {
      config,
      onRequest: throttleGuestIp,
      schema: {
        operationId: 'guestCancel',
        summary: 'Cancel my reservation',
        description:
          `${PROOF} Up to the restaurant’s cancellation cut-off (\`cancellationCutoffMinutes\` before the start); after it, 422 ` +
          '`cancellation_cutoff_passed` with `details.cutoffAt`. Only a confirmed reservation can be cancelled (409 otherwise).',
        tags, params: restaurantParamsSchema, body: cancelBodySchema,
        response: {
          200: guestReservationSchema,
          ...errorResponses('not_found', 'reservation_not_found', 'rate_limit_exceeded', 'cancellation_cutoff_passed', 'invalid_status_transition'),
        },
      },
    },
    async (req) => guest.cancel(await admitGuest(req, req.body.reference), req.body),
  );

  app.post(
    '/guest/reschedule',
    {
      config,
      onRequest: throttleGuestIp,
      schema: {
        operationId: 'guestReschedule',
        summary: 'Move my reservation',
        description:
          `${PROOF} Changes \`date\`, \`time\` and/or \`partySize\`, re-checked and re-assigned atomically like any booking (the ` +
          'same refusals: 422 outside_opening_hours, 409 no_tables_available, …). Up to the cancellation cut-off of the current booking.',
        tags, params: restaurantParamsSchema, body: rescheduleBodySchema,
        response: {
          200: guestReservationSchema,
          ...errorResponses(
            'not_found', 'reservation_not_found', 'rate_limit_exceeded', 'cancellation_cutoff_passed', 'invalid_status_transition',
            'outside_opening_hours', 'party_size_out_of_range', 'no_tables_available', 'slot_limit_reached', 'event_sold_out',
          ),
        },
      },
    },
    async (req) => guest.reschedule(await admitGuest(req, req.body.reference), req.body),
  );
};
