import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE = /^[A-Za-z0-9._:@\/-]{1,128}$/;

/**
 * Random bytes drawn 4 KiB at a time and hex-encoded as they are drawn: one randomBytes() call per request was a tenth
 * of the CPU of GET /v1/me, and one hex encoding per request (a call into C++) another 0.7 %; a request's id is now a
 * substring of the encoded pool. A request id is no secret; it only has to be unique, and random rather than counted,
 * so that the ids a caller sees say nothing of how many requests others made.
 */
const POOL_BYTES = 4096;
let pool = '';
let at = 0;
function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (at + chars > pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    at = 0;
  }
  const hex = pool.substring(at, at + chars);
  at += chars;
  return hex;
}

/** Echo the caller's X-Request-Id when it is sane, otherwise mint one. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SANE.test(given)) return given;
  return `req_${randomHex(10)}`;
}
