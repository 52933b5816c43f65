import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { TestApp } from './helpers/app.js';
import { enqueueEvent, type EventType } from '../src/modules/webhooks/outbox.js';
import { retryDelay } from '../src/modules/webhooks/dispatcher.js';
import { sleep, startReceiver, tenantWithEndpoint, waitUntil, webhookApp, type Receiver } from './webhooks-support.js';

const emit = (t: TestApp, restaurantId: string, type: EventType = 'booking.created', data: unknown = {}) =>
  t.db.transaction((tx) => enqueueEvent(tx, { restaurantId, type, data }));

const deliveriesOf = async (t: TestApp, restaurantId: string, endpointId: string) =>
  (await t.app.services.webhooks.deliveries(restaurantId, endpointId, { limit: 100, beforeSeq: null, status: null })).data;

const eventIds = (r: Receiver) => r.requests.map((x) => JSON.parse(x.body).id as string);

test('retry delays: the configured schedule with ±20 % jitter, then none', () => {
  const delays = [1000, 2000, 4000];
  assert.equal(retryDelay(delays, 1, () => 0), 800);
  assert.equal(retryDelay(delays, 1, () => 0.5), 1000);
  assert.equal(retryDelay(delays, 2, () => 0.999999), 2400);
  assert.equal(retryDelay(delays, 3, () => 0.5), 4000);
  assert.equal(retryDelay(delays, 4, () => 0.5), null);
  for (let i = 0; i < 200; i++) {
    const d = retryDelay(delays, 2)!;
    assert.ok(d >= 1600 && d <= 2400, String(d));
  }
});

