import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueEvent, EVENT_TYPES, MAX_EVENT_BYTES } from '../src/modules/webhooks/outbox.js';
import { pruneEvents } from '../src/modules/webhooks/delivery-store.js';
import { sleep, startReceiver, tenantWithEndpoint, verifyMaitre, verifyStandard, waitUntil, webhookApp } from './webhooks-support.js';

const count = async (db: { query: (sql: string, p?: unknown[]) => Promise<{ rows: any[] }> }, table: string, restaurantId: string) => {
  const sql = table === 'webhook_events'
    ? `SELECT count(*)::int AS n FROM webhook_events WHERE restaurant_id = $1`
    : `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.restaurant_id = $1`;
  return Number((await db.query(sql, [restaurantId])).rows[0].n);
};

test('outbox atomicity: a rolled-back change emits nothing; a committed one is delivered once', async () => {
  const receiver = await startReceiver();
  const t = await webhookApp();
  try {
    const { restaurant } = await tenantWithEndpoint(t, receiver.url);
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query(`UPDATE restaurants SET name = 'changed' WHERE id = $1`, [restaurant.id]);
        await enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: { id: 'res_rolledback' } });
        throw new Error('the booking failed after its event was enqueued');
      }),
      /booking failed/,
    );
    assert.equal(await count(t.db, 'webhook_events', restaurant.id), 0, 'no event without its change');
    assert.equal(await count(t.db, 'webhook_deliveries', restaurant.id), 0);
    const name = (await t.db.query(`SELECT name FROM restaurants WHERE id = $1`, [restaurant.id])).rows[0].name;
    assert.notEqual(name, 'changed', 'the change rolled back too');

    const id = await t.db.transaction(async (tx) => {
      await tx.query(`UPDATE restaurants SET name = 'committed' WHERE id = $1`, [restaurant.id]);
      return enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: { id: 'res_committed' } });
    });
    assert.match(id, /^evt_[a-z0-9]+$/);
    await receiver.waitFor(1);
    await sleep(300); // several poll rounds: nothing more arrives
    assert.equal(receiver.requests.length, 1);
    const body = JSON.parse(receiver.requests[0].body);
    assert.equal(body.id, id);
    assert.equal(body.data.id, 'res_committed', 'only the committed change was announced');
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('NOTIFY wakes the dispatcher: delivery starts within ~100 ms of the commit, even with a slow poll', async () => {
  const receiver = await startReceiver();
  const t = await webhookApp({ dispatcher: { pollIntervalMs: 60_000 } });
  try {
    const { restaurant } = await tenantWithEndpoint(t, receiver.url);
    await sleep(100);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const committed = await t.db.transaction((tx) =>
        enqueueEvent(tx, { restaurantId: restaurant.id, type: 'customer.updated', data: { i } }),
      ).then(() => Date.now());
      const [r] = (await receiver.waitFor(i + 1, 2_000)).slice(i);
      latencies.push(r.at - committed);
    }
    latencies.sort((a, b) => a - b);
    // The poll is a minute away: only the NOTIFY can explain this (≈ 5–20 ms when the machine is not loaded).
    assert.ok(latencies[2] < 200, `median latency ${latencies[2]} ms (all: ${latencies.join(', ')})`);
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('every event type reaches a "*" receiver, signed both ways, exactly as documented; subscriptions filter', async () => {
  const all = await startReceiver();
  const bookingsOnly = await startReceiver();
  const t = await webhookApp();
  try {
    // "localhost", as an integrator would write it (the name resolves to loopback: allowed by the private-address switch).
    const { restaurant, key, secret } = await tenantWithEndpoint(t, `http://localhost:${all.port}/hooks`, ['*']);
    const res = await t.app.inject({
      method: 'POST', url: `/v1/restaurants/${restaurant.id}/webhooks`, headers: { authorization: `Bearer ${key}` },
      payload: { url: bookingsOnly.url, events: ['booking.created', 'booking.cancelled'] },
    });
    assert.equal(res.statusCode, 201);
    const types = EVENT_TYPES.filter((x) => x !== 'webhook.test');
    const ids: string[] = [];
    for (const type of types) {
      ids.push(await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type, data: { kind: type, n: ids.length } })));
    }
    const test = await t.app.inject({
      method: 'POST', url: `/v1/restaurants/${restaurant.id}/webhooks/test`, headers: { authorization: `Bearer ${key}` }, payload: {},
    });
    assert.equal(test.statusCode, 202, test.body);
    ids.push(test.json().eventId);

    const got = await all.waitFor(EVENT_TYPES.length);
    assert.deepEqual(got.map((r) => JSON.parse(r.body).type).sort(), [...EVENT_TYPES].sort());
    for (const r of got) {
      const body = JSON.parse(r.body);
      assert.deepEqual(Object.keys(body), ['id', 'type', 'createdAt', 'restaurantId', 'data'], 'documented body, documented key order');
      assert.match(body.id, /^evt_/);
      assert.equal(body.restaurantId, restaurant.id);
      assert.equal(new Date(body.createdAt).toISOString(), body.createdAt);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['webhook-id'], body.id);
      assert.ok(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000) < 30);
      assert.equal(r.headers['x-maitre-event'], body.type);
      assert.ok(await verifyMaitre(secret, r.body, r.headers['x-maitre-signature'] as string), 'X-Maitre-Signature verifies');
      assert.ok(await verifyStandard(secret, r.headers, r.body), 'webhook-signature verifies');
      assert.equal(await verifyStandard(secret, r.headers, r.body + ' '), false, 'a changed body does not verify');
    }
    // Per endpoint, in the order the events were written.
    assert.deepEqual(got.map((r) => JSON.parse(r.body).id), ids);
    const test1 = JSON.parse(got.at(-1)!.body);
    assert.equal(test1.data.test, true);

    await bookingsOnly.waitFor(3); // booking.created, booking.cancelled and the test event (sent to every endpoint)
    await sleep(200);
    assert.deepEqual(bookingsOnly.requests.map((r) => JSON.parse(r.body).type), ['booking.created', 'booking.cancelled', 'webhook.test']);
  } finally {
    await t.close();
    await all.close();
    await bookingsOnly.close();
  }
});

