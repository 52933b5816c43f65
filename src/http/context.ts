/** What the request pipeline attaches to a request, and the per-route options handlers declare. */
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