test('a receiver that fails, then times out, then recovers: retried on the schedule, every attempt logged', async () => {
  const receiver = await startReceiver((n) => (n === 1 ? { status: 500, body: 'boom' } : n === 2 ? 'hang' : { status: 204 }));
  const t = await webhookApp({ dispatcher: { timeoutMs: 300 } });
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, receiver.url);
    const id = await emit(t, restaurant.id, 'booking.created', { id: 'res_1' });
    const got = await receiver.waitFor(3);
    assert.deepEqual(got.map((r) => r.headers['webhook-id']), [id, id, id], 'webhook-id is the event id, stable across retries');
    assert.deepEqual(got.map((r) => r.headers['x-maitre-attempt']), ['1', '2', '3']);
    assert.equal(new Set(got.map((r) => r.body)).size, 1, 'the same body every time');
    assert.ok(got[1].at - got[0].at >= 40, `first retry after ≥ 0.8 × 50 ms (${got[1].at - got[0].at})`);
    assert.ok(got[2].at - got[1].at >= 300 + 80, `second retry after the 300 ms timeout and ≥ 0.8 × 100 ms (${got[2].at - got[1].at})`);

    const [d] = await waitUntil(async () => {
      const list = await deliveriesOf(t, restaurant.id, endpoint.id);
      return list[0]?.status === 'succeeded' ? list : null;
    });
    assert.equal(d.attempts, 3);
    assert.equal(d.lastStatusCode, 204);
    const log = [...d.attemptLog].reverse();
    assert.deepEqual(log.map((a) => a.attempt), [1, 2, 3]);
    assert.equal(log[0].statusCode, 500);
    assert.equal(log[0].error, 'HTTP 500');
    assert.equal(log[0].responseExcerpt, 'boom');
    assert.equal(log[1].statusCode, null);
    assert.match(log[1].error!, /timed out after 300 ms/);
    assert.ok(log[1].durationMs! >= 290);
    assert.equal(log[2].statusCode, 204);
    assert.equal(log[2].error, null);
    for (const a of log) assert.ok(typeof a.durationMs === 'number' && !Number.isNaN(Date.parse(a.at)));
    const view = await t.app.services.webhooks.get(restaurant.id, endpoint.id);
    assert.equal(view.failingSince, null, 'a success ends the failing run');
    assert.ok(view.lastSuccessAt);
    await sleep(300);
    assert.equal(receiver.requests.length, 3, 'nothing after the success');
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('dead-lettering after the last retry, then a manual redelivery succeeds', async () => {
  const receiver = await startReceiver(() => ({ status: 503, body: 'x'.repeat(5000) }));
  const t = await webhookApp();
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, receiver.url);
    const id = await emit(t, restaurant.id);
    await receiver.waitFor(4);
    const [dead] = await waitUntil(async () => {
      const list = await deliveriesOf(t, restaurant.id, endpoint.id);
      return list[0]?.status === 'dead' ? list : null;
    });
    assert.equal(dead.attempts, 4, 'one attempt and three retries');
    assert.equal(dead.nextAttemptAt, null);
    assert.equal(dead.lastError, 'HTTP 503');
    assert.equal(Buffer.byteLength(dead.attemptLog[0].responseExcerpt!), 1024, 'response excerpt capped at 1 KiB');
    await sleep(400);
    assert.equal(receiver.requests.length, 4, 'a dead delivery is not retried');
    assert.equal((await t.app.services.webhooks.get(restaurant.id, endpoint.id)).enabled, true, 'one dead delivery does not disable the endpoint');

    receiver.behavior = () => ({ status: 200 });
    await t.app.services.webhooks.redeliver(restaurant.id, endpoint.id, dead.id, { type: 'user', id: null });
    const got = await receiver.waitFor(5);
    assert.equal(got[4].headers['webhook-id'], id, 'redelivery keeps the event id: receivers dedupe on it');
    const [after] = await waitUntil(async () => {
      const list = await deliveriesOf(t, restaurant.id, endpoint.id);
      return list[0]?.status === 'succeeded' ? list : null;
    });
    assert.equal(after.attempts, 1);
    assert.equal(after.attemptLog.length, 5, 'the log keeps the earlier attempts');
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('per endpoint, events go out one at a time in order; an event the receiver keeps refusing does not block the rest', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const order: string[] = [];
  const poison = { id: '' };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const e = JSON.parse(body);
      order.push(e.id);
      setTimeout(() => {
        inFlight--;
        res.writeHead(e.id === poison.id ? 500 : 200).end();
      }, 15);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = await webhookApp();
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, `http://127.0.0.1:${(server.address() as any).port}/`);
    const ids: string[] = [];
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 8; i++) ids.push(await enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.updated', data: { i } }));
    });
    poison.id = ids[2];
    await waitUntil(async () => {
      const list = await deliveriesOf(t, restaurant.id, endpoint.id);
      return list.every((d) => d.status === 'succeeded' || d.status === 'dead') ? list : null;
    }, 10_000, 'all deliveries finished');
    assert.equal(maxInFlight, 1, 'one request at a time per endpoint');
    assert.deepEqual(order.filter((id, i) => order.indexOf(id) === i), ids, 'first attempts in event order');
    const list = await deliveriesOf(t, restaurant.id, endpoint.id);
    assert.equal(list.find((d) => d.eventId === ids[2])!.status, 'dead');
    assert.equal(list.filter((d) => d.status === 'succeeded').length, 7, 'the others were delivered meanwhile');
  } finally {
    await t.close();
    await new Promise((r) => server.close(r));
  }
});

