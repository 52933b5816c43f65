/**
 * The per-route half of the document generator: zod → JSON Schema (fastify-type-provider-zod), then everything the
 * route's config implies — security and scopes, idempotency, the central error responses and the response headers.
 * Route authors: see the comment at the top of openapi.ts.
 */
import type { SwaggerTransform } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import { declaredErrorCodes, envelopeDescription, envelopeExamples, envelopeJsonSchema, sortCodes } from './openapi-errors.js';
import { routeExamples } from './openapi-examples.js';
import type { DocumentKind } from './openapi-document.js';
import type { Scope } from '../modules/keys/scopes.js';

type Json = Record<string, any>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the document needs to know about one operation, from its method, URL, config and schema. */
export interface OperationFacts {
  kind: DocumentKind;
  method: string;
  url: string;
  auth: 'key' | 'none' | 'session';
  scopes: Scope[];
  roles: readonly string[];
  idempotent: boolean;
  bookingBudget: boolean;
  hasInputs: boolean;
  restaurantInPath: boolean;
}

export function factsOf(kind: DocumentKind, route: RouteOptions, method: string, url: string): OperationFacts {
  const config = (route.config ?? {}) as Json;
  const schema = (route.schema ?? {}) as Json;
  const scope = config.scope as Scope | Scope[] | undefined;
  return {
    kind,
    method,
    url,
    auth: config.auth ?? (kind === 'public' ? 'key' : 'session'),
    scopes: scope === undefined ? [] : Array.isArray(scope) ? scope : [scope],
    roles: (config.roles as readonly string[] | undefined) ?? [],
    idempotent: config.idempotent === true,
    bookingBudget: config.bookingBudget === true,
    hasInputs: Boolean(schema.params || schema.querystring || schema.body || schema.headers),
    restaurantInPath: /(^|\/):restaurant(\/|$)/.test(url),
  };
}

/** The error codes every operation of this kind can answer, whatever its handler does. */
export function centralErrorCodes(f: OperationFacts): ErrorCode[] {
  const codes: ErrorCode[] = ['internal_error', 'service_unavailable'];
  const body = BODY_METHODS.has(f.method);
  if (body) codes.push('invalid_json', 'payload_too_large', 'unsupported_media_type');
  if (f.hasInputs || f.idempotent) codes.push('validation_failed');
  if (f.kind === 'public' && f.auth === 'key') {
    codes.push('api_key_missing', 'api_key_invalid', 'api_key_expired', 'rate_limit_exceeded', 'origin_not_allowed', 'plan_upgrade_required');
    if (f.restaurantInPath) codes.push('restaurant_scope_mismatch');
    if (f.scopes.length > 0) codes.push('scope_missing');
  }
  if (f.idempotent) codes.push('idempotency_conflict', 'idempotency_in_progress');
  if (f.kind === 'admin') {
    if (body) codes.push('csrf_failed');
    if (f.auth !== 'none') codes.push('unauthenticated');
    if (f.auth !== 'none' && f.restaurantInPath) codes.push('not_found', 'forbidden');
  }
  return sortCodes(codes);
}

/** A placeholder the document pass (openapi-document.ts) turns into `$ref: #/components/headers/<name>`. */
const header = (name: string) => ({ type: 'string', 'x-component': name });
const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'RateLimit', 'RateLimit-Policy'];

/** The headers a response of this operation carries (as placeholders for component references). */
export function responseHeaders(f: OperationFacts, status: string): Json {
  const names = ['X-Request-Id'];
  const code = Number(status);
  if (f.kind === 'public' && f.auth === 'key' && code !== 401 && code !== 503) names.push(...RATE_LIMIT_HEADERS, 'Deprecation', 'Sunset');
  if (code === 429 || code === 503 || (f.idempotent && code === 409)) names.push('Retry-After');
  if (f.idempotent && ((code >= 200 && code < 300) || code === 404 || code === 409 || code === 422)) names.push('Idempotent-Replayed');
  return Object.fromEntries(names.map((n) => [n, header(n)]));
}

function authLine(f: OperationFacts): string {
  if (f.auth === 'none') return '**Authentication:** none.';
  if (f.auth === 'session') {
    const roles = f.roles.length ? ` Roles: ${f.roles.map((r) => `\`${r}\``).join(', ')}.` : '';
    return `**Authentication:** admin session cookie (\`POST /admin/api/login\`).${roles}`;
  }
  const scopes = f.scopes.length ? f.scopes.map((s) => `\`${s}\``).join(', ') : 'none (any valid API key)';
  return `**Authentication:** API key (\`Authorization: Bearer <key>\` or \`x-api-key\`). **Required scopes:** ${scopes}.`;
}

function extraLines(f: OperationFacts): string[] {
  const lines = [authLine(f)];
  if (f.bookingBudget) lines.push('**Booking budget:** draws on the key’s `bookingRateLimitPerMinute` as well as its general rate limit.');
  if (f.idempotent) {
    lines.push(
      '**Idempotent:** send an `Idempotency-Key` (1–255 printable characters). The same key with the same request within 24 hours ' +
        'replays the original status and body with `Idempotent-Replayed: true`; with a different request: 409 `idempotency_conflict`.',
    );
  }
  return lines;
}

