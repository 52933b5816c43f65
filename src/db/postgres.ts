/** PostgreSQL through node-postgres: a pool for queries and transactions, one dedicated connection for LISTEN. */
import pg from 'pg';
import { beginStatement, type Db, type QueryResult, type TransactionOptions, type Tx } from './types.js';
import { preparedName } from './prepared.js';
import { behind, inOrder } from './pipelined.js';

const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE) return (v: string) => v;
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/** The query as node-postgres takes it: named when the text is registered as a prepared statement (prepared.ts). */
function statement(text: string, params?: readonly unknown[]): pg.QueryConfig {
  const name = preparedName(text);
  return name === undefined ? { text, values: params as unknown[] | undefined } : { name, text, values: params as unknown[] | undefined };
}

/**
 * A transaction a failed statement aborted answers COMMIT with ROLLBACK, not an error: the function caught that failure
 * and went on as if its writes stood. They do not: say so rather than return as committed.
 */
function committed(commit: pg.QueryResult): void {
  if (commit.command !== 'COMMIT') throw new Error(`the transaction was rolled back at its end (${commit.command}): a statement in it had failed`);
}

interface Subscription {
  channel: string;
  onMessage: (payload: string) => void;
  onReset?: () => void;
}

export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  private listener?: pg.Client;
  private connectingListener?: Promise<void>;
  private readonly subs = new Set<Subscription>();
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(readonly url: string, options: { max?: number; onError?: (err: Error) => void } = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types: typeParsers as any,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // Statements are sent without waiting for the answer to the one before: a transaction's BEGIN travels with its
      // first statement, and its last with COMMIT (transaction()). Each keeps its own Sync, result and error.
      pipeline: true,
    });
    this.pool.on('error', (err) => options.onError?.(err));
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.pool.query(statement(sql, params));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const begin = beginStatement(options); // a bad lock key throws before a connection is taken
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no listener of the pool's: a connection lost between two statements (server restart,
    // terminated backend) would be an unhandled 'error' event and take the process down. Note it; the next statement
    // then fails (answered 503) and the client is discarded on release.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    /** Set once COMMIT has been sent (queryThenCommit): no ROLLBACK then, the transaction has ended either way. */
    let ended = false;
    try {
      const tx: Tx = {
        query: async <R>(sql: string, params?: readonly unknown[]) => {
          const r = await client.query(statement(sql, params));
          return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
        },
        exec: async (sql: string) => {
          await client.query(sql);
        },
        queryThenCommit: async <R>(sql: string, params?: readonly unknown[]) => {
          if (ended) throw new Error('queryThenCommit: the transaction has ended already');
          ended = true;
          // A failed statement: its error (the COMMIT behind it is answered as a ROLLBACK).
          const [r, c] = await inOrder([client.query(statement(sql, params)), client.query('COMMIT')]);
          committed(c);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
        },
      };
      // BEGIN (with its locks: one simple-protocol query, no parameters, the keys checked above) is not waited for: fn's
      // first statement follows it on the wire (the pool's clients pipeline). Should it fail, the statements after it
      // fail too (outside a transaction block they would run on their own: none is sent before BEGIN has been), and the
      // transaction fails with BEGIN's error, the cause.
      const result = await behind(client.query(begin), () => fn(tx));
      if (!ended) {
        ended = true;
        committed(await client.query('COMMIT'));
      }
      return result;
    } catch (err) {
      if (!ended) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
      }
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken || undefined);
    }
  }

  async listen(channel: string, onMessage: (payload: string) => void, onReset?: () => void) {
    const sub: Subscription = { channel, onMessage, onReset };
    this.subs.add(sub);
    await this.ensureListener();
    await this.listener?.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      this.subs.delete(sub);
      if (![...this.subs].some((s) => s.channel === channel)) {
        await this.listener?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      }
    };
  }

  private ensureListener(): Promise<void> {
    if (this.listener) return Promise.resolve();
    this.connectingListener ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, types: typeParsers as any });
      client.on('notification', (msg) => {
        for (const s of this.subs) if (s.channel === msg.channel) s.onMessage(msg.payload ?? '');
      });
      const lost = () => {
        if (this.listener !== client) return;
        this.listener = undefined;
        client.end().catch(() => {});
        for (const s of this.subs) s.onReset?.();
        this.scheduleReconnect();
      };
      client.on('error', lost);
      client.on('end', lost);
      await client.connect();
      for (const channel of new Set([...this.subs].map((s) => s.channel))) await client.query(`LISTEN ${quoteIdent(channel)}`);
      this.listener = client;
    })().finally(() => {
      this.connectingListener = undefined;
    });
    return this.connectingListener;
  }

  private scheduleReconnect() {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = undefined;
      try {
        await this.ensureListener();
        for (const s of this.subs) s.onReset?.(); // notifications may have been missed while disconnected
      } catch {
        this.scheduleReconnect();
      }
    }, 500);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => {});
    await this.pool.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
