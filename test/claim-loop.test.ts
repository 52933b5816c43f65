/**
 * ClaimLoop (src/background/claim-loop.ts), the scheduling of the webhook dispatcher and the notification worker:
 * kicks coalesce, a full claim looks again, a timer wakes it at the next due time, a NOTIFY wakes it, stop() waits for
 * the pass under way and drains (or interrupts) the jobs in flight, and nothing runs after stop().
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { ClaimLoop, type ClaimLoopOptions } from '../src/background/claim-loop.js';
import { createTestDb, type TestDb } from './helpers/db.js';

const CHANNEL = 'claim_loop_test';
let dbPromise: Promise<TestDb> | undefined;
const db = () => (dbPromise ??= createTestDb());
after(async () => {
  if (dbPromise) await (await dbPromise).close();
});

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const settle = () => new Promise<void>((r) => setTimeout(r, 20));
/** Waits until `cond` holds: an event, not a duration (the 10 s cap only turns a hang into a failure). */
async function until(cond: () => boolean): Promise<void> {
  const limit = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error('the awaited condition never held');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A loop whose claim() is the test's; logs captured. */
async function loopWith(claim: ClaimLoopOptions['claim'], extra: Partial<ClaimLoopOptions> = {}) {
  const logs: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(c, _e, cb) { logs.push(c.toString()); cb(); } })) as unknown as FastifyBaseLogger;
  const loop = new ClaimLoop({
    name: 'test loop', failure: 'claiming failed', db: await db(), log, channel: CHANNEL,
    pollIntervalMs: () => 3_600_000, concurrency: () => 4, claim, ...extra,
  });
  return { loop, logs };
}

test('kicks during a pass coalesce into one more pass; passes never overlap', async () => {
  let passes = 0;
  let inPass = 0;
  const gate = deferred();
  const second = deferred();
  const { loop } = await loopWith(async () => {
    passes++;
    inPass++;
    assert.equal(inPass, 1, 'never two passes at once');
    if (passes === 1) await gate.promise;
    if (passes === 2) second.resolve();
    inPass--;
    return 0;
  });
  await loop.start(); // start() kicks: pass 1, held at the gate
  for (let i = 0; i < 5; i++) loop.kick();
  gate.resolve();
  await second.promise;
  await settle();
  assert.equal(passes, 2, 'five kicks during pass 1 made exactly one more pass');
  await loop.stop();
});

test('a full claim looks again at once; a claim with room left waits for the next wake-up', async () => {
  const rooms: number[] = [];
  const done = deferred();
  const { loop } = await loopWith(async (room) => {
    rooms.push(room);
    if (rooms.length === 3) done.resolve();
    return rooms.length < 3 ? room : 0; // full, full, then nothing due
  }, { concurrency: () => 2, interruptOnStop: true });
  await loop.start();
  await done.promise;
  await settle();
  assert.deepEqual(rooms, [2, 2, 2]);
  await loop.stop();
});

test('room is concurrency minus the jobs in flight; a finished job wakes the loop', async () => {
  const rooms: number[] = [];
  const release = deferred();
  const sawFree = deferred();
  let loop!: ClaimLoop;
  ({ loop } = await loopWith(async (room) => {
    rooms.push(room);
    if (rooms.length === 1) {
      loop.launch(() => release.promise);
      loop.launch(() => release.promise);
      loop.launch(() => release.promise);
      return 3; // room was 4: not full, no second pass
    }
    if (room === 4) sawFree.resolve();
    return 0;
  }));
  await loop.start();
  await until(() => rooms.length === 1 && loop.active === 3);
  loop.kick();
  await until(() => rooms.length === 2);
  await settle();
  assert.deepEqual(rooms, [4, 1], 'three jobs in flight leave room for one; the first pass was not full');
  release.resolve();
  await sawFree.promise; // the jobs' ends kicked the loop, with no poll and no NOTIFY
  assert.equal(loop.active, 0);
  await loop.stop();
});

