/**
 * The contract's guarantees across instances (issue 8, item 2), on one topology: two Maitre processes on one
 * PostgreSQL and one Redis behind nginx. Figures go to test-results/reliability.json (section by section).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { scaleSkipReason, Topology } from './topology.js';
import { closeAgents, request, runPool, tally, type Answer } from './http.js';
import { addEndpoint, bearer, bookingBody, createKey, Receiver, revokeKey, seedRestaurant, SERVICE, SLOTS, utcDate, type Seeded } from './seed.js';
import { recordReliability } from './record.js';
import { sleep, waitFor } from './processes.js';

const ATTEMPTS = Number(process.env.MAITRE_SCALE_ATTEMPTS ?? 10_000);
const CONCURRENCY = 64;

let topo: Topology;
let r: Seeded;
let receiver: Receiver;

const skip = scaleSkipReason();

before(async () => {
  if (skip) return;
  topo = await Topology.start({ instances: 2 });
  r = await seedRestaurant(topo, 'guarantees');
  receiver = await Receiver.start();
});

after(async () => {
  closeAgents();
  await receiver?.close();
  await topo?.close();
});

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fail = (what: string) => `${what}\n${topo.logs()}`;

interface Attempt {
  date: string;
  time: string;
  partySize: number;
  answer: Answer;
}

const created: Attempt[] = [];
const bookingDates = [utcDate(2), utcDate(3), utcDate(4), utcDate(5)];

test(`${ATTEMPTS} contended booking attempts over both instances: zero overlaps, pacing exact, every 201 stored`, { skip }, async (t) => {
  // Enough keys that the per-key limit (1000/min at most) never refuses one of these attempts.
  const keys = await Promise.all(Array.from({ length: Math.ceil(ATTEMPTS / 900) + 1 }, () => createKey(topo.lb.url, r)));
  await addEndpoint(topo.lb.url, r, keys[0].key, receiver.url('/one'), ['booking.created']);
  await addEndpoint(topo.lb.url, r, keys[0].key, receiver.url('/two'), ['booking.created']);
  const targets = [topo.lb.url, topo.instances[0].url, topo.instances[1].url];
  const rand = random(8);
  const plan = Array.from({ length: ATTEMPTS }, (_, i) => ({
    target: targets[i % targets.length],
    key: keys[i % keys.length].key,
    date: bookingDates[i % bookingDates.length],
    time: SLOTS[Math.floor(rand() * SLOTS.length)],
    partySize: 1 + Math.floor(rand() * 6),
  }));

  const started = performance.now();
  const attempts: Attempt[] = await runPool(plan.length, CONCURRENCY, async (i) => {
    const p = plan[i];
    const answer = await request(p.target, 'POST', `/v1/restaurants/${r.slug}/reservations`, {
      headers: bearer(p.key), body: bookingBody(p.date, p.time, p.partySize),
    });
    return { date: p.date, time: p.time, partySize: p.partySize, answer };
  });
  const durationMs = Math.round(performance.now() - started);
  const statuses = tally(attempts.map((a) => a.answer));
  t.diagnostic(`statuses ${JSON.stringify(statuses)} in ${durationMs} ms`);

  const serverErrors = attempts.filter((a) => a.answer.status >= 500 || a.answer.status === 0).length;
  assert.equal(serverErrors, 0, fail(`no 5xx or transport error: ${JSON.stringify(statuses)}`));
  for (const a of attempts) {
    assert.ok(a.answer.status === 201 || a.answer.status === 409, `201 or 409 only, got ${a.answer.status} ${JSON.stringify(a.answer.body)}`);
  }
  created.push(...attempts.filter((a) => a.answer.status === 201));
  assert.ok(created.length > 0);

  // 1. No two active holds of one table overlap (the exclusion constraint, checked independently).
  const [{ overlaps }] = await topo.sql<{ overlaps: number }>(
    `SELECT count(*)::int AS overlaps FROM reservation_tables a JOIN reservation_tables b
        ON a.table_id = b.table_id AND a.reservation_id < b.reservation_id AND a.during && b.during
     WHERE a.active AND b.active AND a.restaurant_id = $1`, [r.id]);
  assert.equal(overlaps, 0);

  // 2. Every 201 is stored, and nothing is stored that was not answered 201.
  const stored = await topo.sql<{ id: string; date: string; time: string; party_size: number; tables: string[] }>(
    `SELECT r.id, r.date::text AS date, r.time, r.party_size,
            array(SELECT t.key FROM reservation_tables x JOIN tables t ON t.id = x.table_id WHERE x.reservation_id = r.id ORDER BY t.key) AS tables
       FROM reservations r WHERE r.restaurant_id = $1 AND r.status = 'confirmed'`, [r.id]);
  const byId = new Map(stored.map((s) => [s.id, s]));
  assert.equal(stored.length, created.length, 'as many reservations stored as 201s answered');
  for (const c of created) {
    const s = byId.get(c.answer.body.id);
    assert.ok(s, `reservation ${c.answer.body.id} answered 201 is stored`);
    assert.deepEqual([s.date, s.time, s.party_size], [c.date, c.time, c.partySize]);
    assert.deepEqual(s.tables, [...c.answer.body.tables].sort(), 'the tables answered are the tables held');
  }

  // 3. Pacing: never over a limit, and every slot_limit_reached refusal justified by what the slot holds.
  const load = new Map<string, { covers: number; bookings: number }>();
  for (const s of stored) {
    const k = `${s.date} ${s.time}`;
    const l = load.get(k) ?? { covers: 0, bookings: 0 };
    l.covers += s.party_size;
    l.bookings += 1;
    load.set(k, l);
  }
  let pacingViolations = 0;
  for (const l of load.values()) if (l.covers > SERVICE.maxCoversPerSlot || l.bookings > SERVICE.maxBookingsPerSlot) pacingViolations++;
  assert.equal(pacingViolations, 0, 'no slot over its covers or bookings limit');
  let wrongfulRefusals = 0;
  const refusals = attempts.filter((a) => a.answer.status === 409 && a.answer.body.error.code === 'slot_limit_reached');
  for (const a of refusals) {
    const l = load.get(`${a.date} ${a.time}`) ?? { covers: 0, bookings: 0 };
    const limit = a.answer.body.error.details.limit;
    const justified = limit === 'covers' ? l.covers + a.partySize > SERVICE.maxCoversPerSlot : l.bookings >= SERVICE.maxBookingsPerSlot;
    if (!justified) wrongfulRefusals++;
  }
  assert.equal(wrongfulRefusals, 0, 'no slot_limit_reached refusal while the slot still had room');
  recordReliability('bookings', {
    attempts: ATTEMPTS, instances: topo.instances.length, concurrency: CONCURRENCY, dates: bookingDates.length, slotsPerDate: SLOTS.length,
    maxCoversPerSlot: SERVICE.maxCoversPerSlot, maxBookingsPerSlot: SERVICE.maxBookingsPerSlot, durationMs,
    attemptsPerSecond: Math.round((ATTEMPTS / durationMs) * 1000), created: created.length,
    refused: Object.fromEntries(['slot_limit_reached', 'no_tables_available'].map((c) => [c, attempts.filter((a) => a.answer.body?.error?.code === c).length])),
    overlaps, pacingViolations, wrongfulPacingRefusals: wrongfulRefusals,
    storedWithout201: stored.length - created.length, serverErrors,
  });
});

test('each webhook attempt happens once: every booking.created delivered exactly once to each endpoint, across instances', { skip }, async (t) => {
  assert.ok(created.length > 0, 'runs after the contended bookings');
  const expected = created.length * 2;
  await waitFor(`${expected} deliveries`, async () => {
    const [{ open }] = await topo.sql<{ open: number }>(
      `SELECT count(*)::int AS open FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE e.restaurant_id = $1 AND d.status <> 'succeeded'`, [r.id]);
    return open === 0 && receiver.total >= expected;
  }, 90_000, 100);
  await sleep(500); // a duplicate, if any, would arrive now
  const events = await topo.sql<{ id: string; reservation: string }>(
    `SELECT id, payload::json->'data'->>'id' AS reservation FROM webhook_events WHERE restaurant_id = $1 AND type = 'booking.created'`, [r.id]);
  assert.deepEqual(new Set(events.map((e) => e.reservation)), new Set(created.map((c) => c.answer.body.id)), 'one booking.created per reservation');
  let duplicates = 0;
  let lost = 0;
  for (const e of events) {
    for (const path of ['/one', '/two']) {
      const n = receiver.count(path, e.id);
      if (n === 0) lost++;
      if (n > 1) duplicates += n - 1;
    }
  }
  const attempts = await topo.sql<{ status: string; attempts: number; n: number }>(
    `SELECT d.status, d.attempts, count(*)::int AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
      WHERE e.restaurant_id = $1 GROUP BY 1, 2`, [r.id]);
  const byInstance = await Promise.all(topo.instances.map((i) => topo.metric(i, 'maitre_webhook_attempts_total')));
  t.diagnostic(`deliveries ${receiver.total}, by instance ${byInstance.join(' / ')}`);
  recordReliability('webhooks', {
    events: events.length, endpoints: 2, deliveriesExpected: expected, deliveriesReceived: receiver.total, duplicates, lost,
    attemptsByInstance: byInstance,
  });
  assert.equal(lost, 0);
  assert.equal(duplicates, 0);
  assert.deepEqual(attempts, [{ status: 'succeeded', attempts: 1, n: expected }], 'each delivery succeeded at its first and only attempt');
  assert.equal(byInstance.reduce((a, b) => a + b, 0), expected, 'every attempt made by exactly one instance');
});

test('a key limited to N a minute gets N across both instances (measured excess), at the edges 1 and 1000', { skip }, async (t) => {
  const fallbacks = async () => (await Promise.all(topo.instances.map((i) => topo.metric(i, 'maitre_rate_limit_fallback_total')))).reduce((a, b) => a + b, 0);
  const rounds = [];
  for (const limit of [1, 60, 1000]) {
    const { key } = await createKey(topo.lb.url, r, { rateLimitPerMinute: limit });
    const fallbackBefore = await fallbacks();
    const sent = limit * 3 + 10;
    const targets = [topo.instances[0].url, topo.instances[1].url, topo.lb.url];
    const answers = await runPool(sent, CONCURRENCY, (i) => request(targets[i % 3], 'GET', '/v1/me', { headers: bearer(key) }));
    const s = tally(answers);
    assert.deepEqual(Object.keys(s).sort(), ['200', '429'], `only 200 and 429: ${JSON.stringify(s)}`);
    const admitted = s['200'];
    const excess = Math.max(0, admitted - limit);
    // A Redis answer slower than the limiter's timeout is decided locally (and still counted in Redis): the excess.
    const localDecisions = (await fallbacks()) - fallbackBefore;
    rounds.push({ limit, sent, admitted, excess, excessPct: Math.round((excess / limit) * 10_000) / 100, localDecisions });
    t.diagnostic(`limit ${limit}/min: ${admitted} admitted of ${sent}`);
    for (const a of answers.filter((x) => x.status === 429)) {
      assert.ok(Number(a.headers['retry-after']) >= 1, 'a 429 carries Retry-After ≥ 1');
      assert.equal(a.body.error.code, 'rate_limit_exceeded');
    }
    assert.ok(admitted >= limit, `the whole budget is usable (${admitted} of ${limit})`);
    assert.ok(excess <= Math.floor(limit * 0.02), `over-admission ${excess} within 2 % of ${limit}`);
  }
  recordReliability('rateLimit', { instances: topo.instances.length, concurrency: CONCURRENCY, rounds, maxExcessPct: Math.max(...rounds.map((x) => x.excessPct)) });
});

/** Polls `base` with `key` until it is refused; resolves with the performance.now() of the first 401. */
async function firstRefusal(base: string, key: string, giveUpAt: number): Promise<number> {
  for (;;) {
    const res = await request(base, 'GET', '/v1/me', { headers: bearer(key) });
    if (res.status === 401) return performance.now();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (performance.now() > giveUpAt) return Number.POSITIVE_INFINITY;
  }
}

