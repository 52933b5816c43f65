/**
 * The document-wide half of the generator: info and its guide (authentication, scopes, rate limits, idempotency,
 * errors — generated from the same constants the server enforces), security schemes, shared response headers, tags,
 * and the final pass over the assembled document.
 */
import { readFileSync } from 'node:fs';
import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import { envelopeJsonSchema, sortCodes } from './openapi-errors.js';
import { SCOPES, SCOPE_DESCRIPTIONS } from '../modules/keys/scopes.js';

export type DocumentKind = 'public' | 'admin';
type Json = Record<string, any>;

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; license?: string };

const PUBLIC_GUIDE = `The public booking API of a Maitre restaurant: its configuration, availability, reservations, customers, waitlist,
guest self-service and webhooks. JSON in and out, field names in camelCase. Dates \`YYYY-MM-DD\` and times \`HH:mm\` are the
restaurant's local wall time (its IANA \`timezone\`); instants are ISO 8601 UTC.

## Authentication
Send the restaurant's API key as \`Authorization: Bearer <key>\` or as \`x-api-key: <key>\` (both schemes below are
equivalent; sending two different keys is refused). A key belongs to one restaurant and carries scopes. The checks run in
this order and the first failure answers: no key → 401 \`api_key_missing\`; malformed, unknown, revoked → 401
\`api_key_invalid\`; expired → 401 \`api_key_expired\`; over the rate limit → 429 \`rate_limit_exceeded\`; browser origin not
allowed → 403 \`origin_not_allowed\`; another restaurant → 403 \`restaurant_scope_mismatch\`; plan without API access → 403
\`plan_upgrade_required\`; scope missing → 403 \`scope_missing\`; invalid input → 422 \`validation_failed\`.
A request made with a key being rotated succeeds with \`Deprecation: true\` (and \`Sunset\` when a grace period was set).

Each operation lists the scopes it requires in its description and in the \`x-required-scopes\` extension.

| scope | grants |
|---|---|
${SCOPES.map((s) => `| \`${s}\` | ${SCOPE_DESCRIPTIONS[s]} |`).join('\n')}

## Rate limits
Per key and per minute, shared by all instances. Every authenticated response carries \`X-RateLimit-Limit\`,
\`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\` and the IETF \`RateLimit\` / \`RateLimit-Policy\` fields; a 429 carries
\`Retry-After\`. A key's \`bookingRateLimitPerMinute\`, when set, is a second budget that only booking draws on.

## Idempotency
Operations marked \`x-idempotent\` accept an \`Idempotency-Key\` header: the same key and the same request within 24 hours
replay the original status and body with \`Idempotent-Replayed: true\`; the same key with a different request answers 409
\`idempotency_conflict\` (the IETF draft says 422; this API keeps the 409 its users expect); a request with the same key still
running answers 409 \`idempotency_in_progress\` with \`Retry-After\`.

## Errors
Every error is \`{ "error": { "code", "message", "details" } }\`: codes are stable, messages are for people, \`details\` is an
object (\`{}\` when empty). Every response carries \`X-Request-Id\` (your own, when you send a sane one): quote it when you
report a problem. Each operation lists the codes each of its statuses can carry.`;

const ADMIN_GUIDE = `The admin API behind the dashboard (scripts may use it too). Sign in with \`POST /admin/api/login\`: it sets the
HttpOnly, SameSite=Strict \`maitre_session\` cookie that every other operation needs. A state-changing request that carries a body
must declare it JSON (415 otherwise; a bodyless one needs no Content-Type) and, from a browser, come from this origin
(403 \`csrf_failed\`). Under \`/restaurants/{restaurant}\` the user
must be a member (404 otherwise) with a role the operation allows (403 \`forbidden\`). Errors use the same envelope as the
public API: \`{ "error": { "code", "message", "details" } }\`.`;

const TAGS: Record<string, string> = {
  Keys: 'The calling API key.',
  Restaurant: 'The restaurant’s profile, floor plan and services (`config:read`).',
  Availability: 'Opening hours, events and bookable slots (`availability:read`).',
  Reservations: 'Book, list, change and cancel reservations.',
  Customers: 'Guest profiles with booking history and visit stats.',
  Waitlist: 'Waitlist entries: waiting → offered → booked | expired | cancelled.',
  Guest: 'Guest self-service with a reference and contact, no key.',
  Webhooks: 'Signed event notifications: endpoints and test events.',
  Admin: 'Dashboard and management operations (session cookie).',
  Reports: 'What the book did over a range of dates, as JSON or CSV (owners and managers; docs/reports.md).',
  Meta: 'The API descriptions themselves.',
};

