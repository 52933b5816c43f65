/**
 * withIdempotency as any creating route would use it: a duplicate waits for the first and replays; one that waits too
 * long gets 409 idempotency_in_progress with Retry-After; the record commits with the effect. Canonical JSON.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { canonicalJson, fingerprintOf, withIdempotency } from '../src/http/idempotency.js';
import { newId } from '../src/lib/ids.js';

function testRoute(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/test/:restaurant/effect',
    {
      config: { auth: 'none' },
      schema: {
        hide: true,
        params: z.object({ restaurant: z.string() }),
        body: z.object({ name: z.string(), sleepMs: z.number().int() }),
        response: { 201: z.object({ id: z.string(), name: z.string() }) },
      },
    },
    async (req, reply) =>
      withIdempotency(
        req,
        reply,
        async (tx) => {
          const id = newId('cus');
          await tx.query('INSERT INTO customers (id, restaurant_id, name) VALUES ($1, $2, $3)', [id, req.params.restaurant, req.body.name]);
          await sleep(req.body.sleepMs);
          return { status: 201, body: { id, name: req.body.name } };
        },
        { restaurantId: req.params.restaurant, waitMs: 300 },
      ),
  );
}

let t: TestApp;
let r: Tenant;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z), extend: testRoute });
  r = await createTenant(t.app, bistro());
});
after(async () => t.close());

const call = (key: string, body: object) =>
  t.app.inject({ method: 'POST', url: `/test/${r.id}/effect`, headers: { 'idempotency-key': key }, payload: body });
const customers = async (name: string) =>
  (await t.db.query('SELECT count(*)::int AS n FROM customers WHERE restaurant_id = $1 AND name = $2', [r.id, name])).rows[0].n as number;

test('canonical JSON sorts keys at every level, so key order never changes the fingerprint', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(fingerprintOf('POST', '/p', { a: 1, b: 2 }), fingerprintOf('post', '/p', { b: 2, a: 1 }));
  assert.notEqual(fingerprintOf('POST', '/p', { a: 1 }), fingerprintOf('POST', '/q', { a: 1 }));
  assert.notEqual(fingerprintOf('POST', '/p', { a: 1 }), fingerprintOf('POST', '/p', { a: '1' }));
});

test('a duplicate arriving while the first is running waits for it, then replays its result', async () => {
  const body = { name: 'wait-then-replay', sleepMs: 100 };
  const [first, second] = await Promise.all([call('dup-1', body), sleep(20).then(() => call('dup-1', body))]);
  assert.deepEqual([first.statusCode, second.statusCode], [201, 201]);
  assert.equal(second.body, first.body);
  // under load the later request may reach the database first: exactly one of the two ran the effect
  assert.deepEqual([first, second].map((x) => x.headers['idempotent-replayed']).sort(), ['true', undefined]);
  assert.equal(await customers('wait-then-replay'), 1);
});

test('a duplicate that would wait longer than the route allows gets 409 idempotency_in_progress with Retry-After', async () => {
  const body = { name: 'too-slow', sleepMs: 1500 };
  // whichever reaches the database first runs the effect; the other waits 300 ms for it, then gives up
  const both = await Promise.all([call('slow-1', body), sleep(100).then(() => call('slow-1', body))]);
  const ran = both.find((x) => x.statusCode === 201)!;
  const waited = both.find((x) => x.statusCode === 409)!;
  assert.ok(ran && waited, both.map((x) => `${x.statusCode} ${x.body}`).join('\n'));
  assert.equal(ran.headers['idempotent-replayed'], undefined);
  assert.equal(waited.json().error.code, 'idempotency_in_progress');
  assert.equal(waited.headers['retry-after'], '1');
  const third = await call('slow-1', body);
  assert.deepEqual([third.statusCode, third.headers['idempotent-replayed']], [201, 'true']);
  assert.equal(await customers('too-slow'), 1);
});

test('the record commits with the effect: both exist, or (on a failed effect) neither', async () => {
  const ok = await call('rec-1', { name: 'recorded', sleepMs: 0 });
  assert.equal(ok.statusCode, 201);
  const { rows } = await t.db.query('SELECT state, status, method, path, response FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2', [r.id, 'rec-1']);
  assert.deepEqual(rows[0], { state: 'done', status: 201, method: 'POST', path: `/test/${r.id}/effect`, response: ok.json() });
  const failed = await call('rec-2', { name: 'x'.repeat(201), sleepMs: 0 }); // violates the customers.name CHECK: a 500
  assert.equal(failed.statusCode, 500);
  const none = await t.db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE restaurant_id = $1 AND key = $2', [r.id, 'rec-2']);
  assert.equal(none.rows[0].n, 0);
});
