import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { enqueueEvent } from '../src/modules/webhooks/outbox.js';
import { WebhookService } from '../src/modules/webhooks/service.js';
import { createTestDb } from './helpers/db.js';
import { insertRestaurant } from './helpers/fixtures.js';
import { SYSTEM } from './helpers/keys.js';
import { sleep, startReceiver, tenantWithEndpoint, waitUntil, webhookApp, type Receiver } from './webhooks-support.js';

test('two dispatchers on one database deliver each attempt exactly once', async (ctx) => {
  const receivers: Receiver[] = [];
  for (let i = 0; i < 3; i++) {
    // Every event is refused the first time it arrives and accepted the second time: two attempts each.
    const seen = new Map<string, number>();
    receivers.push(await startReceiver((_n, body) => {
      const id = JSON.parse(body).id as string;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return seen.get(id) === 1 ? { status: 500 } : { status: 200 };
    }));
  }
  const a = await webhookApp({ dispatcher: { concurrency: 2 } });
  const b = await webhookApp({ db: a.db, dispatcher: { concurrency: 2 } });
  try {
    const first = await tenantWithEndpoint(a, receivers[0].url);
    for (const r of receivers.slice(1)) {
      const res = await a.app.inject({
        method: 'POST', url: `/v1/restaurants/${first.restaurant.id}/webhooks`, headers: { authorization: `Bearer ${first.key}` },
        payload: { url: r.url, events: ['*'] },
      });
      assert.equal(res.statusCode, 201);
    }
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const db = i % 2 ? a.db : b.db;
      ids.push(await db.transaction((tx) => enqueueEvent(tx, { restaurantId: first.restaurant.id, type: 'booking.created', data: { i } })));
    }
    await Promise.all(receivers.map((r) => r.waitFor(ids.length * 2, 20_000)));
    await sleep(400); // a duplicate, if any, would arrive now
    for (const r of receivers) {
      assert.equal(r.requests.length, ids.length * 2, 'each event attempted exactly twice at each endpoint');
      const perEvent = new Map<string, number>();
      for (const x of r.requests) perEvent.set(JSON.parse(x.body).id, (perEvent.get(JSON.parse(x.body).id) ?? 0) + 1);
      assert.deepEqual([...perEvent.values()], ids.map(() => 2));
    }
    const { rows } = await a.db.query(
      `SELECT d.status, d.attempts, (SELECT count(*)::int FROM webhook_delivery_attempts x WHERE x.delivery_id = d.id) AS logged
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.restaurant_id = $1`,
      [first.restaurant.id],
    );
    assert.equal(rows.length, ids.length * receivers.length);
    for (const r of rows) assert.deepEqual([r.status, Number(r.attempts), Number(r.logged)], ['succeeded', 2, 2]);
    const attemptsBy = async (x: typeof a) => (await x.app.services.metrics.webhookAttempts.get()).values.reduce((n, v) => n + v.value, 0);
    const [byA, byB] = [await attemptsBy(a), await attemptsBy(b)];
    assert.equal(byA + byB, rows.length * 2, 'every attempt recorded by exactly one of the two');
    assert.ok(byA > 0 && byB > 0, `both dispatchers took part (A: ${byA}, B: ${byB})`);
    ctx.diagnostic(`attempts by dispatcher A: ${byA}, by B: ${byB}`);
  } finally {
    await b.close();
    await a.close();
    for (const r of receivers) await r.close();
  }
});

/** A real Maitre app in a child process, with a short delivery timeout (so a short lease). */
const CHILD = `
import pino from 'pino';
import { buildApp } from './src/app.js';
import { loadConfig } from './src/config.js';
import { PostgresDb } from './src/db/postgres.js';
const db = new PostgresDb(process.env.KILL_DB_URL);
const config = loadConfig({ LOG_LEVEL: 'silent', MAITRE_DEMO: '0', MAITRE_WEBHOOK_ALLOW_PRIVATE: '1', MAITRE_WEBHOOK_RETRY_DELAYS: '50,100' });
const app = await buildApp({ config, db, logger: pino({ level: 'silent' }) });
Object.assign(app.services.webhookDispatcher.options, { timeoutMs: 1500, leaseMs: 3000, pollIntervalMs: 100 });
await app.ready();
process.stdout.write('ready\\n');
setInterval(() => {}, 60_000);
`;

