/**
 * The server's heap growth policy (src/heap.ts): applied unless node was given heap flags of its own, and it does
 * bound the old space — the same promoted garbage grows it to a fraction of what V8's defaults let it reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyHeapPolicy, HEAP_GROWING_PERCENT } from '../src/heap.js';

test('an operator’s own heap flags win over the policy', () => {
  assert.equal(applyHeapPolicy(['--max-old-space-size=512'], ''), "node's own (--max-old-space-size=512)");
  assert.equal(applyHeapPolicy([], '--require x.cjs --max_semi_space_size=8'), "node's own (--max_semi_space_size=8)");
  assert.equal(applyHeapPolicy(['--heap-growing-percent=0'], ''), "node's own (--heap-growing-percent=0)");
  assert.equal(applyHeapPolicy(['--enable-source-maps'], '--require x.cjs'), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
});

test('with the policy the old space grows to a fraction of what it reaches with V8’s defaults', () => {
  const run = (mode: string) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('fixtures/heap-churn.ts', import.meta.url)), mode], {
      encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
    });
    return JSON.parse(out.trim().split('\n').pop()!) as { policy: string; peakOldMb: number };
  };
  const bounded = run('policy');
  const unbounded = run('none');
  assert.equal(bounded.policy, `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // ~30 MB live: V8's defaults let the old space reach ~220 MB here; the policy keeps it well under that.
  assert.ok(bounded.peakOldMb * 2 < unbounded.peakOldMb, `old space peak ${bounded.peakOldMb} MB with the policy, ${unbounded.peakOldMb} MB without`);
});
