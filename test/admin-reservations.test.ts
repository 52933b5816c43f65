/**
 * Reservations through the admin API: booking (phone, walk-in seated at once), search, changes and the lifecycle,
 * cancellation, history recorded under the signed-in user, roles, tenant isolation and bad input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { JSON_TYPE, signIn } from './helpers/admin.js';
import { bistro, booking, createTenant, MONDAY_9Z, slotAt, slotsOf, type Tenant } from './helpers/booking.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

const MON = '2026-03-02';
const TUE = '2026-03-03';
/** Local Paris wall time on Monday 2026-03-02 (UTC+1) as a clock value. */
const mondayAt = (hhmm: string) => Date.parse(`${MON}T${hhmm}:00+01:00`);

type Method = 'GET' | 'POST' | 'PATCH';
function caller(r: Tenant, headers: Record<string, string>) {
  return (method: Method, path: string, payload?: unknown, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method, url: `/admin/api/restaurants/${r.slug}${path}`, headers: { ...headers, ...extra },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

async function withClock<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const saved = t.clock.ms;
  t.clock.ms = ms;
  try {
    return await fn();
  } finally {
    t.clock.ms = saved;
  }
}

const issuesOf = (res: LightMyRequestResponse) => (res.json().error.details.issues as { path: string }[]).map((i) => i.path).sort();

test('a manager books by phone, reads, changes, seats, completes; the history names the user every time', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'manager');
  const call = caller(r, s.headers);

  const created = await call('POST', '/reservations', booking(TUE, '19:30', 2, { notes: 'window seat' }));
  assert.equal(created.statusCode, 201, created.body);
  const b = created.json();
  assert.deepEqual([b.status, b.source, b.date, b.time, b.partySize, b.notes], ['confirmed', 'phone', TUE, '19:30', 2, 'window seat']);
  assert.deepEqual((await r.get(`/reservations/${b.id}`)).json(), b, 'the very reservation the public API shows');
  const viaApp = await call('POST', '/reservations', booking(TUE, '19:30', 2, { source: 'instagram' }));
  assert.equal(viaApp.json().source, 'instagram', 'an explicit source wins');

  assert.deepEqual((await call('GET', `/reservations/${b.id}`)).json(), b);
  assert.deepEqual((await call('GET', `/reservations/${b.reference.toLowerCase().replace('-', '')}`)).json(), b);

  const moved = await call('PATCH', `/reservations/${b.id}`, { time: '20:00', partySize: 3 });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual([moved.json().time, moved.json().partySize], ['20:00', 3]);
  const seated = await call('PATCH', `/reservations/${b.id}`, { status: 'seated' });
  assert.equal(seated.json().status, 'seated');
  const refused = await call('POST', `/reservations/${b.id}/cancel`, {});
  assert.deepEqual([refused.statusCode, refused.json().error.code], [409, 'invalid_status_transition']);
  assert.deepEqual([refused.json().error.details.from, refused.json().error.details.to], ['seated', 'cancelled']);
  const done = await call('PATCH', `/reservations/${b.id}`, { status: 'completed' });
  assert.equal(done.json().status, 'completed');
  const back = await call('PATCH', `/reservations/${b.id}`, { status: 'seated' });
  assert.deepEqual([back.statusCode, back.json().error.code, back.json().error.details.from], [409, 'invalid_status_transition', 'completed']);

  const history = await call('GET', `/reservations/${b.reference}/history`);
  assert.equal(history.statusCode, 200, history.body);
  const h = history.json().data as { action: string; toStatus: string | null; actor: { type: string; id: string } }[];
  assert.deepEqual(h.map((e) => [e.action, e.toStatus]), [['created', 'confirmed'], ['updated', null], ['status_changed', 'seated'], ['status_changed', 'completed']]);
  for (const e of h) assert.deepEqual(e.actor, { type: 'user', id: s.user.id });
  assert.deepEqual((await r.get(`/reservations/${b.id}/history`)).json(), history.json(), 'same history as the public route');
});

