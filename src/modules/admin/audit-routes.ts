/** The restaurant's audit log, newest first: owners and managers only. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAudit } from '../audit/service.js';
import { restaurantIdOf } from '../../http/context.js';
import { MANAGERS } from './guard.js';
import { ADMIN_TAGS, auditPageSchema, auditQuerySchema, encodeAuditCursor, restaurantParamsSchema } from './schemas.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Audit log',
        description: 'Who did what (actor, action, target, client IP), newest first; `?limit=` 1..100 and `?cursor=`.',
        params: restaurantParamsSchema,
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listAudit(app.services.db, restaurantIdOf(req), limit + 1, cursor);
      const data = rows.slice(0, limit);
      return { data, nextCursor: rows.length > limit ? encodeAuditCursor(data[data.length - 1].id) : null };
    },
  );
};
