/** The error envelope of the Maitre API as an Error: `{ error: { code, message, details } }` plus status and request id. */
import type { components } from './schema.js';

/** Every code the API documents (API.md §5). */
export type ErrorCode = components['schemas']['ErrorEnvelope']['error']['code'];

export class MaitreApiError extends Error {
  override readonly name = 'MaitreApiError';

  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** Stable, machine-readable: branch on it. `unexpected_response` when the body was not the API's envelope. */
    readonly code: ErrorCode | 'unexpected_response',
    message: string,
    /** Structured context (`{}` when there is none), e.g. `missingScope`, `issues`, `seatsLeft`. */
    readonly details: Record<string, unknown>,
    /** The X-Request-Id of the response: quote it when you report a problem. */
    readonly requestId: string | null,
    /** Seconds to wait, from Retry-After (429, 503, 409 idempotency_in_progress). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** From a response and its parsed body (openapi-fetch's `error`). */
  static from(response: Response, body: unknown): MaitreApiError {
    const requestId = response.headers.get('x-request-id');
    const retry = Number(response.headers.get('retry-after'));
    const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
    const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null | undefined)?.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
      return new MaitreApiError(response.status, e.code as ErrorCode, e.message, details, requestId, retryAfter);
    }
    return new MaitreApiError(response.status, 'unexpected_response', `HTTP ${response.status} ${response.statusText}`.trim(), {}, requestId, retryAfter);
  }
}

export function isMaitreApiError(err: unknown, code?: ErrorCode): err is MaitreApiError {
  return err instanceof MaitreApiError && (code === undefined || err.code === code);
}
