/** `maitre report`: the same figures as the API from the command line (--json, --csv, text), and its usage errors. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from './helpers/app.js';
import { runCli, runCliInProcess } from './helpers/cli.js';
import type { Tenant } from './helpers/booking.js';
import { parseCsv } from './helpers/csv-parse.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { checkOccupancy, EXPECTED, RANGE, seedHistory } from './helpers/reports.js';

let db: TestDb;
let t: TestApp;
let r: Tenant;
let env: Record<string, string>;

before(async () => {
  db = await createTestDb();
  t = await createTestApp({ db });
  r = await seedHistory(t.app, t.clock);
  await seedHistory(t.app, t.clock); // another restaurant with the same history in the same database
  env = { DATABASE_URL: db.url };
});
after(async () => {
  await t.close();
  await db.close();
});

const base = () => ['report', '--restaurant', r.slug, '--from', RANGE.from, '--to', RANGE.to];

test('--json: every section, the exact figures', async () => {
  // As the real program once; the other cases run the same function in this process.
  const out = await runCli([...base(), '--json'], env);
  assert.equal(out.code, 0, out.stderr);
  const body = JSON.parse(out.stdout);
  assert.deepEqual([body.restaurant, body.timezone, body.from, body.to], [r.slug, 'Europe/Paris', RANGE.from, RANGE.to]);
  for (const [name, expected] of Object.entries(EXPECTED)) assert.deepEqual(body[name], expected, name);
  checkOccupancy(body.occupancy);
});

test('--report NAME --json: one section; by restaurant id too', async () => {
  const out = await runCliInProcess(['report', '--restaurant', r.id, '--from', RANGE.from, '--to', RANGE.to, '--report', 'status-mix', '--json'], env);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout), { restaurant: r.slug, timezone: 'Europe/Paris', ...RANGE, ...EXPECTED.statusMix });
});

test('--csv --report NAME: the RFC 4180 CSV of that report (BOM, CRLF)', async () => {
  const out = await runCliInProcess([...base(), '--report', 'sources', '--csv'], env);
  assert.equal(out.code, 0, out.stderr);
  assert.ok(out.stdout.startsWith('\uFEFF'));
  assert.deepEqual(parseCsv(out.stdout.slice(1)), [
    ['source', 'bookings', 'covers', 'share'],
    ...EXPECTED.sources.rows.map((x) => [x.source, String(x.bookings), String(x.covers), String(x.share)]),
  ]);
  const guests = await runCliInProcess([...base(), '--report', 'guests', '--csv'], env);
  assert.deepEqual(parseCsv(guests.stdout.slice(1)), [
    ['kind', 'guests', 'bookings', 'covers'], ['new', '4', '5', '13'], ['returning', '1', '1', '5'], ['unknown', '', '0', '0'],
  ]);
});

test('text: a table per report', async () => {
  const out = await runCliInProcess(base(), env);
  assert.equal(out.code, 0, out.stderr);
  assert.ok(out.stdout.startsWith(`${r.slug} ${RANGE.from}..${RANGE.to} (Europe/Paris)\n`), out.stdout.slice(0, 200));
  const lines = out.stdout.split('\n');
  const section = (title: string) => lines.slice(lines.findIndex((l) => l.startsWith(title)) + 1);
  assert.deepEqual(section('daily').slice(0, 3).map((l) => l.trim().split(/\s+/)), [
    ['date', 'service', 'bookings', 'covers', 'seatedCovers'],
    ['2026-03-28', 'lunch', '1', '2', '2'],
    ['2026-03-28', 'dinner', '1', '4', '4'],
  ]);
  assert.ok(lines.includes('status-mix (cancellationCutoffMinutes: 120)'));
  assert.ok(lines.includes('waitlist (conversionRate: 0.5)'));
  assert.deepEqual(section('guests').slice(1, 4).map((l) => l.trim().split(/\s+/)), [['new', '4', '5', '13'], ['returning', '1', '1', '5'], ['unknown', '-', '0', '0']]);
});

test('usage errors exit 2 with a message; an unknown restaurant exits 1', async () => {
  const cases: [string[], RegExp][] = [
    [['report', '--restaurant', r.slug, '--from', RANGE.from], /--to is required/],
    [['report', '--restaurant', r.slug, '--from', '2026-03-30', '--to', '2026-03-28'], /--to: must not be before from/],
    [['report', '--restaurant', r.slug, '--from', '2026-02-30', '--to', '2026-03-28'], /--from: must be a calendar date/],
    [['report', '--restaurant', r.slug, '--from', '2026-01-01', '--to', '2027-01-02'], /366 days/],
    [[...base(), '--csv'], /--csv writes one report: name it with --report/],
    [[...base(), '--json', '--csv', '--report', 'daily'], /exclude each other/],
    [[...base(), '--report', 'revenue'], /unknown report "revenue"/],
    [[...base(), '--bogus'], /Unknown option/],
  ];
  for (const [args, message] of cases) {
    const out = await runCliInProcess(args, env);
    assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
    assert.match(out.stderr, message);
    assert.equal(out.stdout, '');
  }
  const missing = await runCliInProcess(['report', '--restaurant', 'no-such-place', '--from', RANGE.from, '--to', RANGE.to], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No restaurant "no-such-place"/);
});
