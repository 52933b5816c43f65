/**
 * The one error vocabulary of the API (API.md §5). Handlers throw `errors.x(...)`; one error handler turns every
 * ApiError into `{ error: { code, message, details } }`, and everything else into 500 internal_error.
 */
export const ERROR_STATUS = {
  api_key_missing: 401,
  api_key_invalid: 401,
  api_key_expired: 401,
  invalid_credentials: 401,
  unauthenticated: 401,
  restaurant_scope_mismatch: 403,
  scope_missing: 403,
  origin_not_allowed: 403,
  plan_upgrade_required: 403,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  reservation_not_found: 404,
  customer_not_found: 404,
  waitlist_entry_not_found: 404,
  webhook_endpoint_not_found: 404,
  key_not_found: 404,
  invalid_json: 400,
  validation_failed: 422,
  outside_opening_hours: 422,
  party_size_out_of_range: 422,
  cancellation_cutoff_passed: 422,
  no_tables_available: 409,
  slot_limit_reached: 409,
  event_sold_out: 409,
  invalid_status_transition: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit_exceeded: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * A refusal with its contract code. A 4xx is an answer, not a fault: it is built without a stack trace (capturing one
 * cost ~5.6 µs of the ~6.5 µs an error took, 20 frames deep — what every 429 of a client over its limit paid) and none
 * is ever logged. A 5xx keeps its stack: sendError logs it.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Extra response headers (Retry-After, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    const status = ERROR_STATUS[code];
    const stackFrames = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = stackFrames;
    }
    this.name = 'ApiError';
    this.status = status;
  }
}

