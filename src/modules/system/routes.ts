/** Liveness, readiness and metrics: no key, no session. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../../http/errors.js';

export const systemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { config: { auth: 'none' }, schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { config: { auth: 'none' }, schema: { hide: true, response: { 200: z.object({ status: z.literal('ready'), database: z.string() }) } } }, async () => {
    try {
      await app.services.db.query('SELECT 1');
    } catch {
      throw errors.serviceUnavailable(2);
    }
    return { status: 'ready' as const, database: app.services.db.kind };
  });

  app.get('/metrics', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) => {
    const { registry } = app.services.metrics;
    reply.type(registry.contentType);
    return registry.metrics();
  });
};