test('enqueueEvent refuses an unknown type or an oversized body (and with it the whole transaction)', async () => {
  const t = await webhookApp();
  try {
    const { restaurant } = await tenantWithEndpoint(t, 'http://127.0.0.1:9/hooks');
    await assert.rejects(
      t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.exploded' as any, data: {} })),
      /unknown webhook event type/,
    );
    await assert.rejects(
      t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: 'x'.repeat(MAX_EVENT_BYTES) })),
      /limit is 65536/,
    );
    assert.equal(await count(t.db, 'webhook_events', restaurant.id), 0);
    // An event no endpoint subscribes to is kept (for a later replay) but has no delivery.
    const { rows } = await t.db.query(`SELECT id FROM webhook_endpoints WHERE restaurant_id = $1`, [restaurant.id]);
    await t.db.query(`UPDATE webhook_endpoints SET events = '{booking.created}' WHERE id = $1`, [rows[0].id]);
    await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'waitlist.offered', data: {} }));
    assert.equal(await count(t.db, 'webhook_events', restaurant.id), 1);
    assert.equal(await count(t.db, 'webhook_deliveries', restaurant.id), 0);
  } finally {
    await t.close();
  }
});

test('retention: old events with nothing left to deliver are pruned with their log; the queue is on /metrics', async () => {
  const receiver = await startReceiver();
  const t = await webhookApp();
  try {
    const { restaurant } = await tenantWithEndpoint(t, receiver.url);
    const done = await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: {} }));
    await receiver.waitFor(1);
    await waitUntil(async () => (await t.db.query(`SELECT 1 FROM webhook_deliveries WHERE event_id = $1 AND status = 'succeeded'`, [done])).rows[0]);
    await t.app.services.webhookDispatcher.stop(); // keep the next one waiting
    const waiting = await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.updated', data: {} }));
    const recent = await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'customer.created', data: {} }));
    await t.db.query(`UPDATE webhook_events SET created_at = now() - interval '31 days' WHERE id = ANY($1::text[])`, [[done, waiting]]);

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /maitre_webhook_queue_depth 2/);
    assert.match(metrics.body, /maitre_webhook_attempts_total\{outcome="succeeded"\} 1/);

    assert.equal(await pruneEvents(t.db, 30), 1);
    const left = (await t.db.query(`SELECT id FROM webhook_events WHERE restaurant_id = $1 ORDER BY seq`, [restaurant.id])).rows.map((r) => r.id);
    assert.deepEqual(left, [waiting, recent], 'an old event still waiting for delivery is kept');
    assert.equal((await t.db.query(`SELECT count(*)::int AS n FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1`, [done])).rows[0].n, 0);
  } finally {
    await t.close();
    await receiver.close();
  }
});
