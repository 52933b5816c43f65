/**
 * Reports (GET /admin/api/restaurants/{r}/reports…): exact figures of a known history (spring-forward night, a late
 * and an on-time cancellation, a no-show, a booking across midnight, a walk-in, a waitlist conversion, a returning
 * guest), their CSV, the range validation, the roles and the tenant boundary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createAdminUser, login, sessionCookie, signIn } from './helpers/admin.js';
import { createTenant, type Tenant } from './helpers/booking.js';
import { parseCsv } from './helpers/csv-parse.js';
import { checkOccupancy, EXPECTED, OCCUPIED, RANGE, reportBistro, seedHistory } from './helpers/reports.js';
import { csvField, toCsv } from '../src/modules/reports/csv.js';

let t: TestApp;
let r: Tenant;
let twin: Tenant;
let owner: Record<string, string>;

const BOM = '\uFEFF';
const url = (slug: string, path: string, query: string) => `/admin/api/restaurants/${slug}/reports${path}?${query}`;
const range = `from=${RANGE.from}&to=${RANGE.to}`;

before(async () => {
  t = await createTestApp();
  r = await seedHistory(t.app, t.clock);
  twin = await seedHistory(t.app, t.clock); // the same history in a second restaurant: nothing may leak across
  owner = (await signIn(t, r.id, 'owner')).headers;
});
after(() => t.close());

function get(headers: Record<string, string>, path: string, query = range, slug = r.slug) {
  return t.app.inject({ method: 'GET', url: url(slug, path, query), headers });
}

describe('figures', () => {
  test('GET …/reports: every section, exact', async () => {
    const res = await get(owner, '');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(
      { restaurant: body.restaurant, timezone: body.timezone, from: body.from, to: body.to },
      { restaurant: r.slug, timezone: 'Europe/Paris', ...RANGE },
    );
    for (const [name, expected] of Object.entries(EXPECTED)) assert.deepEqual(body[name], expected, name);
    checkOccupancy(body.occupancy);
  });

  test('more /reports requests at once than the pool has connections (10): each answers, every section exact', async () => {
    // Each request holds a connection while it takes two more for the sections beside it (sharing its snapshot);
    // without a cap on such requests, ten of them could hold the whole pool and wait for each other.
    const responses = await Promise.all(Array.from({ length: 30 }, () => get(owner, '')));
    for (const res of responses) {
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      for (const [name, expected] of Object.entries(EXPECTED)) assert.deepEqual(body[name], expected, name);
      checkOccupancy(body.occupancy);
    }
  });

  test('each report route answers its section with the range header, by slug or by id', async () => {
    const paths: Record<string, string> = {
      daily: 'daily', statusMix: 'status-mix', leadTime: 'lead-time', partySize: 'party-size', sources: 'sources', waitlist: 'waitlist', guests: 'guests',
    };
    for (const [name, path] of Object.entries(paths)) {
      const res = await get(owner, `/${path}`);
      assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
      assert.deepEqual(res.json(), { restaurant: r.slug, timezone: 'Europe/Paris', ...RANGE, ...EXPECTED[name as keyof typeof EXPECTED] }, path);
    }
    const byId = await get(owner, '/occupancy', range, r.id);
    assert.equal(byId.statusCode, 200);
    checkOccupancy(byId.json());
  });

  test('a narrower range: only the DST Sunday', async () => {
    const res = await get(owner, '', 'from=2026-03-29&to=2026-03-29');
    const body = res.json();
    assert.deepEqual(body.daily.rows, [{ date: '2026-03-29', service: 'lunch', bookings: 1, covers: 3, seatedCovers: 0 }]);
    assert.deepEqual(body.statusMix.rows.map((x: { bookings: number }) => x.bookings), [0, 0, 0, 1, 1, 1]);
    // The local day has 23 hours; B's part after midnight (00:00–01:30 local) is in it although B's date is the 28th.
    assert.equal(body.occupancy.rows.length, 23);
    assert.deepEqual(
      body.occupancy.rows.filter((c: { seatedCoverHours: number }) => c.seatedCoverHours > 0).map((c: { hour: number; seatedCoverHours: number }) => [c.hour, c.seatedCoverHours]),
      [[0, 4], [1, 2]],
    );
    assert.deepEqual(body.waitlist, { conversionRate: null, rows: EXPECTED.waitlist.rows.map((x) => ({ ...x, entries: 0, covers: 0, share: 0 })) });
    assert.deepEqual(body.guests.rows, [
      { kind: 'new', guests: 1, bookings: 1, covers: 3 },
      { kind: 'returning', guests: 0, bookings: 0, covers: 0 },
      { kind: 'unknown', guests: null, bookings: 0, covers: 0 },
    ]);
  });

  test('fall-back day (2026-10-25): 25 clock hours, the repeated 02:00 counted twice', async () => {
    const other = await createTenant(t.app, reportBistro());
    const headers = (await signIn(t, other.id, 'manager')).headers;
    const res = await get(headers, '/occupancy', 'from=2026-10-25&to=2026-10-25', other.slug);
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json().rows as { weekday: number; hour: number; hours: number; capacityCoverHours: number }[];
    assert.equal(rows.length, 24);
    assert.ok(rows.every((c) => c.weekday === 7));
    assert.deepEqual(rows.filter((c) => c.hours !== 1), [{ weekday: 7, hour: 2, hours: 2, seatedCoverHours: 0, capacityCoverHours: 40, occupancy: 0 }]);
    assert.equal(rows.reduce((s, c) => s + c.hours, 0), 25);
  });
});

describe('CSV', () => {
  test('?format=csv: RFC 4180 with BOM and CRLF, the same figures as the JSON', async () => {
    const cases: [string, string, readonly Record<string, unknown>[]][] = [
      ['daily', 'date,service,bookings,covers,seatedCovers', EXPECTED.daily.rows],
      ['status-mix', 'status,bookings,covers,share', EXPECTED.statusMix.rows],
      ['lead-time', 'bucket,minDays,maxDays,bookings,covers,share', EXPECTED.leadTime.rows],
      ['party-size', 'partySize,bookings,covers,share', EXPECTED.partySize.rows],
      ['sources', 'source,bookings,covers,share', EXPECTED.sources.rows],
      ['waitlist', 'status,entries,covers,share', EXPECTED.waitlist.rows],
      ['guests', 'kind,guests,bookings,covers', EXPECTED.guests.rows],
    ];
    for (const [path, header, rows] of cases) {
      const res = await get(owner, `/${path}`, `${range}&format=csv`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(res.headers['content-disposition'], `attachment; filename="${r.slug}-${path}-${RANGE.from}-${RANGE.to}.csv"`);
      assert.ok(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 byte-order mark');
      assert.ok(res.body.startsWith(BOM));
      const records = parseCsv(res.body.slice(1));
      assert.equal(records[0].join(','), header, path);
      const columns = header.split(',');
      assert.deepEqual(records.slice(1), rows.map((row) => columns.map((c) => (row[c] === null ? '' : String(row[c])))), path);
    }
  });

  test('occupancy CSV: 71 cells, the occupied ones exact', async () => {
    const res = await get(owner, '/occupancy', `${range}&format=csv`);
    const records = parseCsv(res.body.slice(1));
    assert.deepEqual(records[0], ['weekday', 'hour', 'hours', 'seatedCoverHours', 'capacityCoverHours', 'occupancy']);
    assert.equal(records.length, 72);
    const occupied = records.slice(1).filter((x) => x[3] !== '0').map((x) => x.map(Number));
    assert.deepEqual(occupied, OCCUPIED.map(([w, h, ch, o]) => [w, h, 1, ch, 20, o]));
  });

  test('the writer: quotes doubled, comma, CR and LF quoted, null empty', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
    assert.equal(csvField('x\ny'), '"x\ny"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0), '0');
    const text = toCsv(['a', 'b'], [{ a: 'é,"', b: null }, { a: 1, b: 'z' }]);
    assert.equal(text, '\uFEFFa,b\r\n"é,""",\r\n1,z\r\n');
    assert.deepEqual(parseCsv(text.slice(1)), [['a', 'b'], ['é,"', ''], ['1', 'z']]);
  });
});

describe('range validation', () => {
  const bad: [string, string, string][] = [
    ['from=2026-03-30&to=2026-03-28', 'querystring.to', 'must not be before from'],
    ['from=2026-02-30&to=2026-03-28', 'querystring.from', 'calendar date'],
    ['from=2026-03-01&to=2026-3-28', 'querystring.to', 'calendar date'],
    ['from=2026-01-01&to=2027-01-02', 'querystring.to', '366 days'],
    ['from=2025-03-01&to=2026-03-28', 'querystring.to', '366 days'],
    ['from=2026-03-01', 'querystring.to', ''],
    ['to=2026-03-01', 'querystring.from', ''],
    ['from=&to=2026-03-01', 'querystring.from', ''],
  ];
  for (const [query, path, message] of bad) {
    test(`${query} → 422 on ${path}`, async () => {
      for (const route of ['', '/daily', '/occupancy']) {
        const res = await get(owner, route, query);
        assert.equal(res.statusCode, 422, `${route}: ${res.body}`);
        const { error } = res.json();
        assert.equal(error.code, 'validation_failed');
        const issue = error.details.issues.find((i: { path: string }) => i.path === path);
        assert.ok(issue, `${route}: ${JSON.stringify(error.details.issues)}`);
        assert.ok(issue.message.includes(message), issue.message);
      }
    });
  }

  test('format other than json|csv → 422 on querystring.format', async () => {
    const res = await get(owner, '/daily', `${range}&format=xlsx`);
    assert.equal(res.statusCode, 422);
    assert.ok(res.json().error.details.issues.some((i: { path: string }) => i.path === 'querystring.format'));
    // Every section in one answer has no single table: CSV is per report.
    const all = await get(owner, '', `${range}&format=csv`);
    assert.equal(all.statusCode, 422);
    assert.ok(all.json().error.details.issues.some((i: { path: string }) => i.path === 'querystring.format'));
    assert.equal((await get(owner, '', `${range}&format=json`)).statusCode, 200);
  });

  test('366 days (both ends included) is the longest range; a single day is the shortest', async () => {
    assert.equal((await get(owner, '', 'from=2026-01-01&to=2027-01-01')).statusCode, 200);
    assert.equal((await get(owner, '/daily', 'from=2024-01-01&to=2024-12-31')).statusCode, 200); // a leap year: 366 days
    const oneDay = await get(owner, '/daily', 'from=2026-03-28&to=2026-03-28');
    assert.deepEqual(oneDay.json().rows, EXPECTED.daily.rows.slice(0, 2));
  });
});

describe('access', () => {
  test('staff: 403 on every report; manager and owner: 200', async () => {
    const staff = (await signIn(t, r.id, 'staff')).headers;
    const manager = (await signIn(t, r.id, 'manager')).headers;
    for (const route of ['', '/daily', '/status-mix', '/occupancy', '/lead-time', '/party-size', '/sources', '/waitlist', '/guests']) {
      const denied = await get(staff, route);
      assert.equal(denied.statusCode, 403, route);
      assert.equal(denied.json().error.code, 'forbidden');
      assert.equal((await get(staff, route, `${range}&format=csv`)).statusCode, 403, `${route} csv`);
      assert.equal((await get(manager, route)).statusCode, 200, route);
    }
  });

  test('no session: 401; a member of another restaurant: 404 (the twin\'s figures are its own)', async () => {
    const anon = await t.app.inject({ method: 'GET', url: url(r.slug, '/daily', range) });
    assert.equal(anon.statusCode, 401);
    const twinOwner = (await signIn(t, twin.id, 'owner')).headers;
    const res = await get(twinOwner, '/daily', range, r.slug);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
    const own = await get(twinOwner, '', range, twin.slug);
    assert.deepEqual(own.json().daily, EXPECTED.daily);
    assert.deepEqual(own.json().guests, EXPECTED.guests);
  });

  test('a session signed in then used: the cookie is the only credential', async () => {
    const { email, password } = await createAdminUser(t, { restaurantId: r.id, role: 'manager' });
    const cookie = sessionCookie(await login(t, email, password))!.value;
    const res = await get({ cookie: `maitre_session=${cookie}` }, '/sources');
    assert.equal(res.statusCode, 200);
  });
});

describe('OpenAPI', () => {
  test('the admin document: one operation per report, JSON and CSV for each, owners and managers only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/api/openapi.json', headers: owner });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    for (const path of ['daily', 'status-mix', 'occupancy', 'lead-time', 'party-size', 'sources', 'waitlist', 'guests']) {
      const op = doc.paths[`/admin/api/restaurants/{restaurant}/reports/${path}`]?.get;
      assert.ok(op, path);
      assert.deepEqual(Object.keys(op.responses['200'].content).sort(), ['application/json', 'text/csv'], path);
      assert.deepEqual(op.security, [{ sessionCookie: [] }], path);
      assert.deepEqual(op['x-required-roles'], ['owner', 'manager'], path);
      assert.match(op.description, /RFC 4180/);
      assert.ok(op.responses['422'] && op.responses['403'], path);
    }
    const all = doc.paths['/admin/api/restaurants/{restaurant}/reports'].get;
    assert.deepEqual(Object.keys(all.responses['200'].content), ['application/json']);
    assert.ok(doc.tags.some((tag: { name: string }) => tag.name === 'Reports'));
  });
});
