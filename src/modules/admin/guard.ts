/**
 * The admin API's request guard, run in onRequest for every route under /admin/api:
 * 1. state-changing methods: an Origin header, when present, must be this host (else 403 csrf_failed); a declared
 *    Content-Type must be JSON, and a request that carries a body must declare one (else 415). A cross-site form always
 *    declares a form type, and a cross-site JSON request needs a CORS preflight, which fails; a bodyless request
 *    (`curl -X DELETE`) needs no Content-Type;
 * 2. every route but those with `auth: 'none'` needs a live session (else 401 unauthenticated);
 * 3. under /restaurants/:restaurant the user must be a member (else 404, existence is not revealed) with one of the
 *    route's `roles` (else 403 forbidden). A restaurant route that declares no roles does not start (route-auth.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../http/errors.js';
import type { Actor } from '../audit/service.js';
import { markGuard } from '../../http/route-auth.js';
import type { AdminAuth } from './auth.js';
import { clearSessionCookie, sessionCookieOf } from './session-cookie.js';
import type { Membership, Role } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session user's membership of the route's {restaurant} (admin routes under /restaurants/:restaurant). */
    adminMembership?: Membership;
  }
  interface FastifyContextConfig {
    /** Admin routes under /restaurants/:restaurant: the roles allowed (all others get 403). */
    roles?: readonly Role[];
  }
}

export const MANAGERS: readonly Role[] = ['owner', 'manager'];
export const EVERY_ROLE: readonly Role[] = ['owner', 'manager', 'staff'];

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/json\s*(;.*)?$/i;

/** True when a browser Origin names the host the request was sent to (default ports taken into account). */
export function isSameOrigin(origin: string, host: string): boolean {
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    const h = new URL(`${o.protocol}//${host}`);
    return o.hostname === h.hostname && o.port === h.port && h.pathname === '/' && !h.username;
  } catch {
    return false;
  }
}

/** True when the request has a body to read (a non-zero Content-Length, or a chunked Transfer-Encoding). */
function carriesBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length.trim() !== '0';
}

export function registerAdminGuard(app: FastifyInstance, auth: AdminAuth): void {
  markGuard(app, 'session'); // every route added to `app` declares auth and roles (checked when added: route-auth.ts)
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    if (STATE_CHANGING.has(req.method)) {
      const origin = req.headers.origin;
      if (origin !== undefined && !isSameOrigin(origin, req.host)) throw errors.csrf();
      const type = req.headers['content-type'];
      if (type === undefined ? carriesBody(req) : !JSON_TYPE.test(type)) throw errors.unsupportedMediaType(type);
    }
    const config = req.routeOptions.config;
    if (config.auth === 'none') return;
    const token = sessionCookieOf(req);
    const user = await auth.authenticate(token);
    if (!user) {
      if (token !== undefined) clearSessionCookie(req, reply);
      throw errors.unauthenticated();
    }
    req.sessionUser = user;
    const param = (req.params as Record<string, string> | undefined)?.restaurant;
    if (param === undefined) return;
    const membership = user.memberships.find((m) => m.restaurantId === param || m.slug === param);
    if (!membership) throw errors.restaurantNotFound(param);
    if (!config.roles) throw new Error(`admin route ${req.routeOptions.url} declares no roles`); // fail closed
    if (!config.roles.includes(membership.role)) throw errors.forbidden();
    req.adminMembership = membership;
    req.restaurantId = membership.restaurantId;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** The audit actor of an admin request. */
export function actorOf(req: FastifyRequest): Actor {
  return { type: 'user', id: req.sessionUser?.id ?? null, ip: req.ip };
}
