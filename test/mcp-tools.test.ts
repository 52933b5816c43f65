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
