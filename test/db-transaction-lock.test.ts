/**
 * Db.transaction's `lock` option: an advisory lock taken with BEGIN, in one statement, for the whole transaction; BEGIN
 * pipelined with the body's first statement; Tx.queryThenCommit, the last statement sent with COMMIT.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { beginStatement } from '../src/db/types.js';
import { inOrder } from '../src/db/pipelined.js';
import { createTestDb, type TestDb } from './helpers/db.js';

let db: TestDb;
before(async () => {
  db = await createTestDb();
});
after(async () => db.close());

test('the key is sent as a literal only when it is letters, digits, _, : and -; anything else is refused before a connection is taken', async () => {
  assert.equal(beginStatement(), 'BEGIN');
  assert.equal(beginStatement({ lock: 'rst_abc:2026-03-03' }), `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('rst_abc:2026-03-03', 0))`);
  for (const bad of ["x'; DROP TABLE customers; --", '', 'a b', 'é', 'x\\', 'a'.repeat(201)]) {
    assert.throws(() => beginStatement({ lock: bad }), TypeError, bad);
    await assert.rejects(db.transaction(async () => 'ran', { lock: bad }), TypeError);
  }
});

/**
 * A transaction holding `held` while another asking for `wanted` starts: the second's first statement (sent at once,
 * behind its BEGIN) is answered only once the first has ended. `meanwhile` runs while the second waits.
 */
async function queuedBehind(held: string | string[], wanted: string | string[], meanwhile: () => Promise<void> = async () => {}) {
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = db.transaction(async (tx) => {
    await tx.query('SELECT 1');
    order.push('first in');
    await gate;
    order.push('first out');
  }, { lock: held });
  await new Promise((r) => setTimeout(r, 100));
  const second = db.transaction(async (tx) => {
    await tx.query('SELECT 1');
    order.push('second in');
  }, { lock: wanted });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(order, ['first in']);
  await meanwhile();
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'first out', 'second in']);
}

