/**
 * Headers every answer carries, set once as the request arrives (so error answers carry them too, and a route may
 * still override them): `X-Request-Id`, and `X-Content-Type-Options: nosniff`, so that no browser second-guesses a
 * declared content type (a JSON error rendered as HTML, a text body run as a script). Pages set their own CSP beside
 * it (/docs, /dashboard); JSON answers need none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export function setCommonHeaders(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', req.id);
  reply.header('x-content-type-options', 'nosniff');
}

export function registerCommonHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    setCommonHeaders(req, reply);
    done();
  });
}
