/**
 * Auth declared on every route, checked when the route is added: a route that does not say who may call it makes the
 * server refuse to start (buildApp throws, naming the route) instead of answering 500 on its first request.
 *
 * A context says which guard runs on its routes (markGuard, called by the guard that installs itself there):
 * - `key` (/v1, src/http/auth.ts): a route declares its `scope` (`[]` for any valid key), or `auth: 'none'`;
 * - `session` (/admin/api, src/modules/admin/guard.ts): `auth: 'session'`, with `roles` when under
 *   /restaurants/:restaurant, or `auth: 'none'`;
 * - `public` (static files served by a plugin that takes no route options): every route is public;
 * - none: no guard runs, so a route must say `auth: 'none'` — anything else would be served unguarded.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

export type RouteGuard = 'key' | 'session' | 'public';

declare module 'fastify' {
  interface FastifyInstance {
    /** The guard that runs on the routes of this context (and its children); see src/http/route-auth.ts. */
    routeGuard?: RouteGuard;
  }
}

/** Declares the guard of a context (a context has at most one: a second throws FST_ERR_DEC_ALREADY_PRESENT). */
export function markGuard(app: FastifyInstance, guard: RouteGuard): void {
  app.decorate('routeGuard', guard);
}

const RESTAURANT_PARAM = /\/:restaurant(\/|$)/;

/** Throws when a route's auth declaration is missing or does not fit the guard that runs on it. */
export function checkRouteAuth(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, guard: RouteGuard | undefined): void {
  const config = route.config ?? {};
  const name = `${[route.method].flat().join(',')} ${route.url}`;
  const fail = (problem: string): never => {
    throw new Error(`route ${name} ${problem}`);
  };
  const { auth, scope, roles } = config;
  if (auth !== undefined && auth !== 'none' && auth !== 'key' && auth !== 'session') fail(`declares an unknown auth "${String(auth)}"`);
  if (auth === 'none') {
    if (scope !== undefined || roles !== undefined) fail(`is public (auth: 'none') but also declares ${scope !== undefined ? 'a scope' : 'roles'}`);
    return;
  }
  switch (guard) {
    case 'public':
      if (auth !== undefined) fail(`declares auth '${auth}' in a context whose routes are all public`);
      return;
    case 'key':
      if (auth === 'session') fail(`declares auth 'session' under the API key pipeline`);
      if (roles !== undefined) fail('declares roles under the API key pipeline (keys have scopes)');
      if (scope === undefined) fail("declares no scope: add config.scope ([] for any valid key) or auth: 'none'");
      return;
    case 'session':
      if (auth !== 'session') fail("declares no auth: add config.auth 'session' (with roles) or 'none'");
      if (scope !== undefined) fail('declares a scope under the admin guard (sessions have roles)');
      if (RESTAURANT_PARAM.test(route.url) && (roles === undefined || roles.length === 0)) {
        fail('declares no roles: add config.roles (who of the restaurant may call it)');
      }
      if (!RESTAURANT_PARAM.test(route.url) && roles !== undefined) fail('declares roles outside /restaurants/:restaurant, where none are checked');
      return;
    default:
      fail("declares no auth, and no guard runs here: add config.auth: 'none' if it is public, or mount it behind a guard");
  }
}

/** Checks every route added from now on, in this context and every context below it. Call before any route. */
export function registerRouteAuthCheck(app: FastifyInstance): void {
  app.addHook('onRoute', function (this: FastifyInstance, route) {
    checkRouteAuth(route, this.routeGuard);
  });
}
