/**
 * The only reader of process.env. Validated once at start-up and injected everywhere else.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './lib/duration.js';

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : !['0', 'false', 'no', 'off'].includes(v.toLowerCase())));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  MAITRE_DATA_DIR: z.string().min(1).default('./data'),
  MAITRE_CACHE_DIR: z.string().min(1).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAITRE_WEBHOOK_ALLOW_PRIVATE: flag(false),
  MAITRE_WEBHOOK_RETRY_DELAYS: z
    .string()
    .default('30s,2m,10m,1h,6h,24h')
    .transform((v, ctx) => {
      try {
        return v.split(',').map((part) => parseDuration(part));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  MAITRE_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  MAITRE_SMTP_FROM: z.email().optional(),
  MAITRE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  MAITRE_NOTIFY_RETRY_DELAYS: z
    .string()
    .default('1m,5m,30m,2h,6h')
    .transform((v, ctx) => {
      try {
        return v.split(',').map((part) => parseDuration(part));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  MAITRE_DEMO: flag(true),
  MAITRE_TRUST_PROXY: flag(false),
});

export interface Config {
  port: number;
  host: string;
  /** postgres:// URL; undefined means the embedded PostgreSQL in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /**
   * MAITRE_CACHE_DIR: where the server keeps, across restarts, what it can rebuild but would rather not (the rendered
   * API reference). Default: `cache` in the data directory in embedded mode; none with DATABASE_URL (stateless).
   */
  cacheDir?: string;
  redisUrl?: string;
  logLevel: string;
  webhookAllowPrivate: boolean;
  webhookRetryDelaysMs: number[];
  demo: boolean;
  /** MAITRE_SMTP_URL: where guest emails are sent; undefined = they are rendered and kept as `not_sent`. */
  smtpUrl?: string;
  /** MAITRE_SMTP_FROM: the sender when a restaurant sets no from address. */
  smtpFrom: string;
  /** MAITRE_PUBLIC_URL: base URL of this server in links (default http://HOST:PORT). */
  publicUrl: string;
  /** MAITRE_NOTIFY_RETRY_DELAYS: delays between attempts of a guest email after a temporary SMTP failure. */
  notifyRetryDelaysMs: number[];
  /** Honour X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  /** Safety-net TTL of the in-process API key cache; invalidation normally reaches it first. */
  keyCacheTtlMs: number;
  /** How often batched key usage (lastUsedAt, usage log) is written. */
  usageFlushMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set" (e.g. DATABASE_URL= to force the embedded database).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MAITRE_DATA_DIR,
    cacheDir: e.MAITRE_CACHE_DIR ?? (e.DATABASE_URL ? undefined : join(e.MAITRE_DATA_DIR, 'cache')),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    webhookAllowPrivate: e.MAITRE_WEBHOOK_ALLOW_PRIVATE,
    webhookRetryDelaysMs: e.MAITRE_WEBHOOK_RETRY_DELAYS,
    demo: e.MAITRE_DEMO,
    smtpUrl: e.MAITRE_SMTP_URL,
    smtpFrom: e.MAITRE_SMTP_FROM ?? 'maitre@localhost',
    publicUrl: (e.MAITRE_PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    notifyRetryDelaysMs: e.MAITRE_NOTIFY_RETRY_DELAYS,
    trustProxy: e.MAITRE_TRUST_PROXY,
    keyCacheTtlMs: 60_000,
    usageFlushMs: 2_000,
  };
}
