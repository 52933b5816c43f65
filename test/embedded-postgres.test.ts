/**
 * The default setup: `maitre serve` without DATABASE_URL runs a real PostgreSQL in MAITRE_DATA_DIR. Real processes
 * throughout (the server and the CLI as a user runs them): first start (initdb, password file), the CLI with and
 * beside a running server, a second server refused, SIGKILL of Maitre and a restart losing no confirmed booking,
 * SIGKILL of PostgreSQL making Maitre exit non-zero, SIGTERM stopping both, and a PGlite directory refused clearly.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { freePort, waitFor } from './scale/processes.js';
import { alive, readPostmaster } from '../src/db/embedded/cluster.js';

const root = mkdtempSync(join(tmpdir(), 'maitre-embedded-'));
chmodSync(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must be able to enter the data directory
const servers = new Set<ChildProcess>();
after(() => {
  for (const s of servers) s.kill('SIGKILL');
  for (const dir of [join(root, 'data'), join(root, 'legacy', 'data')]) {
    const pid = postmasterPid(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  }
  rmSync(root, { recursive: true, force: true });
});

const postmasterPid = (dataDir: string): number | undefined => readPostmaster(join(dataDir, 'pg'))?.pid;

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, MAITRE_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      servers.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  void exit.then(() => (exited = true));
  await waitFor('the server to be ready', async () => {
    if (exited) throw new Error(`the server exited while starting:\n${out}`);
    return (await fetch(`${url}/readyz`).catch(() => null))?.status === 200;
  }, 90_000, 100);
  return { child, url, output: () => out, exit };
}

test('CLI, server, second server, SIGKILL of Maitre and of PostgreSQL, SIGTERM: the embedded PostgreSQL lifecycle', { timeout: 240_000 }, async () => {
  const dataDir = join(root, 'data');

  // 1. The CLI with no server running: it creates the database, starts PostgreSQL for the command, stops it after.
  const migrated = await runCli(['migrate'], { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '' });
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, /database is up to date/); // withDb migrates before every command
  assert.equal(statSync(join(dataDir, 'pg-password')).mode & 0o777, 0o600, 'the generated password is readable by its owner only');
  assert.equal(statSync(join(dataDir, 'pg')).mode & 0o777, 0o700);
  if (process.getuid?.() === 0) assert.notEqual(statSync(join(dataDir, 'pg')).uid, 0, 'as root, PostgreSQL runs as an unprivileged user');
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false, 'PostgreSQL stopped with the command');
  assert.equal(existsSync(join(dataDir, 'maitre.lock')), false, 'the data directory is released');

  // 2. The server on it, with the demo: the banner's key books a table.
  const first = await startServer(dataDir, { MAITRE_DEMO: '1' });
  const key = /API key\s+(mtr_live_\S+)/.exec(first.output())?.[1];
  const date = /availability\?date=(\d{4}-\d{2}-\d{2})/.exec(first.output())?.[1];
  assert.ok(key && date, first.output());
  const pg1 = postmasterPid(dataDir)!;
  assert.ok(alive(pg1));
  if (existsSync(`/proc/${pg1}/cmdline`)) {
    const args = readFileSync(`/proc/${pg1}/cmdline`, 'utf8').split('\0');
    for (const setting of ['fsync=on', 'full_page_writes=on', 'synchronous_commit=on', 'listen_addresses=127.0.0.1']) {
      assert.ok(args.includes(setting), `durable and loopback-only: ${setting}`);
    }
  }

  // 3. The CLI beside the running server works on the server's PostgreSQL; a second server is refused.
  const created = await runCli(['key', 'create', '--restaurant', 'demo', '--name', 'laptop', '--scopes', 'all', '--json'], { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '' });
  assert.equal(created.code, 0, created.stderr);
  const laptopKey = JSON.parse(created.stdout).key as string;
  assert.equal(postmasterPid(dataDir), pg1, 'the CLI used the running server, it did not start another');
  const me = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${laptopKey}` } });
  assert.equal(me.status, 200, 'the key made by the CLI works on the server at once');
  const second = await runCli(['serve'], { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(await freePort()) });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /in use by another Maitre server \(pid \d+\)/);

  const booked = await fetch(`${first.url}/v1/restaurants/demo/reservations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ date, time: '19:30', partySize: 2, customer: { name: 'Ada Lovelace', email: 'ada@example.com' } }),
  });
  assert.equal(booked.status, 201, await booked.clone().text());
  const reservation = (await booked.json()) as { id: string };

  // 4. SIGKILL of Maitre: its PostgreSQL lives on; the restart stops it, starts anew, and has the booking.
  first.child.kill('SIGKILL');
  await first.exit;
  assert.ok(alive(pg1), 'the orphaned PostgreSQL outlived Maitre');
  const restarted = await startServer(dataDir);
  assert.equal(alive(pg1), false, 'the orphan was shut down');
  assert.match(restarted.output(), /left running by a Maitre process that ended abruptly/);
  const found = await fetch(`${restarted.url}/v1/restaurants/demo/reservations/${reservation.id}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(found.status, 200, 'the confirmed booking survived');

  // 5. SIGKILL of PostgreSQL: Maitre says why and exits non-zero.
  const pg2 = postmasterPid(dataDir)!;
  process.kill(pg2, 'SIGKILL');
  const died = await restarted.exit;
  assert.equal(died.code, 1);
  assert.match(restarted.output(), /the embedded PostgreSQL server stopped unexpectedly/);
  assert.match(restarted.output(), /signal SIGKILL/);

  // 6. SIGTERM: the server drains, then stops PostgreSQL; nothing is left running.
  const third = await startServer(dataDir);
  const found3 = await fetch(`${third.url}/v1/restaurants/demo/reservations/${reservation.id}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(found3.status, 200, 'crash recovery after the PostgreSQL kill kept the booking');
  const pg3 = postmasterPid(dataDir)!;
  third.child.kill('SIGTERM');
  assert.deepEqual(await third.exit, { code: 0, signal: null });
  assert.equal(alive(pg3), false);
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false);
  assert.equal(existsSync(join(dataDir, 'maitre.lock')), false);
});

test('a data directory written by PGlite (Maitre 0.1) is refused with the command that converts it', async () => {
  const dir = join(root, 'old');
  mkdirSync(join(dir, 'base'), { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '17\n');
  const r = await runCli(['key', 'list', '--restaurant', 'demo'], { MAITRE_DATA_DIR: dir, DATABASE_URL: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /written by PGlite/);
  assert.match(r.stderr, /maitre db import-pglite/);
  assert.equal(existsSync(join(dir, 'pg')), false, 'nothing was created beside it');
});

test('maitre db import-pglite moves a data directory made by Maitre 0.1 (PGlite) into the embedded PostgreSQL', { timeout: 120_000 }, async () => {
  // test/fixtures/pglite-0.1.0-data.tar.xz: ./data of the 0.1.0 release after `npm start` (demo) and one booking
  // through the API (reference NZ6-BH67, Ada Lovelace), stopped with SIGTERM.
  const parent = join(root, 'legacy');
  mkdirSync(parent, { recursive: true });
  const untar = spawnSync('tar', ['-xJf', 'test/fixtures/pglite-0.1.0-data.tar.xz', '-C', parent]);
  assert.equal(untar.status, 0, String(untar.stderr));
  const dataDir = join(parent, 'data');
  const env = { MAITRE_DATA_DIR: dataDir, DATABASE_URL: '' };

  const refused = await runCli(['key', 'list', '--restaurant', 'demo'], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /maitre db import-pglite/);

  const imported = await runCli(['db', 'import-pglite', dataDir, '--json'], env);
  assert.equal(imported.code, 0, imported.stderr);
  const result = JSON.parse(imported.stdout);
  assert.equal(result.backup, join(dataDir, 'pglite-backup'));
  assert.equal(result.migrationsBefore, 5);
  assert.equal(result.tables.reservations, 1);
  assert.equal(result.tables.restaurants, 1);
  assert.ok(result.tables.api_keys >= 2, 'the banner key and the demo page key');
  assert.ok(existsSync(join(dataDir, 'pglite-backup', 'PG_VERSION')), 'the old files are kept');

  const again = await runCli(['db', 'import-pglite', dataDir], env);
  assert.equal(again.code, 2, 'the directory is no longer a PGlite one');

  const { openDatabase } = await import('../src/db/open.js');
  const { loadConfig } = await import('../src/config.js');
  const opened = await openDatabase(loadConfig(env), { role: 'cli', log: () => {} });
  try {
    const { rows } = await opened.db.query<{ reference: string; status: string; active: boolean; email: string }>(
      `SELECT r.reference, r.status, r.active, c.email FROM reservations r JOIN customers c ON c.id = r.customer_id`,
    );
    assert.deepEqual(rows, [{ reference: 'NZ6-BH67', status: 'confirmed', active: true, email: 'ada@example.com' }]);
    const tables = await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reservation_tables');
    assert.equal(tables.rows[0].n, 1, 'its table is held (the exclusion constraint covers it again)');
    const versions = await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(versions.rows[0].n, (await import('../src/db/migrate.js')).loadMigrations().length, 'newer migrations applied after the copy');
  } finally {
    await opened.close();
  }
  const keys = await runCli(['key', 'list', '--restaurant', 'demo', '--json'], env);
  assert.equal(keys.code, 0, keys.stderr);
  assert.ok(JSON.parse(keys.stdout).data.length >= 2);
});