export const errors = {
  apiKeyMissing: () =>
    new ApiError('api_key_missing', 'No API key: send it as "Authorization: Bearer <key>" or in the "x-api-key" header.'),
  apiKeyInvalid: (why = 'The API key is malformed, unknown, revoked or no longer active.') => new ApiError('api_key_invalid', why),
  apiKeyExpired: (expiresAt: string) => new ApiError('api_key_expired', `The API key expired at ${expiresAt}.`, { expiresAt }),
  rateLimited: (retryAfterSeconds: number, limit: number, windowSeconds = 60) =>
    new ApiError(
      'rate_limit_exceeded',
      `Rate limit of ${limit} requests per ${windowSeconds === 60 ? 'minute' : `${Math.round(windowSeconds / 60)} minutes`} exceeded; retry in ${retryAfterSeconds} s.`,
      { limit, windowSeconds, retryAfterSeconds },
      { 'retry-after': String(retryAfterSeconds) },
    ),
  originNotAllowed: (origin: string) =>
    new ApiError('origin_not_allowed', `Origin ${origin} is not on this API key's list of allowed origins.`, { origin }),
  restaurantScopeMismatch: () =>
    new ApiError('restaurant_scope_mismatch', 'This API key belongs to another restaurant.'),
  planUpgradeRequired: (plan: string) =>
    new ApiError('plan_upgrade_required', `The ${plan} plan has no API access; upgrade to business or pro.`, { plan }),
  scopeMissing: (missingScope: string, requiredScopes: string[], grantedScopes: string[]) =>
    new ApiError('scope_missing', `This API key lacks the "${missingScope}" scope.`, {
      missingScope,
      requiredScopes,
      grantedScopes,
    }),
  notFound: (what = 'No such route.') => new ApiError('not_found', what),
  restaurantNotFound: (idOrSlug: string) => new ApiError('not_found', `No restaurant "${idOrSlug}".`, { restaurant: idOrSlug }),
  keyNotFound: (id: string) => new ApiError('key_not_found', `No API key "${id}".`, { id }),
  invalidJson: (message: string) => new ApiError('invalid_json', `The request body is not valid JSON: ${message}`),
  validation: (issues: ValidationIssue[]) =>
    new ApiError('validation_failed', `The request is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, { issues }),
  payloadTooLarge: (limit: number) => new ApiError('payload_too_large', `The request body exceeds ${limit} bytes.`, { limit }),
  unsupportedMediaType: (type: string | undefined) =>
    new ApiError('unsupported_media_type', `Content-Type ${type ?? '(none)'} is not supported; send application/json.`),
  invalidCredentials: () => new ApiError('invalid_credentials', 'Wrong email or password.'),
  unauthenticated: () => new ApiError('unauthenticated', 'Sign in first: no valid session.'),
  forbidden: (message = 'Your role does not allow this.') => new ApiError('forbidden', message),
  csrf: () => new ApiError('csrf_failed', 'Cross-site request refused.'),
  conflict: (message: string, details: Record<string, unknown> = {}) => new ApiError('conflict', message, details),
  serviceUnavailable: (retryAfterSeconds = 5, message = 'The database is unreachable; retry shortly.') =>
    new ApiError('service_unavailable', message, {}, { 'retry-after': String(retryAfterSeconds) }),
  internal: () => new ApiError('internal_error', 'Something went wrong on our side; quote the request id when you report it.'),
  webhookEndpointNotFound: (id: string) => new ApiError('webhook_endpoint_not_found', `No webhook endpoint "${id}".`, { id }),
  webhookDeliveryNotFound: (id: string) => new ApiError('not_found', `No webhook delivery "${id}" on this endpoint.`, { id }),
  reservationNotFound: (idOrReference: string) =>
    new ApiError('reservation_not_found', `No reservation "${idOrReference}".`, { reservation: idOrReference }),
  /** Guest self-service: one answer, word for word, for an unknown reference and for a wrong contact (no oracle). */
  guestReservationNotFound: () =>
    new ApiError('reservation_not_found', 'No reservation matches this reference and contact.'),
  customerNotFound: (id: string) => new ApiError('customer_not_found', `No customer "${id}".`, { id }),
  waitlistEntryNotFound: (id: string) => new ApiError('waitlist_entry_not_found', `No waitlist entry "${id}".`, { id }),
  eventSoldOut: (seatsLeft: number, partySize: number, details: Record<string, unknown> = {}) =>
    new ApiError(
      'event_sold_out',
      seatsLeft === 0 ? 'The event is sold out.' : `The event has ${seatsLeft} seat(s) left, fewer than the party of ${partySize}.`,
      { ...details, seatsLeft, partySize },
    ),
  cancellationCutoffPassed: (cutoffAt: string, cancellationCutoffMinutes: number) =>
    new ApiError(
      'cancellation_cutoff_passed',
      `This reservation can no longer be cancelled or changed online: the cut-off was ${cutoffAt} (${cancellationCutoffMinutes} minutes before the start). Please contact the restaurant.`,
      { cutoffAt, cancellationCutoffMinutes },
    ),
  outsideOpeningHours: (message: string, details: Record<string, unknown> = {}) => new ApiError('outside_opening_hours', message, details),
  partySizeOutOfRange: (partySize: number, minPartySize: number, maxPartySize: number) =>
    new ApiError('party_size_out_of_range', `A party of ${partySize} is outside the bookable range ${minPartySize}–${maxPartySize}.`, {
      partySize, minPartySize, maxPartySize,
    }),
  noTablesAvailable: (message: string, details: Record<string, unknown> = {}) => new ApiError('no_tables_available', message, details),
  slotLimitReached: (message: string, details: Record<string, unknown> = {}) => new ApiError('slot_limit_reached', message, details),
  invalidStatusTransition: (from: string, to: string, message = `A ${from} reservation cannot become ${to}.`) =>
    new ApiError('invalid_status_transition', message, { from, to }),
  idempotencyConflict: (key: string) =>
    new ApiError('idempotency_conflict', `The Idempotency-Key "${key}" was already used with a different request (method, path or body).`, { key }),
  idempotencyInProgress: (key: string, retryAfterSeconds = 1) =>
    new ApiError(
      'idempotency_in_progress',
      `A request with the Idempotency-Key "${key}" is still being processed; retry in ${retryAfterSeconds} s.`,
      { key, retryAfterSeconds },
      { 'retry-after': String(retryAfterSeconds) },
    ),
};
