/**
 * JSON bodies: an empty body reads as "no body"; anything else must parse. Prototype-poisoning keys
 * (`__proto__`, `constructor.prototype`) are stripped rather than trusted.
 */
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { errors } from './errors.js';

export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers(); // JSON only: any other body is 415
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, sjson.parse(text, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch (err) {
      done(errors.invalidJson((err as Error).message), undefined);
    }
  });
}