/**
 * The security requirement: the scheme names with empty lists. Scopes and roles are not OAuth 2 scopes, which are the
 * only ones a requirement can list for linters (Spectral, Redocly): they are in `x-required-scopes` /
 * `x-required-roles` and the description.
 */
function securityOf(f: OperationFacts): Json[] {
  if (f.auth === 'none') return [];
  if (f.auth === 'session') return [{ sessionCookie: [] }];
  return [{ bearerAuth: [] }, { apiKeyHeader: [] }];
}

const IDEMPOTENCY_KEY_PARAM = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x20-\\x7E]+$',
  description: 'Makes retries safe: the same key and request replay the original response for 24 hours.',
  examples: ['b7e4c1d2-booking-2026-05-01'],
};

/** `Post` + words of the path, parameters as `By<Name>`, without the /v1 or /admin/api and /restaurants/{restaurant} prefixes. */
export function deriveOperationId(kind: DocumentKind, method: string, url: string): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const camel = (s: string) => s.replace(/[-_.]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  let parts = url.replace(/^\/(v1|admin\/api)(\/|$)/, '').split('/').filter(Boolean);
  if (parts[0] === 'restaurants' && parts[1] === ':restaurant') parts = parts.length === 2 ? ['restaurant'] : parts.slice(2);
  const words = parts.map((p) => (p.startsWith(':') ? `By${cap(camel(p.slice(1)))}` : cap(camel(p))));
  return `${kind === 'admin' ? 'admin' : ''}${kind === 'admin' ? cap(method.toLowerCase()) : method.toLowerCase()}${words.join('')}`;
}

export function makeTransform(kind: DocumentKind): SwaggerTransform {
  const zodTransform = createJsonSchemaTransform({ skipList: [] });
  return (input) => {
    const { route, url } = input;
    const schema = (route.schema ?? {}) as Json;
    const methods = ([] as string[]).concat(route.method as string | string[]);
    const inDocument = url.startsWith(kind === 'public' ? '/v1/' : '/admin/api/');
    if (!inDocument || schema.hide || methods.length !== 1 || methods[0] === 'HEAD') return { schema: { hide: true }, url };
    const method = methods[0];
    const f = factsOf(kind, route, method, url);
    const out = ((route.schema ? zodTransform(input as Parameters<typeof zodTransform>[0]).schema : {}) ?? {}) as Json;

    out.operationId ??= deriveOperationId(kind, method, url);
    out.description = [schema.description, ...extraLines(f)].filter(Boolean).join('\n\n');
    out.security = securityOf(f);
    if (f.auth === 'key') out['x-required-scopes'] = f.scopes;
    if (f.auth === 'session' && f.restaurantInPath) out['x-required-roles'] = f.roles;
    if (f.bookingBudget) out['x-booking-budget'] = true;
    if (f.idempotent) {
      out['x-idempotent'] = true;
      const headers: Json = out.headers ?? { type: 'object', properties: {} };
      headers.properties = { ...headers.properties, 'Idempotency-Key': IDEMPOTENCY_KEY_PARAM };
      out.headers = headers;
    }

    // Responses: the declared ones (errorResponses() envelopes merged with the central codes of their status),
    // then the central error statuses the route did not declare; headers and examples on all of them.
    const declared = (schema.response ?? {}) as Json;
    const responses: Json = { ...(out.response ?? {}) };
    const codesByStatus = new Map<string, ErrorCode[]>();
    for (const code of centralErrorCodes(f)) {
      const s = String(ERROR_STATUS[code]);
      codesByStatus.set(s, [...(codesByStatus.get(s) ?? []), code]);
    }
    for (const [status, zodSchema] of Object.entries(declared)) {
      const codes = declaredCodes(zodSchema);
      if (codes) codesByStatus.set(status, sortCodes([...(codesByStatus.get(status) ?? []), ...codes]));
      else codesByStatus.delete(status); // a status the route describes its own way
    }
    for (const [status, codes] of codesByStatus) {
      responses[status] = {
        ...envelopeJsonSchema(codes),
        'x-response-description': envelopeDescription(codes),
        'x-examples': envelopeExamples(codes),
      };
    }
    const examples = routeExamples(method, url);
    for (const status of Object.keys(responses)) {
      const r = { ...responses[status] };
      if (Number(status) < 400 && !r['x-response-description'] && !r.description) r['x-response-description'] = 'Success';
      if (examples?.response?.[status] && !r['x-examples']) r['x-examples'] = examples.response[status];
      r.headers = responseHeaders(f, status);
      responses[status] = r;
    }
    out.response = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    if (examples?.body && out.body) out.body = { ...out.body, 'x-examples': examples.body };
    return { schema: out, url };
  };
}

const declaredCodes = (schema: unknown): ErrorCode[] | undefined =>
  typeof schema === 'object' && schema !== null ? declaredErrorCodes.get(schema) : undefined;
