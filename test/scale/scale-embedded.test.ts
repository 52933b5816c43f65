/**
 * Embedded mode (the PostgreSQL that Maitre runs in its data directory) killed with SIGKILL under load: the restarted
 * server takes over the dead process's lock file, shuts down the PostgreSQL it left running, starts it anew, and
 * still has every booking it acknowledged.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cli, Instance } from './topology.js';
import { closeAgents, request, runPool } from './http.js';
import { Load } from './load.js';
import { bearer, bookingBody, scaleRestaurantConfig, SLOTS, utcDate } from './seed.js';
import { recordReliability } from './record.js';
import { freePort, waitFor } from './processes.js';
import { alive } from '../../src/db/embedded/cluster.js';

const root = mkdtempSync(join(tmpdir(), 'maitre-embedded-'));
chmodSync(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must be able to enter the data directory
let server: Instance | undefined;

after(async () => {
  closeAgents();
  await server?.proc.close();
  rmSync(root, { recursive: true, force: true });
});

test('embedded mode killed with SIGKILL mid-load restarts, takes over the stale lock and has every acknowledged booking', async (t) => {
  const dataDir = join(root, 'data');
  const env = { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' };
  const file = join(root, 'restaurant.json');
  writeFileSync(file, JSON.stringify(scaleRestaurantConfig('embedded')));
  const created = await cli(['restaurant', 'create', '--config', file, '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const keyOut = await cli(['key', 'create', '--restaurant', 'embedded', '--name', 'load', '--scopes', 'all', '--rate-limit', '1000', '--json'], env);
  assert.equal(keyOut.code, 0, keyOut.stderr);
  const key = JSON.parse(keyOut.stdout).key as string;

  server = new Instance(0, await freePort(), { ...env, MAITRE_DEMO: '0', LOG_LEVEL: 'warn' }, join(root, 'maitre.log'));
  await server.start();
  const url = server.url;
  const load = new Load(8, (i) => ({
    target: url, method: 'POST', path: '/v1/restaurants/embedded/reservations', headers: bearer(key),
    body: bookingBody(utcDate(2 + (i % 10)), SLOTS[(i * 7) % SLOTS.length], 1 + (i % 4)),
  }));
  // Kill while requests are in flight, once a fair number of bookings were acknowledged.
  await waitFor('25 acknowledged bookings', async () => load.count((s) => s.status === 201) >= 25, 30_000, 20).catch(() => {});
  const victim = server.proc.pid!;
  const killed = await server.kill();
  await load.stop();
  assert.equal(killed.signal, 'SIGKILL');
  const acknowledged = load.shots.filter((s) => s.status === 201).map((s) => s.id!);
  const others = load.shots.filter((s) => s.status !== 201 && s.status !== 409);
  for (const o of others) assert.equal(o.status, 0, `only connections cut by the kill fail: ${JSON.stringify(o)}`);
  assert.ok(acknowledged.length > 0, 'bookings were acknowledged before the kill');

  const lock = join(dataDir, 'maitre.lock');
  const owner = () => Number(readFileSync(lock, 'utf8').split(' ')[0]);
  const postmaster = () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  assert.ok(existsSync(lock), 'the killed process left its lock file behind');
  assert.equal(owner(), victim, 'holding the dead pid');
  assert.equal(alive(victim), false);
  const orphan = postmaster();
  assert.ok(alive(orphan), 'its PostgreSQL outlived it');

  const restartAt = performance.now();
  await server.start();
  const restartMs = Math.round(performance.now() - restartAt);
  assert.equal(owner(), server.proc.pid, 'the new process owns the lock');
  assert.equal(alive(orphan), false, 'the orphaned PostgreSQL was shut down');
  assert.notEqual(postmaster(), orphan, 'and a new one started');
  const found = await runPool(acknowledged.length, 8, (i) => request(url, 'GET', `/v1/restaurants/embedded/reservations/${acknowledged[i]}`, { headers: bearer(key) }));
  const missing = found.filter((f) => f.status !== 200).length;
  t.diagnostic(`${acknowledged.length} acknowledged, ${missing} missing, ${load.shots.length} attempts, restart ${restartMs} ms`);
  recordReliability('embeddedSigkill', {
    attempts: load.shots.length, acknowledged: acknowledged.length, missing, cutByKill: others.length, restartMs, staleLockTakenOver: true, orphanRestarted: true,
  });
  assert.equal(missing, 0, 'every acknowledged booking survived the kill');
});
