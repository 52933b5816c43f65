import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDb } from '../src/db/pglite.js';
import { DataDirLockedError } from '../src/db/data-dir-lock.js';
import { runCli } from './helpers/cli.js';

test('one process owns an embedded data directory; a second opener is refused clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-lock-'));
  const db = await PgliteDb.open(dir);
  try {
    await db.query('CREATE TABLE t (x int)');
    await db.query('INSERT INTO t VALUES (1)');
    await assert.rejects(PgliteDb.open(dir), DataDirLockedError);
    const cli = await runCli(['migrate'], { MAITRE_DATA_DIR: dir, DATABASE_URL: '' });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /in use by another Maitre process \(pid \d+\)/);
    assert.equal(cli.stdout, '');
  } finally {
    await db.close();
  }
  // Released on close: the next owner opens it and finds the data.
  const again = await PgliteDb.open(dir);
  try {
    assert.deepEqual((await again.query('SELECT x FROM t')).rows, [{ x: 1 }]);
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale lock left by a dead process (kill -9) is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-lock-'));
  try {
    writeFileSync(join(dir, 'maitre.lock'), '2147483646'); // no such process
    const db = await PgliteDb.open(dir);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
