/**
 * A new booking's guest messages are written by the booking's last statement (ReservationService.book): rendered from
 * the restaurant's context as cached for the restaurant's version, and the workers are woken after the commit (own
 * transaction) or by a NOTIFY inside a caller's transaction (an idempotent request's).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, SYSTEM } from './helpers/booking.js';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { MESSAGE_CHANNEL } from '../src/modules/notifications/queries.js';
import { NotifyWaker } from '../src/db/notify-waker.js';
import type { QueryResult, Queryable } from '../src/db/types.js';
import { waitUntil } from './notifications-support.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const TUE = '2026-03-03';

async function messagesOf(reservationId: string) {
  const { rows } = await t.db.query<{ kind: string; from_name: string; subject: string; language: string }>(
    `SELECT kind, from_name, subject, language FROM guest_messages WHERE reservation_id = $1 ORDER BY kind`, [reservationId],
  );
  return rows;
}

test('the messages follow the restaurant as it is now: a changed name and a kind switched off are seen by the very next booking', async () => {
  const config = bistro({ name: 'Chez Ada' });
  const r = await createTenant(t.app, config);
  const first = await r.post('/reservations', booking(TUE, '19:30', 2));
  assert.equal(first.statusCode, 201, first.body);
  const before = await messagesOf(first.json().id);
  assert.deepEqual(before.map((m) => [m.kind, m.from_name]), [['confirmation', 'Chez Ada'], ['reminder', 'Chez Ada']]);
  const state = await t.db.query('SELECT language, sequence FROM guest_message_state WHERE reservation_id = $1', [first.json().id]);
  assert.deepEqual(state.rows, [{ language: 'en', sequence: 0 }]);
  // A second booking in between: the context is cached now (and the booking model with it).
  assert.equal((await r.post('/reservations', booking(TUE, '20:00', 2))).statusCode, 201);

  const parsed = parseRestaurantConfig({ ...config, name: 'Chez Grace', notifications: { confirmation: false } } as never);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  await t.app.services.restaurants.replaceConfig(r.id, parsed.config, SYSTEM);
  const second = await r.post('/reservations', booking(TUE, '20:30', 2, { language: 'fr' }));
  assert.equal(second.statusCode, 201, second.body);
  const after = await messagesOf(second.json().id);
  assert.deepEqual(after.map((m) => [m.kind, m.from_name, m.language]), [['reminder', 'Chez Grace', 'fr']]);
});

test('the bodies are stored lz4-compressed where the server has lz4 (migration 0011), pglz where it has not; read back whole; a reminder has none yet', async () => {
  const r = await createTenant(t.app, bistro());
  const res = await r.post('/reservations', booking(TUE, '19:45', 2));
  assert.equal(res.statusCode, 201, res.body);
  // Whether this server has lz4: a column can be declared with it (0A000 when the server was built without).
  const lz4 = await t.db
    .transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE lz4_probe (x text COMPRESSION lz4) ON COMMIT DROP');
      return true;
    })
    .catch((err) => {
      if ((err as { code?: string }).code === '0A000') return false;
      throw err;
    });
  const { rows } = await t.db.query<{ kind: string; text: string | null; html: string | null; ics: string | null; html_body: string }>(
    `SELECT kind, pg_column_compression(text_body) AS text, pg_column_compression(html_body) AS html, pg_column_compression(ics) AS ics, html_body
       FROM guest_messages WHERE reservation_id = $1 ORDER BY kind`, [res.json().id],
  );
  assert.deepEqual(rows.map((m) => m.kind), ['confirmation', 'reminder']);
  const method = lz4 ? 'lz4' : 'pglz';
  for (const m of rows) {
    if (m.kind === 'reminder') {
      assert.deepEqual([m.text, m.html, m.ics, m.html_body], [null, null, null, null], 'a reminder is written when it falls due');
      continue;
    }
    // A body stored compressed names its method (a short one is stored as it is: null).
    assert.ok([m.text, m.html, m.ics].some((c) => c === method), `${m.kind}: ${JSON.stringify([m.text, m.html, m.ics])}, expected ${method}`);
    assert.ok([m.text, m.html, m.ics].every((c) => c === null || c === method));
    assert.match(m.html_body, /^<!doctype html>/i);
    assert.match(m.html_body, /<\/html>\s*$/);
  }
});

test('a booking without an email writes no message and no state', async () => {
  const r = await createTenant(t.app, bistro());
  const res = await r.post('/reservations', { date: TUE, time: '19:30', partySize: 2, customer: { name: 'No Mail', phone: '+33612345670' } });
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(await messagesOf(res.json().id), []);
  const state = await t.db.query('SELECT 1 FROM guest_message_state WHERE reservation_id = $1', [res.json().id]);
  assert.equal(state.rows.length, 0);
});

test('the workers are woken: after the commit of a booking\'s own transaction, by the NOTIFY of a caller\'s transaction', async () => {
  const r = await createTenant(t.app, bistro());
  let heard = 0;
  const unlisten = await t.db.listen(MESSAGE_CHANNEL, () => {
    heard++;
  });
  try {
    const waker = t.app.services.reservations.messageWaker;
    const sent = waker.sent;
    const own = await r.post('/reservations', booking(TUE, '12:00', 2));
    assert.equal(own.statusCode, 201, own.body);
    assert.equal(waker.sent, sent + 1, 'one wake-up, sent after the commit');
    await waitUntil(() => heard >= 1, 10_000, () => 'the wake-up of a booking in its own transaction');
    const before = heard;
    const idempotent = await r.post('/reservations', booking(TUE, '12:30', 2), { 'idempotency-key': `wake-${process.pid}` });
    assert.equal(idempotent.statusCode, 201, idempotent.body);
    assert.equal(waker.sent, sent + 1, 'no wake-up after the fact: the NOTIFY went with the transaction');
    await waitUntil(() => heard > before, 10_000, () => 'the NOTIFY of a booking in a caller\'s transaction');
    assert.equal((await messagesOf(idempotent.json().id)).length, 2);
  } finally {
    await unlisten();
  }
});

test('NotifyWaker: one NOTIFY in flight, the wake-ups meanwhile folded into one more after it; a failure is only a hint lost', async () => {
  const pending: Array<(r: QueryResult<never>) => void> = [];
  const failing: Array<(e: Error) => void> = [];
  let fail = false;
  const db: Queryable = {
    query: <T>(sql: string) => {
      assert.match(sql, /pg_notify\('maitre_messages'/);
      return new Promise<QueryResult<T>>((resolve, reject) => {
        if (fail) failing.push(reject);
        else pending.push(resolve as (r: QueryResult<never>) => void);
      });
    },
    exec: async () => {},
  };
  const waker = new NotifyWaker(db, 'maitre_messages', 1);
  assert.throws(() => new NotifyWaker(db, "x'; DROP TABLE y; --"), /lower-case letters/);
  waker.wake();
  waker.wake();
  waker.wake();
  assert.equal(waker.sent, 1, 'the first goes at once, the others wait for it');
  pending.shift()!({ rows: [], rowCount: 0 });
  await waitUntil(() => waker.sent === 2, 5_000, () => 'the folded wake-up');
  fail = true;
  pending.shift()!({ rows: [], rowCount: 0 });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(waker.sent, 2, 'nothing more was asked for');
  waker.wake();
  assert.equal(waker.sent, 3);
  failing.shift()!(new Error('connection lost'));
  await new Promise((r) => setTimeout(r, 20));
  fail = false;
  waker.wake();
  assert.equal(waker.sent, 4, 'a failed NOTIFY does not stop the next one');
  waker.close();
  waker.wake();
  assert.equal(waker.sent, 4, 'closed: no more');
});
