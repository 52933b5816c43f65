/**
 * Migration 0012 turns the per-request usage rows of earlier versions into the daily counts and newest lines that the
 * admin API shows: run here on a database holding the old table with rows in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMigrations } from '../src/db/migrate.js';
import { createTestApp } from './helpers/app.js';
import { tenantWithKey } from './helpers/keys.js';

test('migration 0012 keeps every request counted by UTC day and status class, and each key\'s newest 50 lines', async () => {
  const t = await createTestApp();
  try {
    const { keyId, restaurant } = await tenantWithKey(t.app);
    const { keyId: otherKey } = await tenantWithKey(t.app);
    const migrations = loadMigrations();
    const foundation = migrations.find((m) => m.version === 1)!.sql;
    const oldTable = foundation.slice(foundation.indexOf('CREATE TABLE api_key_usage ('), foundation.indexOf('CREATE TABLE users'));
    await t.db.query('DROP TABLE api_key_usage_daily, api_key_usage_recent');
    await t.db.exec(oldTable);
    // 70 requests of one key over two UTC days (one a 5xx, one a 3xx, one with no duration), 2 of another.
    const base = Date.parse('2026-03-01T23:59:00Z');
    await t.db.query(
      `INSERT INTO api_key_usage (key_id, at, method, route, status, origin, duration_ms)
       SELECT $1, to_timestamp(($2::float8 + i * 1000) / 1000), 'GET', '/v1/me',
              CASE i WHEN 3 THEN 503 WHEN 4 THEN 304 WHEN 5 THEN 404 ELSE 200 END,
              CASE WHEN i = 69 THEN 'https://shop.example' END, CASE WHEN i = 68 THEN NULL ELSE 0.25 + i END
         FROM generate_series(0, 69) AS i`, [keyId, base]);
    await t.db.query(`INSERT INTO api_key_usage (key_id, at, method, route, status, origin, duration_ms)
                      VALUES ($1, now(), 'POST', '/mcp', 200, NULL, 3), ($1, now(), 'POST', '/mcp', 401, NULL, 1)`, [otherKey]);
    await t.db.exec(migrations.find((m) => m.version === 12)!.sql);

    const daily = await t.db.query(`SELECT key_id, to_char(day, 'YYYY-MM-DD') AS day, s2xx, s3xx, s4xx, s5xx FROM api_key_usage_daily WHERE key_id = $1 ORDER BY day`, [keyId]);
    assert.deepEqual(daily.rows.map((r) => [r.day, r.s2xx, r.s3xx, r.s4xx, r.s5xx]), [
      ['2026-03-01', 57, 1, 1, 1], // 23:59:00 … 23:59:59
      ['2026-03-02', 10, 0, 0, 0],
    ]);
    const other = await t.db.query(`SELECT s2xx + s3xx + s4xx + s5xx AS n, jsonb_array_length(r.lines) AS lines
      FROM api_key_usage_daily d JOIN api_key_usage_recent r USING (key_id) WHERE key_id = $1`, [otherKey]);
    assert.deepEqual(other.rows, [{ n: 2, lines: 2 }]);
    assert.equal((await t.db.query(`SELECT to_regclass('api_key_usage') AS t`)).rows[0].t, null, 'the old table is gone');

    t.clock.ms = Date.parse('2026-03-02T12:00:00Z');
    const shown = await t.app.services.keys.usage(restaurant.id, keyId);
    assert.equal(shown.recent.length, 50);
    assert.deepEqual(shown.recent[0], { at: new Date(base + 69_000).toISOString(), method: 'GET', route: '/v1/me', status: 200, origin: 'https://shop.example', durationMs: 69.3 });
    assert.equal(shown.recent[1]!.durationMs, null, 'no duration stays none');
    assert.equal(shown.recent.at(-1)!.at, new Date(base + 20_000).toISOString(), 'the newest 50, newest first');
    assert.deepEqual(shown.daily.slice(-2).map((d) => d.s2xx), [57, 10]);

    // New requests add to the converted rows.
    t.app.services.usage.record({ keyId, at: Date.parse('2026-03-02T11:00:00Z'), method: 'GET', route: '/v1/me', status: 200, origin: null, durationMs: 1 });
    await t.app.services.usage.flush();
    const after = await t.app.services.keys.usage(restaurant.id, keyId);
    assert.equal(after.daily.at(-1)!.s2xx, 11);
    assert.equal(after.recent[0]!.at, '2026-03-02T11:00:00.000Z');
    assert.equal(after.recent.length, 50);
  } finally {
    await t.close();
  }
});