test('cancel with and without a reason (an empty JSON body is fine), through any role', async () => {
  const r = await createTenant(t.app, bistro());
  const staff = await signIn(t, r.id, 'staff');
  const call = caller(r, staff.headers);
  const a = (await call('POST', '/reservations', booking(TUE, '12:00', 2))).json();
  const c = (await call('POST', '/reservations', booking(TUE, '12:00', 2))).json();
  const cancelled = await call('POST', `/reservations/${a.id}/cancel`, { reason: 'guest called' });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.deepEqual([cancelled.json().status, cancelled.json().cancellationReason], ['cancelled', 'guest called']);
  const bare = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/reservations/${c.id}/cancel`, headers: staff.headers });
  assert.deepEqual([bare.statusCode, bare.json().status, bare.json().cancellationReason], [200, 'cancelled', null]);
  const again = await call('POST', `/reservations/${a.id}/cancel`, {});
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'invalid_status_transition']);
  const h = (await call('GET', `/reservations/${a.id}/history`)).json().data;
  assert.deepEqual(h[1].changes, { reason: 'guest called' });
  assert.deepEqual(h[1].actor, { type: 'user', id: staff.user.id });
  const free = slotAt(await slotsOf(r, TUE, 2), '12:00');
  assert.ok(free?.available, 'cancelled bookings free their tables');
});

test('a walk-in is booked at the slot under way, seated in the same transaction, and holds its table', async () => {
  const r = await createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 4 }], combinations: [] }));
  const s = await signIn(t, r.id, 'staff');
  const call = caller(r, s.headers);
  await withClock(mondayAt('12:07'), async () => {
    const publicNow = await r.post('/reservations', booking(MON, '12:00', 2));
    assert.deepEqual([publicNow.statusCode, publicNow.json().error.details.reason], [422, 'past'], 'the public rules refuse it');
    const soon = await call('POST', '/reservations', booking(MON, '12:30', 2));
    assert.deepEqual([soon.statusCode, soon.json().error.details.reason], [422, 'min_notice'], 'a phone booking follows the public rules');

    const res = await call('POST', '/reservations', { partySize: 3, customer: { name: 'Walk-in' }, walkIn: true, notes: 'no booking' });
    assert.equal(res.statusCode, 201, res.body);
    const w = res.json();
    assert.deepEqual(
      [w.status, w.source, w.date, w.time, w.service, w.tables, w.startsAt, w.notes],
      ['seated', 'walk_in', MON, '12:00', 'lunch', ['T1'], new Date(mondayAt('12:00')).toISOString(), 'no booking'],
    );
    const h = (await call('GET', `/reservations/${w.id}/history`)).json().data;
    assert.deepEqual(h.map((e: { action: string; fromStatus: string | null; toStatus: string }) => [e.action, e.fromStatus, e.toStatus]), [
      ['created', null, 'confirmed'], ['status_changed', 'confirmed', 'seated'],
    ]);
    for (const e of h) assert.deepEqual(e.actor, { type: 'user', id: s.user.id });
    const { rows } = await t.db.query(`SELECT type, payload->'data'->>'status' AS status FROM webhook_events WHERE restaurant_id = $1 AND type LIKE 'booking.%'`, [r.id]);
    assert.deepEqual(rows.map((x) => [x.type, x.status]), [['booking.created', 'seated']], 'one booking.created event, with the seated view');

    const second = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Second walk-in' }, walkIn: true });
    assert.deepEqual([second.statusCode, second.json().error.code], [409, 'no_tables_available'], 'the only table is taken');
    assert.equal(second.json().error.details.reason, 'all_busy');
  });
  await withClock(mondayAt('12:16'), async () => {
    const next = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Later walk-in' }, walkIn: true });
    assert.deepEqual([next.statusCode, next.json().error.code], [409, 'no_tables_available'], 'still held at the 12:15 slot');
  });
  await withClock(mondayAt('13:44'), async () => {
    // The party of 3 holds T1 for its 120-minute turn (until 14:00): the 13:30 slot overlaps it.
    const busy = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Late walk-in' }, walkIn: true });
    assert.deepEqual([busy.statusCode, busy.json().error.code], [409, 'no_tables_available']);
    const first = (await call('GET', '/reservations?date=2026-03-02&status=seated')).json().data;
    assert.equal(first.length, 1);
    assert.equal((await call('PATCH', `/reservations/${first[0].id}`, { status: 'completed' })).statusCode, 200);
    const last = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Late walk-in' }, walkIn: true });
    assert.equal(last.statusCode, 201, last.body);
    assert.deepEqual([last.json().time, last.json().status, last.json().tables], ['13:30', 'seated', ['T1']], 'the last seating, once the table is free');
  });
});

test('a walk-in needs a slot under way; it has no date, time or event; other bookings need date and time', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'owner');
  const call = caller(r, s.headers);
  const walkIn = { partySize: 2, customer: { name: 'Walk-in' }, walkIn: true };
  for (const at of ['10:00', '11:59', '13:45', '19:30']) {
    await withClock(mondayAt(at), async () => {
      const res = await call('POST', '/reservations', walkIn);
      assert.deepEqual([res.statusCode, res.json().error.code, res.json().error.details.reason], [422, 'outside_opening_hours', 'no_current_slot'], at);
    });
  }
  await withClock(mondayAt('12:00'), async () => {
    const bad = await call('POST', '/reservations', { ...walkIn, date: MON, time: '12:00', eventId: 'exp_abc' });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(issuesOf(bad), ['body.date', 'body.eventId', 'body.time']);
    const big = await call('POST', '/reservations', { ...walkIn, partySize: 9 });
    assert.deepEqual([big.statusCode, big.json().error.code], [422, 'party_size_out_of_range'], 'the policy still applies');
    const noDate = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Phone' } });
    assert.deepEqual(issuesOf(noDate), ['body.date', 'body.time']);
    const explicit = await call('POST', '/reservations', { partySize: 2, customer: { name: 'Phone' }, walkIn: false, date: TUE });
    assert.deepEqual(issuesOf(explicit), ['body.time']);
    const ok = await call('POST', '/reservations', { ...walkIn, area: 'terrace' });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual([ok.json().time, ok.json().area, ok.json().status], ['12:00', 'terrace', 'seated'], 'exactly at the start of the slot');
  });
  const { rows } = await t.db.query('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [r.id]);
  assert.equal(rows[0].n, 1, 'no refused walk-in left anything behind');
});

test('a walk-in after midnight joins last night\'s overnight service', async () => {
  const r = await createTenant(t.app, bistro({
    services: [{ key: 'late', name: 'Late', days: ['mon'], start: '22:00', lastSeating: '01:00', end: '02:00' }],
  }));
  await withClock(Date.parse('2026-03-03T00:20:00+01:00'), async () => {
    const s = await signIn(t, r.id, 'staff'); // sessions live by the test clock
    const res = await caller(r, s.headers)('POST', '/reservations', { partySize: 2, customer: { name: 'Night owl' }, walkIn: true });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().date, res.json().time, res.json().service, res.json().status], [MON, '00:15', 'late', 'seated']);
  });
});

test('q searches name and email (any case), phone digits and the reference, with LIKE wildcards taken literally', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'staff');
  const call = caller(r, s.headers);
  const book = async (time: string, customer: Record<string, string>) => {
    const res = await call('POST', '/reservations', { date: TUE, time, partySize: 2, customer });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; reference: string };
  };
  const ada = await book('12:00', { name: 'Ada Lovelace', email: 'ada@analytical.example', phone: '+33 6 12 34 56 78' });
  const grace = await book('12:15', { name: 'Grace Hopper', email: 'grace.hopper@navy.example' });
  const pct = await book('12:30', { name: '100% Legit' });
  const under = await book('12:45', { name: 'Under_score' });
  const other = await createTenant(t.app, bistro());
  await other.post('/reservations', booking(TUE, '12:00', 2, { customer: { name: 'Ada Lovelace' } }));

  const search = async (q: string, extra = '') => {
    const res = await call('GET', `/reservations?q=${encodeURIComponent(q)}${extra}`);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json().data as { id: string }[]).map((x) => x.id);
  };
  assert.deepEqual(await search('lovelace'), [ada.id], 'name, any case; the other restaurant\'s Ada is not listed');
  assert.deepEqual(await search('NAVY.EX'), [grace.id], 'email, any case');
  assert.deepEqual(await search('12 34 56'), [ada.id], 'phone digits, spacing ignored');
  assert.deepEqual(await search('+336123'), [ada.id], 'phone as typed with its country code');
  assert.deepEqual(await search(grace.reference.toLowerCase().replace('-', '')), [grace.id], 'reference, any case, no dash');
  assert.deepEqual(await search(grace.reference), [grace.id], 'reference as printed');
  assert.deepEqual(await search('%'), [pct.id], '% is a literal');
  assert.deepEqual(await search('_'), [under.id], '_ is a literal');
  assert.deepEqual(await search('zzz-nobody'), []);
  // Every name has an "e": whatever the random references contain, all four match.
  const first = await call('GET', '/reservations?q=E&limit=2');
  assert.deepEqual(first.json().data.map((x: { id: string }) => x.id), [ada.id, grace.id], 'q combines with the page size');
  const page2 = await call('GET', `/reservations?q=E&limit=2&cursor=${first.json().nextCursor}`);
  assert.equal(page2.statusCode, 200, page2.body);
  assert.deepEqual(page2.json().data.map((x: { id: string }) => x.id), [pct.id, under.id], 'and with the cursor');
  assert.deepEqual(await search('ada', '&date=2026-03-04'), [], 'and with the other filters');
  assert.deepEqual(await search('ada', `&status=confirmed&date=${TUE}`), [ada.id]);

  const v1 = await r.get(`/reservations?q=HOPPER`);
  assert.equal(v1.statusCode, 200, v1.body);
  assert.deepEqual([v1.statusCode, v1.json().data.map((x: { id: string }) => x.id)], [200, [grace.id]], 'the public list searches too');
  for (const bad of ['', '%20%20', 'x'.repeat(201)]) {
    const res = await call('GET', `/reservations?q=${bad}`);
    assert.deepEqual([res.statusCode, issuesOf(res)], [422, ['querystring.q']], `q=${bad.slice(0, 10)}`);
  }
});

test('tenant isolation: another restaurant\'s reservation is not found through this restaurant\'s paths', async () => {
  const a = await createTenant(t.app, bistro());
  const b = await createTenant(t.app, bistro());
  const s = await signIn(t, a.id, 'owner');
  const call = caller(a, s.headers);
  const theirs = (await b.post('/reservations', booking(TUE, '12:00', 2))).json();
  for (const [method, path, payload] of [
    ['GET', `/reservations/${theirs.id}`, undefined],
    ['GET', `/reservations/${theirs.reference}`, undefined],
    ['GET', `/reservations/${theirs.id}/history`, undefined],
    ['PATCH', `/reservations/${theirs.id}`, { status: 'seated' }],
    ['PATCH', `/reservations/${theirs.id}`, { notes: 'mine now' }],
    ['POST', `/reservations/${theirs.id}/cancel`, {}],
  ] as const) {
    const res = await call(method, path, payload);
    assert.deepEqual([res.statusCode, res.json().error.code], [404, 'reservation_not_found'], `${method} ${path}`);
  }
  assert.deepEqual((await call('GET', `/reservations?date=${TUE}`)).json().data, []);
  assert.deepEqual((await b.get(`/reservations/${theirs.id}`)).json(), theirs, 'untouched');
  // B's owner, signed in to A only, cannot reach B through A's session either.
  const viaOther = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${b.slug}/reservations/${theirs.id}`, headers: s.headers });
  assert.deepEqual([viaOther.statusCode, viaOther.json().error.code], [404, 'not_found']);
});

