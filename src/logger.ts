/** pino options: JSON lines, secrets redacted wherever they could appear. */
import type { LoggerOptions } from 'pino';

/**
 * Where a secret could sit in a log object: request and response headers (keys, cookies, session tokens) at the top
 * or one level down, and fields named like a secret at the top or one level down. No route logs bodies or headers
 * today; this is the net under any that does (test/log-secrets.test.ts checks both).
 */
const SECRET_FIELDS = ['password', 'newPassword', 'currentPassword', 'key', 'secret', 'token', 'sessionToken'];
const SECRET_HEADERS = ['authorization', '["x-api-key"]', 'cookie', '["set-cookie"]'];

export const REDACT_PATHS = [
  ...['req.headers', 'res.headers', 'headers', '*.headers'].flatMap((at) =>
    SECRET_HEADERS.map((h) => `${at}${h.startsWith('[') ? '' : '.'}${h}`),
  ),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'maitre' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
