import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedQueue } from '../src/lib/keyed-queue.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

test('tasks of one key run one at a time in arrival order; a failure does not block the next', async () => {
  const q = new KeyedQueue();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, fail = false) => async () => {
    running++;
    assert.equal(running, 1, 'never two tasks of one key at once');
    log.push(`start ${name}`);
    await tick();
    await tick();
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([q.run('k', task('a')), q.run('k', task('b', true)), q.run('k', task('c'))]);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.equal(results[0].status, 'fulfilled');
  assert.equal(results[1].status, 'rejected');
  assert.deepEqual(results[2], { status: 'fulfilled', value: 'c' });
  await tick();
  assert.equal(q.size, 0, 'an idle key is forgotten');
});

test('different keys run concurrently', async () => {
  const q = new KeyedQueue();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = q.run('x', () => gate.then(() => 'x'));
  const second = await q.run('y', async () => 'y'); // would hang if y waited behind x
  assert.equal(second, 'y');
  release();
  assert.equal(await first, 'x');
});
