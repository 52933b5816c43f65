/**
 * The Reports page in real Chromium against the real server: a known history (test/helpers/reports.ts: the
 * spring-forward night, a late and an on-time cancellation, a no-show, a booking across midnight, a walk-in, a waitlist
 * conversion, a returning guest) read back exactly from the table views; the range presets and a custom range (and its
 * checks); the comparison with the previous period; a CSV download byte for byte; empty ranges and a failing server;
 * staff without access, a manager with; axe-core on the page in chart and table views. The browser's clock is fixed at
 * 2026-03-30 (Paris) so that the presets land on the history. Screenshot: test-results/dashboard-reports.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createAdminUser } from '../helpers/admin.js';
import type { Tenant } from '../helpers/booking.js';
import { EXPECTED, OCCUPIED, RANGE, seedHistory } from '../helpers/reports.js';
import { axeViolations } from './axe.js';
import { screenshot, signIn, startDashboard, type Dashboard } from './dashboard-support.js';

let d: Dashboard;
let r: Tenant;
const login: Record<'owner' | 'manager' | 'staff', { email: string; password: string }> = {} as never;
/** "Today" for the browser: Monday 2026-03-30, noon in Paris. */
const NOW = new Date('2026-03-30T10:00:00Z');

before(async () => {
  d = await startDashboard();
  r = await seedHistory(d.t.app, d.t.clock);
  d.t.clock.ms = Date.now(); // sessions are made now: their cookies must not be born expired
  for (const role of ['owner', 'manager', 'staff'] as const) {
    const u = await createAdminUser(d.t, { restaurantId: r.id, role, name: `${role} of the bistro` });
    login[role] = { email: u.email, password: u.password };
  }
});
after(() => d?.close());

