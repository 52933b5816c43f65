import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedBatcher, type Settled } from '../src/lib/keyed-batcher.js';

test('per key: the first item runs alone, those pushed meanwhile are the next batch (at most max), in order; keys run side by side', async () => {
  const runs: string[] = [];
  const gates: (() => void)[] = [];
  const b = new KeyedBatcher<number, number>(async (key, items) => {
    runs.push(`${key}:${items.join(',')}`);
    await new Promise<void>((r) => gates.push(r));
    return items.map((n): Settled<number> => (n < 0 ? { ok: false, error: new Error(`negative ${n}`) } : { ok: true, value: n * 10 }));
  }, 3);
  const a = [1, 2, -3, 4, 5].map((n) => b.push('a', n));
  const z = b.push('z', 9);
  assert.deepEqual(runs, ['a:1', 'z:9'], 'a free key starts at once, whatever another key does');
  assert.equal(b.size, 2);
  gates.shift()!(); // a:1 ends
  await a[0];
  assert.deepEqual(runs, ['a:1', 'z:9', 'a:2,-3,4'], 'the next batch takes what waited, at most max');
  const late = b.push('a', 6);
  gates.shift()!(); // z:9
  gates.shift()!(); // a:2,-3,4
  assert.equal(await z, 90);
  assert.equal(await a[1], 20);
  await assert.rejects(a[2], /negative -3/);
  assert.equal(await a[3], 40);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(runs.slice(3), ['a:5,6']);
  gates.shift()!();
  assert.deepEqual([await a[4], await late], [50, 60]);
  await new Promise((r) => setImmediate(r));
  assert.equal(b.size, 0, 'nothing is kept for a key once its work is done');
});

test('a run that throws, or answers the wrong number of outcomes, rejects each item of its batch and the key goes on', async () => {
  let calls = 0;
  const b = new KeyedBatcher<string, string>(async (_key, items) => {
    calls++;
    if (items.includes('boom')) throw new Error('run failed');
    if (items.includes('short')) return [];
    return items.map((value) => ({ ok: true, value }));
  }, 10);
  await assert.rejects(b.push('k', 'boom'), /run failed/);
  await assert.rejects(b.push('k', 'short'), /answered with 0 outcomes/);
  assert.equal(await b.push('k', 'fine'), 'fine');
  assert.equal(calls, 3);
  assert.throws(() => new KeyedBatcher(async () => [], 0), RangeError);
});
