/** What the fuzzer demands of every response: no 5xx, a request id, and every error in the contract's envelope. */
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_STATUS } from '../../src/http/errors.js';

/** What is wrong with this response, or null. */
export function fuzzProblem(method: string, res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}`;
  const requestId = res.headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId === '') return 'no X-Request-Id header';
  if (res.statusCode < 300 || method === 'HEAD') return null;
  if (!/^application\/json/i.test(String(res.headers['content-type'] ?? ''))) {
    if (method === 'OPTIONS' && res.statusCode === 204) return null; // a CORS preflight answer
    return `a ${res.statusCode} that is not JSON (${String(res.headers['content-type'])})`;
  }
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `a ${res.statusCode} whose body is not JSON`;
  }
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  const e = body?.error;
  if (keys.length !== 1 || keys[0] !== 'error' || !e || typeof e !== 'object') return `not the error envelope: ${res.body.slice(0, 200)}`;
  if (!Object.hasOwn(ERROR_STATUS, e.code)) return `unknown error code ${JSON.stringify(e.code)}`;
  if (ERROR_STATUS[e.code as keyof typeof ERROR_STATUS] !== res.statusCode) return `code ${e.code} with status ${res.statusCode}`;
  if (typeof e.message !== 'string' || e.message === '') return 'an error without a message';
  if (!e.details || typeof e.details !== 'object' || Array.isArray(e.details)) return 'an error whose details are not an object';
  return null;
}
