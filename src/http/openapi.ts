/**
 * The OpenAPI 3.1 documents, generated from the very route schemas that validate requests and shape responses.
 *
 * Two documents: the public API (every route under /v1, served at GET /v1/openapi.json) and the admin API (every
 * route under /admin/api, served at GET /admin/api/openapi.json). Any other route must say `schema: { hide: true }`
 * (test/contract-routes.test.ts checks that every route is in a document or hidden).
 *
 * FOR ROUTE AUTHORS — what you declare, and what you get for free:
 * - `schema`: `summary`, `description`, `tags`, `params`, `querystring`, `body`, and `response` with every SUCCESS
 *   status (zod schemas; `.describe()` and `.meta({ examples: [...] })` show up in the document). `operationId` is
 *   derived from method and path unless you set one.
 * - Every route declares who may call it — `config.scope` under /v1, `config.auth: 'session'` and `roles` under
 *   /admin/api, or `config.auth: 'none'` — or the server refuses to start, naming it (src/http/route-auth.ts).
 * - `config.scope` → the `x-required-scopes` extension and a line in the description (`security` names the schemes
 *   with empty lists: linters accept only OAuth 2 scopes there); `config.roles` (admin) → `x-required-roles` and a line.
 *   `config.auth: 'none'` → no security. Both documents pass Redocly's recommended rules and Spectral's `spectral:oas`
 *   with no warning (test/openapi-lint.test.ts). `config.bookingBudget` → `x-booking-budget` and a line.
 *   `config.idempotent: true` (for a POST that runs through withIdempotency) → the `Idempotency-Key` header parameter,
 *   `Idempotent-Replayed` on its responses, 409 `idempotency_conflict`/`idempotency_in_progress`, `x-idempotent`,
 *   and the SDK sends a key automatically.
 * - Errors every route of its kind can answer are added centrally, with the envelope schema, the possible codes (an
 *   enum, a list in the description and one example each) and headers: key routes get 401/403/422/429/500/503,
 *   body routes 400/413/415, admin routes 401/403/404/415…
 * - Errors specific to your route: declare them with `errorResponses(...)`, spread into `response`:
 *
 *     response: { 201: reservationSchema, ...errorResponses('outside_opening_hours', 'no_tables_available', 'slot_limit_reached') }
 *
 *   It groups the codes by their status (ERROR_STATUS) into envelope schemas (422 and 409 here); the central codes of
 *   the same status are merged in. Declare every code a test can provoke: in tests, every response is validated
 *   against the document (test/helpers/contract.ts), and an undocumented status or a body that does not match fails.
 * - Response headers are documented centrally: `X-Request-Id` everywhere; on key routes the rate-limit fields
 *   (`X-RateLimit-*`, `RateLimit`, `RateLimit-Policy`), `Deprecation`/`Sunset`; `Retry-After` on 429/503.
 * After changing a route: `npm run openapi` (commits openapi.json) and `npm run sdk` (regenerates the SDK types).
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import { declaredErrorCodes, envelopeSchema } from './openapi-errors.js';
import { documentOptions, makeTransformObject, type DocumentKind } from './openapi-document.js';
import { makeTransform } from './openapi-transform.js';

export type { DocumentKind } from './openapi-document.js';

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details: Record<string, unknown> };
}

type StatusOf<C extends ErrorCode> = (typeof ERROR_STATUS)[C];

const envelopes = new Map<string, z.ZodType<ErrorEnvelope>>();

/**
 * Response schemas for route-specific errors, keyed by status: spread into a route's `response`.
 * `errorResponses('reservation_not_found', 'no_tables_available')` → `{ 404: envelope, 409: envelope }`.
 */
export function errorResponses<const C extends readonly ErrorCode[]>(
  ...codes: C
): { [S in StatusOf<C[number]>]: z.ZodType<ErrorEnvelope> } {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, z.ZodType<ErrorEnvelope>> = {};
  for (const [status, list] of byStatus) {
    // The same codes give the same schema object: its serializer is compiled once per process (serializer.ts).
    const key = list.join(' ');
    let schema = envelopes.get(key);
    if (!schema) {
      schema = envelopeSchema(list) as unknown as z.ZodType<ErrorEnvelope>;
      declaredErrorCodes.set(schema, list);
      envelopes.set(key, schema);
    }
    out[status] = schema;
  }
  return out as { [S in StatusOf<C[number]>]: z.ZodType<ErrorEnvelope> };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after registerOpenApi, in order (HEAD routes included). */
    openapiRoutes: RouteOptions[];
    /** The admin API document (`app.swagger()` is the public one). */
    adminSwagger: () => Record<string, any>;
  }
}

/** Which document a route belongs to, by its URL: null = neither (it must be hidden). */
export function documentOf(url: string): DocumentKind | null {
  if (url.startsWith('/v1/')) return 'public';
  if (url.startsWith('/admin/api/')) return 'admin';
  return null;
}

/**
 * Registers both document generators. Call it on the root instance BEFORE any route is registered: they collect
 * routes as they are added (onRoute).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: RouteOptions[] = [];
  app.decorate('openapiRoutes', routes);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  for (const kind of ['public', 'admin'] as const) {
    await app.register(fastifySwagger, {
      openapi: documentOptions(kind),
      hideUntagged: false,
      transform: makeTransform(kind),
      transformObject: makeTransformObject(kind),
      ...(kind === 'admin' ? { decorator: 'adminSwagger' } : {}),
    });
  }
}

/** The document of `kind` (after `app.ready()`). */
export function openapiDocument(app: FastifyInstance, kind: DocumentKind): Record<string, any> {
  return (kind === 'public' ? app.swagger() : app.adminSwagger()) as Record<string, any>;
}

/** The document as the server serves it and as `npm run openapi` commits it. */
export function serializeDocument(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