test('wakeIn wakes the loop when the next due time comes, with no poll', async () => {
  let passes = 0;
  const woke = deferred();
  const { loop } = await loopWith(async () => {
    passes++;
    if (passes === 2) woke.resolve();
    return 0;
  });
  await loop.start();
  await until(() => passes === 1);
  await settle();
  assert.equal(passes, 1, 'the start-up pass only: the poll is an hour away');
  loop.wakeIn(30);
  await woke.promise;
  await loop.stop();
});

test('a NOTIFY on the channel wakes the loop; the poll wakes it too', async () => {
  const notified = deferred();
  let passes = 0;
  const { loop } = await loopWith(async () => {
    if (++passes === 2) notified.resolve();
    return 0;
  });
  await loop.start();
  await until(() => passes === 1);
  await (await db()).query(`SELECT pg_notify($1, '')`, [CHANNEL]);
  await notified.promise;
  await loop.stop();

  let polls = 0;
  const polled = deferred();
  const p = await loopWith(async () => {
    if (++polls === 3) polled.resolve();
    return 0;
  }, { pollIntervalMs: () => 10 });
  await p.loop.start();
  await polled.promise;
  await p.loop.stop();
});

test('a failed pass is logged and the next wake-up tries again', async () => {
  let passes = 0;
  const again = deferred();
  const { loop, logs } = await loopWith(async () => {
    if (++passes === 1) throw new Error('database gone');
    again.resolve();
    return 0;
  });
  await loop.start();
  await until(() => logs.length > 0);
  assert.ok(logs.some((l) => l.includes('test loop: claiming failed') && l.includes('database gone')), logs.join(''));
  loop.kick();
  await again.promise;
  await loop.stop();
});

test('stop() waits for the pass under way and for the jobs it launched, then nothing runs any more', async () => {
  const gate = deferred();
  const jobGate = deferred();
  let passes = 0;
  let jobEnded = false;
  let signalAborted: boolean | null = null;
  let loop!: ClaimLoop;
  ({ loop } = await loopWith(async () => {
    passes++;
    if (passes === 1) {
      await gate.promise;
      loop.launch(async (signal) => {
        await jobGate.promise;
        signalAborted = signal.aborted;
        jobEnded = true;
      });
      return 1;
    }
    return 0;
  }, { pollIntervalMs: () => 10 }));
  await loop.start();
  let stopped = false;
  const stopping = loop.stop().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'stop() waits for the pass under way');
  gate.resolve();
  await settle();
  assert.equal(stopped, false, 'stop() waits for the job that pass launched');
  assert.equal(loop.active, 1);
  jobGate.resolve();
  await stopping;
  assert.equal(jobEnded, true);
  assert.equal(signalAborted, false, 'without interruptOnStop the job is let finish');

  const before = passes;
  loop.kick();
  loop.wakeIn(1);
  await (await db()).query(`SELECT pg_notify($1, '')`, [CHANNEL]);
  await new Promise((r) => setTimeout(r, 100)); // ten poll intervals, a due timer, a NOTIFY and a kick
  assert.equal(passes, before, 'no pass after stop()');
});

test('with interruptOnStop, stop() aborts the jobs in flight and waits for them to hand their work back', async () => {
  let handedBack = false;
  let loop!: ClaimLoop;
  const launched = deferred();
  ({ loop } = await loopWith(async () => {
    if (loop.active === 0 && !handedBack) {
      loop.launch(
        (signal) =>
          new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => {
              handedBack = true;
              resolve();
            });
          }),
      );
      launched.resolve();
      return 1;
    }
    return 0;
  }, { interruptOnStop: true }));
  await loop.start();
  await launched.promise;
  await loop.stop(); // would hang if the job were not aborted
  assert.equal(handedBack, true);
  assert.equal(loop.active, 0);
});
