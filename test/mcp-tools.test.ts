/**
 * The MCP server at /mcp, driven by the SDK's own client over real HTTP: tools and resources per scope set, the full
 * conversation (availability → book → look up → reschedule → cancel), bookings marked `source: "agent"`, retries
 * that book once, and bad input as tool errors naming the field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { listen, mcpClient, ok, refused } from './helpers/mcp.js';
import { SCOPES, type Scope } from '../src/modules/keys/scopes.js';

let t: TestApp;
let base: string;
const clients: Client[] = [];

before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  base = await listen(t.app);
});
after(async () => {
  for (const c of clients) await c.close();
  await t.close();
});

const TUE = '2026-03-03';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };

async function connect(key: string, options?: Parameters<typeof mcpClient>[2]): Promise<Client> {
  const c = await mcpClient(base, key, options);
  clients.push(c);
  return c;
}

async function tenant(scopes: Scope[] = [...SCOPES], config = bistro()): Promise<{ r: Tenant; c: Client }> {
  const r = await createTenant(t.app, config, scopes);
  return { r, c: await connect(r.key) };
}

test('tools and resources listed are exactly those the key\'s scopes allow', async () => {
  const cases: [Scope[], string[]][] = [
    [[...SCOPES], ['get_restaurant', 'get_opening_hours', 'find_availability', 'book_table', 'find_booking', 'reschedule_booking', 'cancel_booking', 'join_waitlist']],
    [['availability:read'], ['get_opening_hours', 'find_availability']],
    [['availability:read', 'reservations:write'], ['get_opening_hours', 'find_availability', 'book_table', 'reschedule_booking']],
    [['reservations:read', 'reservations:cancel'], ['find_booking', 'cancel_booking']],
    [['webhooks:write'], []],
  ];
  for (const [scopes, expected] of cases) {
    const { c } = await tenant(scopes);
    const { tools } = await c.listTools();
    assert.deepEqual(tools.map((x) => x.name), expected, scopes.join(','));
    const { resources } = await c.listResources();
    assert.deepEqual(resources.map((x) => x.uri), scopes.includes('config:read') ? ['maitre://restaurant/booking-policy'] : [], scopes.join(','));
  }
  const { c } = await tenant();
  const book = (await c.listTools()).tools.find((x) => x.name === 'book_table')!;
  assert.deepEqual(book.inputSchema.required, ['date', 'time', 'partySize', 'customer']);
  assert.equal((book.inputSchema as any).additionalProperties, false);
  assert.deepEqual(Object.keys(book.inputSchema.properties!).sort(), ['area', 'customer', 'date', 'notes', 'partySize', 'requestToken', 'time']);
  assert.match(book.description!, /confirm|explicit yes/i);
  assert.match(book.description!, /email or phone/);
  assert.equal(book.annotations?.readOnlyHint, false);
  const policy = await c.readResource({ uri: 'maitre://restaurant/booking-policy' });
  const text = (policy.contents[0] as { text: string }).text;
  assert.match(text, /Parties of 1 to 8 guests/);
  assert.match(text, /until 2 hour\(s\) before/);
});

test('a conversation: availability → book → look up → reschedule → cancel; the booking is marked source "agent"', async () => {
  t.clock.ms = MONDAY_9Z;
  const { r, c } = await tenant();
  const profile = await ok(c, 'get_restaurant');
  assert.equal(profile.slug, r.slug);
  assert.equal(profile.policy.maxPartySize, 8);
  const hours = await ok(c, 'get_opening_hours', { from: TUE, to: TUE });
  assert.deepEqual(hours.days[0].services.map((s: any) => s.key), ['lunch', 'dinner']);

  const avail = await ok(c, 'find_availability', { date: TUE, partySize: 2, time: '12:00', window: { from: '12:00', to: '12:30' } });
  assert.deepEqual(avail.requested, { time: '12:00', available: true, reason: null, detail: null });
  assert.deepEqual(avail.freeTimes.map((s: any) => s.time), ['12:00', '12:15', '12:30']);
  assert.deepEqual(avail.nearest, []);

  const booked = await ok(c, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA, notes: 'window seat' });
  assert.equal(booked.replayed, false);
  const res = booked.reservation;
  assert.equal(res.source, 'agent');
  assert.equal(res.status, 'confirmed');
  assert.match(res.reference, /^[A-Z0-9]{3}-[A-Z0-9]{4}$/);
  // The REST API sees the same booking, marked as the agent's, with the key as the actor of its history.
  const rest = await r.get(`/reservations/${res.id}`);
  assert.equal(rest.json().source, 'agent');
  assert.equal(rest.json().notes, 'window seat');
  const history = (await r.get(`/reservations/${res.id}/history`)).json().data;
  assert.deepEqual(history[0].actor, { type: 'key', id: r.keyId });

  const found = await ok(c, 'find_booking', { reference: res.reference.toLowerCase(), contact: 'ADA@example.com' });
  assert.equal(found.status, 'confirmed');
  assert.equal(found.changeable, true);
  assert.equal(found.guestName, 'Ada Lovelace');

  const moved = await ok(c, 'reschedule_booking', { reference: res.reference, contact: ADA.email, time: '12:30', partySize: 3 });
  assert.equal(moved.time, '12:30');
  assert.equal(moved.partySize, 3);
  assert.equal((await r.get(`/reservations/${res.id}`)).json().time, '12:30');

  const cancelled = await ok(c, 'cancel_booking', { reference: res.reference, contact: ADA.email, reason: 'plans changed' });
  assert.equal(cancelled.status, 'cancelled');
  const after = (await r.get(`/reservations/${res.id}`)).json();
  assert.equal(after.status, 'cancelled');
  assert.equal(after.cancellationReason, 'plans changed');
  const last = (await r.get(`/reservations/${res.id}/history`)).json().data.at(-1);
  assert.deepEqual([last.toStatus, last.actor], ['cancelled', { type: 'key', id: r.keyId }]);
  // Cancelling again: the lifecycle's refusal, as a tool error.
  const again = await refused(c, 'cancel_booking', { reference: res.reference, contact: ADA.email });
  assert.equal(again.code, 'invalid_status_transition');
});

test('a taken time answers the nearest free times; the waitlist takes the guest when nothing suits', async () => {
  t.clock.ms = MONDAY_9Z;
  const oneTable = bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] } as any);
  const { r, c } = await tenant([...SCOPES], oneTable);
  await ok(c, 'book_table', { date: TUE, time: '19:00', partySize: 2, customer: { name: 'Grace', phone: '+33 6 11 22 33 44' } });
  const avail = await ok(c, 'find_availability', { date: TUE, partySize: 2, time: '19:30' });
  assert.deepEqual(avail.requested, { time: '19:30', available: false, reason: 'no_tables_available', detail: 'all_busy' });
  assert.deepEqual(avail.nearest.map((s: any) => s.time), ['20:30', '20:45', '21:00']);
  assert.ok(!avail.freeTimes.some((s: any) => s.time === '19:30'));
  // Not a slot at all (before lunch): the nearest are lunch's first times.
  const early = await ok(c, 'find_availability', { date: TUE, partySize: 2, time: '10:00' });
  assert.equal(early.requested.reason, 'outside_opening_hours');
  assert.deepEqual(early.nearest.map((s: any) => s.time), ['12:00', '12:15', '12:30']);
  // A window narrows both the list and the alternatives.
  const late = await ok(c, 'find_availability', { date: TUE, partySize: 2, time: '19:30', window: { from: '21:00', to: '21:30' } });
  assert.deepEqual(late.freeTimes.map((s: any) => s.time), ['21:00', '21:15', '21:30']);
  assert.deepEqual(late.nearest.map((s: any) => s.time), ['21:00', '21:15', '21:30']);
  // Booking the taken time: the contract's refusal, nothing booked.
  const taken = await refused(c, 'book_table', { date: TUE, time: '19:30', partySize: 2, customer: ADA });
  assert.equal(taken.code, 'no_tables_available');
  const entry = await ok(c, 'join_waitlist', { date: TUE, time: '19:30', partySize: 2, customer: ADA });
  assert.equal(entry.entry.source, 'agent');
  assert.equal(entry.entry.status, 'waiting');
  const list = (await r.get(`/waitlist?date=${TUE}`)).json().data;
  assert.deepEqual(list.map((w: any) => [w.id, w.source]), [[entry.entry.id, 'agent']]);
  // Retried: the same entry.
  const retried = await ok(c, 'join_waitlist', { date: TUE, time: '19:30', partySize: 2, customer: ADA });
  assert.deepEqual([retried.entry.id, retried.replayed], [entry.entry.id, true]);
  assert.equal((await r.get(`/waitlist?date=${TUE}`)).json().data.length, 1);
});

test('a retried book call books once; a new requestToken books again; a refusal is not kept', async () => {
  t.clock.ms = MONDAY_9Z;
  const { r, c } = await tenant();
  const args = { date: TUE, time: '12:00', partySize: 2, customer: ADA };
  const first = await ok(c, 'book_table', args);
  // The same call again (a client retry), even with the keys in another order and the email in another case.
  const second = await ok(c, 'book_table', { customer: { email: 'Ada@Example.com', name: 'Ada Lovelace' }, partySize: 2, time: '12:00', date: TUE });
  assert.equal(second.reservation.id, first.reservation.id);
  assert.equal(second.replayed, true);
  // Concurrent duplicates: still one booking.
  const [x, y] = await Promise.all([ok(c, 'book_table', { ...args, requestToken: 'tok-1' }), ok(c, 'book_table', { ...args, requestToken: 'tok-1' })]);
  assert.equal(x.reservation.id, y.reservation.id);
  assert.notEqual(x.reservation.id, first.reservation.id, 'a new token is a new booking');
  const listed = (await r.get(`/reservations?date=${TUE}`)).json().data;
  assert.equal(listed.length, 2);

  // A refusal is not remembered: once a table frees up, the very same call books.
  const oneTable = bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] } as any);
  const small = await tenant([...SCOPES], oneTable);
  const grace = await ok(small.c, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Grace', email: 'grace@example.com' } });
  assert.equal((await refused(small.c, 'book_table', args)).code, 'no_tables_available');
  await ok(small.c, 'cancel_booking', { reference: grace.reservation.reference, contact: 'grace@example.com' });
  const later = await ok(small.c, 'book_table', args);
  assert.equal(later.replayed, false);
  assert.equal(later.reservation.time, '12:00');
});

test('bad input is a tool error naming the field, never a protocol error or a 500', async () => {
  t.clock.ms = MONDAY_9Z;
  const { c } = await tenant();
  const paths = async (name: string, args: Record<string, unknown>) => {
    const e = await refused(c, name, args);
    assert.equal(e.code, 'validation_failed', JSON.stringify(e));
    return (e.details.issues as { path: string; message: string }[]).map((i) => i.path);
  };
  assert.deepEqual(await paths('find_availability', { date: '2026-02-30', partySize: 2 }), ['date']);
  assert.deepEqual(await paths('find_availability', { date: TUE, partySize: 0 }), ['partySize']);
  assert.deepEqual(await paths('find_availability', { partySize: 2 }), ['date']);
  assert.deepEqual(await paths('find_availability', { date: TUE, partySize: 2, time: '25:00' }), ['time']);
  assert.deepEqual(await paths('find_availability', { date: TUE, partySize: 2, window: { from: '12:00' } }), ['window.to']);
  assert.deepEqual(await paths('find_availability', { date: TUE, partySize: 2, area: 'cellar' }), ['area'], 'the service\'s own check');
  assert.deepEqual(await paths('find_availability', { date: TUE, partySize: 2, partysize: 3 }), ['']);
  assert.deepEqual(await paths('book_table', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada' } }), ['customer.email']);
  assert.deepEqual(await paths('book_table', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', email: 'not-an-email' } }), ['customer.email']);
  assert.deepEqual(await paths('book_table', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ada', phone: '12' } }), ['customer.phone']);
  assert.deepEqual(await paths('book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA, source: 'api' }), ['']);
  assert.deepEqual(await paths('book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA, requestToken: 'has space' }), ['requestToken']);
  assert.deepEqual(await paths('reschedule_booking', { reference: 'ABC-DEFG', contact: ADA.email }), ['']);
  assert.deepEqual(await paths('get_opening_hours', { from: '2026-03-10', to: '2026-03-01' }), ['to']);
  const nul = await refused(c, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA, notes: 'nut\u0000allergy' });
  assert.equal(nul.code, 'validation_failed', 'text the database cannot store is invalid input, not an internal error');
  const e = await refused(c, 'find_availability', { date: 'tomorrow', partySize: 'many' });
  assert.match(e.message, /date: .*partySize: /);
  // The contract's refusals are tool errors too, with their details.
  const big = await refused(c, 'book_table', { date: TUE, time: '12:00', partySize: 20, customer: ADA });
  assert.deepEqual([big.code, big.details.maxPartySize], ['party_size_out_of_range', 8]);
  const unknown = await refused(c, 'find_booking', { reference: 'ZZZ-ZZZZ', contact: ADA.email });
  assert.equal(unknown.code, 'reservation_not_found');
  // An unknown tool is the protocol's error (there is no such tool to answer).
  await assert.rejects(c.callTool({ name: 'drop_tables', arguments: {} }), /Unknown tool: drop_tables/);
});

test('a tool outside the key\'s scopes answers scope_missing and does nothing', async () => {
  t.clock.ms = MONDAY_9Z;
  const { r, c } = await tenant(['availability:read']);
  const e = await refused(c, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA });
  assert.equal(e.code, 'scope_missing');
  assert.deepEqual(e.details, { missingScope: 'reservations:write', requiredScopes: ['reservations:write'], grantedScopes: ['availability:read'] });
  assert.equal((await refused(c, 'cancel_booking', { reference: 'ABC-DEFG', contact: ADA.email })).details.missingScope, 'reservations:cancel');
  // Scope is checked before the arguments: no validation detail leaks to a key that may not call the tool.
  assert.equal((await refused(c, 'book_table', {})).code, 'scope_missing');
  const count = await t.db.query('SELECT count(*)::int AS n FROM reservations WHERE restaurant_id = $1', [r.id]);
  assert.equal(count.rows[0].n, 0);
  await assert.rejects(c.readResource({ uri: 'maitre://restaurant/booking-policy' }), /scope_missing/);
});
