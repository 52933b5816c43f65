/**
 * What a tool answers: its value as structured content (and as JSON text for clients that only read text), or a tool
 * error (`isError: true`) carrying the contract's error envelope — the same `code`, `message` and `details` the REST
 * API would answer, so a model can act on `code` and on the field a validation issue names. Never a protocol error
 * for something the tool itself refused, and never an unexplained failure: anything unexpected is `internal_error`.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { type ApiError, errors } from '../../http/errors.js';
import { toApiError as classify } from '../../http/errors-handler.js';

export function toolResult(value: Record<string, unknown>, summary?: string): CallToolResult {
  const json = JSON.stringify(value);
  return { content: [{ type: 'text', text: summary ? `${summary}\n\n${json}` : json }], structuredContent: value };
}

/** REST paths say where a field was (`body.customer.email`, `querystring.area`); a tool has only its arguments. */
const argumentPath = (path: string) => path.replace(/^(body|querystring|params)(\.|$)/, '');

/**
 * The error of a tool call, from whatever the call threw: the arguments' zod issues, or what the API's one error
 * handler would have answered (database unreachable or a transient conflict → service_unavailable, ...).
 */
export function toApiError(err: unknown, log: FastifyBaseLogger): ApiError {
  if (err instanceof z.ZodError) {
    return errors.validation(err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  const known = classify(err);
  if (!known) {
    log.error({ err }, 'mcp tool failed');
    return errors.internal();
  }
  if (known.status >= 500) log.error({ err }, known.message);
  if (known.code !== 'validation_failed') return known;
  const issues = (known.details.issues as { path: string; message: string }[] | undefined) ?? [];
  return errors.validation(issues.map((i) => ({ path: argumentPath(i.path), message: i.message })));
}

export function toolError(error: ApiError): CallToolResult {
  const envelope = { error: { code: error.code, message: error.message, details: error.details } };
  return {
    isError: true,
    content: [{ type: 'text', text: `${error.code}: ${error.message}\n\n${JSON.stringify(envelope)}` }],
    structuredContent: envelope,
  };
}
