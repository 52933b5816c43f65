/** Builds the real app on a fresh database, with a controllable clock and captured logs. */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { loggerOptions } from '../../src/logger.js';
import type { RateLimiter } from '../../src/http/rate-limit/types.js';
import { createTestDb, type TestDb } from './db.js';
import { installContractCheck } from './contract.js';

export class TestClock {
  constructor(public ms = Date.now()) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  db: TestDb;
  clock: TestClock;
  logs: string[];
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // No cache directory unless the run gives one (never ./data/cache from a test): npm test shares one for its run.
  return { ...loadConfig({ LOG_LEVEL: 'info', MAITRE_DEMO: '0' }), cacheDir: process.env.MAITRE_CACHE_DIR, ...overrides };
}

export async function createTestApp(
  options: {
    db?: TestDb;
    config?: Partial<Config>;
    limiter?: RateLimiter;
    clock?: TestClock;
    extend?: (app: FastifyInstance) => void;
    /** Validate every response against the OpenAPI document (test/helpers/contract.ts). Default on. */
    contract?: boolean;
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDb());
  const clock = options.clock ?? new TestClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = testConfig(options.config);
  const logger = pino(loggerOptions(config.logLevel), sink);
  const app = await buildApp({ config, db, now: clock.now, logger, limiter: options.limiter });
  const ownRoutes = app.openapiRoutes.length;
  options.extend?.(app);
  if (options.contract !== false) installContractCheck(app, { fromRouteIndex: ownRoutes });
  await app.ready();
  return {
    app,
    db,
    clock,
    logs,
    async close() {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}