test('every role books and seats; no session is 401; the guard refuses cross-site and non-JSON writes', async () => {
  const r = await createTenant(t.app, bistro());
  for (const role of ['owner', 'manager', 'staff'] as const) {
    const call = caller(r, (await signIn(t, r.id, role)).headers);
    const b = await call('POST', '/reservations', booking(TUE, '19:00', 2));
    assert.equal(b.statusCode, 201, `${role}: ${b.body}`);
    assert.equal((await call('PATCH', `/reservations/${b.json().id}`, { status: 'seated' })).json().status, 'seated', role);
    assert.equal((await call('GET', `/reservations/${b.json().id}`)).statusCode, 200);
  }
  const anon = caller(r, JSON_TYPE);
  for (const [method, path] of [['GET', '/reservations'], ['POST', '/reservations'], ['GET', '/reservations/res_x/history']] as const) {
    const res = await anon(method, path, method === 'GET' ? undefined : booking(TUE, '19:00', 2));
    assert.deepEqual([res.statusCode, res.json().error.code], [401, 'unauthenticated'], `${method} ${path}`);
  }
  const s = await signIn(t, r.id, 'staff');
  const cross = await caller(r, s.headers)('POST', '/reservations', booking(TUE, '19:00', 2), { origin: 'https://evil.example' });
  assert.deepEqual([cross.statusCode, cross.json().error.code], [403, 'csrf_failed']);
  const form = await t.app.inject({
    method: 'POST', url: `/admin/api/restaurants/${r.slug}/reservations`, headers: { cookie: s.headers.cookie, 'content-type': 'text/plain' },
    payload: JSON.stringify(booking(TUE, '19:00', 2)),
  });
  assert.deepEqual([form.statusCode, form.json().error.code], [415, 'unsupported_media_type']);
  assert.equal((await caller(r, s.headers)('GET', `/reservations?date=${TUE}`)).json().data.length, 3, 'neither refused write booked');
});