test('a key revoked through one instance is refused by every instance within 1 s (lag measured)', { skip }, async (t) => {
  const trials = 6;
  const lags: number[][] = topo.instances.map(() => []);
  for (let trial = 0; trial < trials; trial++) {
    const k = await createKey(topo.lb.url, r);
    for (const inst of topo.instances) assert.equal((await request(inst.url, 'GET', '/v1/me', { headers: bearer(k.key) })).status, 200); // cached everywhere
    const via = topo.instances[trial % topo.instances.length];
    const giveUpAt = performance.now() + 5_000;
    const pollers = topo.instances.map((inst) => firstRefusal(inst.url, k.key, giveUpAt));
    await sleep(20); // the pollers are hitting warm caches now
    const revoked = await revokeKey(via.url, r, k.id);
    const answeredAt = performance.now();
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refusedAt = await Promise.all(pollers);
    refusedAt.forEach((at, i) => lags[i].push(Math.max(0, Math.round((at - answeredAt) * 10) / 10)));
  }
  const all = lags.flat();
  const max = Math.max(...all);
  const sorted = [...all].sort((a, b) => a - b);
  t.diagnostic(`revocation lag ms per instance: ${JSON.stringify(lags)}`);
  recordReliability('revocation', {
    instances: topo.instances.length, trials, lagMsByInstance: lags, maxLagMs: max, medianLagMs: sorted[Math.floor(sorted.length / 2)],
  });
  assert.ok(max <= 1_000, `every instance refuses the revoked key within 1 s (worst ${max} ms)`);
});

