/**
 * CORS for the public API. A preflight carries no key, so it is answered for any origin; the real request is then
 * checked by the key pipeline, and Access-Control-Allow-Origin is echoed only for an origin the key allows.
 * Unauthenticated public routes (guest self-service, the OpenAPI document) are readable from any origin.
 */
import type { FastifyInstance } from 'fastify';
import { keyAllowsOrigin } from './auth.js';

const ALLOW_HEADERS = 'authorization, x-api-key, content-type, idempotency-key, x-request-id';
const EXPOSE_HEADERS = [
  'x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy',
  'retry-after', 'idempotent-replayed', 'deprecation', 'sunset', 'location',
].join(', ');

export function registerCors(app: FastifyInstance, isPublicPath: (url: string) => boolean): void {
  // Callback hooks, not async ones: they run on every request and most return at once, with no promise to make.
  app.addHook('onRequest', (req, reply, done) => {
    if (req.method !== 'OPTIONS' || !isPublicPath(req.url)) return done();
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !req.headers['access-control-request-method']) return done();
    reply
      .code(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS')
      .header('access-control-allow-headers', ALLOW_HEADERS)
      .header('access-control-max-age', '600')
      .header('vary', 'Origin')
      .send(); // answered here: done() is not called
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || req.method === 'OPTIONS' || !isPublicPath(req.url)) return done(null, payload);
    reply.header('vary', 'Origin');
    const auth = req.routeOptions.config?.auth ?? 'key';
    const allowed = req.apiKey ? keyAllowsOrigin(req.apiKey, origin) : auth === 'none' && !req.is404;
    if (allowed) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    }
    done(null, payload);
  });
}