test('410 Gone disables the endpoint at once, visibly, with an audit row; nothing more is queued for it', async () => {
  const receiver = await startReceiver(() => ({ status: 410 }));
  const t = await webhookApp();
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, receiver.url);
    await t.db.transaction(async (tx) => {
      await enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: {} });
      await enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.updated', data: {} });
    });
    const view = await waitUntil(async () => {
      const v = await t.app.services.webhooks.get(restaurant.id, endpoint.id);
      return v.enabled ? null : v;
    });
    assert.equal(view.disabledReason, '410 Gone from receiver');
    assert.ok(view.disabledAt);
    await sleep(200);
    assert.equal(receiver.requests.length, 1, 'no further attempt after the 410');
    const list = await deliveriesOf(t, restaurant.id, endpoint.id);
    assert.deepEqual(list.map((d) => d.status), ['dead', 'dead']);
    assert.match(list[0].lastError!, /endpoint disabled: 410 Gone/);
    const audit = await t.db.query(`SELECT actor_type, action, details FROM audit_log WHERE target_id = $1 AND action = 'webhook_endpoint.disabled'`, [endpoint.id]);
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0].actor_type, 'system');
    assert.equal(audit.rows[0].details.reason, '410 Gone from receiver');
    await emit(t, restaurant.id);
    assert.equal((await deliveriesOf(t, restaurant.id, endpoint.id)).length, 2, 'a disabled endpoint gets no new deliveries');
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('an endpoint failing for 3 consecutive days is disabled with a reason and an audit row', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  const t = await webhookApp();
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, receiver.url);
    await emit(t, restaurant.id);
    await receiver.waitFor(1);
    const v1 = await waitUntil(async () => {
      const v = await t.app.services.webhooks.get(restaurant.id, endpoint.id);
      return v.failingSince ? v : null;
    });
    assert.equal(v1.enabled, true, 'failing for a moment is not enough');
    // The failing run started more than three days ago (as if every attempt since had failed too).
    await t.db.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '3 days 1 minute' WHERE id = $1`, [endpoint.id]);
    const view = await waitUntil(async () => {
      const v = await t.app.services.webhooks.get(restaurant.id, endpoint.id);
      return v.enabled ? null : v;
    });
    assert.equal(view.disabledReason, 'every attempt failed for 3 consecutive days');
    const audit = await t.db.query(`SELECT actor_type FROM audit_log WHERE target_id = $1 AND action = 'webhook_endpoint.disabled'`, [endpoint.id]);
    assert.deepEqual(audit.rows.map((r) => r.actor_type), ['system']);
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('a redirect is not followed: it is a failed attempt', async () => {
  const target = await startReceiver();
  const receiver = await startReceiver(() => ({ status: 302, headers: { location: target.url } }));
  const t = await webhookApp({ config: { webhookRetryDelaysMs: [50] } });
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, receiver.url);
    await emit(t, restaurant.id);
    const [d] = await waitUntil(async () => {
      const list = await deliveriesOf(t, restaurant.id, endpoint.id);
      return list[0]?.status === 'dead' ? list : null;
    });
    assert.equal(d.lastStatusCode, 302);
    assert.match(d.lastError!, /redirect to http:\/\/127\.0\.0\.1:\d+\/hooks not followed/);
    assert.equal(target.requests.length, 0);
  } finally {
    await t.close();
    await receiver.close();
    await target.close();
  }
});

test('a receiver that is down for a while loses nothing: everything arrives once it is back', async () => {
  const receiver = await startReceiver();
  const port = receiver.port;
  await receiver.close(); // down: connections are refused
  const t = await webhookApp({ config: { webhookRetryDelaysMs: [50, 100, 200, 400, 800, 1600, 3200] } });
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(t, `http://127.0.0.1:${port}/hooks`);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(await emit(t, restaurant.id, i % 2 ? 'booking.updated' : 'customer.created', { i }));
      await sleep(60);
    }
    await waitUntil(async () => (await deliveriesOf(t, restaurant.id, endpoint.id)).every((d) => d.attempts >= 2), 10_000, 'retries while down');
    // Back up on the same port.
    const back = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body).id);
        res.writeHead(200).end();
      });
    });
    const received: string[] = [];
    await new Promise<void>((r) => back.listen(port, '127.0.0.1', r));
    try {
      await waitUntil(async () => new Set(received).size === ids.length, 15_000, 'every event after recovery');
      assert.deepEqual([...new Set(received)].sort(), [...ids].sort(), 'none lost');
      const list = await waitUntil(async () => {
        const l = await deliveriesOf(t, restaurant.id, endpoint.id);
        return l.every((d) => d.status === 'succeeded') ? l : null;
      });
      for (const d of list) assert.ok(d.attemptLog.some((a) => a.error && /ECONNREFUSED/.test(a.error)), 'the outage is in the log');
    } finally {
      await new Promise((r) => back.close(r));
    }
  } finally {
    await t.close();
  }
});