test('idempotent duplicates sent to different instances at once make one reservation', { skip }, async () => {
  const { key } = await createKey(topo.lb.url, r);
  const dates = [utcDate(6), utcDate(7)];
  const keysN = 24;
  const copies = [topo.instances[0].url, topo.instances[1].url, topo.instances[0].url, topo.instances[1].url, topo.lb.url];
  let replays = 0;
  let inProgress = 0;
  const made: string[] = [];
  await runPool(keysN, 8, async (i) => {
    const idem = `scale-idem-${i}-${process.pid}`;
    const body = bookingBody(dates[i % 2], SLOTS[Math.floor(i / 2) % SLOTS.length], 2);
    const answers = await Promise.all(copies.map((base) => request(base, 'POST', `/v1/restaurants/${r.slug}/reservations`, {
      headers: { ...bearer(key), 'idempotency-key': idem }, body,
    })));
    const ok = answers.filter((a) => a.status === 201);
    for (const a of answers) {
      assert.ok(a.status === 201 || (a.status === 409 && a.body.error.code === 'idempotency_in_progress'), `201 or in-progress: ${a.status} ${JSON.stringify(a.body)}`);
      if (a.status === 409) {
        inProgress++;
        assert.ok(Number(a.headers['retry-after']) >= 1);
      }
    }
    assert.ok(ok.length >= 1);
    assert.equal(new Set(ok.map((a) => a.body.id)).size, 1, 'every 201 names the same reservation');
    assert.equal(ok.filter((a) => a.headers['idempotent-replayed'] !== 'true').length, 1, 'exactly one original answer');
    replays += ok.length - 1;
    made.push(ok[0].body.id);
    const stored = await topo.sql(`SELECT r.id FROM reservations r JOIN customers c ON c.id = r.customer_id WHERE r.restaurant_id = $1 AND c.email = $2`, [r.id, body.customer.email]);
    assert.deepEqual(stored.map((s) => s.id), [ok[0].body.id], 'one reservation for the key');
  });
  recordReliability('idempotency', {
    idempotencyKeys: keysN, copiesPerKey: copies.length, reservationsMade: new Set(made).size, replayed: replays, inProgress,
    duplicateReservations: made.length - new Set(made).size,
  });
  assert.equal(new Set(made).size, keysN);
});
