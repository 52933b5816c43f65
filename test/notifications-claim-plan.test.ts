/**
 * The notification worker's claims (src/modules/notifications/worker.ts) read the due messages by an ordered scan of
 * guest_messages_due_idx, in transactions with `plainIndexScans` (src/db/types.ts): such a scan marks the index entries
 * of messages already claimed or marked as dead on its first visit. With statistics taken when few messages were due,
 * the planner would otherwise choose a bitmap scan (or a sequential one) that visits every one of them again on every
 * claim until VACUUM: 1.5–3 ms a claim in the booking bench, a fifth of PostgreSQL's time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bistro, createTenant } from './helpers/booking.js';
import { CLAIM_SQL, NOT_SENT_SQL } from '../src/modules/notifications/worker.js';
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

test('plainIndexScans: sequential and bitmap scans are off inside that transaction only', async () => {
  assert.equal(beginStatement({ plainIndexScans: true }), 'BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off');
  const settings = (q: { query: TestApp['db']['query'] }) =>
    q.query<{ s: string }>(`SELECT current_setting('enable_seqscan') || ' ' || current_setting('enable_bitmapscan') AS s`);
  assert.equal((await t.db.transaction((tx) => settings(tx), { plainIndexScans: true })).rows[0]!.s, 'off off');
  assert.equal((await t.db.transaction((tx) => settings(tx))).rows[0]!.s, 'on on');
});

test('both claims walk the due index in order and update by primary key, with stale statistics and thousands of dead entries', async () => {
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
  for (const [name, sql, params] of [
    ['not_sent', NOT_SENT_SQL, [now]],
    ['claim', CLAIM_SQL, [now, new Date(now.getTime() + 60_000), 'ntf_plan:c', 4]],
  ] as const) {
    const { rows } = await t.db.transaction((tx) => tx.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [...params]), {
      plainIndexScans: true,
    });
    const plan = nodes(rows[0]!['QUERY PLAN'][0].Plan);
    assert.ok(plan.some((n) => n['Node Type'] === 'Index Scan' && n['Index Name'] === 'guest_messages_due_idx'), `${name}: ${JSON.stringify(plan.map((n) => n['Node Type']))}`);
    assert.ok(!plan.some((n) => /^(Bitmap|Seq Scan)/.test(String(n['Node Type']))), `${name}: no bitmap or sequential scan: ${JSON.stringify(plan.map((n) => n['Node Type']))}`);
  }
});
