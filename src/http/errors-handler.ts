/** The one error handler: every failure leaves as the contract's envelope; nothing internal reaches a client. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable, isTransientConflict } from '../db/types.js';
import { ApiError, errors, type ValidationIssue } from './errors.js';
import { setCommonHeaders } from './security-headers.js';

export const BODY_LIMIT = 64 * 1024;

function issuesFrom(err: FastifyError & { validation?: any[]; validationContext?: string }): ValidationIssue[] {
  const context = err.validationContext ?? '';
  return (err.validation ?? []).map((v) => {
    const issue = (v.params as { issue?: { path?: (string | number)[] } } | undefined)?.issue;
    const segments: (string | number)[] = issue && Array.isArray(issue.path)
      ? issue.path
      : String(v.instancePath ?? '').split('/').filter(Boolean);
    const path = [context, ...segments].filter((s) => s !== '').join('.');
    return { path, message: v.message ?? 'is invalid' };
  });
}

/**
 * PostgreSQL cannot store U+0000 in text (22021 "invalid byte sequence … 0x00", 22P05 untranslatable): a NUL in any
 * string the client sent (a path id, a query, a body field) is refused as invalid input rather than crashing.
 */
function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError & { validation?: unknown[]; type?: string };
  if (hasZodFastifySchemaValidationErrors(e) || Array.isArray(e?.validation)) return errors.validation(issuesFrom(e as any));
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(BODY_LIMIT);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return errors.unsupportedMediaType(undefined);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.invalidJson(e.message);
  }
  if (e instanceof SyntaxError && (e as any).statusCode === 400) return errors.invalidJson(e.message);
  if (isDatabaseUnavailable(err)) return errors.serviceUnavailable();
  if (isTransientConflict(err)) return errors.serviceUnavailable(1, 'A concurrent change got in the way and nothing was saved; send the request again.');
  if (isUnstorableText(err)) return errors.validation([{ path: '', message: 'text must not contain the NUL character (\\u0000)' }]);
  const status = (e as any)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return errors.notFound();
    if (status === 413) return errors.payloadTooLarge(BODY_LIMIT);
    if (status === 415) return errors.unsupportedMediaType(undefined);
    return errors.validation([{ path: '', message: e.message }]);
  }
  return null;
}

export function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  let apiError = toApiError(err);
  if (!apiError) {
    req.log.error({ err }, 'unhandled error');
    apiError = errors.internal();
  } else if (apiError.status >= 500) {
    req.log.error({ err }, apiError.message);
  }
  for (const [k, v] of Object.entries(apiError.headers)) reply.header(k, v);
  return reply
    .code(apiError.status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ error: { code: apiError.code, message: apiError.message, details: apiError.details } });
}

/**
 * Errors the router raises before any route or hook runs (Fastify's `frameworkErrors` option): a path that is not
 * valid percent-encoded UTF-8, or a path parameter longer than the router accepts. No such resource can exist, so
 * they are 404 not_found, in the envelope and with the request id, like every other answer.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  setCommonHeaders(req, reply); // no hook runs before these
  const why = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long' : 'the path is not valid percent-encoded UTF-8';
  sendError(req, reply, err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? errors.notFound(`No such route: ${why}.`) : err);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, errors.notFound(`No route ${req.method} ${req.url.split('?')[0]}.`)));
}
