/**
 * The notification worker's claims (src/modules/notifications/worker.ts) read the due messages by an ordered scan of
 * guest_messages_due_idx and update each by its id, in transactions with `claimPlan` (src/db/types.ts): such a scan
 * marks the index entries of messages already claimed or marked as dead on its first visit. With statistics taken when
 * few messages were due, the planner would otherwise choose a bitmap scan, a sequential one or a hash join over the
 * whole table, which visit every one of them again on every claim until VACUUM: 1.5–3 ms a claim in the booking bench,
 * a fifth of PostgreSQL's time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bistro, createTenant } from './helpers/booking.js';
import { CLAIM_SQL, NOT_SENT_SQL } from '../src/modules/notifications/worker.js';
import { DUE_UNWRITTEN_SQL } from '../src/modules/notifications/due.js';
import { beginStatement } from '../src/db/types.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.close());

/** Every node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function nodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodes)];
}

test('claimPlan: sequential and bitmap scans, hash and merge joins are off inside that transaction only', async () => {
  assert.equal(
    beginStatement({ claimPlan: true }),
    'BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off',
  );
  const settings = (q: { query: TestApp['db']['query'] }) => q.query<{ s: string }>(
    `SELECT concat_ws(' ', current_setting('enable_seqscan'), current_setting('enable_bitmapscan'), current_setting('enable_hashjoin'),
       current_setting('enable_mergejoin')) AS s`,
  );
  assert.equal((await t.db.transaction((tx) => settings(tx), { claimPlan: true })).rows[0]!.s, 'off off off off');
  assert.equal((await t.db.transaction((tx) => settings(tx))).rows[0]!.s, 'on on on on');
});

test('both claims walk the due index in order and update each message by its id, with stale statistics and thousands of dead entries; the due reminders are read from that index', async () => {
  const r = await createTenant(t.app, bistro());
  // A live queue: 500 reminders due next month and 40 messages due now when the statistics were taken; then 3,000
  // messages queued and handled since (each left a dead entry in the due index until VACUUM).
  const insert = (from: number, to: number, due: string) => t.db.query(
    `INSERT INTO guest_messages (id, restaurant_id, kind, recipient, language, subject, text_body, html_body, send_after, next_attempt_at)
     SELECT 'msg_plan' || i, $1, 'confirmation', 'guest@example.com', 'en', 's', 't', 'h', now(), now() + $2::interval
       FROM generate_series($3::int, $4::int) AS i`,
    [r.id, due, from, to],
  );
  await insert(1, 500, '30 days');
  await insert(501, 540, '-1 minute');
  await t.db.query('ANALYZE guest_messages');
  await insert(1001, 4000, '-1 minute');
  await t.db.query(`UPDATE guest_messages SET status = 'not_sent' WHERE id >= 'msg_plan1001' AND length(id) >= length('msg_plan1001')`);
  const now = new Date();
  for (const [name, sql, params, claimPlan] of [
    ['not_sent', NOT_SENT_SQL, [now], true],
    ['claim', CLAIM_SQL, [now, new Date(now.getTime() + 60_000), 'ntf_plan:c', 4], true],
    ['due reminders', DUE_UNWRITTEN_SQL, [now, 100], false], // each pass's first statement, outside a transaction
  ] as const) {
    const { rows } = await t.db.transaction((tx) => tx.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [...params]), {
      claimPlan,
    });
    const plan = nodes(rows[0]!['QUERY PLAN'][0].Plan);
    const shape = JSON.stringify(plan.map((n) => [n['Node Type'], n['Index Name'] ?? null]));
    if (!claimPlan) {
      // Read only, no lock, no join: any scan of the due index's range will do (a bitmap one, then a sort, is the
      // planner's pick on these statistics), never the table.
      assert.ok(plan.some((n) => /Index Scan/.test(String(n['Node Type'])) && n['Index Name'] === 'guest_messages_due_idx' && n['Index Cond']), `${name}: ${shape}`);
      assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan'), `${name}: ${shape}`);
      continue;
    }
    assert.ok(plan.some((n) => n['Node Type'] === 'Index Scan' && n['Index Name'] === 'guest_messages_due_idx'), `${name}: ${shape}`);
    // Every scan is bounded by its index condition: the due range, or one message by its id.
    for (const n of plan.filter((n) => String(n['Node Type']).includes('Scan') && n['Node Type'] !== 'Subquery Scan')) {
      assert.equal(n['Node Type'], 'Index Scan', `${name}: ${shape}`);
      assert.ok(n['Index Cond'], `${name}: an index scan with a condition: ${shape}`);
    }
    assert.ok(!plan.some((n) => /Hash|Merge/.test(String(n['Node Type']))), `${name}: no hash or merge join: ${shape}`);
  }
});
