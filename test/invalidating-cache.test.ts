/**
 * InvalidatingCache (src/cache/invalidating-cache.ts) and the change channel's payloads (src/cache/changes.ts),
 * without a database: loads are held open by the test, so every interleaving of a load and a change is played out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidatingCache } from '../src/cache/invalidating-cache.js';
import { announceChange, CHANGES_CHANNEL, formatChange, keyChanged, listenForChanges, parseChange, restaurantChanged, type Change } from '../src/cache/changes.js';
import type { Db, Queryable } from '../src/db/types.js';

interface Value {
  owner: string;
  version: number;
}

/** A cache of `Value`s by key whose loads wait until the test settles them; `db` is what a load reads when it starts. */
function harness(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const db = new Map<string, Value>();
  const pending: { key: string; settle: () => void; fail: (e: Error) => void }[] = [];
  let clock = 0;
  const cache = new InvalidatingCache<string, Value>({
    ttlMs: options.ttlMs ?? 1000,
    maxEntries: options.maxEntries ?? 100,
    now: () => clock,
    load: (key) => {
      const seen = db.get(key);
      return new Promise<Value>((resolve, reject) => {
        pending.push({ key, settle: () => (seen ? resolve({ ...seen }) : reject(new Error(`no ${key}`))), fail: reject });
      });
    },
    // a key is concerned by `key:<k>`; its value by `restaurant:<owner>`; loads in flight by restaurant changes too
    concerns: (change, key, entry) =>
      change.kind === 'key' ? change.id === key : entry === undefined || entry.value.owner === change.id,
  });
  /** Settles the loads in flight, oldest first, and lets their continuations run. */
  const settleAll = async () => {
    while (pending.length) pending.shift()!.settle();
    await new Promise((r) => setImmediate(r));
  };
  return { db, cache, pending, settleAll, tick: (ms: number) => (clock += ms) };
}

test('a hit costs no load; concurrent misses share one load; a value is kept until its TTL', async () => {
  const h = harness({ ttlMs: 1000 });
  h.db.set('a', { owner: 'r1', version: 1 });
  const [x, y] = [h.cache.get('a'), h.cache.get('a')];
  assert.equal(h.pending.length, 1, 'one load for two concurrent misses');
  await h.settleAll();
  assert.deepEqual([await x, await y], [{ owner: 'r1', version: 1 }, { owner: 'r1', version: 1 }]);
  assert.equal(h.cache.size, 1);
  h.db.set('a', { owner: 'r1', version: 2 }); // behind the cache's back: no change announced
  assert.equal((await h.cache.get('a')).version, 1, 'a hit');
  assert.equal(h.cache.peek('a')?.version, 1);
  assert.equal(h.pending.length, 0, 'no load for a hit');
  h.tick(1000);
  assert.equal(h.cache.peek('a')?.version, 1, 'still fresh at exactly the TTL');
  h.tick(1);
  assert.equal(h.cache.peek('a'), undefined, 'expired past the TTL');
  const reloaded = h.cache.get('a');
  assert.equal(h.pending.length, 1, 'an expired entry is loaded again');
  await h.settleAll();
  assert.equal((await reloaded).version, 2);
});

test('a load error is handed to its callers and not kept: the next request loads again', async () => {
  const h = harness();
  const failing = assert.rejects(h.cache.get('missing'), /no missing/);
  await h.settleAll();
  await failing;
  assert.equal(h.cache.size, 0);
  h.db.set('missing', { owner: 'r1', version: 1 });
  const retried = h.cache.get('missing');
  assert.equal(h.pending.length, 1, 'a new load');
  await h.settleAll();
  assert.equal((await retried).version, 1);
});

