import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE = /^[A-Za-z0-9._:@\/-]{1,128}$/;

/** Echo the caller's X-Request-Id when it is sane, otherwise mint one. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SANE.test(given)) return given;
  return `req_${randomBytes(10).toString('hex')}`;
}
