/**
 * The typed Maitre API client: openapi-fetch over types generated from the OpenAPI document (`npm run sdk`).
 *
 *   const maitre = createMaitreClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.MAITRE_API_KEY! });
 *   const me = await unwrap(maitre.GET('/v1/me'));
 *
 * - The key goes in `Authorization: Bearer`.
 * - A POST that accepts an `Idempotency-Key` (see IDEMPOTENT_OPERATIONS) gets one automatically unless the call sets
 *   its own (`headers: { 'Idempotency-Key': … }`), and is then retried safely with the same key.
 * - Retries (default 2): network errors, 429, 503 and 409 `idempotency_in_progress`, honouring Retry-After, for
 *   GET/HEAD and for requests that carry an Idempotency-Key only — never a request that could run twice.
 * - Errors: `unwrap()` returns the data or throws a MaitreApiError (code, message, details, status, requestId);
 *   without it, `MaitreApiError.from(response, error)` turns a returned error into one.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';
import { MaitreApiError } from './errors.js';
import { IDEMPOTENT_OPERATIONS } from './operations.js';

export type { components, operations, paths } from './schema.js';
export { MaitreApiError, isMaitreApiError, type ErrorCode } from './errors.js';
export { IDEMPOTENT_OPERATIONS } from './operations.js';

export interface MaitreClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000` (no `/v1`: the paths carry it). */
  baseUrl: string;
  /** The restaurant's API key (`mtr_live_…` or `mtr_test_…`). */
  apiKey: string;
  /** Retries of a safe request (see above). Default 2; 0 turns them off. */
  maxRetries?: number;
  /** Longest wait before a retry, in ms (a longer Retry-After is not waited for). Default 10 000. */
  maxRetryDelayMs?: number;
  /** Makes the Idempotency-Key of a call that sets none. Default: a random UUID. */
  idempotencyKey?: () => string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: (input: Request) => Promise<Response>;
}

export type MaitreClient = Client<paths, 'application/json'>;

/** A fresh Idempotency-Key: keep it to retry the same operation later. */
export const newIdempotencyKey = (): string => crypto.randomUUID();

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function shouldRetry(response: Response): Promise<boolean> {
  if (response.status === 429 || response.status === 503) return true;
  if (response.status !== 409) return false;
  const body = (await response.clone().json().catch(() => null)) as { error?: { code?: string } } | null;
  return body?.error?.code === 'idempotency_in_progress';
}

function retryingFetch(options: MaitreClientOptions): (request: Request) => Promise<Response> {
  const send = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const maxRetries = options.maxRetries ?? 2;
  const maxDelay = options.maxRetryDelayMs ?? 10_000;
  return async (request) => {
    const retryable = SAFE_METHODS.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      const last = !retryable || attempt >= maxRetries;
      const current = last ? request : request.clone();
      let response: Response;
      try {
        response = await send(current);
      } catch (err) {
        if (last) throw err;
        await sleep(Math.min(maxDelay, 200 * 2 ** attempt));
        continue;
      }
      if (last || !(await shouldRetry(response))) return response;
      const retryAfter = Number(response.headers.get('retry-after'));
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt;
      if (wait > maxDelay) return response;
      await response.body?.cancel();
      await sleep(wait);
    }
  };
}

function idempotencyMiddleware(makeKey: () => string): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (IDEMPOTENT_OPERATIONS.has(`${request.method} ${schemaPath}`) && !request.headers.has('idempotency-key')) {
        request.headers.set('Idempotency-Key', makeKey());
      }
      return request;
    },
  };
}

/** The client: `maitre.GET('/v1/restaurants/{restaurant}', { params: { path: { restaurant: 'demo' } } })`. */
export function createMaitreClient(options: MaitreClientOptions): MaitreClient {
  const client = createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(options),
  });
  client.use(idempotencyMiddleware(options.idempotencyKey ?? newIdempotencyKey));
  return client;
}

/** The success data of an openapi-fetch result. */
export type DataOf<R> = R extends { data: infer D; error?: never } ? D : never;

/** The data of a successful call, or a thrown MaitreApiError. */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(call: Promise<R>): Promise<DataOf<R>> {
  const result = await call;
  if (result.response.ok) return result.data as DataOf<R>;
  throw MaitreApiError.from(result.response, result.error);
}
