import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, tenantWithKey } from './helpers/keys.js';
import { webhookApp } from './webhooks-support.js';

const VIEW_KEYS = [
  'createdAt', 'description', 'disabledAt', 'disabledReason', 'enabled', 'events', 'failingSince', 'id', 'lastSuccessAt',
  'previousSecretExpiresAt', 'restaurantId', 'updatedAt', 'url',
];

test('endpoints over /v1: create shows the secret once; list, get and delete never do', async () => {
  const t = await webhookApp();
  try {
    const { restaurant, key } = await tenantWithKey(t.app);
    const base = `/v1/restaurants/${restaurant.slug}/webhooks`;
    const call = (method: 'GET' | 'POST' | 'DELETE', path = '', payload?: object) =>
      t.app.inject({ method, url: `${base}${path}`, headers: bearer(key), payload });

    const created = await call('POST', '', { url: 'http://127.0.0.1:9/a', events: ['booking.created', 'booking.created', 'customer.updated'], description: ' POS ' });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.deepEqual(Object.keys(body).sort(), [...VIEW_KEYS, 'secret'].sort());
    assert.match(body.id, /^whe_[a-z0-9]+$/);
    assert.match(body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(body.events, ['booking.created', 'customer.updated'], 'duplicates dropped');
    assert.equal(body.description, 'POS');
    assert.equal(body.enabled, true);
    assert.equal(body.restaurantId, restaurant.id);

    const star = await call('POST', '', { url: 'http://127.0.0.1:9/b', events: ['booking.created', '*'] });
    assert.deepEqual(star.json().events, ['*']);

    const one = await call('GET', `/${body.id}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(Object.keys(one.json()).sort(), VIEW_KEYS);
    const list = await call('GET');
    assert.deepEqual(list.json().data.map((e: any) => e.id), [star.json().id, body.id], 'newest first');
    assert.equal(list.json().nextCursor, null);
    for (const text of [one.body, list.body]) assert.ok(!text.includes(body.secret.slice(6)) && !text.includes('secret'));

    // Pagination
    const page1 = await call('GET', '?limit=1');
    assert.equal(page1.json().data.length, 1);
    const page2 = await call('GET', `?limit=1&cursor=${page1.json().nextCursor}`);
    assert.deepEqual(page2.json().data.map((e: any) => e.id), [body.id]);
    assert.equal(page2.json().nextCursor, null);
    const badCursor = await call('GET', '?cursor=nonsense');
    assert.equal(badCursor.statusCode, 422);

    const del = await call('DELETE', `/${body.id}`);
    assert.equal(del.statusCode, 204);
    for (const method of ['GET', 'DELETE'] as const) {
      const gone = await call(method, `/${body.id}`);
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.json().error.code, 'webhook_endpoint_not_found');
    }
    const audit = await t.db.query(`SELECT action, actor_type FROM audit_log WHERE target_id = $1 ORDER BY id`, [body.id]);
    assert.deepEqual(audit.rows.map((r) => `${r.actor_type}:${r.action}`), ['key:webhook_endpoint.created', 'key:webhook_endpoint.deleted']);
  } finally {
    await t.close();
  }
});

test('endpoints: scopes, tenant isolation and validation', async () => {
  const t = await webhookApp();
  try {
    const a = await tenantWithKey(t.app);
    const b = await tenantWithKey(t.app);
    const testOnly = await t.app.services.keys.create(a.restaurant.id, { name: 'test only', scopes: ['webhooks:test'] }, { type: 'system', id: null });
    const writeOnly = await t.app.services.keys.create(a.restaurant.id, { name: 'write only', scopes: ['webhooks:write'] }, { type: 'system', id: null });
    const base = `/v1/restaurants/${a.restaurant.id}/webhooks`;

    assert.equal((await t.app.inject({ method: 'GET', url: base })).json().error.code, 'api_key_missing');
    const noWrite = await t.app.inject({ method: 'GET', url: base, headers: bearer(testOnly.key) });
    assert.equal(noWrite.statusCode, 403);
    assert.equal(noWrite.json().error.details.missingScope, 'webhooks:write');
    const noTest = await t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(writeOnly.key), payload: {} });
    assert.equal(noTest.statusCode, 403);
    assert.equal(noTest.json().error.details.missingScope, 'webhooks:test');
    const other = await t.app.inject({ method: 'GET', url: base, headers: bearer(b.key) });
    assert.equal(other.json().error.code, 'restaurant_scope_mismatch');

    const created = await t.app.inject({ method: 'POST', url: base, headers: bearer(writeOnly.key), payload: { url: 'http://127.0.0.1:9/', events: ['*'] } });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    // B cannot reach A's endpoint through its own restaurant.
    const cross = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${b.restaurant.id}/webhooks/${id}`, headers: bearer(b.key) });
    assert.equal(cross.json().error.code, 'webhook_endpoint_not_found');
    const crossTest = await t.app.inject({ method: 'POST', url: `/v1/restaurants/${b.restaurant.id}/webhooks/test`, headers: bearer(b.key), payload: { endpointId: id } });
    assert.equal(crossTest.json().error.code, 'webhook_endpoint_not_found');

    for (const payload of [
      { url: 'http://127.0.0.1:9/', events: [] },
      { url: 'http://127.0.0.1:9/', events: ['booking.exploded'] },
      { url: 'http://127.0.0.1:9/' },
      { events: ['*'] },
      { url: 'http://127.0.0.1:9/', events: ['*'], description: 'x'.repeat(501) },
      { url: `http://127.0.0.1:9/${'x'.repeat(2100)}`, events: ['*'] },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: base, headers: bearer(a.key), payload });
      assert.equal(res.statusCode, 422, JSON.stringify(payload).slice(0, 80));
      assert.equal(res.json().error.code, 'validation_failed');
    }
    const badType = await t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(a.key), payload: { type: 'nope' } });
    assert.equal(badType.statusCode, 422);
  } finally {
    await t.close();
  }
});