const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(2)} %`);

async function open(role: keyof typeof login, path = ''): Promise<Page> {
  const page = await d.newPage();
  await page.clock.setFixedTime(NOW);
  await signIn(page, d.base, login[role]);
  if (path) await page.goto(`${d.base}/dashboard/r/${r.slug}/${path}`);
  return page;
}

/** The rows of a table as its cells' texts (the row header first). */
async function tableRows(page: Page, table: ReturnType<Page['locator']>): Promise<string[][]> {
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => (c.textContent ?? '').trim())),
  );
}

const section = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });

async function showTable(page: Page, title: string): Promise<string[][]> {
  const s = section(page, title);
  await s.getByRole('group', { name: `View of ${title}` }).getByRole('button', { name: 'Table' }).click();
  return tableRows(page, s.getByRole('table'));
}

async function waitForRange(page: Page, from: string, to: string) {
  await page.waitForFunction(
    ([f, t]) => {
      const params = new URLSearchParams((globalThis as unknown as { location: { search: string } }).location.search);
      return params.get('from') === f && params.get('to') === t;
    },
    [from, to],
  );
  await page.locator('.loading').waitFor({ state: 'detached' });
  await section(page, 'Key figures').waitFor();
}

async function keyFigures(page: Page): Promise<string[][]> {
  return tableRows(page, section(page, 'Key figures').getByRole('table'));
}

async function setCustom(page: Page, from: string, to: string) {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByRole('button', { name: 'Show' }).click();
}

test('owner: the known history, exact in every table view; charts with text alternatives; axe finds nothing', async () => {
  const page = await open('owner');
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
  // The default: the last 30 days up to today in the restaurant's zone.
  await waitForRange(page, '2026-03-01', '2026-03-30');
  assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), 'last30');

  await setCustom(page, RANGE.from, RANGE.to);
  await waitForRange(page, RANGE.from, RANGE.to);
  assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), 'custom');
  await page.getByText('Sat, 28 Mar 2026 – Mon, 30 Mar 2026 (3 days)').waitFor();

  assert.deepEqual(await keyFigures(page), [
    ['Bookings', '6'], ['Covers', '18'], ['Seated covers', '8'], ['No-shows', '1'], ['Late cancellations', '1'],
    ['Cancellations in time', '1'], ['Waitlist conversion', '50.00 %'], ['Bookings by returning guests', '1'],
  ]);

  // Charts first: each one an image named by its text alternative, which is also printed under it.
  const sources = section(page, 'Where bookings come from');
  const alt = 'Where bookings come from, bookings: Widget 2, AI agent (MCP) 1, Phone 1, Waitlist 1, Walk-in 1.';
  await sources.getByRole('img', { name: alt }).waitFor();
  await sources.locator('figcaption', { hasText: alt }).waitFor();
  await section(page, 'Covers per day').getByRole('img', { name: 'Covers per day: 18 covers on 3 dates with bookings; the busiest was 2026-03-30 with 9 covers.' }).waitFor();
  await section(page, 'Occupancy by weekday and hour')
    .getByRole('img', { name: 'Occupancy by weekday and hour, 20 seats: the fullest hours were Sun 00:00 (20.00 %), Mon 13:00 (10.00 %), Sat 12:00 (10.00 %).' })
    .waitFor();
  assert.equal(await page.locator('.reports svg[role="img"]').count(), 8);
  assert.deepEqual(await axeViolations(page), [], 'chart view');
  await screenshot(page, 'reports');

  // Table views: the figures of the API, as people read them.
  assert.deepEqual(
    await showTable(page, 'Covers per day'),
    EXPECTED.daily.rows.map((x) => [x.date, x.service, String(x.bookings), String(x.covers), String(x.seatedCovers)]),
  );
  const STATUS = ['Confirmed', 'Seated', 'Completed', 'No-show', 'Cancelled in time', 'Cancelled late'];
  assert.deepEqual(
    await showTable(page, 'Status mix'),
    EXPECTED.statusMix.rows.map((x, i) => [STATUS[i], String(x.bookings), String(x.covers), pct(x.share)]),
  );
  const LEAD = ['Same day', '1 day', '2–3 days', '4–7 days', '8–14 days', '15–30 days', '31+ days'];
  assert.deepEqual(
    await showTable(page, 'How far ahead guests book'),
    EXPECTED.leadTime.rows.map((x, i) => [LEAD[i], String(x.bookings), String(x.covers), pct(x.share)]),
  );
  assert.deepEqual(
    await showTable(page, 'Party sizes'),
    EXPECTED.partySize.rows.map((x) => [String(x.partySize), String(x.bookings), String(x.covers), pct(x.share)]),
  );
  const SOURCE: Record<string, string> = { widget: 'Widget', agent: 'AI agent (MCP)', phone: 'Phone', waitlist: 'Waitlist', walk_in: 'Walk-in' };
  assert.deepEqual(
    await showTable(page, 'Where bookings come from'),
    EXPECTED.sources.rows.map((x) => [SOURCE[x.source], String(x.bookings), String(x.covers), pct(x.share)]),
  );
  const WAIT = ['Waiting', 'Offered', 'Booked', 'Expired', 'Cancelled'];
  assert.deepEqual(
    await showTable(page, 'Waitlist'),
    EXPECTED.waitlist.rows.map((x, i) => [WAIT[i], String(x.entries), String(x.covers), pct(x.share)]),
  );
  await section(page, 'Waitlist').getByText('Conversion: 50.00 %').waitFor();
  const GUEST = ['New', 'Returning', 'Without a guest record'];
  assert.deepEqual(
    await showTable(page, 'New and returning guests'),
    EXPECTED.guests.rows.map((x, i) => [GUEST[i], x.guests === null ? '—' : String(x.guests), String(x.bookings), String(x.covers)]),
  );
  const occupancy = await showTable(page, 'Occupancy by weekday and hour');
  assert.equal(occupancy.length, 71, 'Sat 24 + Sun 23 (spring forward) + Mon 24 hours');
  assert.ok(!occupancy.some((c) => c[0] === 'Sun' && c[1] === '02:00'), '02:00 does not exist on 2026-03-29');
  const DAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  assert.deepEqual(
    occupancy.filter((c) => c[3] !== '0'),
    OCCUPIED.map(([w, h, ch, o]) => [DAY[w - 1], `${String(h).padStart(2, '0')}:00`, '1', String(ch), '20', pct(o)]),
  );
  assert.equal(await page.locator('.reports svg[role="img"]').count(), 0, 'every section shows its table');
  assert.deepEqual(await axeViolations(page), [], 'table view');
  d.checkPage(page);
  await page.close();
});

test('presets, a custom range and its checks, the previous period compared, an empty range', async () => {
  const page = await open('owner', `reports?from=${RANGE.from}&to=${RANGE.to}`);
  await waitForRange(page, RANGE.from, RANGE.to);
  const period = page.getByLabel('Period', { exact: true });
  const expectDates = async (from: string, to: string) => {
    await waitForRange(page, from, to);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), from);
    assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), to);
  };

  await period.selectOption('last7');
  await expectDates('2026-03-24', '2026-03-30');
  await period.selectOption('last90');
  await expectDates('2025-12-31', '2026-03-30');
  await period.selectOption('month');
  await expectDates('2026-03-01', '2026-03-30');
  // (This month includes Bob's lunch of the 21st: 2 covers more than the three days of the history.)
  assert.equal((await keyFigures(page))[1].join(' '), 'Covers 20');

  // Last year: the calendar year 2025, where the book is empty.
  await period.selectOption('lastYear');
  await expectDates('2025-01-01', '2025-12-31');
  await page.getByRole('status').filter({ hasText: 'No bookings between Wed, 1 Jan 2025 and Wed, 31 Dec 2025.' }).waitFor();
  assert.equal((await keyFigures(page))[0].join(' '), 'Bookings 0');
  await section(page, 'Where bookings come from').getByText('Nothing to chart: no bookings in this range.').waitFor();
  await section(page, 'Waitlist').getByText('Conversion: —').waitFor();
  assert.deepEqual(await showTable(page, 'Party sizes'), []);
  await section(page, 'Covers per day').getByRole('group').getByRole('button', { name: 'Table' }).click();
  await section(page, 'Covers per day').getByText('No bookings in this range.').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'an empty range');

  // A custom range is checked before anything is asked of the server.
  const asked: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/reports')) asked.push(req.url());
  });
  await setCustom(page, '2026-03-30', '2026-03-28');
  await page.getByText('The end date must not be before the start date.').waitFor();
  assert.equal(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid'), 'true');
  await setCustom(page, '2025-01-01', '2026-03-30');
  await page.getByText('A range covers at most 366 days.').waitFor();
  assert.deepEqual(asked, []);
  await waitForRange(page, '2025-01-01', '2025-12-31'); // the range shown has not changed
  assert.equal((await keyFigures(page))[0].join(' '), 'Bookings 0');

  // Last 7 days compared with the 7 before: Bob's completed lunch of 2026-03-21 is all the previous week had.
  await period.selectOption('last7');
  await expectDates('2026-03-24', '2026-03-30');
  await page.getByLabel('Compare with the previous period of the same length').check();
  await page.getByText('compared with Tue, 17 Mar 2026 – Mon, 23 Mar 2026').waitFor();
  await section(page, 'Key figures').getByRole('columnheader', { name: 'Previous period' }).waitFor();
  assert.deepEqual(await keyFigures(page), [
    ['Bookings', '6', '1', '+5 (+500.00 %)'],
    ['Covers', '18', '2', '+16 (+800.00 %)'],
    ['Seated covers', '8', '2', '+6 (+300.00 %)'],
    ['No-shows', '1', '0', '+1'],
    ['Late cancellations', '1', '0', '+1'],
    ['Cancellations in time', '1', '0', '+1'],
    ['Waitlist conversion', '50.00 %', '—', '—'],
    ['Bookings by returning guests', '1', '0', '+1'],
  ]);
  assert.deepEqual(await showTable(page, 'Where bookings come from'), [
    ['Widget', '2', '7', '33.33 %', '0', '+2'],
    ['AI agent (MCP)', '1', '3', '16.67 %', '0', '+1'],
    ['Phone', '1', '4', '16.67 %', '1', '0'],
    ['Waitlist', '1', '2', '16.67 %', '0', '+1'],
    ['Walk-in', '1', '2', '16.67 %', '0', '+1'],
  ]);
  assert.deepEqual((await showTable(page, 'Status mix'))[2], ['Completed', '2', '6', '25.00 %', '1', '+1 (+100.00 %)']);
  // Occupancy compares cell by cell: Saturday's lunch was as full both weeks (Ada, then Bob), Monday's walk-in is new.
  const cells = await showTable(page, 'Occupancy by weekday and hour');
  assert.deepEqual(cells.find((c) => c[0] === 'Sat' && c[1] === '12:00'), ['Sat', '12:00', '1', '2', '20', '10.00 %', '10.00 %', '0 pts']);
  assert.deepEqual(cells.find((c) => c[0] === 'Mon' && c[1] === '13:00'), ['Mon', '13:00', '1', '2', '20', '10.00 %', '0.00 %', '+10.00 pts']);
  // The charts draw both periods.
  await section(page, 'Party sizes').getByRole('group').getByRole('button', { name: 'Chart' }).click();
  assert.ok((await section(page, 'Party sizes').locator('rect.series-previous').count()) > 0);
  // The picture of docs/dashboard.md: the top of the page, compared (the whole page is dashboard-reports.png).
  await page.setViewportSize({ width: 1280, height: 1500 });
  for (const title of ['Covers per day', 'Status mix', 'Occupancy by weekday and hour']) {
    await section(page, title).getByRole('group').getByRole('button', { name: 'Chart' }).click();
  }
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: fileURLToPath(new URL('../../test-results/dashboard-reports-compared.png', import.meta.url)) });
  // The address keeps the view: a reload shows the same range, compared.
  await page.reload();
  await waitForRange(page, '2026-03-24', '2026-03-30');
  await section(page, 'Key figures').getByRole('columnheader', { name: 'Previous period' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'compared');
  d.checkPage(page);
  await page.close();
});

test('CSV download: the server\'s RFC 4180 file, UTF-8 with a byte-order mark, CRLF, header and rows', async () => {
  const page = await open('owner', `reports?from=${RANGE.from}&to=${RANGE.to}`);
  await waitForRange(page, RANGE.from, RANGE.to);
  const cases: [string, string, string][] = [
    ['Where bookings come from', 'sources', ['source,bookings,covers,share', ...EXPECTED.sources.rows.map((x) => `${x.source},${x.bookings},${x.covers},${x.share}`)].join('\r\n')],
    ['New and returning guests', 'guests', ['kind,guests,bookings,covers', ...EXPECTED.guests.rows.map((x) => `${x.kind},${x.guests ?? ''},${x.bookings},${x.covers}`)].join('\r\n')],
    ['Covers per day', 'daily', ['date,service,bookings,covers,seatedCovers', ...EXPECTED.daily.rows.map((x) => `${x.date},${x.service},${x.bookings},${x.covers},${x.seatedCovers}`)].join('\r\n')],
  ];
  for (const [title, path, text] of cases) {
    const [download] = await Promise.all([page.waitForEvent('download'), section(page, title).getByRole('link', { name: `Download CSV of ${title}` }).click()]);
    assert.equal(download.suggestedFilename(), `${r.slug}-${path}-${RANGE.from}-${RANGE.to}.csv`);
    const bytes = await readFile((await download.path())!);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
    assert.equal(bytes.subarray(3).toString('utf8'), `${text}\r\n`, path);
  }
  // Every report has its download, for the range shown.
  const links = await page.getByRole('link', { name: /^Download CSV of / }).evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
  assert.deepEqual(
    links.map((href) => new URL(href).pathname.split('/').pop()),
    ['daily', 'status-mix', 'occupancy', 'lead-time', 'party-size', 'sources', 'waitlist', 'guests'],
  );
  assert.ok(links.every((href) => href.endsWith(`?from=${RANGE.from}&to=${RANGE.to}&format=csv`)));
  d.checkPage(page);
  await page.close();
});

test('a failing server is shown as an error, not as empty figures', async () => {
  const page = await open('owner');
  await page.route('**/admin/api/restaurants/*/reports?*', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'service_unavailable', message: 'The database is unavailable.', details: {} } }) }),
  );
  await page.goto(`${d.base}/dashboard/r/${r.slug}/reports?from=${RANGE.from}&to=${RANGE.to}`);
  await page.getByRole('alert').filter({ hasText: 'The reports could not be loaded. The database is unavailable.' }).waitFor();
  assert.equal(await section(page, 'Key figures').count(), 0);
  await page.unroute('**/admin/api/restaurants/*/reports?*');
  await page.close();
});

test('staff: no Reports in the menu and "not available" at its address; a manager reads the reports', async () => {
  const staff = await open('staff');
  assert.equal(await staff.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Reports' }).count(), 0);
  await staff.goto(`${d.base}/dashboard/r/${r.slug}/reports?from=${RANGE.from}&to=${RANGE.to}`);
  await staff.getByRole('heading', { name: 'Not available to your role' }).waitFor();
  assert.equal(await staff.getByRole('heading', { name: 'Key figures' }).count(), 0);
  assert.deepEqual(await axeViolations(staff), []);
  d.checkPage(staff);
  await staff.close();

  const manager = await open('manager');
  await manager.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Reports' }).click();
  await waitForRange(manager, '2026-03-01', '2026-03-30');
  await setCustom(manager, RANGE.from, RANGE.to);
  await waitForRange(manager, RANGE.from, RANGE.to);
  assert.equal((await keyFigures(manager))[1].join(' '), 'Covers 18');
  d.checkPage(manager);
  await manager.close();
});
