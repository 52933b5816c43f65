/**
 * Without SMTP, a message due at once is written as not sent by the change that queues it; the notification worker's
 * passes (which mark the rest not sent) run at most every notSendingPassMs, however many commits wake it meanwhile,
 * and a due message left pending is still marked in that time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z } from './helpers/booking.js';
import { LiveClock, sleep, waitUntil } from './notifications-support.js';
import { NOT_SENT_REASON } from '../src/modules/notifications/queries.js';

test('without SMTP: at most one pass every notSendingPassMs whatever the wake-ups; a booking\'s confirmation written not sent at once; a pending one marked', async () => {
  const t = await createTestApp({ clock: new LiveClock(MONDAY_9Z) });
  try {
    const worker = t.app.services.notificationWorker;
    assert.equal(worker.sending, false);
    worker.options.notSendingPassMs = 300;
    let passes = 0;
    const transaction = t.db.transaction.bind(t.db);
    t.db.transaction = ((fn, options) => {
      if (options?.claimPlan) passes++; // the not-sent pass's transaction
      return transaction(fn, options);
    }) as typeof t.db.transaction;
    await sleep(400); // past the passes of start-up
    passes = 0;
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      worker.kick(); // as 40 commits' NOTIFYs would
      await sleep(10);
    }
    await sleep(400);
    const elapsed = performance.now() - started;
    const allowed = Math.ceil(elapsed / 300) + 1;
    assert.ok(passes >= 1 && passes <= allowed, `${passes} passes in ${Math.round(elapsed)} ms (at most ${allowed})`);

    // A booking's confirmation is written as not sent at once (no pass needed); its reminder waits for its time.
    const r = await createTenant(t.app, bistro());
    const res = await r.post('/reservations', booking('2026-03-03', '19:30', 2));
    assert.equal(res.statusCode, 201, res.body);
    const { rows } = await t.db.query<{ kind: string; status: string; last_error: string | null }>(
      `SELECT kind, status, last_error FROM guest_messages WHERE reservation_id = $1 ORDER BY kind`, [res.json().id]);
    assert.deepEqual(rows.map((m) => [m.kind, m.status, m.last_error]),
      [['confirmation', 'not_sent', NOT_SENT_REASON], ['reminder', 'pending', null]]);

    // A due message left pending (queued by an instance that sends) is marked by the next pass all the same.
    await t.db.query(
      `INSERT INTO guest_messages (id, restaurant_id, kind, recipient, language, subject, text_body, html_body, send_after, next_attempt_at)
       VALUES ('msg_pacing', $1, 'confirmation', 'guest@example.com', 'en', 's', 't', 'h', $2, $2)`, [r.id, new Date(t.clock.now() - 1_000)]);
    worker.kick();
    const status = async () => (await t.db.query(`SELECT status FROM guest_messages WHERE id = 'msg_pacing'`)).rows[0]?.status;
    await waitUntil(async () => (await status()) === 'not_sent', 5_000, () => 'the pending message marked not sent');
  } finally {
    await t.close();
  }
});