test('a server killed (SIGKILL) mid-delivery: after a restart the delivery resumes once its lease expires, nothing lost', async () => {
  const receiver = await startReceiver((n) => (n === 1 ? 'hang' : { status: 200 }));
  const db = await createTestDb();
  const env: Record<string, string> = { KILL_DB_URL: db.url };
  let restarted: Awaited<ReturnType<typeof webhookApp>> | undefined;
  try {
    const restaurant = await insertRestaurant(db);
    const service = new WebhookService(db, { allowPrivate: true });
    const { view: endpoint } = await service.create(restaurant.id, { url: receiver.url, events: ['*'] }, SYSTEM);
    const ids: string[] = [];
    await db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) ids.push(await enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: { i } }));
    });

    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', r));
    try {
      await receiver.waitFor(1, 20_000); // the child sent the first event; the receiver hangs on it
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`the child never delivered: ${stderr}`, { cause: err });
    }
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    const { rows } = await db.query(`SELECT status, attempts FROM webhook_deliveries WHERE event_id = $1`, [ids[0]]);
    assert.deepEqual(rows.map((r) => [r.status, Number(r.attempts)]), [['delivering', 1]], 'the lease outlives the process');

    restarted = await webhookApp({ db: db as never });
    await receiver.waitFor(4, 10_000);
    await sleep(300);
    const got = receiver.requests.map((r) => JSON.parse(r.body).id);
    assert.equal(got[0], ids[0]);
    assert.deepEqual(got.slice(1), ids, 'after the restart: the interrupted event again, then the rest, in order');
    assert.ok(receiver.requests[1].at - killedAt < 10_000, 'resumed once the lease (3 s) expired');
    const list = (await restarted.app.services.webhooks.deliveries(restaurant.id, endpoint.id, { limit: 10, beforeSeq: null, status: null })).data;
    assert.deepEqual(list.map((d) => d.status), ['succeeded', 'succeeded', 'succeeded']);
    const interrupted = list.find((d) => d.eventId === ids[0])!;
    assert.equal(interrupted.attempts, 2);
    assert.match(interrupted.attemptLog[1].error!, /no outcome recorded: the lease expired/);
  } finally {
    await restarted?.close();
    await db.close();
    await receiver.close();
  }
});

test('a graceful stop hands in-flight leases back at once: another instance resumes without waiting for the lease', async () => {
  const receiver = await startReceiver((n) => (n === 1 ? 'hang' : { status: 200 }));
  const a = await webhookApp({ dispatcher: { leaseMs: 60_000 } });
  let b: Awaited<ReturnType<typeof webhookApp>> | undefined;
  try {
    const { restaurant, endpoint } = await tenantWithEndpoint(a, receiver.url);
    await a.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'waitlist.created', data: {} }));
    await receiver.waitFor(1);
    b = await webhookApp({ db: a.db });
    await a.app.close(); // interrupts the hanging attempt and releases its lease
    await receiver.waitFor(2, 5_000); // the lease is a minute long
    const [d] = await waitUntil(async () => {
      const l = (await b!.app.services.webhooks.deliveries(restaurant.id, endpoint.id, { limit: 10, beforeSeq: null, status: null })).data;
      return l[0]?.status === 'succeeded' ? l : null;
    });
    assert.equal(d.attempts, 1, 'the interrupted attempt does not use up the retry schedule');
    assert.match(d.attemptLog[1].error!, /interrupted: the server shut down/);
  } finally {
    await b?.close();
    await a.close().catch(() => {});
    await receiver.close();
  }
});
