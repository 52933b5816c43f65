/** Idempotency-Key on POST /reservations and POST …/cancel (API.md §4). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, booking, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';

let t: TestApp;
let r: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  r = await createTenant(t.app, bistro(), undefined, { rateLimitPerMinute: 1000 });
});
after(async () => t.close());

const TUE = '2026-03-03';
const key = (k: string) => ({ 'idempotency-key': k });
const count = async (tenant: Tenant) =>
  (await t.db.query('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [tenant.id])).rows[0].n as number;

test('same key, same body: the original status and body again, marked as replayed', async () => {
  const body = booking(TUE, '12:00', 2);
  const first = await r.post('/reservations', body, key('replay-1'));
  assert.equal(first.statusCode, 201);
  assert.equal(first.headers['idempotent-replayed'], undefined);
  const before = await count(r);
  // the same JSON with its keys in another order and the slug replaced by the id is the same request
  const reordered = { customer: { email: body.customer.email, name: body.customer.name }, partySize: 2, time: '12:00', date: TUE };
  const again = await t.app.inject({
    method: 'POST', url: `/v1/restaurants/${r.id}/reservations`, headers: { authorization: `Bearer ${r.key}`, ...key('replay-1') }, payload: reordered,
  });
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body, first.body);
  assert.equal(await count(r), before);
});

test('same key, different body or path: 409 idempotency_conflict, nothing booked', async () => {
  await r.post('/reservations', booking(TUE, '12:15', 2), key('conflict-1'));
  const before = await count(r);
  const res = await r.post('/reservations', booking(TUE, '12:15', 3), key('conflict-1'));
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().error.code, 'idempotency_conflict');
  const { id } = (await r.post('/reservations', booking(TUE, '12:30', 2), key('conflict-2'))).json();
  const cancel = await r.post(`/reservations/${id}/cancel`, {}, key('conflict-1')); // another endpoint, same key
  assert.equal(cancel.json().error.code, 'idempotency_conflict');
  assert.equal(await count(r), before + 1);
});

test('a 4xx outcome is kept and replayed even after the situation changed; its record exists without a reservation', async () => {
  const solo = await createTenant(t.app, bistro({ tables: [{ key: 'X', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] }));
  const holder = (await solo.post('/reservations', booking(TUE, '12:00', 2))).json();
  const body = booking(TUE, '12:00', 2);
  const refused = await solo.post('/reservations', body, key('kept-409'));
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().error.code, 'no_tables_available');
  await solo.post(`/reservations/${holder.id}/cancel`, {});
  const replay = await solo.post('/reservations', body, key('kept-409'));
  assert.equal(replay.statusCode, 409);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(replay.body, refused.body);
  assert.equal((await solo.post('/reservations', body, key('kept-409-b'))).statusCode, 201); // a new key books
  const { rows } = await t.db.query('SELECT state, status FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2', [solo.id, 'kept-409']);
  assert.deepEqual(rows, [{ state: 'done', status: 409 }]);
});

test('a validation failure, a 429 and an idempotency error are not kept', async () => {
  const bad = await r.post('/reservations', { date: TUE }, key('not-kept'));
  assert.equal(bad.statusCode, 422);
  assert.equal((await r.post('/reservations', booking(TUE, '12:45', 2), key('not-kept'))).statusCode, 201);
  const limited = await createTenant(t.app, bistro(), undefined, { rateLimitPerMinute: 1 });
  await limited.get('/hours');
  const throttled = await limited.post('/reservations', booking(TUE, '12:00', 2), key('throttled'));
  assert.equal(throttled.statusCode, 429);
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE restaurant_id = $1', [limited.id]);
  assert.equal(rows[0].n, 0);
});

test('a 5xx is not kept: the retry with the same key runs again', async () => {
  const body = booking(TUE, '13:00', 2);
  await t.db.exec('ALTER TABLE reservation_history RENAME TO reservation_history_away');
  let failed;
  try {
    failed = await r.post('/reservations', body, key('five-hundred'));
  } finally {
    await t.db.exec('ALTER TABLE reservation_history_away RENAME TO reservation_history');
  }
  assert.equal(failed.statusCode, 500);
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2', [r.id, 'five-hundred']);
  assert.equal(rows[0].n, 0);
  const retry = await r.post('/reservations', body, key('five-hundred'));
  assert.equal(retry.statusCode, 201);
  assert.equal(retry.headers['idempotent-replayed'], undefined);
});

test('concurrent duplicates produce one reservation; every answer carries it', async () => {
  const fresh = await createTenant(t.app, bistro());
  const body = booking(TUE, '13:15', 2);
  const results = await Promise.all(Array.from({ length: 20 }, () => fresh.post('/reservations', body, key('burst-1'))));
  assert.ok(results.every((x) => x.statusCode === 201), results.map((x) => `${x.statusCode} ${x.body}`).join('\n'));
  assert.equal(new Set(results.map((x) => x.json().id)).size, 1);
  assert.equal(results.filter((x) => x.headers['idempotent-replayed'] === 'true').length, 19);
  assert.equal(await count(fresh), 1);
});

test('keys are scoped to the restaurant and expire after 24 hours', async () => {
  const other = await createTenant(t.app, bistro());
  const a = await r.post('/reservations', booking(TUE, '13:30', 2), key('shared-key'));
  const b = await other.post('/reservations', booking(TUE, '13:30', 2), key('shared-key'));
  assert.deepEqual([a.statusCode, b.statusCode, b.headers['idempotent-replayed']], [201, 201, undefined]);
  try {
    t.clock.advance(24 * 3_600_000 - 1000);
    assert.equal((await r.post('/reservations', booking(TUE, '19:00', 2), key('shared-key'))).statusCode, 409); // still known
    t.clock.advance(1000);
    const fresh = await r.post('/reservations', booking('2026-03-04', '19:00', 2), key('shared-key'));
    assert.equal(fresh.statusCode, 201); // expired: a new request under the old key
    assert.equal(fresh.headers['idempotent-replayed'], undefined);
  } finally {
    t.clock.ms = MONDAY_9Z;
  }
});

test('the key must be 1 to 255 printable ASCII characters', async () => {
  for (const bad of ['x'.repeat(256), 'caf\u00e9', 'tab\there']) {
    const res = await r.post('/reservations', booking(TUE, '19:15', 2), { 'idempotency-key': bad });
    assert.equal(res.statusCode, 422, JSON.stringify(bad));
    assert.equal(res.json().error.code, 'validation_failed');
    assert.equal(res.json().error.details.issues[0].path, 'headers.idempotency-key');
  }
  assert.equal((await r.post('/reservations', booking(TUE, '19:15', 2), key('x'.repeat(255)))).statusCode, 201);
  assert.equal((await r.post('/reservations', booking(TUE, '19:30', 2), key(' spaces and ~symbols! '))).statusCode, 201);
});

test('cancel is idempotent too: the replay returns the cancelled reservation, not a transition error', async () => {
  const { id } = (await r.post('/reservations', booking(TUE, '19:45', 2))).json();
  const first = await r.post(`/reservations/${id}/cancel`, { reason: 'Flu' }, key('cancel-1'));
  const again = await r.post(`/reservations/${id}/cancel`, { reason: 'Flu' }, key('cancel-1'));
  assert.deepEqual([first.statusCode, again.statusCode, again.headers['idempotent-replayed']], [200, 200, 'true']);
  assert.equal(again.body, first.body);
  assert.equal((await r.post(`/reservations/${id}/cancel`, { reason: 'Flu' })).statusCode, 409); // without the key
});
