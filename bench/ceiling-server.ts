/**
 * The ceilings the scenarios are measured against: a bare Fastify server in its own process, no logger, no hooks.
 *
 *   node --import tsx bench/ceiling-server.ts <hello|shaped|select|insert> [--pg URL]
 *
 *   hello   GET  /hello   a small JSON object (ceiling A)
 *   shaped  GET  /shaped  ceiling A answering as GET /v1/me does: its nine headers (request id, nosniff, the five rate
 *                         limit headers, content type and length) and a body of its size (~500 bytes), kept as bytes
 *   select  GET  /select  one primary-key SELECT (ceiling B)
 *   insert  POST /insert  BEGIN; INSERT; COMMIT of the small JSON body it was sent (ceiling C)
 *
 * The database is the one the server under test uses (its embedded PostgreSQL, or the PostgreSQL of --pg), through a pg
 * Pool of 10 connections as the server's. Prints one JSON line `{ "port": N }` when listening; stops on SIGTERM.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { parseArgs } from 'node:util';

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
type InTx = (sql: string, params: unknown[]) => Promise<void>;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { pg: { type: 'string' } } });
const mode = positionals[0];
if (mode !== 'hello' && mode !== 'shaped' && mode !== 'select' && mode !== 'insert') {
  throw new Error('usage: ceiling-server.ts <hello|shaped|select|insert> [--pg URL]');
}

const ROWS = 1000;
const SETUP = [
  `CREATE TABLE IF NOT EXISTS bench_ceiling (id integer PRIMARY KEY, name text NOT NULL, covers integer NOT NULL, updated_at timestamptz NOT NULL)`,
  `INSERT INTO bench_ceiling SELECT g, 'table ' || g, 2 + g % 6, now() FROM generate_series(1, ${ROWS}) g ON CONFLICT DO NOTHING`,
  `CREATE TABLE IF NOT EXISTS bench_ceiling_log (id text PRIMARY KEY, n integer NOT NULL, at timestamptz NOT NULL)`,
];

async function openDatabase(): Promise<{ query: Query; inTx: InTx; close: () => Promise<void> }> {
  if (!values.pg) throw new Error('--pg URL is required for the select and insert ceilings');
  const pool = new pg.Pool({ connectionString: values.pg, max: 10 });
  for (const sql of SETUP) await pool.query(sql);
  return {
    query: (sql, params) => pool.query(sql, params),
    inTx: async (sql, params) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(sql, params);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const db = mode === 'hello' || mode === 'shaped' ? null : await openDatabase();
const app = Fastify({ logger: false });
let n = 0;

/** The size and shape of GET /v1/me's answer (a key's id, name, prefix, scopes, limits, dates and its restaurant). */
const SHAPED_BODY = JSON.stringify({
  id: 'key_8f3k2m9q4w7e1r5t', name: 'Website widget', prefix: 'mtr_live_06zm9a9z', environment: 'live',
  scopes: ['availability:read', 'reservations:read', 'reservations:write', 'restaurant:read'],
  allowedOrigins: ['https://www.example-bistro.com'], rateLimit: { requestsPerMinute: 120 },
  createdAt: '2026-12-05T12:06:32.980Z', expiresAt: null, lastUsedAt: '2026-12-05T12:20:25.110Z',
  restaurant: { id: 'rst_4k8m2q9w7e1r5t3y', slug: 'demo', name: 'Chez Demo', timezone: 'Europe/Paris', plan: 'pro' },
});

if (mode === 'hello') {
  app.get('/hello', async () => ({ ok: true, service: 'ceiling', n: ++n }));
} else if (mode === 'shaped') {
  app.get('/shaped', (_req, reply) => {
    const left = String(119 - (++n % 120));
    reply
      .header('x-request-id', `req_${(n * 2654435761).toString(16).padStart(20, '0').slice(-20)}`)
      .header('x-content-type-options', 'nosniff')
      .header('x-ratelimit-limit', '120')
      .header('x-ratelimit-remaining', left)
      .header('x-ratelimit-reset', '60')
      .header('ratelimit-policy', '"default";q=120;w=60')
      .header('ratelimit', `"default";r=${left};t=60`)
      .type('application/json; charset=utf-8')
      .send(SHAPED_BODY);
  });
} else if (mode === 'select') {
  app.get('/select', async () => (await db!.query('SELECT id, name, covers, updated_at FROM bench_ceiling WHERE id = $1', [(++n % ROWS) + 1])).rows[0]);
} else {
  app.post('/insert', async (req) => {
    const body = req.body as { n?: number };
    await db!.inTx('INSERT INTO bench_ceiling_log (id, n, at) VALUES ($1, $2, now())', [`${process.pid}-${++n}`, body.n ?? 0]);
    return { ok: true };
  });
}

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await db?.close();
    process.exit(0);
  })();
});
