/**
 * The server's heap growth policy (src/heap.ts): applied unless node was given heap flags of its own, and it does
 * bound the old space — the same promoted garbage grows it to a fraction of what V8's defaults let it reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { applyHeapPolicy, HEAP_GROWING_PERCENT, SERVER_NODE_FLAGS } from '../src/heap.js';

test('an operator’s own old-generation flags win over the policy; the young generation\'s size does not touch it', () => {
  assert.equal(applyHeapPolicy(['--max-old-space-size=512'], ''), "node's own (--max-old-space-size=512)");
  assert.equal(applyHeapPolicy([], '--require x.cjs --max_old_space_size=512'), "node's own (--max_old_space_size=512)");
  assert.equal(applyHeapPolicy(['--heap-growing-percent=0'], ''), "node's own (--heap-growing-percent=0)");
  assert.equal(applyHeapPolicy(['--enable-source-maps'], '--require x.cjs'), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  assert.equal(applyHeapPolicy([...SERVER_NODE_FLAGS], ''), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
});

test('the server is started with SERVER_NODE_FLAGS everywhere, and they cap the young generation', () => {
  const root = new URL('../', import.meta.url);
  const flags = SERVER_NODE_FLAGS.join(' ');
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  assert.match(pkg.scripts.start, new RegExp(`&& node ${flags} dist/main\\.js$`));
  assert.match(readFileSync(new URL('Dockerfile', root), 'utf8'), new RegExp(`^CMD \\["node", ${SERVER_NODE_FLAGS.map((f) => `"${f}"`).join(', ')}, "dist/main\\.js"\\]$`, 'm'));
  assert.match(readFileSync(new URL('bench/processes.ts', root), 'utf8'), /\[\.\.\.SERVER_NODE_FLAGS, \.\.\.nodeArgs, join\(ROOT, 'dist\/main\.js'\)\]/);
  // Short-lived garbage at a high rate: V8 grows the new space to 2 × 16 MB by default, 2 × 8 MB with the flags.
  const churn = `let k = []; for (let i = 0; i < 3e6; i++) { k.push({ a: i, b: 'x' + i }); if (k.length > 20000) k = []; }
    console.log(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`;
  const newSpaceMb = (args: string[]) => Number(execFileSync(process.execPath, [...args, '-e', churn], { encoding: 'utf8' })) / 1048576;
  assert.ok(newSpaceMb([...SERVER_NODE_FLAGS]) <= 16, 'capped');
  assert.ok(newSpaceMb([]) > 16, 'V8\'s default grows further: the flag is what caps it');
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
