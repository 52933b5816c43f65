/** pino options: JSON lines, secrets redacted wherever they could appear. */
import type { Bindings, ChildLoggerOptions, Logger, LoggerOptions } from 'pino';

/**
 * Where a secret could sit in a log object: request and response headers (keys, cookies, session tokens) at the top
 * or one level down, and fields named like a secret at the top or one level down. No route logs bodies or headers
 * today; this is the net under any that does (test/log-secrets.test.ts checks both).
 */
const SECRET_FIELDS = ['password', 'newPassword', 'currentPassword', 'key', 'secret', 'token', 'sessionToken'];
const SECRET_HEADERS = ['authorization', '["x-api-key"]', 'cookie', '["set-cookie"]'];

/**
 * A PostgreSQL error's `detail` and `where` quote the values of the row or key at fault ("Failing row contains (…,
 * guest@example.com, +33…)"), so a logged error (under `err`, the convention; pino folds a `cause` into the message and
 * stack only) keeps its message, code, table and constraint — what an operator needs — and not the guest's data.
 */
const DATABASE_ERROR_VALUES = ['err.detail', 'err.where'];

export const REDACT_PATHS = [
  ...['req.headers', 'res.headers', 'headers', '*.headers'].flatMap((at) =>
    SECRET_HEADERS.map((h) => `${at}${h.startsWith('[') ? '' : '.'}${h}`),
  ),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  ...DATABASE_ERROR_VALUES,
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'maitre' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogFn = (...args: unknown[]) => void;

/**
 * A request's logger that becomes a real pino child (bound to the request id) only when something is written at an
 * enabled level. Fastify makes a child logger for every request; with redaction configured, pino's child() costs
 * about 2 µs (the bindings are serialized through the redactor), and at `warn` almost no request ever logs. Output is
 * identical: the first enabled call creates the same child Fastify's default factory would, and writes through it.
 */
class RequestLogger {
  private real?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Bindings,
  ) {}

  private child_(): Logger {
    return (this.real ??= this.parent.child(this.childBindings));
  }

  private write(level: Level, args: unknown[]): void {
    if (this.real) (this.real[level] as LogFn)(...args);
    else if (this.parent.isLevelEnabled(level)) (this.child_()[level] as LogFn)(...args);
  }

  get level(): string {
    return (this.real ?? this.parent).level;
  }

  set level(level: string) {
    this.child_().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  isLevelEnabled(level: string): boolean {
    return (this.real ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.child_().bindings();
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.child_().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a RequestLogger per request, or pino's own child when the route asks for a level
 * or serializers of its own (none does today).
 */
export function lazyChildLoggerFactory(logger: unknown, bindings: Bindings, opts: ChildLoggerOptions): Logger {
  const parent = logger as Logger;
  if (opts.level !== undefined || opts.serializers !== undefined || opts.redact !== undefined) return parent.child(bindings, opts);
  return new RequestLogger(parent, bindings) as unknown as Logger;
}
