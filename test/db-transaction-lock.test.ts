/** Db.transaction's `lock` option: an advisory lock taken with BEGIN, in one round trip, for the whole transaction. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { beginStatement } from '../src/db/types.js';
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
 * A transaction holding `held` while another asking for `wanted` starts: the second's body runs only once the first
 * has ended. `meanwhile` runs while the second waits.
 */
async function queuedBehind(held: string | string[], wanted: string | string[], meanwhile: () => Promise<void> = async () => {}) {
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = db.transaction(async () => {
    order.push('first in');
    await gate;
    order.push('first out');
  }, { lock: held });
  await new Promise((r) => setTimeout(r, 100));
  const second = db.transaction(async () => {
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
