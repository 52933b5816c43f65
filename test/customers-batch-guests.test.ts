/**
 * completeGuests (a batch of bookings' guests, src/modules/customers/identity.ts): one statement for guests whose
 * contact details are all distinct, one statement each otherwise; either way exactly what completeGuest gives one by
 * one — the records, the guests resolved, and the customer events deferred to the bookings.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z } from './helpers/booking.js';
import { completeGuest, completeGuests, lookUpGuest, type CustomerInput } from '../src/modules/customers/identity.js';
import { preparedName } from '../src/db/prepared.js';
import type { Queryable } from '../src/db/types.js';
import type { EventInput } from '../src/modules/webhooks/outbox.js';

let t: TestApp;
before(async () => {
  t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
});
after(async () => t.close());

/** Two known guests, then the same guests booking in one restaurant: resolved one by one, or by completeGuests. */
async function resolve(guests: CustomerInput[], together: boolean) {
  const r = await createTenant(t.app, bistro());
  await t.db.query(
    `INSERT INTO customers (id, restaurant_id, name, email, phone) VALUES
       ('cus_known_carla_' || $2, $1, 'Carla', 'carla@example.com', '+33611111111'),
       ('cus_known_dan_' || $2, $1, 'Dan', NULL, '+33622222222')`,
    [r.id, r.id.slice(4)],
  );
  const statements: string[] = [];
  const events: EventInput[][] = guests.map(() => []);
  const resolved = await t.db.transaction(async (tx) => {
    const counted: Queryable = {
      query: (sql: string, params?: unknown[]) => {
        statements.push(preparedName(sql) ?? sql.slice(0, 40));
        return tx.query(sql, params);
      },
    } as Queryable;
    const lookups = [];
    for (const [i, g] of guests.entries()) lookups.push(await lookUpGuest(counted, r.id, g, MONDAY_9Z, 'api', { deferEvents: events[i] }));
    if (together) return completeGuests(counted, lookups);
    const out = [];
    for (const l of lookups) out.push(await completeGuest(counted, l));
    return out;
  });
  const { rows } = await t.db.query<{ id: string; name: string; email: string | null; phone: string | null }>(
    `SELECT id, name, email, phone, marketing_consent, marketing_consent_source FROM customers WHERE restaurant_id = $1 ORDER BY name, email`,
    [r.id],
  );
  // Ids told apart only by the run: known ones carry its restaurant's, new ones are drawn (named by their name).
  const known = (id: string) => (id.startsWith('cus_known_') ? id.replace(/^(cus_known_[a-z]+)_.*$/, '$1') : rows.find((c) => c.id === id)?.name);
  return {
    resolved: resolved.map((c) => ({ ...c, id: known(c.id) })),
    records: rows.map((c) => ({ ...c, id: known(c.id) })),
    events: events.map((list) => list.map((e) => `${e.type} ${known((e.data as { id: string }).id)}`)),
    statements,
  };
}

test('guests with distinct contact details: one statement, the same guests, records and events as one by one', async () => {
  const guests: CustomerInput[] = [
    { name: 'Nora', email: 'nora@example.com' },
    { name: 'Carla B', email: 'Carla@Example.com' }, // Carla, by email
    { name: 'Carla again', phone: '+33 6 11 11 11 11', marketingConsent: true }, // Carla too, by phone: read again
    { name: 'Dan', phone: '+33622222222', email: 'dan@example.com' }, // Dan, whose email is filled in
    { name: 'Olga', phone: '+33633333333', marketingConsent: true },
  ];
  const one = await resolve(guests, false);
  const together = await resolve(guests, true);
  assert.deepEqual(together.resolved, one.resolved);
  assert.deepEqual(together.records, one.records);
  assert.deepEqual(together.events, one.events);
  assert.deepEqual(one.events, [['customer.created Nora'], [], ['customer.updated cus_known_carla'], ['customer.updated cus_known_dan'], ['customer.created Olga']]);
  const finds = (s: string[]) => s.filter((n) => /^maitre_customers?_find_or_create$/.test(n));
  assert.deepEqual(finds(one.statements), Array(5).fill('maitre_customer_find_or_create'));
  // One find-or-create for all five; the second guest found Carla again is read on its own after the first's settle.
  assert.deepEqual(finds(together.statements), ['maitre_customers_find_or_create', 'maitre_customer_find_or_create']);
});

test('a contact shared by two guests of the batch: one statement each, in order (the first creates, the second finds)', async () => {
  const guests: CustomerInput[] = [
    { name: 'Pia', email: 'pia@example.com' },
    { name: 'Pia with a phone', email: 'pia@example.com', phone: '+33644444444' },
  ];
  const one = await resolve(guests, false);
  const together = await resolve(guests, true);
  assert.deepEqual(together, one);
  assert.equal(together.records.filter((c) => c.email === 'pia@example.com').length, 1);
  assert.equal(together.records.find((c) => c.email === 'pia@example.com')!.phone, '+33644444444');
});