test('bad bodies and queries are 422 with the issues; Idempotency-Key replays a booking', async () => {
  const r = await createTenant(t.app, bistro());
  const s = await signIn(t, r.id, 'staff');
  const call = caller(r, s.headers);
  const b = (await call('POST', '/reservations', booking(TUE, '19:00', 2))).json();
  const cases: [Method, string, unknown, string[]][] = [
    ['POST', '/reservations', { ...booking(TUE, '19:00', 0) }, ['body.partySize']],
    ['POST', '/reservations', { ...booking('2026-02-30', '25:00', 2) }, ['body.date', 'body.time']],
    ['POST', '/reservations', { ...booking(TUE, '19:00', 2), table: 'T1' }, ['body']],
    ['POST', '/reservations', { ...booking(TUE, '19:00', 2), walkIn: 'yes' }, ['body.walkIn']],
    ['POST', '/reservations', { date: TUE, time: '19:00', partySize: 2, customer: { name: 'X', phone: '12' } }, ['body.customer.phone']],
    ['PATCH', `/reservations/${b.id}`, {}, ['body']],
    ['PATCH', `/reservations/${b.id}`, { status: 'seated', time: '20:00' }, ['body.status']],
    ['PATCH', `/reservations/${b.id}`, { status: 'eaten' }, ['body.status']],
    ['POST', `/reservations/${b.id}/cancel`, { reason: '' }, ['body.reason']],
    ['GET', '/reservations?status=eaten', undefined, ['querystring.status']],
    ['GET', `/reservations?date=${TUE}&from=${TUE}`, undefined, ['querystring.date']],
    ['GET', '/reservations?cursor=bogus', undefined, ['querystring.cursor']],
  ];
  for (const [method, path, payload, paths] of cases) {
    const res = await call(method, path, payload);
    assert.deepEqual([res.statusCode, res.json().error.code], [422, 'validation_failed'], `${method} ${path} ${JSON.stringify(payload)}: ${res.body}`);
    assert.deepEqual(issuesOf(res), paths, `${method} ${path} ${JSON.stringify(payload)}`);
  }
  const unknownArea = await call('POST', '/reservations', booking(TUE, '19:00', 2, { area: 'cellar' }));
  assert.deepEqual([unknownArea.statusCode, issuesOf(unknownArea)], [422, ['body.area']]);
  assert.equal((await call('GET', `/reservations/${b.id}`)).json().updatedAt, b.updatedAt, 'nothing changed');

  const body = booking(TUE, '20:00', 2);
  const first = await call('POST', '/reservations', body, { 'idempotency-key': 'phone-call-1' });
  const replay = await call('POST', '/reservations', body, { 'idempotency-key': 'phone-call-1' });
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual([replay.statusCode, replay.headers['idempotent-replayed'], replay.json()], [201, 'true', first.json()]);
  const clash = await call('POST', '/reservations', booking(TUE, '20:00', 3), { 'idempotency-key': 'phone-call-1' });
  assert.deepEqual([clash.statusCode, clash.json().error.code], [409, 'idempotency_conflict']);
  assert.equal((await call('GET', `/reservations?date=${TUE}`)).json().data.length, 2);
});
