/**
 * The matched route's config (its `config` options plus `url` and `method`), read without `req.routeOptions`: that
 * getter builds a fresh 13-field object on every access, and the per-request hooks (key pipeline, usage, metrics,
 * CORS) read it four to six times a request. Fastify keeps the route's context on the request under its
 * `kRouteContext` symbol, whose `config` is the very object `routeOptions.config` returns
 * (test/route-context.test.ts checks that they agree, so an upgrade that moves it fails there).
 */
import { createRequire } from 'node:module';
import type { FastifyContextConfig, FastifyRequest } from 'fastify';

const { kRouteContext } = createRequire(import.meta.url)('fastify/lib/symbols.js') as { kRouteContext: symbol };

export type RouteConfig = FastifyContextConfig & { url?: string; method?: string | string[] };

/** The route's config; `url` is undefined on a 404 (no route matched). */
export function routeConfig(req: FastifyRequest): RouteConfig {
  const context = (req as unknown as Record<symbol, { config?: RouteConfig } | undefined>)[kRouteContext];
  return context?.config ?? (req.routeOptions.config as RouteConfig);
}
