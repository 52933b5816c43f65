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
import { RANGE, reportBistro, seedHistory } from './helpers/reports.js';
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

export const EXPECTED = {
  daily: {
    rows: [
      { date: '2026-03-28', service: 'lunch', bookings: 1, covers: 2, seatedCovers: 2 },
      { date: '2026-03-28', service: 'dinner', bookings: 1, covers: 4, seatedCovers: 4 },
      { date: '2026-03-29', service: 'lunch', bookings: 1, covers: 3, seatedCovers: 0 },
      { date: '2026-03-30', service: 'lunch', bookings: 1, covers: 2, seatedCovers: 2 },
      { date: '2026-03-30', service: 'dinner', bookings: 2, covers: 7, seatedCovers: 0 },
    ],
  },
  statusMix: {
    cancellationCutoffMinutes: 120,
    rows: [
      { status: 'confirmed', bookings: 2, covers: 7, share: 0.25 },
      { status: 'seated', bookings: 1, covers: 2, share: 0.125 },
      { status: 'completed', bookings: 2, covers: 6, share: 0.25 },
      { status: 'no_show', bookings: 1, covers: 3, share: 0.125 },
      { status: 'cancelled', bookings: 1, covers: 6, share: 0.125 },
      { status: 'late_cancelled', bookings: 1, covers: 2, share: 0.125 },
    ],
  },
  leadTime: {
    rows: [
      // B was made at 00:30 local on its own service date (23:30Z the day before): same day, not 1 day.
      { bucket: 'same_day', minDays: 0, maxDays: 0, bookings: 4, covers: 13, share: 0.6667 },
      { bucket: '1_day', minDays: 1, maxDays: 1, bookings: 0, covers: 0, share: 0 },
      { bucket: '2_3_days', minDays: 2, maxDays: 3, bookings: 0, covers: 0, share: 0 },
      { bucket: '4_7_days', minDays: 4, maxDays: 7, bookings: 0, covers: 0, share: 0 },
      { bucket: '8_14_days', minDays: 8, maxDays: 14, bookings: 2, covers: 5, share: 0.3333 },
      { bucket: '15_30_days', minDays: 15, maxDays: 30, bookings: 0, covers: 0, share: 0 },
      { bucket: '31_plus_days', minDays: 31, maxDays: null, bookings: 0, covers: 0, share: 0 },
    ],
  },
  partySize: {
    rows: [
      { partySize: 2, bookings: 3, covers: 6, share: 0.5 },
      { partySize: 3, bookings: 1, covers: 3, share: 0.1667 },
      { partySize: 4, bookings: 1, covers: 4, share: 0.1667 },
      { partySize: 5, bookings: 1, covers: 5, share: 0.1667 },
    ],
  },
  sources: {
    rows: [
      { source: 'widget', bookings: 2, covers: 7, share: 0.3333 },
      { source: 'agent', bookings: 1, covers: 3, share: 0.1667 },
      { source: 'phone', bookings: 1, covers: 4, share: 0.1667 },
      { source: 'waitlist', bookings: 1, covers: 2, share: 0.1667 },
      { source: 'walk_in', bookings: 1, covers: 2, share: 0.1667 },
    ],
  },
  waitlist: {
    conversionRate: 0.5,
    rows: [
      { status: 'waiting', entries: 0, covers: 0, share: 0 },
      { status: 'offered', entries: 0, covers: 0, share: 0 },
      { status: 'booked', entries: 1, covers: 2, share: 0.5 },
      { status: 'expired', entries: 0, covers: 0, share: 0 },
      { status: 'cancelled', entries: 1, covers: 2, share: 0.5 },
    ],
  },
  guests: {
    rows: [
      { kind: 'new', guests: 4, bookings: 5, covers: 13 },
      { kind: 'returning', guests: 1, bookings: 1, covers: 5 },
      { kind: 'unknown', guests: null, bookings: 0, covers: 0 },
    ],
  },
};

/** The occupancy cells with seated covers: weekday (1 = Mon), local hour, cover-hours (20 seats). */
export const OCCUPIED = [
  [1, 13, 2, 0.1], [1, 14, 1, 0.05], // Mon: the walk-in, 13:00–14:30
  [6, 12, 2, 0.1], [6, 13, 1, 0.05], // Sat: A, 12:00–13:30
  [6, 23, 2, 0.1], [7, 0, 4, 0.2], [7, 1, 2, 0.1], // B across midnight, Sat 23:30 – Sun 01:30
];

export function checkOccupancy(occ: { seats: number; rows: Record<string, number | null>[] }) {
  assert.equal(occ.seats, 20);
  // Sat 24 + Sun 23 (02:00 does not exist on 2026-03-29) + Mon 24 hours.
  assert.equal(occ.rows.length, 71);
  assert.equal(occ.rows.find((c) => c.weekday === 7 && c.hour === 2), undefined);
  for (const c of occ.rows) {
    assert.equal(c.hours, 1);
    assert.equal(c.capacityCoverHours, 20);
  }
  const occupied = occ.rows.filter((c) => c.seatedCoverHours !== 0).map((c) => [c.weekday, c.hour, c.seatedCoverHours, c.occupancy]);
  assert.deepEqual(occupied, OCCUPIED);
  assert.ok(occ.rows.filter((c) => c.seatedCoverHours === 0).every((c) => c.occupancy === 0));
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
