/**
 * Faults: the SMTP server is down while 100 bookings are made on two instances sharing one PostgreSQL database —
 * every booking succeeds, and once the server is back every message arrives exactly once; an instance that stops
 * (or dies holding a claim) mid-queue loses none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { LiveClock, sleep, startSmtp, waitUntil, type SmtpSink } from './notifications-support.js';

/** Lunch days from Tuesday 3 March 2026 (no Sunday, not the closure of the 14th). */
const DATES = ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'];
const TABLES = Array.from({ length: 10 }, (_, i) => ({ key: `T${i + 1}`, area: 'main', minCovers: 1, maxCovers: 2 }));

function restaurant(app: TestApp['app']): Promise<Tenant> {
  return createTenant(app, bistro({ tables: TABLES, combinations: [], notifications: { reminder: false } } as never));
}

async function statuses(t: TestApp, restaurantId: string): Promise<Record<string, number>> {
  const { rows } = await t.db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM guest_messages WHERE restaurant_id = $1 GROUP BY status', [restaurantId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

function assertEachOnce(smtp: SmtpSink, ids: string[]) {
  const seen = smtp.received.map((r) => r.mail.headers.get('x-maitre-message') as string);
  assert.equal(seen.length, ids.length, `${seen.length} emails for ${ids.length} messages`);
  assert.deepEqual([...seen].sort(), [...ids].sort(), 'every message exactly once');
}

test('SMTP down during 100 bookings on two instances: all bookings succeed; after it comes back, every message arrives once', async (ctx) => {
  const probe = await startSmtp();
  const port = probe.port;
  await probe.close(); // the SMTP server is down from the start
  const config = { smtpUrl: `smtp://127.0.0.1:${port}`, notifyRetryDelaysMs: Array.from({ length: 40 }, () => 250) };
  const clock = new LiveClock(MONDAY_9Z); // one clock: the instances agree on what is due
  const a = await createTestApp({ clock, config });
  const b = await createTestApp({ db: a.db, clock, config });
  let smtp: SmtpSink | undefined;
  try {
    const r = await restaurant(a.app);
    const apps = [a, b];
    // Ten at a time (five per instance): the pool of each test app is small, and this is about SMTP, not load.
    const results = [];
    for (let batch = 0; batch < 10; batch++) {
      results.push(...await Promise.all(Array.from({ length: 10 }, (_, j) => {
        const i = batch * 10 + j;
        return apps[i % 2].app.inject({
          method: 'POST', url: `/v1/restaurants/${r.slug}/reservations`, headers: { authorization: `Bearer ${r.key}` },
          payload: { date: DATES[j], time: '12:00', partySize: 2, customer: { name: `Guest ${i}`, email: `g${i}-${process.pid}@example.com` } },
        });
      })));
    }
    assert.deepEqual(results.map((x) => x.statusCode), results.map(() => 201), `every booking succeeded with SMTP down: ${results.find((x) => x.statusCode !== 201)?.body}`);

    const { rows } = await a.db.query<{ id: string }>(`SELECT id FROM guest_messages WHERE restaurant_id = $1`, [r.id]);
    assert.equal(rows.length, 100);
    // Both workers keep failing to connect: attempts grow, nothing is lost or given up.
    const claimers = new Set<string>();
    await waitUntil(async () => {
      const { rows: c } = await a.db.query<{ i: string }>(
        `SELECT DISTINCT split_part(claimed_by, ':', 1) AS i FROM guest_messages WHERE restaurant_id = $1 AND claimed_by IS NOT NULL`, [r.id]);
      for (const x of c) claimers.add(x.i);
      const { rows: x } = await a.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM guest_messages WHERE restaurant_id = $1 AND attempts >= 2`, [r.id]);
      return x[0].n === 100;
    }, 30_000, () => 'every message retried at least once');
    assert.deepEqual(await statuses(a, r.id), { pending: 100 });
    assert.deepEqual([...claimers].sort(), [a.app.services.notificationWorker.instanceId, b.app.services.notificationWorker.instanceId].sort(),
      'both instances took part');
    const { rows: errs } = await a.db.query<{ last_error: string }>(`SELECT DISTINCT last_error FROM guest_messages WHERE restaurant_id = $1`, [r.id]);
    assert.ok(errs.every((e) => /ECONNREFUSED|connect/i.test(e.last_error)), JSON.stringify(errs));

    smtp = await startSmtp(port); // back
    await smtp.waitFor(100, 60_000);
    await waitUntil(async () => (await statuses(a, r.id)).sent === 100, 20_000, () => 'all marked sent');
    await sleep(800); // a duplicate, if any, would arrive now
    assertEachOnce(smtp, rows.map((x) => x.id));
    const { rows: by } = await a.db.query<{ instance: string; n: number }>(
      `SELECT split_part(claimed_by, ':', 1) AS instance, count(*)::int AS n FROM guest_messages WHERE restaurant_id = $1 GROUP BY 1`, [r.id],
    );
    ctx.diagnostic(`last successful claim by instance: ${JSON.stringify(by)}`);
  } finally {
    await b.close();
    await a.close();
    await smtp?.close();
  }
});

test('a restart mid-queue loses none: an instance that stops, and one that dies holding claims, leave their messages to the next', async () => {
  const smtp = await startSmtp();
  const config = { smtpUrl: smtp.url, notifyRetryDelaysMs: [250, 250, 250] };
  const a = await createTestApp({ clock: new LiveClock(MONDAY_9Z), config });
  let b: TestApp | undefined;
  try {
    const r = await restaurant(a.app);
    // A dies first (its worker stopped, as on SIGTERM; the app keeps serving for the test's bookings).
    await a.app.services.notificationWorker.stop();
    for (let i = 0; i < 30; i++) {
      const res = await r.post('/reservations', { date: DATES[i % 10], time: '12:00', partySize: 2, customer: { name: `R${i}`, email: `r${i}-${process.pid}@example.com` } });
      assert.equal(res.statusCode, 201, res.body);
    }
    // Ten of them were claimed by an instance that died mid-send: their lease runs out in a second.
    await a.db.query(
      `UPDATE guest_messages SET attempts = 1, claimed_by = 'ntf_dead:c_x', locked_until = $2, next_attempt_at = $2
        WHERE id IN (SELECT id FROM guest_messages WHERE restaurant_id = $1 ORDER BY id LIMIT 10)`,
      [r.id, new Date(a.clock.now() + 1_000)],
    );
    assert.equal(smtp.received.length, 0);
    b = await createTestApp({ db: a.db, clock: a.clock, config });
    await smtp.waitFor(30, 30_000);
    await waitUntil(async () => (await statuses(a, r.id)).sent === 30);
    await sleep(500);
    const { rows } = await a.db.query<{ id: string; attempts: number }>(`SELECT id, attempts FROM guest_messages WHERE restaurant_id = $1`, [r.id]);
    assertEachOnce(smtp, rows.map((x) => x.id));
    assert.equal(rows.filter((x) => x.attempts === 2).length, 10, 'the dead instance’s claims were taken over once their lease ended');
  } finally {
    await b?.close();
    await a.close();
    await smtp.close();
  }
});
