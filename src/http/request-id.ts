import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE = /^[A-Za-z0-9._:@\/-]{1,128}$/;

/**
 * Random bytes drawn 4 KiB at a time: one randomBytes() call per request was a tenth of the CPU of GET /v1/me
 * (a request id is no secret; it only has to be unique).
 */
let pool = Buffer.alloc(0);
let at = 0;
function randomHex(bytes: number): string {
  if (at + bytes > pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  const hex = pool.toString('hex', at, at + bytes);
  at += bytes;
  return hex;
}

/** Echo the caller's X-Request-Id when it is sane, otherwise mint one. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SANE.test(given)) return given;
  return `req_${randomHex(10)}`;
}
