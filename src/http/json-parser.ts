/**
 * JSON bodies: an empty body reads as "no body"; anything else must parse. Prototype-poisoning keys
 * (`__proto__`, `constructor.prototype`) are stripped rather than trusted. Nesting deeper than MAX_JSON_DEPTH is
 * refused as invalid_json (RFC 8259 §9 lets a parser limit it): no body of this API comes close, and every recursive
 * walk after the parser (validation, idempotency fingerprints, logs) stays far from the stack limit. So is a string
 * with a lone UTF-16 surrogate (`"\ud800"`, RFC 8259 §8.2): it is not text, and PostgreSQL's jsonb refuses it.
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { errors } from './errors.js';

const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a parsed JSON value is refused (too deep, or a string that is not well-formed Unicode), or null. Iterative. */
function jsonProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return 'a string holds a lone UTF-16 surrogate (not valid Unicode)';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_JSON_DEPTH) return `arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep`;
    for (const [k, child] of Object.entries(v)) stack.push([k, depth + 1], [child, depth + 1]);
  }
  return null;
}

export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers(); // JSON only: any other body is 415
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      const value = sjson.parse(text, { protoAction: 'remove', constructorAction: 'remove' });
      const problem = jsonProblem(value);
      if (problem) return done(errors.invalidJson(problem), undefined);
      done(null, value);
    } catch (err) {
      done(errors.invalidJson((err as Error).message), undefined);
    }
  });
}
