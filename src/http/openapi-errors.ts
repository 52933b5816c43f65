/**
 * The error side of the OpenAPI documents: what each code of the contract's table (API.md §5, ERROR_STATUS) means,
 * an example of its envelope, and the envelope schema itself, generated from one zod schema.
 * Add a line to ERROR_DOCS when you add a code to ERROR_STATUS (test/openapi-document.test.ts checks it).
 */
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';

export interface ErrorDoc {
  /** When the code is answered (one sentence, for people). */
  when: string;
  /** A realistic `details` for the example envelope. */
  details?: Record<string, unknown>;
}

export const ERROR_DOCS: Partial<Record<ErrorCode, ErrorDoc>> = {
  api_key_missing: { when: 'No API key: send `Authorization: Bearer <key>` or `x-api-key: <key>`.' },
  api_key_invalid: { when: 'The key is malformed, unknown, revoked or no longer active, or two different keys were sent.' },
  api_key_expired: { when: 'The key is past its `expiresAt`.', details: { expiresAt: '2026-01-01T00:00:00.000Z' } },
  invalid_credentials: { when: 'Wrong email or password.' },
  unauthenticated: { when: 'No valid admin session: sign in at `POST /admin/api/login` first.' },
  restaurant_scope_mismatch: { when: 'The `{restaurant}` of the path is not the key’s own restaurant (whether or not it exists).' },
  scope_missing: {
    when: 'The key lacks a scope the operation requires; `details.missingScope` names it.',
    details: { missingScope: 'reservations:write', requiredScopes: ['reservations:write'], grantedScopes: ['availability:read'] },
  },
  origin_not_allowed: { when: 'The browser `Origin` is not on the key’s non-empty allow-list.', details: { origin: 'https://evil.example' } },
  plan_upgrade_required: { when: 'The restaurant’s plan has no API access; `details.plan` names it.', details: { plan: 'starter' } },
  forbidden: { when: 'The signed-in user’s role does not allow this.' },
  csrf_failed: { when: 'A state-changing request came from another origin.' },
  not_found: { when: 'Unknown route or restaurant (or one the user is not a member of).', details: { restaurant: 'no-such-place' } },
  reservation_not_found: { when: 'Unknown reservation id or reference.', details: { reservation: 'K7M-4QX9' } },
  customer_not_found: { when: 'Unknown customer id.', details: { id: 'cus_0123456789abcdef' } },
  waitlist_entry_not_found: { when: 'Unknown waitlist entry id.', details: { id: 'wl_0123456789abcdef' } },
  webhook_endpoint_not_found: { when: 'Unknown webhook endpoint id.', details: { id: 'whe_0123456789abcdef' } },
  key_not_found: { when: 'Unknown API key id.', details: { id: 'key_k3v9x2qa' } },
  invalid_json: { when: 'The body is not parseable JSON.' },
  validation_failed: {
    when: 'The path, query, headers or body do not match the schema; `details.issues` lists `{ path, message }`.',
    details: { issues: [{ path: 'body.partySize', message: 'Too small: expected number to be >=1' }] },
  },
  outside_opening_hours: {
    when: 'The date and time are not bookable: closed, outside a service, in the past, too soon or beyond the booking window.',
    details: { date: '2026-05-04', time: '16:00' },
  },
  party_size_out_of_range: {
    when: 'The party size is outside the booking policy’s range.',
    details: { partySize: 12, minPartySize: 1, maxPartySize: 8 },
  },
  cancellation_cutoff_passed: { when: 'Too close to the reservation’s start to cancel or change it.' },
  no_tables_available: { when: 'No free table or declared table combination fits the party at that time.' },
  slot_limit_reached: { when: 'The pacing limit (covers or bookings per slot) of the service is reached.' },
  event_sold_out: { when: 'The event has fewer seats left than the party; `details.seatsLeft`.', details: { seatsLeft: 2 } },
  invalid_status_transition: {
    when: 'The status change is not allowed from the current status; `details.from`, `details.to`.',
    details: { from: 'cancelled', to: 'seated' },
  },
  idempotency_conflict: {
    when: 'The `Idempotency-Key` was already used with a different request (method, path or body).',
    details: { key: '3f0c2f9e-booking-42' },
  },
  idempotency_in_progress: {
    when: 'A request with the same `Idempotency-Key` is still running; retry after `Retry-After` seconds.',
    details: { key: '3f0c2f9e-booking-42', retryAfterSeconds: 1 },
  },
  conflict: { when: 'The change conflicts with the current state (e.g. a duplicate).' },
  payload_too_large: { when: 'The body is larger than 64 KiB.', details: { limit: 65536 } },
  unsupported_media_type: { when: 'The body is not `application/json`.' },
  rate_limit_exceeded: {
    when: 'Over the rate limit (the key’s, its booking budget, or the per-IP limit); retry after `Retry-After` seconds.',
    details: { limit: 120, retryAfterSeconds: 12 },
  },
  internal_error: { when: 'Something failed on the server; the message never leaks internals. Quote `X-Request-Id`.' },
  service_unavailable: { when: 'The database is unreachable, or a concurrent change aborted the transaction (nothing was saved); retry after `Retry-After` seconds.' },
};

/** Envelope schemas made by errorResponses() (openapi.ts), with their codes: read by the document transform. */
export const declaredErrorCodes = new WeakMap<object, ErrorCode[]>();

/** The envelope of every error (API.md §5), its `code` narrowed to `codes`. */
export function envelopeSchema(codes: readonly ErrorCode[]) {
  return z
    .object({
      error: z.object({
        code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).describe('Stable, machine-readable code (API.md §5).'),
        message: z.string().describe('For people; may change between versions.'),
        details: z.record(z.string(), z.unknown()).describe('Structured context, `{}` when there is none.'),
      }),
    })
    .describe('The error envelope');
}

/** JSON Schema (2020-12) of the envelope for `codes`, as it appears in the documents. */
export function envelopeJsonSchema(codes: readonly ErrorCode[]): Record<string, unknown> {
  const json = z.toJSONSchema(envelopeSchema(codes), { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const humanize = (code: string) => code.replace(/_/g, ' ');

export function whenOf(code: ErrorCode): string {
  return ERROR_DOCS[code]?.when ?? `${humanize(code)}.`;
}

/** One example envelope per code, as OpenAPI named examples. */
export function envelopeExamples(codes: readonly ErrorCode[]): Record<string, { summary: string; value: unknown }> {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { summary: `${ERROR_STATUS[code]} ${code}`, value: { error: { code, message: whenOf(code), details: ERROR_DOCS[code]?.details ?? {} } } },
    ]),
  );
}

/** The response description: the codes this status can carry on this operation, and when. */
export function envelopeDescription(codes: readonly ErrorCode[]): string {
  return ['Error envelope. Codes:', ...codes.map((c) => `- \`${c}\`: ${whenOf(c)}`)].join('\n');
}

/** Sorted by status, then by the order of the contract's table. */
export function sortCodes(codes: Iterable<ErrorCode>): ErrorCode[] {
  const order = Object.keys(ERROR_STATUS) as ErrorCode[];
  return [...new Set(codes)].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b] || order.indexOf(a) - order.indexOf(b));
}
