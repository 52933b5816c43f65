/**
 * The README's examples do not go stale: no literal date in its shell blocks; its `DATE=` line gives the next Friday
 * (run here with the machine's `date`); the start-up banner prints an availability `curl` for a date ahead that the
 * demo restaurant serves, and the README's booking example books a table on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { createTestApp, TestClock } from './helpers/app.js';
import { printDemoBanner, seedDemoIfEmpty } from '../src/demo.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);

test('no literal date in the README’s shell examples', () => {
  assert.ok(shellBlocks.length >= 3);
  for (const block of shellBlocks) assert.doesNotMatch(block, /\b\d{4}-\d{2}-\d{2}\b/, block);
});

test('the README’s DATE= line gives the next Friday', () => {
  const line = shellBlocks.join('\n').split('\n').find((l) => l.startsWith('DATE=$('))!;
  assert.ok(line, 'a DATE= line');
  const date = execFileSync('sh', ['-c', `${line.replace(/\s+#.*$/, '')}\necho "$DATE"`], { encoding: 'utf8' }).trim();
  assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
  const d = DateTime.fromISO(date);
  const today = DateTime.local().startOf('day');
  assert.equal(d.weekday, 5, `${date} is a Friday`);
  const ahead = d.diff(today, 'days').days;
  assert.ok(ahead >= 1 && ahead <= 7, `${date} is 1–7 days ahead`);
});

test('the banner prints an availability curl for a Friday ahead, and the README’s booking works on that date', async () => {
  for (const at of ['2026-03-05T10:00:00Z', '2026-03-06T20:00:00Z', '2026-12-31T23:30:00Z']) {
    const t = await createTestApp({ clock: new TestClock(Date.parse(at)), config: { demo: true } });
    try {
      const demo = (await seedDemoIfEmpty(t.app.services))!;
      let printed = '';
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
      try {
        printDemoBanner(demo, 'http://127.0.0.1:3000');
      } finally {
        process.stdout.write = write;
      }
      assert.match(printed, /Start here {8}http:\/\/127\.0\.0\.1:3000\//);
      const url = /curl -H "Authorization: Bearer (\S+)" "http:\/\/127\.0\.0\.1:3000(\/v1\/restaurants\/demo\/availability\?date=(\d{4}-\d{2}-\d{2})&partySize=2)"/.exec(printed);
      assert.ok(url, printed);
      const [, key, path, date] = url;
      assert.equal(DateTime.fromISO(date).weekday, 5, `${at}: ${date} is a Friday`);
      assert.ok(date > DateTime.fromISO(at, { zone: 'Europe/Paris' }).plus({ days: 1 }).toISODate()!, `${at}: ${date} is ahead`);
      const slots = await t.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key}` } });
      assert.equal(slots.statusCode, 200);
      assert.ok(slots.json().slots.some((s: { time: string; available: boolean }) => s.time === '19:30' && s.available), `${date} 19:30`);
      const booked = await t.app.inject({
        method: 'POST', url: '/v1/restaurants/demo/reservations',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': `ada-${date}` },
        payload: { date, time: '19:30', partySize: 2, customer: { name: 'Ada Lovelace', email: 'ada@example.com' } },
      });
      assert.equal(booked.statusCode, 201, booked.body);
    } finally {
      await t.close();
    }
  }
});
