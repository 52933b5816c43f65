/**
 * Without SMTP, the notification worker's passes (marking due messages not sent) run at most every notSendingPassMs,
 * however many commits wake it meanwhile; a queued message is still marked, in that time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z } from './helpers/booking.js';
import { LiveClock, sleep, waitUntil } from './notifications-support.js';

test('without SMTP: at most one pass every notSendingPassMs whatever the wake-ups; a queued message is marked not sent all the same', async () => {
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

    const r = await createTenant(t.app, bistro());
    const res = await r.post('/reservations', booking('2026-03-03', '19:30', 2));
    assert.equal(res.statusCode, 201, res.body);
    const status = async () =>
      (await t.db.query(`SELECT status FROM guest_messages WHERE reservation_id = $1 AND kind = 'confirmation'`, [res.json().id])).rows[0]?.status;
    await waitUntil(async () => (await status()) === 'not_sent', 5_000, () => 'the confirmation marked not sent');
  } finally {
    await t.close();
  }
});
