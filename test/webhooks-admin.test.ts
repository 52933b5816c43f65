import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { enqueueEvent, type EventType } from '../src/modules/webhooks/outbox.js';
import { sleep, startReceiver, verifyMaitre, verifyStandard, waitUntil, webhookApp } from './webhooks-support.js';

async function setup(t: TestApp, role: 'owner' | 'manager' | 'staff' = 'owner') {
  const r = await insertRestaurant(t.db);
  const user = await signIn(t, r.id, role);
  const base = `/admin/api/restaurants/${r.slug}/webhooks`;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    t.app.inject({ method, url: `${base}${path}`, headers: user.headers, payload });
  const emit = (type: EventType = 'booking.created', data: unknown = {}) =>
    t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: r.id, type, data }));
  return { r, user, base, call, emit };
}

test('admin: create, disable/enable, roll the secret, the delivery log with attempts, redelivery, test event', async () => {
  const receiver = await startReceiver((n) => (n === 1 ? { status: 500, body: 'not yet' } : { status: 200, body: 'thanks' }));
  const t = await webhookApp();
  try {
    const { r, call, emit } = await setup(t);
    const created = await call('POST', '', { url: receiver.url, events: ['booking.created', 'booking.cancelled'], description: 'POS' });
    assert.equal(created.statusCode, 201, created.body);
    const { id, secret } = created.json();
    assert.match(secret, /^whsec_/);
    const list = await call('GET', '');
    assert.deepEqual(list.json().data.map((e: any) => e.id), [id]);
    assert.ok(!list.body.includes('whsec_'));

    // Disable and enable, visibly and audited.
    const disabled = await call('PATCH', `/${id}`, { enabled: false });
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.deepEqual([disabled.json().enabled, disabled.json().disabledReason], [false, 'disabled by a user']);
    await emit();
    const enabled = await call('PATCH', `/${id}`, { enabled: true, description: 'Till' });
    assert.deepEqual([enabled.json().enabled, enabled.json().disabledReason, enabled.json().description], [true, null, 'Till']);
    assert.deepEqual((await call('GET', `/${id}/deliveries`)).json().data, [], 'nothing was queued while disabled');

    // Roll: the new secret once, the old one signs along for 24 h.
    const rolled = await call('POST', `/${id}/roll-secret`);
    assert.equal(rolled.statusCode, 201, rolled.body);
    const newSecret = rolled.json().secret;
    assert.notEqual(newSecret, secret);
    assert.ok(rolled.json().previousSecretExpiresAt);

    const eventId = await emit('booking.created', { id: 'res_1' });
    const got = await receiver.waitFor(2);
    assert.ok(await verifyStandard(secret, got[1].headers, got[1].body));
    assert.ok(await verifyStandard(newSecret, got[1].headers, got[1].body));
    assert.ok(await verifyMaitre(newSecret, got[1].body, got[1].headers['x-maitre-signature'] as string));

    const log = await waitUntil<any>(async () => {
      const res = await call('GET', `/${id}/deliveries`);
      return res.json().data[0]?.status === 'succeeded' ? res.json() : null;
    });
    assert.equal(log.nextCursor, null);
    const d = log.data[0];
    assert.equal(d.eventId, eventId);
    assert.equal(d.eventType, 'booking.created');
    assert.equal(d.attempts, 2);
    assert.deepEqual(
      d.attemptLog.map((a: any) => [a.attempt, a.statusCode, a.error, a.responseExcerpt]),
      [[2, 200, null, 'thanks'], [1, 500, 'HTTP 500', 'not yet']],
    );
    for (const a of d.attemptLog) assert.ok(Number.isInteger(a.durationMs) && a.at);

    const one = await call('GET', `/${id}/deliveries/${d.id}`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().payload, got[1].body, 'the exact payload that was signed and sent');

    const redelivered = await call('POST', `/${id}/deliveries/${d.id}/redeliver`);
    assert.equal(redelivered.statusCode, 202, redelivered.body);
    const again = (await receiver.waitFor(3))[2];
    assert.equal(again.headers['webhook-id'], eventId);

    const sent = await call('POST', `/${id}/test`, { type: 'booking.cancelled' });
    assert.equal(sent.statusCode, 202, sent.body);
    const test4 = (await receiver.waitFor(4))[3];
    assert.equal(JSON.parse(test4.body).type, 'webhook.test');
    assert.equal(JSON.parse(test4.body).data.simulatedType, 'booking.cancelled');

    const missing = await call('GET', `/${id}/deliveries/whd_nope`);
    assert.equal(missing.statusCode, 404);
    assert.equal((await call('POST', `/whe_nope/roll-secret`)).json().error.code, 'webhook_endpoint_not_found');

    const audit = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/audit?limit=100`, headers: (await signIn(t, r.id)).headers });
    const actions = audit.json().data.map((a: any) => a.action);
    for (const a of ['webhook_endpoint.created', 'webhook_endpoint.disabled', 'webhook_endpoint.enabled', 'webhook_endpoint.secret_rolled', 'webhook_delivery.redelivered', 'webhook.test_sent']) {
      assert.ok(actions.includes(a), a);
    }
    assert.equal((await call('DELETE', `/${id}`)).statusCode, 204);
    assert.equal((await call('GET', `/${id}/deliveries`)).json().error.code, 'webhook_endpoint_not_found');
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('admin: dead-lettered deliveries, the status filter and cursor pagination, replay since T in order', async () => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  const t = await webhookApp({ config: { webhookRetryDelaysMs: [300] } });
  try {
    const { call, emit } = await setup(t, 'manager');
    const ids = [await emit('booking.created', { n: 0 })];
    await sleep(20);
    const since = new Date().toISOString();
    ids.push(await emit('booking.updated', { n: 1 }), await emit('customer.created', { n: 2 }), await emit('booking.cancelled', { n: 3 }));
    // The endpoint is created after the events: replay is how it catches up.
    const { id } = (await call('POST', '', { url: receiver.url, events: ['booking.updated', 'booking.cancelled', 'booking.created'] })).json();
    assert.deepEqual((await call('GET', `/${id}/deliveries`)).json().data, []);
    const replay = await call('POST', `/${id}/replay`, { since });
    assert.equal(replay.statusCode, 202, replay.body);
    assert.equal(replay.json().scheduled, 2, 'the subscribed events since T (customer.created is not subscribed)');
    await receiver.waitFor(4); // two events, two attempts each, then dead
    const dead = await waitUntil<any>(async () => {
      const res = (await call('GET', `/${id}/deliveries?status=dead`)).json();
      return res.data.length === 2 ? res : null;
    });
    assert.deepEqual(dead.data.map((d: any) => d.eventId), [ids[3], ids[1]], 'newest event first');
    assert.deepEqual(receiver.requests.slice(0, 2).map((r) => JSON.parse(r.body).id), [ids[1], ids[3]], 'replayed in event order');

    const page1 = (await call('GET', `/${id}/deliveries?limit=1`)).json();
    assert.equal(page1.data.length, 1);
    const page2 = (await call('GET', `/${id}/deliveries?limit=1&cursor=${page1.nextCursor}`)).json();
    assert.deepEqual(page2.data.map((d: any) => d.eventId), [ids[1]]);
    assert.equal(page2.nextCursor, null);
    assert.equal((await call('GET', `/${id}/deliveries?cursor=bogus`)).statusCode, 422);
    assert.equal((await call('GET', `/${id}/deliveries?status=succeeded`)).json().data.length, 0);

    // Replay again after the receiver is fixed: both dead deliveries start over with the same event ids.
    receiver.behavior = () => ({ status: 200 });
    const before = receiver.requests.length;
    assert.equal((await call('POST', `/${id}/replay`, { since: '2000-01-01T00:00:00Z' })).json().scheduled, 3, 'everything kept since then');
    await receiver.waitFor(before + 3);
    assert.deepEqual(receiver.requests.slice(before).map((r) => JSON.parse(r.body).id), [ids[0], ids[1], ids[3]]);
    assert.equal((await call('POST', `/${id}/replay`, { since: 'yesterday' })).statusCode, 422);
  } finally {
    await t.close();
    await receiver.close();
  }
});

test('admin: staff may not manage webhooks; other restaurants are invisible; a 410 shows up with its reason', async () => {
  const receiver = await startReceiver(() => ({ status: 410 }));
  const t = await webhookApp();
  try {
    const { r, call, emit } = await setup(t);
    const staff = await signIn(t, r.id, 'staff');
    const asStaff = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/webhooks`, headers: staff.headers });
    assert.equal(asStaff.statusCode, 403);
    assert.equal(asStaff.json().error.code, 'forbidden');
    const other = await insertRestaurant(t.db);
    const stranger = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${other.slug}/webhooks`, headers: staff.headers });
    assert.equal(stranger.statusCode, 404);
    const anonymous = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${r.slug}/webhooks` });
    assert.equal(anonymous.statusCode, 401);

    const { id } = (await call('POST', '', { url: receiver.url, events: ['*'] })).json();
    await emit();
    const view = await waitUntil<any>(async () => {
      const v = (await call('GET', `/${id}`)).json();
      return v.enabled ? null : v;
    });
    assert.equal(view.disabledReason, '410 Gone from receiver');
    const redeliver = await call('POST', `/${id}/test`, {});
    assert.equal(redeliver.statusCode, 409, 'a disabled endpoint must be enabled first');
  } finally {
    await t.close();
    await receiver.close();
  }
});