test('a load held open across a change that concerns it: later requests load again, and its old value is not kept', async () => {
  const h = harness();
  h.db.set('a', { owner: 'r1', version: 1 });
  const early = h.cache.get('a'); // reads version 1
  h.db.set('a', { owner: 'r1', version: 2 });
  h.cache.invalidate({ kind: 'key', id: 'a' }); // announced while that load is still open
  const late = h.cache.get('a');
  assert.equal(h.pending.length, 2, 'the request after the change did not join the load before it');
  const afterLate = h.cache.get('a');
  assert.equal(h.pending.length, 2, 'but requests after the change share the new load');
  await h.settleAll();
  assert.equal((await early).version, 1, 'the request from before the change may see the old value');
  assert.deepEqual([(await late).version, (await afterLate).version], [2, 2]);
  assert.equal(h.cache.peek('a')?.version, 2, 'what is kept is the value read after the change');
});

test('an old load that settles after the new one does not overwrite it, and its failure does not disturb it', async () => {
  const h = harness();
  h.db.set('a', { owner: 'r1', version: 1 });
  const early = h.cache.get('a');
  const old = h.pending.shift()!;
  h.db.set('a', { owner: 'r1', version: 2 });
  h.cache.invalidate('key:a');
  const late = h.cache.get('a');
  await h.settleAll(); // the new load settles first
  assert.equal((await late).version, 2);
  old.settle();
  assert.equal((await early).version, 1);
  assert.equal(h.cache.peek('a')?.version, 2, 'the newer value stays');

  // Again with the old load failing while a new one is in flight: the new one is still shared, and kept.
  h.cache.invalidate('key:a');
  h.db.set('a', { owner: 'r1', version: 3 });
  const first = h.cache.get('a');
  const failing = h.pending.shift()!;
  h.cache.invalidate('key:a');
  const second = h.cache.get('a');
  failing.fail(new Error('connection lost'));
  await assert.rejects(first, /connection lost/);
  const third = h.cache.get('a');
  assert.equal(h.pending.length, 1, 'the third request joined the second load');
  await h.settleAll();
  assert.deepEqual([(await second).version, (await third).version], [3, 3]);
  assert.equal(h.cache.peek('a')?.version, 3);
});

test('a change drops exactly the entries and loads it concerns', async () => {
  const h = harness();
  h.db.set('a', { owner: 'r1', version: 1 });
  h.db.set('b', { owner: 'r1', version: 1 });
  h.db.set('c', { owner: 'r2', version: 1 });
  await Promise.all([h.cache.get('a'), h.cache.get('b'), h.cache.get('c'), h.settleAll()]);
  assert.equal(h.cache.size, 3);

  h.cache.invalidate('key:a');
  assert.deepEqual(['a', 'b', 'c'].map((k) => h.cache.peek(k) !== undefined), [false, true, true], 'key:a drops a only');
  h.cache.invalidate({ kind: 'restaurant', id: 'r1' });
  assert.deepEqual(['a', 'b', 'c'].map((k) => h.cache.peek(k) !== undefined), [false, false, true], 'restaurant:r1 drops its values');

  // A load in flight that the change does not concern is still joined, and kept.
  h.db.set('a', { owner: 'r1', version: 2 });
  const loading = h.cache.get('a');
  h.cache.invalidate('key:b');
  h.cache.get('a');
  assert.equal(h.pending.length, 1, 'key:b does not concern the load of a');
  h.cache.invalidate('restaurant:r9'); // loads in flight of unknown owner: concerned by any restaurant change here
  h.cache.get('a');
  assert.equal(h.pending.length, 2, 'restaurant:r9 may concern the load of a: a new one started');
  await h.settleAll();
  assert.equal((await loading).version, 2);
  assert.equal(h.cache.peek('a')?.version, 2);
  assert.equal(h.cache.peek('c')?.version, 1, 'c was concerned by none of these');
});