export function documentOptions(kind: DocumentKind): Json {
  const security = kind === 'public'
    ? {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'mtr_{live|test}_{id}_{secret}', description: 'The API key as a Bearer token.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The API key in the `x-api-key` header.' },
      }
    : { sessionCookie: { type: 'apiKey', in: 'cookie', name: 'maitre_session', description: 'Set by `POST /admin/api/login`.' } };
  return {
    openapi: '3.1.0',
    info: {
      title: kind === 'public' ? 'Maitre API' : 'Maitre admin API',
      version: pkg.version,
      description: kind === 'public' ? PUBLIC_GUIDE : ADMIN_GUIDE,
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'The operator of this Maitre server' },
    },
    // The server that serves the document: `origin` is its scheme, host and port (the reference page at /docs sets it
    // to the page's own origin). Paths start at the root (/v1/…, /admin/api/…).
    servers: [
      {
        url: '{origin}',
        description: 'This Maitre server',
        variables: { origin: { default: 'http://127.0.0.1:3000', description: 'Scheme, host and port of your Maitre server' } },
      },
    ],
    components: { securitySchemes: security, headers: headerComponents() },
  };
}

function headerComponents(): Json {
  const h = (description: string, schema: Json, example?: unknown, required = false) => ({
    description, required, schema: example === undefined ? schema : { ...schema, examples: [example] },
  });
  return {
    'X-Request-Id': h('The request id (yours, echoed, when you send a sane `X-Request-Id`). Quote it when you report a problem.', { type: 'string' }, 'req_3b1f0c9a7e5d2c4b6a80', true),
    'X-RateLimit-Limit': h('Requests allowed per minute for this key.', { type: 'integer', minimum: 1 }, 120),
    'X-RateLimit-Remaining': h('Requests left in the current window.', { type: 'integer', minimum: 0 }, 119),
    'X-RateLimit-Reset': h('Seconds until a request is allowed again at full budget.', { type: 'integer', minimum: 0 }, 1),
    RateLimit: h('IETF RateLimit field: remaining requests `r` and seconds to reset `t`.', { type: 'string' }, '"default";r=119;t=1'),
    'RateLimit-Policy': h('IETF RateLimit-Policy field: quota `q` per window `w` seconds.', { type: 'string' }, '"default";q=120;w=60'),
    'Retry-After': h('Whole seconds (≥ 1) to wait before retrying.', { type: 'integer', minimum: 1 }, 12),
    Deprecation: h('`true` when the request used a key that is being rotated: switch to the new key.', { type: 'string', enum: ['true'] }),
    Sunset: h('When the rotated key stops working (HTTP date), if a grace period was set.', { type: 'string' }, 'Fri, 01 May 2026 17:00:00 GMT'),
    'Idempotent-Replayed': h('`true` when this is the stored response of an earlier request with the same `Idempotency-Key`.', { type: 'string', enum: ['true'] }),
  };
}

/** The header components some response references (the admin API has no rate-limit or rotation headers). */
function usedHeaders(doc: Json): Json {
  const text = JSON.stringify(doc.paths) + JSON.stringify(doc.components?.responses ?? {});
  const all: Json = doc.components?.headers ?? {};
  return Object.fromEntries(Object.entries(all).filter(([name]) => text.includes(`"#/components/headers/${name}"`)));
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc: Json): Json[] {
  return Object.values((doc.paths ?? {}) as Json).flatMap((item: Json) => HTTP_METHODS.filter((m) => item[m]).map((m) => item[m]));
}

/** Component schema names referenced (transitively) from everything but components.schemas itself. */
function referencedSchemas(doc: Json): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (k === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
        const name = child.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          walk(doc.components?.schemas?.[name]);
        }
      } else walk(child);
    }
  };
  walk({ ...doc, components: { ...doc.components, schemas: {} } });
  return found;
}

const REASONS: Record<string, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType', 422: 'UnprocessableContent', 429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable',
};

/**
 * Error responses repeat across operations (the central ones are the same for most routes): each one that appears
 * more than once becomes a `components.responses` entry (`Unauthorized`, `Forbidden`, `Forbidden2`, …; the most
 * used variant first) and the operations reference it.
 */
