/**
 * /mcp behind the /v1 key pipeline, over real HTTP with the SDK's client: a missing or revoked key, another
 * restaurant's key, a foreign Origin, the per-key rate limit and booking budget, and the usage log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, SYSTEM } from './helpers/booking.js';
import { listen, mcpClient, ok, refused } from './helpers/mcp.js';
import { SCOPES } from '../src/modules/keys/scopes.js';

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

const initialize = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
};
const post = (path: string, headers: Record<string, string>, body: unknown = initialize) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

test('without a valid key: 401 with the contract\'s envelope, before the body is read; GET and DELETE answer 405', async () => {
  const missing = await post('/mcp', {});
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as any).error.code, 'api_key_missing');
  const invalid = await post('/mcp', { authorization: 'Bearer mtr_live_nope' });
  assert.equal(((await invalid.json()) as any).error.code, 'api_key_invalid');
  const r = await createTenant(t.app, bistro());
  const plain = await post('/mcp', { 'x-api-key': r.key });
  assert.equal(plain.status, 200);
  const body = (await plain.json()) as any;
  assert.equal(body.result.serverInfo.name, 'maitre');
  assert.match(body.result.instructions, /explicit confirmation/);
  assert.equal(plain.headers.get('mcp-session-id'), null, 'stateless: no session');
  assert.ok(plain.headers.get('x-ratelimit-remaining'), 'the rate-limit headers of the pipeline');
  assert.ok(plain.headers.get('x-request-id'));
  for (const method of ['GET', 'DELETE']) {
    const res = await fetch(`${base}/mcp`, { method, headers: { authorization: `Bearer ${r.key}` } });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'POST');
  }
  const batch = await post('/mcp', { authorization: `Bearer ${r.key}` }, [initialize, { ...initialize, id: 2 }]);
  assert.equal(batch.status, 400, 'one message per request, so that each draws on the rate limit');
  assert.match(((await batch.json()) as any).error.message, /one JSON-RPC message per request/);
  const notJson = await fetch(`${base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${r.key}`, 'content-type': 'text/plain' }, body: 'hi' });
  assert.equal(notJson.status, 415);
  assert.equal(((await notJson.json()) as any).error.code, 'unsupported_media_type');
});

test('a revoked key is refused from its very next call', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro());
  const c = await connect(r.key);
  await ok(c, 'find_availability', { date: TUE, partySize: 2 });
  await t.app.services.keys.revoke(r.id, r.keyId, SYSTEM);
  await assert.rejects(c.callTool({ name: 'find_availability', arguments: { date: TUE, partySize: 2 } }), (err: Error) => {
    assert.equal((err as Error & { code?: number }).code, 401);
    assert.match(err.message, /api_key_invalid/);
    return true;
  });
  await assert.rejects(connect(r.key), /api_key_invalid/);
});

test('an expired key and a starter plan are refused like on /v1', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro(), [...SCOPES], { expiresAt: new Date(MONDAY_9Z + 60_000).toISOString() } as any);
  const c = await connect(r.key);
  t.clock.advance(120_000);
  await assert.rejects(c.listTools(), /api_key_expired/);
  t.clock.ms = MONDAY_9Z;
  const starter = await createTenant(t.app, bistro({ plan: 'starter' } as any));
  await assert.rejects(connect(starter.key), /plan_upgrade_required/);
});

test('another restaurant\'s key: refused on its /mcp/{restaurant}, and blind to that restaurant\'s bookings on /mcp', async () => {
  t.clock.ms = MONDAY_9Z;
  const a = await createTenant(t.app, bistro());
  const b = await createTenant(t.app, bistro());
  const ca = await connect(a.key, { path: `/mcp/${a.slug}` });
  const booked = await ok(ca, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA });
  await assert.rejects(connect(b.key, { path: `/mcp/${a.slug}` }), (err: Error & { code?: number }) => {
    assert.equal(err.code, 403);
    assert.match(err.message, /restaurant_scope_mismatch/);
    return true;
  });
  await assert.rejects(connect(b.key, { path: `/mcp/${a.id}` }), /restaurant_scope_mismatch/);
  const cb = await connect(b.key);
  const e = await refused(cb, 'find_booking', { reference: booked.reservation.reference, contact: ADA.email });
  assert.equal(e.code, 'reservation_not_found');
  assert.equal((await refused(cb, 'cancel_booking', { reference: booked.reservation.reference, contact: ADA.email })).code, 'reservation_not_found');
  assert.equal((await ok(cb, 'get_restaurant')).id, b.id, 'the key decides the restaurant');
  assert.equal((await a.get(`/reservations/${booked.reservation.id}`)).json().status, 'confirmed', 'A\'s booking untouched');
});

test('the key\'s origin allow-list applies', async () => {
  const r = await createTenant(t.app, bistro(), [...SCOPES], { allowedOrigins: ['https://bistro.example'] } as any);
  await assert.rejects(connect(r.key, { headers: { origin: 'https://evil.example' } }), /origin_not_allowed/);
  await connect(r.key, { headers: { origin: 'https://bistro.example' } });
});

test('the per-key rate limit applies to every MCP request; the booking budget to book_table; the usage log records them', async () => {
  t.clock.ms = MONDAY_9Z;
  const r = await createTenant(t.app, bistro(), [...SCOPES], { rateLimitPerMinute: 5, bookingRateLimitPerMinute: 1 } as any);
  const c = await connect(r.key); // 2 requests: initialize, notifications/initialized
  await ok(c, 'book_table', { date: TUE, time: '12:00', partySize: 2, customer: ADA }); // 3
  const budget = await refused(c, 'book_table', { date: TUE, time: '12:15', partySize: 2, customer: ADA }); // 4
  assert.deepEqual([budget.code, budget.details.limit], ['rate_limit_exceeded', 1]);
  await ok(c, 'find_availability', { date: TUE, partySize: 2 }); // 5
  await assert.rejects(c.listTools(), (err: Error) => {
    assert.equal((err as Error & { code?: number }).code, 429);
    assert.match(err.message, /rate_limit_exceeded/);
    return true;
  });
  t.clock.advance(61_000);
  await ok(c, 'find_availability', { date: TUE, partySize: 2 });
  await t.app.services.usage.flush();
  const usage = await t.app.services.keys.usage(r.id, r.keyId, 1, 20);
  const statuses = usage.recent.filter((u) => u.route === '/mcp').map((u) => u.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 202, 429]); // a tool error is a 200 answer; the GET for a stream (405) needs no key
});
