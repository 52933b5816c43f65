/** pino options: JSON lines, secrets redacted wherever they could appear. */
import type { LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers["x-api-key"]', 'headers.cookie', '*.password', '*.key', '*.secret', 'password', 'key', 'secret',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'maitre' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
