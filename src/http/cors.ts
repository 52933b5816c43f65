/**
 * CORS for the public API. A preflight carries no key, so it is answered for any origin; the real request is then
 * checked by the key pipeline, and Access-Control-Allow-Origin is echoed only for an origin the key allows.
 * Unauthenticated public routes (guest self-service, the OpenAPI document) are readable from any origin.
 *
 * Everything is decided as the request arrives (one onRequest hook here, and the key pipeline's allowCors once the key
 * is known, auth.ts), not in an onSend hook: a request without an Origin header — every server-to-server call — costs
 * one header lookup, and no route pays an onSend hook. Headers set then are kept on error answers too.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { routeConfig } from './route-context.js';

const ALLOW_HEADERS = 'authorization, x-api-key, content-type, idempotency-key, x-request-id';
const EXPOSE_HEADERS = [
  'x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy',
  'retry-after', 'idempotent-replayed', 'deprecation', 'sunset', 'location',
].join(', ');

/** Lets the browser at `origin` read the answer (and the headers it needs). */
export function allowCors(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', EXPOSE_HEADERS);
}

export function registerCors(app: FastifyInstance, isPublicPath: (url: string) => boolean): void {
  // A callback hook, not an async one: it runs on every request and almost always returns at once.
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !isPublicPath(req.url)) return done();
    if (req.method === 'OPTIONS') {
      if (!req.headers['access-control-request-method']) return done();
      reply
        .code(204)
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS')
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .header('vary', 'Origin')
        .send(); // answered here: done() is not called
      return;
    }
    reply.header('vary', 'Origin');
    // Routes without a key answer any origin; key routes only the origins their key allows (auth.ts, admitKey).
    const config = routeConfig(req);
    if (config.url !== undefined && config.auth === 'none') allowCors(reply, origin);
    done();
  });
}
