/** What the request pipeline attaches to a request, and the per-route options handlers declare. */
import type { FastifyRequest } from 'fastify';
import type { Scope } from '../modules/keys/scopes.js';

/** The restaurant a key is bound to (cached with the key; invalidated when the restaurant changes). */
export interface RestaurantRef {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  plan: 'starter' | 'business' | 'pro';
}

export interface AuthenticatedKey {
  id: string;
  /** SHA-256 (hex) of the full key, as stored. */
  hash: string;
  publicId: string;
  prefix: string;
  name: string;
  environment: 'live' | 'test';
  scopes: Scope[];
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  bookingRateLimitPerMinute: number | null;
  expiresAt: number | null;
  status: 'active' | 'rotating' | 'revoked';
  graceEndsAt: number | null;
  restaurant: RestaurantRef;
}

/** An admin (dashboard) user authenticated by session cookie. */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  sessionHash: string;
  memberships: { restaurantId: string; slug: string; name: string; role: 'owner' | 'manager' | 'staff' }[];
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: AuthenticatedKey;
    /** The restaurant the route's {restaurant} resolved to (key-protected routes: always the key's own). */
    restaurant?: RestaurantRef;
    /**
     * The id of the restaurant the route's {restaurant} resolved to, set by the guard that let the request in: the key
     * pipeline (the key's own) or the admin guard (one the session user is a member of). Read it with restaurantIdOf.
     */
    restaurantId?: string;
    sessionUser?: SessionUser;
  }
  interface FastifyContextConfig {
    /** Scopes the route requires (all of them). Key-protected routes must declare it, `[]` for "any valid key". */
    scope?: Scope | Scope[];
    /** `key` (default under /v1) · `none` · `session` (admin API). */
    auth?: 'key' | 'none' | 'session';
    /** Draws on the key's booking budget too (POST /reservations). */
    bookingBudget?: boolean;
    /**
     * The route honours `Idempotency-Key` (it runs its effect through withIdempotency): the OpenAPI document then
     * describes the header parameter, `Idempotent-Replayed` and the idempotency errors, and the SDK sends a key.
     */
    idempotent?: boolean;
  }
}

/**
 * The id of the restaurant of a route under /restaurants/:restaurant, as its guard resolved it (see
 * FastifyRequest.restaurantId): the same call behind the API key pipeline and behind the admin guard. Throws (a 500)
 * on a route no guard resolved a restaurant for, which the start-up check of route auth rules out for guarded routes.
 */
export function restaurantIdOf(req: FastifyRequest): string {
  const id = req.restaurantId;
  if (id === undefined) throw new Error(`route ${req.routeOptions.url} has no restaurant resolved by a guard`);
  return id;
}