test('`all` (also what a lost listening connection sends) drops every entry and every load in flight', async () => {
  const h = harness();
  h.db.set('a', { owner: 'r1', version: 1 });
  h.db.set('b', { owner: 'r2', version: 1 });
  await Promise.all([h.cache.get('a'), h.settleAll()]);
  const loadingB = h.cache.get('b');
  h.db.set('a', { owner: 'r1', version: 2 });
  h.db.set('b', { owner: 'r2', version: 2 });
  h.cache.invalidate('all');
  assert.equal(h.cache.size, 0);
  const [a, b] = [h.cache.get('a'), h.cache.get('b')];
  assert.equal(h.pending.length, 3, 'a and b load again, b not joining its load from before');
  await h.settleAll();
  assert.deepEqual([(await loadingB).version, (await a).version, (await b).version], [1, 2, 2]);
  assert.deepEqual([h.cache.peek('a')?.version, h.cache.peek('b')?.version], [2, 2]);
  h.cache.clear();
  assert.equal(h.cache.size, 0, 'clear() is `all`');
});

test('payloads this version does not know are ignored; past maxEntries the oldest entry goes', async () => {
  const h = harness({ maxEntries: 2 });
  for (const [k, owner] of [['a', 'r1'], ['b', 'r1'], ['c', 'r1']]) h.db.set(k, { owner, version: 1 });
  await Promise.all([h.cache.get('a'), h.cache.get('b'), h.settleAll()]);
  for (const junk of ['', 'key', 'key:', 'restaurant:', 'customer:a', 'ALL', 'Key:a']) h.cache.invalidate(junk);
  assert.equal(h.cache.size, 2, 'nothing dropped by unknown payloads');
  await Promise.all([h.cache.get('a'), h.cache.get('c'), h.settleAll()]); // a is a hit; c evicts the oldest, a
  assert.equal(h.cache.size, 2);
  assert.deepEqual(['a', 'b', 'c'].map((k) => h.cache.peek(k) !== undefined), [false, true, true]);
});

test('change payloads: formatted and parsed back; ids may contain colons; unknown kinds are null', () => {
  const changes: Change[] = [{ kind: 'key', id: 'key_k3v9x2qa' }, { kind: 'restaurant', id: 'rst_1:x' }, { kind: 'all' }];
  for (const c of changes) assert.deepEqual(parseChange(formatChange(c)), c);
  assert.deepEqual(changes.map(formatChange), ['key:key_k3v9x2qa', 'restaurant:rst_1:x', 'all'], 'the payloads other instances read');
  for (const junk of ['', 'all:', 'key', 'key:', ':x', 'customer:1', 'KEY:1']) assert.equal(parseChange(junk), null, junk);
});

test('the channel: a change is a pg_notify on maitre_cache in the given transaction; a lost listener means `all`', async () => {
  const sent: unknown[][] = [];
  const tx = { query: async (sql: string, params: unknown[]) => (sent.push([sql, ...params]), { rows: [] }) } as unknown as Queryable;
  await announceChange(tx, keyChanged('key_1'));
  await announceChange(tx, restaurantChanged('rst_1'));
  assert.deepEqual(sent, [
    ['SELECT pg_notify($1, $2)', 'maitre_cache', 'key:key_1'],
    ['SELECT pg_notify($1, $2)', 'maitre_cache', 'restaurant:rst_1'],
  ]);

  let subscribed: { channel: string; onMessage: (m: string) => void; onReset?: () => void } | undefined;
  let unsubscribed = false;
  const db = {
    listen: async (channel: string, onMessage: (m: string) => void, onReset?: () => void) => {
      subscribed = { channel, onMessage, onReset };
      return async () => {
        unsubscribed = true;
      };
    },
  } as unknown as Db;
  const heard: string[] = [];
  const stop = await listenForChanges(db, (m) => heard.push(m));
  assert.equal(subscribed?.channel, CHANGES_CHANNEL);
  assert.equal(CHANGES_CHANNEL, 'maitre_cache', 'the name every instance of every version listens on');
  subscribed!.onMessage('key:key_1');
  subscribed!.onReset?.();
  assert.deepEqual(heard, ['key:key_1', 'all']);
  await stop();
  assert.ok(unsubscribed);
});