test('the lock is held inside the transaction, by the same backend, and released at its end', async () => {
  const key = 'rst_locktest:2026-03-03';
  const held = (q: { query: TestDb['query'] }) =>
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted`);
  const inside = await db.transaction(async (tx) => (await held(tx)).rows[0].n, { lock: key });
  assert.equal(inside, 1);
  // A second transaction on the same key waits for the first: their bodies never overlap.
  await queuedBehind(key, key);
  // A failed transaction releases it too.
  await assert.rejects(db.transaction(async () => {
    throw new Error('boom');
  }, { lock: key }), /boom/);
  assert.equal(await db.transaction(async (tx) => (await held(tx)).rows[0].n, { lock: key }), 1);
});

test('several locks: taken with BEGIN in the order given, each held until the end; a bad key among them throws first', async () => {
  const keys = ['rst_multilock:2026-03-03', 'rst_multilock:2026-03-05', 'rst_multilock:2026-03-09'];
  assert.equal(
    beginStatement({ lock: keys.slice(0, 2), genericPlans: true }),
    `BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SELECT pg_advisory_xact_lock(hashtextextended('${keys[0]}', 0)); ` +
      `SELECT pg_advisory_xact_lock(hashtextextended('${keys[1]}', 0))`,
  );
  assert.throws(() => beginStatement({ lock: [keys[0]!, "x'); DROP TABLE y; --"] }), TypeError);
  const ours = (q: { query: TestDb['query'] }) => q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
        AND (classid::bigint << 32 | objid::bigint) = ANY (SELECT hashtextextended(k, 0) FROM unnest($1::text[]) AS k)`,
    [keys],
  );
  assert.equal(await db.transaction(async (tx) => (await ours(tx)).rows[0].n, { lock: keys }), 3);
  // A transaction holding the middle date makes one that wants all three wait, having taken the first.
  await queuedBehind(keys[1]!, keys, async () => {
    const first = await db.transaction((tx) => tx.query<{ free: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free`, [keys[0]]));
    assert.equal(first.rows[0]!.free, false, 'the first key is held by the waiting transaction');
  });
});

test('genericPlans: plan_cache_mode is force_generic_plan inside that transaction only, with or without a lock', async () => {
  assert.equal(beginStatement({ genericPlans: true }), 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan');
  assert.equal(
    beginStatement({ lock: 'rst_abc:2026-03-03', genericPlans: true }),
    `BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SELECT pg_advisory_xact_lock(hashtextextended('rst_abc:2026-03-03', 0))`,
  );
  const mode = async (q: { query: TestDb['query'] }) =>
    (await q.query<{ m: string; pid: number }>(`SELECT current_setting('plan_cache_mode') AS m, pg_backend_pid() AS pid`)).rows[0];
  const inside = await db.transaction((tx) => mode(tx), { lock: 'rst_plans:2026-03-03', genericPlans: true });
  assert.equal(inside.m, 'force_generic_plan');
  // Later transactions (on reused pooled connections) are back to the server's setting.
  const plain = await db.transaction((tx) => mode(tx));
  assert.equal(plain.m, 'auto');
  assert.equal((await db.transaction((tx) => mode(tx), { genericPlans: true })).m, 'force_generic_plan');
});

test('a transaction whose body swallowed a failed statement is not reported as committed, and nothing of it stays', async () => {
  await db.query('CREATE TABLE IF NOT EXISTS tx_swallow_test (n int PRIMARY KEY)');
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_swallow_test (n) VALUES (1)');
      await tx.query('INSERT INTO tx_swallow_test (n) VALUES (1)').catch(() => {}); // a unique violation, caught
      return 'done';
    }),
    /rolled back at its end \(ROLLBACK\)/,
  );
  assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_swallow_test')).rows[0].n, 0);
  // A body that fails nothing commits as before.
  assert.equal(await db.transaction(async (tx) => (await tx.query('INSERT INTO tx_swallow_test (n) VALUES (2)')).rowCount), 1);
  assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_swallow_test')).rows[0].n, 1);
});

test('BEGIN travels with the first statement: a lock wait that fails fails the transaction with its own error, and nothing runs', async () => {
  await db.query('CREATE TABLE IF NOT EXISTS tx_begin_test (n int PRIMARY KEY)');
  const key = 'rst_beginfail:2026-03-03';
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  const first = db.transaction(async (tx) => {
    await tx.query('SELECT 1');
    holding();
    await gate;
  }, { lock: key });
  await held;
  try {
    let bodyRan = false;
    // Its outcome observed at once: it rejects as soon as the wait is cancelled, maybe before the cancel's own answer.
    const second = db.transaction(async (tx) => {
      bodyRan = true; // the body starts at once: its statements wait behind BEGIN on the wire
      await tx.query('INSERT INTO tx_begin_test (n) VALUES (1)');
      return 'committed';
    }, { lock: key }).then(() => null, (err: unknown) => err);
    // The second waits for the lock, in its BEGIN: cancel that wait from outside.
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      const { rows } = await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database()`,
      );
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(pid !== undefined, 'the second transaction waits for the lock');
    assert.equal(bodyRan, true);
    await db.query('SELECT pg_cancel_backend($1)', [pid]);
    // The cause, not the "current transaction is aborted" of the insert queued behind it.
    assert.equal(((await second) as { code?: string } | null)?.code, '57014');
  } finally {
    release();
    await first;
  }
  assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_begin_test')).rows[0].n, 0);
  // The connection is fine afterwards (released to the pool, reused).
  assert.equal(await db.transaction(async (tx) => (await tx.query('INSERT INTO tx_begin_test (n) VALUES (2)')).rowCount, { lock: key }), 1);
});

test('queryThenCommit: the last statement and COMMIT in one round trip; committed when it resolves, rolled back when the statement fails', async () => {
  await db.query('CREATE TABLE IF NOT EXISTS tx_last_test (n int PRIMARY KEY)');
  const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_last_test')).rows[0].n;
  // Resolves with the statement's rows, once committed: another connection sees both writes before the body returns.
  const seen = await db.transaction(async (tx) => {
    await tx.query('INSERT INTO tx_last_test (n) VALUES (1)');
    const r = await tx.queryThenCommit<{ n: number }>('INSERT INTO tx_last_test (n) VALUES (2) RETURNING n');
    assert.deepEqual(r.rows, [{ n: 2 }]);
    return count();
  });
  assert.equal(seen, 2);
  // A failing last statement: its error, and nothing of the transaction stays.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_last_test (n) VALUES (3)');
      await tx.queryThenCommit('INSERT INTO tx_last_test (n) VALUES (1)'); // a unique violation
    }),
    (err: { code?: string }) => err.code === '23505',
  );
  assert.equal(await count(), 2);
  // A statement that failed before it (caught by the body): the COMMIT is answered as a ROLLBACK, and said so.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_last_test (n) VALUES (1)').catch(() => {});
      await tx.queryThenCommit('SELECT 1');
    }),
    (err: { code?: string }) => err.code === '25P02',
  );
  // Nothing after it: the handle refuses a second one, and the transaction is not committed twice.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.queryThenCommit('INSERT INTO tx_last_test (n) VALUES (4)');
      await tx.queryThenCommit('INSERT INTO tx_last_test (n) VALUES (5)');
    }),
    /has ended already/,
  );
  assert.equal(await count(), 3, 'the first one committed');
  // The pooled connection is clean afterwards: a plain transaction runs and commits.
  assert.equal(await db.transaction(async (tx) => (await tx.query('INSERT INTO tx_last_test (n) VALUES (6)')).rowCount), 1);
  assert.equal(await count(), 4);
});

test('inOrder: statements sent together fail with the first failure in the order they were sent, whatever order their promises settle in', async () => {
  const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the cause')), 30));
  const early = Promise.reject(new Error('a consequence'));
  await assert.rejects(inOrder([Promise.resolve(1), late, early]), /the cause/);
  assert.deepEqual(await inOrder([Promise.resolve(1), Promise.resolve('two')]), [1, 'two']);
  // On a connection: a unique violation, then statements behind it that can only fail with 25P02.
  await db.query('CREATE TABLE IF NOT EXISTS tx_inorder_test (n int PRIMARY KEY)');
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_inorder_test (n) VALUES (1)');
      await inOrder([
        tx.query('INSERT INTO tx_inorder_test (n) VALUES (1)'),
        tx.query('SELECT 1'),
        tx.exec('SELECT 2; SELECT 3'),
      ]);
    }),
    (err: { code?: string }) => err.code === '23505',
  );
});
