import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliInProcess } from './helpers/cli.js';
import { createTestDb } from './helpers/db.js';

const CONFIG = {
  slug: 'chez-cli', name: 'Chez CLI', timezone: 'Europe/Paris', plan: 'business',
  areas: [{ key: 'main', name: 'Main room' }],
  tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }, { key: 'T2', area: 'main', minCovers: 1, maxCovers: 2 }],
  combinations: [{ tables: ['T1', 'T2'], minCovers: 3, maxCovers: 4 }],
  services: [{ key: 'dinner', name: 'Dinner', days: ['tue', 'wed', 'thu', 'fri', 'sat'], start: '18:00', lastSeating: '21:30', end: '23:00' }],
};

/** The CLI against a fresh database of this run (the embedded mode's own CLI path: test/embedded-postgres.test.ts). */
async function environment(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const db = await createTestDb();
  return { env: { DATABASE_URL: db.url }, cleanup: () => db.close() };
}

// Three commands run as the real program (exit code, streams, a password on standard input); the rest run in this
// process through the same function (src/cli/main.ts), which is what the program runs.
test('maitre CLI: restaurants, keys and users with --json, errors on stderr with a non-zero exit', async () => {
  const { env, cleanup } = await environment();
  const dir = mkdtempSync(join(tmpdir(), 'maitre-cfg-'));
  try {
    const file = join(dir, 'chez.json');
    writeFileSync(file, JSON.stringify(CONFIG));

    const created = await runCli(['restaurant', 'create', '--config', file, '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const restaurant = JSON.parse(created.stdout);
    assert.match(restaurant.id, /^rst_/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...CONFIG, slug: 'other', tables: [{ key: 'T1', area: 'patio', minCovers: 3, maxCovers: 2 }] }));
    const refused = await runCli(['restaurant', 'create', '--config', bad], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /tables\.0\.area/);
    assert.match(refused.stderr, /patio/);
    assert.equal(refused.stdout, '');

    const key = await runCliInProcess(['key', 'create', '--restaurant', 'chez-cli', '--name', 'POS', '--scopes', 'config:read,reservations:read',
      '--origins', 'https://pos.example', '--rate-limit', '30', '--json'], env);
    assert.equal(key.code, 0, key.stderr);
    const k = JSON.parse(key.stdout);
    assert.match(k.key, /^mtr_live_[a-z0-9]{8}_[0-9A-Za-z]{38}$/);
    assert.equal(k.prefix, k.key.slice(0, 17));
    assert.equal(k.id, `key_${k.key.slice(9, 17)}`);
    assert.deepEqual(k.scopes, ['config:read', 'reservations:read']);
    assert.deepEqual(k.allowedOrigins, ['https://pos.example']);
    assert.equal(k.rateLimitPerMinute, 30);
    assert.equal(k.status, 'active');

    const list = await runCliInProcess(['key', 'list', '--restaurant', 'chez-cli', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout);
    assert.equal(listed.data.length, 1);
    assert.ok(!list.stdout.includes(k.key.slice(18)), 'the secret is never listed');

    const rotated = await runCliInProcess(['key', 'rotate', k.id, '--grace', '24h', '--json'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const r = JSON.parse(rotated.stdout);
    assert.notEqual(r.key, k.key);
    assert.equal(r.rotatedFromId, k.id);
    assert.equal(r.previous.status, 'rotating');
    assert.ok(r.previous.graceEndsAt);

    assert.equal((await runCliInProcess(['key', 'revoke', k.id], env)).code, 0);
    const del = await runCliInProcess(['key', 'delete', r.id, '--json'], env);
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(JSON.parse(del.stdout), { id: r.id, deleted: true });
    const missing = await runCliInProcess(['key', 'revoke', 'key_nonexist'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /key_not_found/);

    const user = await runCli(['user', 'create', '--email', 'Chef@Example.com', '--restaurant', 'chez-cli', '--json'], env, 'correct horse battery\n');
    assert.equal(user.code, 0, user.stderr);
    assert.equal(JSON.parse(user.stdout).email, 'chef@example.com');

    const exported = await runCliInProcess(['restaurant', 'export', 'chez-cli'], env);
    assert.equal(exported.code, 0, exported.stderr);
    const cfg = JSON.parse(exported.stdout);
    assert.equal(cfg.slug, 'chez-cli');
    assert.deepEqual(cfg.combinations[0].tables, ['T1', 'T2']);

    const usage = await runCliInProcess(['key', 'create', '--restaurant', 'chez-cli', '--name', 'x', '--scopes', 'nope'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown scope "nope"/);
    assert.equal((await runCliInProcess(['frobnicate'], env)).code, 2);
    // An option the command does not take, or one without its value: usage (exit 2), no stack trace.
    for (const argv of [['key', 'create', '--help'], ['key', 'list', '--restaurant']]) {
      const bad = await runCliInProcess(argv, env);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /^maitre: .*see maitre --help\n$/);
      assert.doesNotMatch(bad.stderr, /unexpected error|\n\s+at /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cleanup();
  }
});
