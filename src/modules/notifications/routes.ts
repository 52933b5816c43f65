/**
 * Guest messages in the admin API (docs/notifications.md), under /admin/api/restaurants/{restaurant}: every role
 * lists and reads a guest's messages and resends a confirmation; owners and managers preview the templates. Its own
 * plugin with the admin guard (CSRF, JSON, session, membership and role), as the other admin plugins have it.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../http/openapi.js';
import { restaurantIdOf } from '../../http/context.js';
import { EVERY_ROLE, MANAGERS, registerAdminGuard } from '../admin/guard.js';
import { ADMIN_TAGS, restaurantParamsSchema } from '../admin/schemas.js';
import {
  listMessagesQuerySchema, messageDetailSchema, messageListSchema, messageParamsSchema, messageSchema, previewQuerySchema, previewSchema,
  resendBodySchema, reservationMessageParamsSchema,
} from './schemas.js';

const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  const notifications = app.services.notifications;

  app.get(
    '/messages',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'List guest emails',
        description: 'Newest first; filter by `reservationId`, `customerId`, `kind`, `status`. Paginated with `limit` and `cursor`.',
        params: restaurantParamsSchema, querystring: listMessagesQuerySchema, response: { 200: messageListSchema },
      },
    },
    async (req) => notifications.list(restaurantIdOf(req), req.query),
  );

  app.get(
    '/messages/preview',
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: ADMIN_TAGS, summary: 'Preview a guest email template',
        description:
          "The subject, text, HTML and calendar file of a kind in a language, rendered with the restaurant's real data and settings " +
          '(name, policy, time zone, note, links) and its next bookable slot as a sample booking. Nothing is sent or stored.',
        params: restaurantParamsSchema, querystring: previewQuerySchema, response: { 200: previewSchema },
      },
    },
    async (req) => notifications.preview(restaurantIdOf(req), req.query.kind, req.query.language),
  );

  app.get(
    '/messages/:id',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'A guest email with its content', params: messageParamsSchema,
        response: { 200: messageDetailSchema, ...errorResponses('not_found') },
      },
    },
    async (req) => notifications.get(restaurantIdOf(req), req.params.id),
  );

  app.post(
    '/reservations/:id/messages',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'Resend the confirmation',
        description:
          "Queues a new confirmation with the booking's current data (sent like any other: `not_sent` without SMTP). " +
          'A booking that is not confirmed: 409 `conflict`; one without a guest email: 422 `validation_failed`.',
        params: reservationMessageParamsSchema, body: resendBodySchema,
        response: { 201: messageSchema, ...errorResponses('reservation_not_found', 'conflict') },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return notifications.resendConfirmation(restaurantIdOf(req), req.params.id);
    },
  );
};

export const notificationAdminRoutes: FastifyPluginAsync = async (app) => {
  registerAdminGuard(app, app.services.adminAuth);
  await app.register(messageRoutes, { prefix: '/restaurants/:restaurant' });
};
