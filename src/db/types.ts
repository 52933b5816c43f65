/** The one small database interface the whole application talks to (PostgreSQL: a server's or the embedded one). */
export type Row = Record<string, any>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A transaction handle: everything done through it commits or rolls back together. */
export interface Tx extends Queryable {
  /**
   * The transaction's last statement, sent together with its COMMIT (one round trip: PostgreSQL runs the two in order,
   * the COMMIT only once the statement has succeeded). Resolves with the statement's result once the transaction has
   * committed; rejects with the statement's error (the transaction is then rolled back, the COMMIT answered as a
   * ROLLBACK) or with the commit's. Nothing may be sent through the handle after it, and nothing that may still fail
   * may follow it: the function given to Db.transaction returns right after.
   */
  queryThenCommit<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface TransactionOptions {
  /** Advisory locks taken with BEGIN, in the order given (see Db.transaction). */
  lock?: string | readonly string[];
  /**
   * `plan_cache_mode = force_generic_plan` for this transaction only (SET LOCAL, sent with BEGIN): its named prepared
   * statements run their cached generic plan instead of being planned again on every call when PostgreSQL's cost
   * estimate prefers a custom plan. For transactions of hot prepared statements whose generic plans are known good.
   */
  genericPlans?: boolean;
  /**
   * The plan of a queue's claim, for this transaction only (SET LOCAL, sent with BEGIN): sequential, bitmap scans, hash
   * and merge joins off, so that whatever the statistics say, the due rows are read by an ordered scan of the queue's
   * index and the rows to update found by their primary key. Such a scan marks the index entries of rows already moved
   * on (a claim or a status change is not a HOT update) as dead on its first visit; a bitmap scan never marks them, and a
   * sequential scan or a hash join reads the whole table, so every claim would visit again every row the queue handled
   * since the last VACUUM.
   */
  claimPlan?: boolean;
}

/** The keys `TransactionOptions.lock` takes (they are sent as a literal with BEGIN: letters, digits, `_`, `:`, `-`). */
export const LOCK_KEY_PATTERN = /^[A-Za-z0-9_:-]{1,200}$/;

/** The statement that opens a transaction, with its advisory lock when asked. */
export function beginStatement(options: TransactionOptions = {}): string {
  let begin = options.genericPlans ? 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan' : 'BEGIN';
  if (options.claimPlan) {
    begin += '; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';
  }
  if (options.lock === undefined) return begin;
  const keys: readonly string[] = typeof options.lock === 'string' ? [options.lock] : options.lock;
  for (const key of keys) {
    if (!LOCK_KEY_PATTERN.test(key)) throw new TypeError(`transaction lock key ${JSON.stringify(key)} is not of the form ${LOCK_KEY_PATTERN}`);
  }
  // One statement per lock: a simple-protocol query runs them one after the other, so they are taken in this order.
  return [begin, ...keys.map((key) => `SELECT pg_advisory_xact_lock(hashtextextended('${key}', 0))`)].join('; ');
}

export interface Db extends Queryable {
  readonly kind: 'postgres';
  /**
   * Runs fn in one transaction; commits when it resolves, rolls back when it throws. `options.lock`: transaction-level
   * advisory locks (pg_advisory_xact_lock(hashtextextended(key, 0))) taken with BEGIN, in the same statement and in the
   * order given, before any statement of fn runs; each key must match LOCK_KEY_PATTERN. BEGIN is pipelined with fn's
   * first statement (sent without waiting for its answer; PostgreSQL runs them in order, so that statement reads after
   * the locks are held, on a snapshot taken then); a BEGIN that fails fails the transaction with its own error.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel. onReset is called when the subscription had to be re-established
   * (notifications may have been missed in between), so caches can drop everything.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReset?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
]);

/**
 * True when the database aborted the transaction because of a concurrent one (deadlock detected, serialization
 * failure): nothing was written, and the same request can simply be sent again (answered as 503 with Retry-After).
 */
export function isTransientConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** True when an error means "the database cannot be reached right now" (answered as 503). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string };
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  const msg = e.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(msg);
}