test('POST /webhooks/test: to one endpoint or all enabled ones; refused for none, unknown or disabled', async () => {
  const t = await webhookApp();
  try {
    const { restaurant, key } = await tenantWithKey(t.app);
    const base = `/v1/restaurants/${restaurant.id}/webhooks`;
    const send = (payload?: object) => t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(key), payload });
    const none = await send({});
    assert.equal(none.statusCode, 409);
    assert.equal(none.json().error.code, 'conflict');
    const unknown = await send({ endpointId: 'whe_nope' });
    assert.equal(unknown.json().error.code, 'webhook_endpoint_not_found');

    const ids: string[] = [];
    for (const events of [['booking.created'], ['customer.updated']]) {
      ids.push((await t.app.inject({ method: 'POST', url: base, headers: bearer(key), payload: { url: 'http://127.0.0.1:9/', events } })).json().id);
    }
    const all = await t.app.inject({ method: 'POST', url: `${base}/test`, headers: bearer(key) }); // no body at all
    assert.equal(all.statusCode, 202, all.body);
    assert.equal(all.json().type, 'webhook.test');
    assert.match(all.json().eventId, /^evt_/);
    assert.deepEqual(all.json().deliveries.map((d: any) => d.endpointId).sort(), [...ids].sort(), 'every enabled endpoint, whatever it subscribes to');
    const one = await send({ endpointId: ids[1], type: 'booking.cancelled' });
    assert.equal(one.statusCode, 202);
    assert.deepEqual(one.json().deliveries.map((d: any) => d.endpointId), [ids[1]]);
    const payload = (await t.db.query(`SELECT payload::text AS p FROM webhook_events WHERE id = $1`, [one.json().eventId])).rows[0].p;
    assert.equal(JSON.parse(payload).data.simulatedType, 'booking.cancelled');

    await t.app.services.webhooks.update(restaurant.id, ids[1], { enabled: false }, { type: 'user', id: null });
    const disabled = await send({ endpointId: ids[1] });
    assert.equal(disabled.statusCode, 409);
    assert.match(disabled.json().error.message, /disabled/);
  } finally {
    await t.close();
  }
});