function shareErrorResponses(doc: Json): void {
  const uses = new Map<string, { status: string; response: Json; count: number }>();
  for (const op of operations(doc)) {
    for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
      if (Number(status) < 400 || response.$ref) continue;
      const key = `${status} ${JSON.stringify(response)}`;
      const u = uses.get(key) ?? { status, response, count: 0 };
      u.count += 1;
      uses.set(key, u);
    }
  }
  const shared = [...uses.entries()]
    .filter(([, u]) => u.count > 1)
    .sort(([ka, a], [kb, b]) => Number(a.status) - Number(b.status) || b.count - a.count || ka.localeCompare(kb));
  const names = new Map<string, string>();
  const responses: Json = {};
  const perStatus = new Map<string, number>();
  for (const [key, u] of shared) {
    const n = (perStatus.get(u.status) ?? 0) + 1;
    perStatus.set(u.status, n);
    const name = `${REASONS[u.status] ?? `Error${u.status}`}${n === 1 ? '' : n}`;
    names.set(key, name);
    responses[name] = u.response;
  }
  for (const op of operations(doc)) {
    for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
      const name = names.get(`${status} ${JSON.stringify(response)}`);
      if (name) op.responses[status] = { $ref: `#/components/responses/${name}` };
    }
  }
  if (Object.keys(responses).length) doc.components = { ...doc.components, responses };
}

/** zod states `.int()` as ±MAX_SAFE_INTEGER bounds: true for JavaScript, noise for readers. Removed in place. */
function dropSafeIntegerBounds(v: unknown): void {
  if (Array.isArray(v)) return v.forEach(dropSafeIntegerBounds);
  if (!v || typeof v !== 'object') return;
  const o = v as Json;
  if (o.type === 'integer' || (Array.isArray(o.type) && o.type.includes('integer'))) {
    if (o.minimum === Number.MIN_SAFE_INTEGER) delete o.minimum;
    if (o.maximum === Number.MAX_SAFE_INTEGER) delete o.maximum;
  }
  Object.values(o).forEach(dropSafeIntegerBounds);
}

export function makeTransformObject(kind: DocumentKind): SwaggerTransformObject {
  return (input) => {
    // Schemas registered with an id in zod's registry become components (fastify-type-provider-zod's pass).
    const doc = jsonSchemaTransformObject(input) as Json;
    const codes = new Set<ErrorCode>(['not_found']); // unknown routes
    const tags = new Set<string>();
    for (const op of operations(doc)) {
      for (const t of op.tags ?? []) tags.add(t);
      for (const response of Object.values((op.responses ?? {}) as Json)) {
        for (const [name, h] of Object.entries((response.headers ?? {}) as Json)) {
          const component = h?.schema?.['x-component'];
          if (component) response.headers[name] = { $ref: `#/components/headers/${component}` };
        }
        const code = response.content?.['application/json']?.schema?.properties?.error?.properties?.code;
        for (const c of code?.enum ?? []) if (c in ERROR_STATUS) codes.add(c as ErrorCode);
      }
    }
    dropSafeIntegerBounds(doc.paths);
    shareErrorResponses(doc);
    const all = sortCodes(codes);
    const schemas: Json = { ...(doc.components?.schemas ?? {}) };
    const keep = referencedSchemas(doc);
    for (const name of Object.keys(schemas)) if (!keep.has(name)) delete schemas[name];
    schemas.ErrorEnvelope = {
      ...envelopeJsonSchema(all),
      description: 'The error envelope of every failure. Each operation lists the codes each of its statuses can carry, and when.',
    };
    // An operation whose handler cannot fail the client (the documents themselves) can still be refused before it
    // runs (a malformed URL, an unknown method): any 4xx, with the envelope of every code.
    for (const op of operations(doc)) {
      if (!Object.keys(op.responses ?? {}).some((s) => s.startsWith('4'))) {
        op.responses['4XX'] = {
          description: 'Refused before the operation ran (e.g. a malformed URL): the error envelope.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        };
      }
    }
    doc.components = { ...doc.components, schemas, headers: usedHeaders(doc) };
    const order = Object.keys(TAGS);
    const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
    doc.tags = [...tags]
      .sort((a, b) => rank(a) - rank(b))
      .map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) }));
    return doc;
  };
}
